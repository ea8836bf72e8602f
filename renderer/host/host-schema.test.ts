import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHostMessage, checkResult } from './host-schema.ts';

const good = { ts: 1, node: '127.0.0.1:3000@1', event: 'join', member: '127.0.0.1:3001@2', incarnation: 0 };
const view = {
  session: 's', mode: 'process', protocol: { family: 'ping', suspicion: true, epoch: 1, settled: true }, nodes: [],
  ids: ['127.0.0.1:3000@1', '127.0.0.1:3001@2'], lists: [{ observer: 0, running: true, entries: [1, 1, 0, 5] }],
  stats: [], progress: null, actions: [], partition: null,
};

test('a delta with one malformed event is dropped whole (its seq then shows the gap) and counted', () => {
  const rejected = { frames: 0 };
  const ok = { type: 'delta', seq: 3, change: { type: 'events', events: [good] } };
  assert.deepEqual(checkHostMessage(ok, rejected), ok);
  assert.equal(checkHostMessage({ ...ok, change: { type: 'events', events: [good, { ...good, event: 'explode' }] } }, rejected), undefined);
  assert.equal(checkHostMessage({ ...ok, seq: -1 }, rejected), undefined);
  assert.equal(checkHostMessage({ ...ok, seq: 1.5 }, rejected), undefined);
  assert.deepEqual(rejected, { frames: 3 });
});

test('a snapshot is checked down to its list entries', () => {
  const rejected = { frames: 0 };
  assert.deepEqual(checkHostMessage({ type: 'snapshot', seq: 0, view }, rejected), { type: 'snapshot', seq: 0, view });
  const bad = [
    { ...view, lists: [{ observer: 2, running: true, entries: [] }] },
    { ...view, lists: [{ observer: 0, running: true, entries: [5, 1, 0, 5] }] },
    { ...view, lists: [{ observer: 0, running: true, entries: [1, 7, 0, 5] }] },
    { ...view, lists: [{ observer: 0, running: true, entries: [1, 1, 0] }] },
    { ...view, mode: 'cloud' },
    { ...view, protocol: { family: 'swim', suspicion: true, epoch: 1, settled: true } },
  ];
  for (const v of bad) assert.equal(checkHostMessage({ type: 'snapshot', seq: 0, view: v }, rejected), undefined);
  assert.equal(rejected.frames, bad.length);
});

test('drops malformed messages and counts them, never throws', () => {
  const rejected = { frames: 0 };
  for (const raw of [null, 42, 'x', {}, { type: 'delta', seq: 1 }, { type: 'delta', seq: 1, change: { type: 'nodes', nodes: [{ address: 'a' }] } }, { type: 'what' }]) {
    assert.equal(checkHostMessage(raw, rejected), undefined);
  }
  assert.equal(rejected.frames, 7);
  assert.deepEqual(checkHostMessage({ type: 'notice', message: 'port busy' }, rejected), { type: 'notice', message: 'port busy' });
});

test('checks results against their request', () => {
  const node = { address: '127.0.0.1:3000', id: '127.0.0.1:3000@1', state: 'running', managed: true };
  assert.deepEqual(checkResult({ type: 'add-node' }, { node }), { node });
  assert.equal(checkResult({ type: 'add-node' }, { node: { ...node, state: 'zombie' } }), undefined);
  assert.deepEqual(checkResult({ type: 'stop-cluster' }, {}), {});
});
