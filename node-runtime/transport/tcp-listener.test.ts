import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../node/testing/wait-for.ts';
import { isLoopback, TcpListener } from './tcp-listener.ts';
import type { Hello } from './tcp-listener.ts';

const PORT = 21001;

function exchange(payload: string | Buffer): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(PORT, '127.0.0.1');
    let reply = '';
    socket.on('data', (d) => { reply += d.toString(); });
    socket.on('error', reject);
    socket.on('close', () => resolve({ reply, closed: true }));
    socket.end(payload);
  });
}

describe('TcpListener', () => {
  let listener: TcpListener;
  const seen: { hello: Hello; rest: string }[] = [];

  before(async () => {
    listener = await TcpListener.listen('127.0.0.1', PORT);
    listener.handle('ctl', (hello, socket) => {
      let rest = '';
      socket.on('data', (d) => { rest += d.toString(); });
      socket.on('end', () => {
        seen.push({ hello, rest });
        socket.end('done\n');
      });
      socket.resume();
    });
    listener.handle('join', (_hello, socket) => socket.end('joined\n'), { public: true });
  });
  after(() => listener.close());

  it('dispatches on the hello type and keeps the bytes after the hello line', async () => {
    const socket = net.connect(PORT, '127.0.0.1');
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => { text += d.toString(); });
      socket.on('close', () => resolve(text));
      socket.write('{"v":1,"type":"ctl","command":"x"}\nextra');
      socket.end(' bytes');
    });
    assert.equal(reply, 'done\n');
    assert.deepEqual(seen.at(-1), { hello: { v: 1, type: 'ctl', command: 'x' }, rest: 'extra bytes' });
  });

  it('reads a hello split over several packets', async () => {
    const socket = net.connect(PORT, '127.0.0.1');
    socket.setNoDelay(true);
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => { text += d.toString(); });
      socket.on('close', () => resolve(text));
      socket.write('{"v":1,"ty');
      setImmediate(() => socket.write('pe":"join"}\n'));
    });
    assert.equal(reply, 'joined\n');
  });

  it('counts malformed hellos and closes their sockets', async () => {
    const before = listener.counters().malformed;
    const results = await Promise.all([
      exchange('not json\n'),
      exchange('{"v":2,"type":"ctl"}\n'),
      exchange('{"v":1,"type":"nope"}\n'),
      exchange('{"v":1}\n'),
      exchange('{"v":1,"type":"ctl"'), // no newline: the client's end comes first
    ]);
    for (const r of results) assert.equal(r.closed, true);
    assert.match(results[0]!.reply, /"ok":false/);
    assert.match(results[2]!.reply, /unknown hello type 'nope'/);
    await waitFor(() => listener.counters().malformed === before + 5, { timeoutMs: 2000, what: 'five malformed hellos' });
  });

  it('recognises loopback peers', () => {
    assert.equal(isLoopback('127.0.0.1'), true);
    assert.equal(isLoopback('::1'), true);
    assert.equal(isLoopback('::ffff:127.0.0.1'), true);
    assert.equal(isLoopback('10.0.0.1'), false);
    assert.equal(isLoopback(undefined), false);
  });

  it('rejects a busy port with EADDRINUSE', async () => {
    await assert.rejects(TcpListener.listen('127.0.0.1', PORT), { code: 'EADDRINUSE' });
  });
});
