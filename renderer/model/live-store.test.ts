import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveStore } from './live-store.ts';
import type { MembershipEvent } from '../../node-runtime/protocol/events.ts';

const A = '127.0.0.1:3000@1';
const B = '127.0.0.1:3001@1';
const ev = (ts: number, node: string, event: MembershipEvent['event'], member: string): MembershipEvent => ({ ts, node, event, member });

test('applies queued messages in order on drain and reports errors at once', () => {
  const errors: string[] = [];
  const s = new LiveStore((m) => errors.push(m));
  s.receive({ type: 'events', events: [ev(1, A, 'start', A), ev(1, B, 'start', B), ev(2, A, 'join', B)] });
  s.receive({ type: 'error', message: 'boom' });
  s.receive({ type: 'progress', phase: 'starting', done: 1, total: 2 });
  assert.deepEqual(errors, ['boom']);
  assert.equal(s.state.size, 0, 'nothing applied before the frame');
  const r = s.drain(() => 0, 8);
  assert.deepEqual(r, { applied: 3, otherChanged: true });
  assert.equal(s.state.statusOf(A, B), 'alive');
  assert.deepEqual(s.progress, { type: 'progress', phase: 'starting', done: 1, total: 2 });
  assert.deepEqual([...s.drainedTs.subarray(0, s.drainedCount)], [1, 1, 2]);
});

test('a drain stops at its budget and resumes mid-batch', () => {
  const s = new LiveStore();
  const events = Array.from({ length: 2000 }, (_, i) => ev(i, A, 'join', `127.0.0.1:${4000 + i}@1`));
  s.receive({ type: 'events', events });
  let now = 0;
  const first = s.drain(() => (now += 5), 8);
  assert.ok(first.applied < 2000 && first.applied > 0);
  assert.equal(s.backlog, 2000 - first.applied);
  const second = s.drain(() => 0, 8);
  assert.equal(first.applied + second.applied, 2000);
  assert.equal(s.state.size, 2001);
});

test('a kill ends the victim list, times its detection and collects fail events as detections', () => {
  const s = new LiveStore();
  s.receive({ type: 'events', events: [ev(1, A, 'start', A), ev(1, B, 'start', B), ev(2, A, 'join', B), ev(2, B, 'join', A)] });
  s.receive({ type: 'action', record: { ts: 10, action: 'kill', address: '127.0.0.1:3001', member: B } });
  s.receive({ type: 'events', events: [ev(900, A, 'fail', B)] });
  s.drain(() => 0, 8);
  assert.equal(s.state.isRunning(B), false);
  assert.deepEqual(s.detections.map((e) => e.event), ['fail']);
  assert.equal(s.latency.recent()[0]!.firstMs, 890);
  assert.equal(s.latency.recent()[0]!.allMs, 890);
});

test('a node reported killed stops voting', () => {
  const s = new LiveStore();
  s.receive({ type: 'events', events: [ev(1, A, 'start', A), ev(1, B, 'start', B)] });
  s.receive({ type: 'nodes', nodes: [{ address: '127.0.0.1:3001', id: B, state: 'killed', managed: true }] });
  s.drain(() => 0, 8);
  assert.equal(s.state.isRunning(B), false);
  assert.equal(s.nodesRevision, 1);
});

test('a new session drops what came before it', () => {
  const s = new LiveStore();
  s.receive({ type: 'events', events: [ev(1, A, 'start', A)] });
  s.drain(() => 0, 8);
  s.receive({ type: 'events', events: [ev(2, B, 'start', B)] });
  s.receive({ type: 'session', session: '2026-11-24T10-00-00', mode: 'embedded' });
  s.receive({ type: 'events', events: [ev(3, B, 'start', B)] });
  s.drain(() => 0, 8);
  assert.deepEqual(s.state.allIds(), [B]);
  assert.deepEqual(s.session, { session: '2026-11-24T10-00-00', mode: 'embedded' });
});
