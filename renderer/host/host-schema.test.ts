import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHostMessage, checkResult } from './host-schema.ts';

const good = { ts: 1, node: '127.0.0.1:3000@1', event: 'join', member: '127.0.0.1:3001@2', incarnation: 0 };

test('drops malformed events from a batch and counts them', () => {
  const rejected = { frames: 0, events: 0 };
  const m = checkHostMessage({ type: 'events', events: [good, { ...good, event: 'explode' }, { ...good, ts: 'x' }, null] }, rejected);
  assert.deepEqual(m, { type: 'events', events: [good] });
  assert.deepEqual(rejected, { frames: 0, events: 3 });
});

test('drops malformed frames and counts them, never throws', () => {
  const rejected = { frames: 0, events: 0 };
  for (const raw of [null, 42, 'x', {}, { type: 'nodes' }, { type: 'nodes', nodes: [{ address: 'a' }] }, { type: 'what' }]) {
    assert.equal(checkHostMessage(raw, rejected), undefined);
  }
  assert.equal(rejected.frames, 7);
  assert.deepEqual(checkHostMessage({ type: 'error', message: 'port busy' }, rejected), { type: 'error', message: 'port busy' });
});

test('checks results against their request', () => {
  const node = { address: '127.0.0.1:3000', id: '127.0.0.1:3000@1', state: 'running', managed: true };
  assert.deepEqual(checkResult({ type: 'add-node' }, { node }), { node });
  assert.equal(checkResult({ type: 'add-node' }, { node: { ...node, state: 'zombie' } }), undefined);
  assert.deepEqual(checkResult({ type: 'stop-cluster' }, {}), {});
});
