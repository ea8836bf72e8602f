import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { WsHostApi, socketUrl } from './ws-host-api.ts';
import type { SocketLike } from './ws-host-api.ts';
import type { HostMessage } from '../../electron/host/api.ts';

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const SNAPSHOT = { session: null, mode: null, protocol: null, nodes: [], ids: [], lists: [], stats: [], progress: null, actions: [], partition: null };

test('requests, replies, pushes per stream; malformed frames are counted and dropped', async (t) => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  t.after(() => server.close());
  await new Promise((r) => server.once('listening', r));
  server.on('connection', (ws) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if ('subscribe' in frame) {
        const sub = frame.subscribe;
        ws.send(JSON.stringify({ sub, push: { type: 'snapshot', seq: 0, view: SNAPSHOT } }));
        ws.send('not json');
        ws.send(JSON.stringify({ sub, push: { type: 'delta', seq: 1, change: { type: 'events', events: [{ ts: 1 }] } } }));
        ws.send(JSON.stringify({ sub: sub + 100, push: { type: 'notice', message: 'for a stream long closed' } }));
        ws.send(JSON.stringify({ sub, push: { type: 'notice', message: 'hello' } }));
        return;
      }
      const { id, request } = frame;
      if (request.type === 'add-node') {
        ws.send(JSON.stringify({ id, ok: true, result: { node: { address: '127.0.0.1:3000', id: '127.0.0.1:3000@1', state: 'running', managed: true } } }));
      } else if (request.type === 'stop-cluster') {
        ws.send(JSON.stringify({ id, ok: true, result: { surprise: 1 } }));
      } else {
        ws.send(JSON.stringify({ id, ok: false, error: 'no cluster running' }));
      }
    });
  });
  const port = (server.address() as AddressInfo).port;
  const api = new WsHostApi(`ws://127.0.0.1:${port}/ws`, (u) => new WebSocket(u) as unknown as SocketLike);
  t.after(() => api.close());
  const pushed: HostMessage[] = [];
  api.subscribe((m) => pushed.push(m));
  await until(() => pushed.length === 2);
  assert.deepEqual(pushed, [{ type: 'snapshot', seq: 0, view: SNAPSHOT }, { type: 'notice', message: 'hello' }]);
  assert.deepEqual(api.rejected, { frames: 2 });
  const added = await api.request({ type: 'add-node' });
  assert.equal(added.node.address, '127.0.0.1:3000');
  await assert.rejects(api.request({ type: 'set-suspicion', enabled: true }), /no cluster running/);
  await assert.rejects(api.request({ type: 'stop-cluster' }), /malformed reply/);
});

test('after the connection drops, every open stream is subscribed again and opens with a fresh snapshot', async (t) => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  t.after(() => server.close());
  await new Promise((r) => server.once('listening', r));
  const subscribes: number[] = [];
  let seq = 0;
  server.on('connection', (ws) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (!('subscribe' in frame)) return;
      subscribes.push(frame.subscribe);
      ws.send(JSON.stringify({ sub: frame.subscribe, push: { type: 'snapshot', seq: seq++, view: SNAPSHOT } }));
    });
  });
  const port = (server.address() as AddressInfo).port;
  const api = new WsHostApi(`ws://127.0.0.1:${port}/ws`, (u) => new WebSocket(u) as unknown as SocketLike);
  t.after(() => api.close());
  const snapshots: number[] = [];
  const stop = api.subscribe((m) => { if (m.type === 'snapshot') snapshots.push(m.seq); });
  await until(() => snapshots.length === 1);
  api.dropConnection();
  await until(() => snapshots.length === 2);
  assert.deepEqual(snapshots, [0, 1]);
  assert.equal(new Set(subscribes).size, 1, 'the same stream, subscribed again');
  stop();
});

test('rejects requests while disconnected', async () => {
  const api = new WsHostApi('ws://127.0.0.1:1/ws', (u) => new WebSocket(u) as unknown as SocketLike);
  await assert.rejects(api.request({ type: 'add-node' }), /not connected/);
  api.close();
});

test('socket url follows the page and carries its token', () => {
  assert.equal(socketUrl({ protocol: 'http:', host: '127.0.0.1:23001', search: '' }), 'ws://127.0.0.1:23001/ws');
  assert.equal(socketUrl({ protocol: 'https:', host: 'h:1', search: '?token=a b' }), 'wss://h:1/ws?token=a%20b');
});
