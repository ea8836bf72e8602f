import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { UserError } from '../user-error.ts';
import { waitFor } from '../node/testing/wait-for.ts';
import { controlRequest, subscribe } from './client.ts';
import type { StreamMessage } from './client.ts';

// A fake node whose behaviour each test picks through the command name.
const PORT = 21020;
const CLOSED_PORT = 21021;

describe('control client', () => {
  let server: net.Server;
  const sockets = new Set<net.Socket>();

  before(async () => {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.once('data', (d) => {
        const hello = JSON.parse(d.toString().split('\n')[0]!) as { type: string; command?: string };
        if (hello.type === 'subscribe') {
          socket.write('{"type":"hello","self":"127.0.0.1:1@1","members":[]}\n');
          socket.write('garbage\n');
          socket.write('{"type":"event","ts":1,"node":"127.0.0.1:1@1","event":"fail","member":"127.0.0.1:2@1"}\n');
          return;
        }
        switch (hello.command) {
          case 'ok': socket.end('{"ok":true,"result":{"x":1}}\n'); break;
          case 'err': socket.end('{"ok":false,"error":"unknown command \'err\'"}\n'); break;
          case 'garbage': socket.end('{"ok":"maybe"}\n'); break;
          case 'hang': break; // never answers
          case 'hangup': socket.destroy(); break;
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('resolves with the result', async () => {
    assert.deepEqual(await controlRequest(`127.0.0.1:${PORT}`, 'ok'), { x: 1 });
  });

  it("rejects with the node's error, as a UserError", async () => {
    await assert.rejects(controlRequest(`127.0.0.1:${PORT}`, 'err'), (e: Error) =>
      e instanceof UserError && e.message === `127.0.0.1:${PORT}: unknown command 'err'`);
  });

  it('rejects a malformed reply', async () => {
    await assert.rejects(controlRequest(`127.0.0.1:${PORT}`, 'garbage'), /malformed reply/);
  });

  it('times out on a node that never answers', async () => {
    const started = Date.now();
    await assert.rejects(controlRequest(`127.0.0.1:${PORT}`, 'hang', [], { timeoutMs: 300 }),
      (e: Error) => e instanceof UserError && /no reply from .* within 0.3 s/.test(e.message));
    assert.ok(Date.now() - started < 2000);
  });

  it('reports a connection closed without a reply', async () => {
    await assert.rejects(controlRequest(`127.0.0.1:${PORT}`, 'hangup'), /closed the connection|connection reset/);
  });

  it('names an unreachable node', async () => {
    await assert.rejects(controlRequest(`127.0.0.1:${CLOSED_PORT}`, 'ok'),
      (e: Error) => e instanceof UserError && /cannot reach 127.0.0.1:21021: connection refused/.test(e.message));
  });

  it('subscribes, validates each line and closes without an error on close()', async () => {
    const messages: StreamMessage[] = [];
    let closedWith: Error | undefined | 'open' = 'open';
    const sub = subscribe(`127.0.0.1:${PORT}`, {
      onMessage: (m) => messages.push(m),
      onClose: (e) => { closedWith = e; },
    });
    await waitFor(() => messages.length === 2, { timeoutMs: 2000, what: 'hello and event' });
    assert.equal(messages[0]!.type, 'hello');
    assert.equal(messages[1]!.type === 'event' && messages[1]!.event, 'fail');
    assert.equal(sub.malformed, 1);
    sub.close();
    assert.equal(closedWith, undefined);
  });

  it('reports a subscription that cannot connect', async () => {
    const error = await new Promise<Error | undefined>((resolve) => {
      subscribe(`127.0.0.1:${CLOSED_PORT}`, { onMessage: () => undefined, onClose: resolve });
    });
    assert.match(error?.message ?? '', /connection refused/);
  });
});
