import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveStore } from './live-store.ts';
import type { StateMessage } from './live-store.ts';
import type { MembershipEvent } from '../../node-runtime/protocol/events.ts';
import type { ViewChange, ViewSnapshot } from '../../electron/host/api.ts';

const A = '127.0.0.1:3000@1';
const B = '127.0.0.1:3001@1';
const ev = (ts: number, node: string, event: MembershipEvent['event'], member: string): MembershipEvent => ({ ts, node, event, member });
const EMPTY: ViewSnapshot = { session: 's', mode: 'process', protocol: null, nodes: [], ids: [], lists: [], stats: [], progress: null, actions: [], partition: null };
const snapshot = (seq: number, view: Partial<ViewSnapshot> = {}): StateMessage => ({ type: 'snapshot', seq, view: { ...EMPTY, ...view } });
const delta = (seq: number, change: ViewChange): StateMessage => ({ type: 'delta', seq, change });

test('applies deltas in order on drain, after the snapshot; notices at once', () => {
  const notices: string[] = [];
  const s = new LiveStore((m) => notices.push(m));
  s.receive(snapshot(4));
  s.receive(delta(5, { type: 'events', events: [ev(1, A, 'start', A), ev(1, B, 'start', B), ev(2, A, 'join', B)] }));
  s.receive({ type: 'notice', message: 'boom' });
  s.receive(delta(6, { type: 'progress', progress: { phase: 'starting', done: 1, total: 2 } }));
  assert.deepEqual(notices, ['boom']);
  assert.equal(s.state.size, 0, 'nothing applied before the frame');
  const r = s.drain(() => 0, 8);
  assert.deepEqual(r, { applied: 3, otherChanged: true });
  assert.equal(s.state.statusOf(A, B), 'alive');
  assert.deepEqual(s.progress, { phase: 'starting', done: 1, total: 2 });
  assert.deepEqual([...s.drainedTs.subarray(0, s.drainedCount)], [1, 1, 2]);
});

test('a drain stops at its budget and resumes mid-batch', () => {
  const s = new LiveStore();
  s.receive(snapshot(0));
  const events = Array.from({ length: 2000 }, (_, i) => ev(i, A, 'join', `127.0.0.1:${4000 + i}@1`));
  s.receive(delta(1, { type: 'events', events }));
  let now = 0;
  const first = s.drain(() => (now += 5), 8);
  assert.ok(first.applied < 2000 && first.applied > 0);
  assert.equal(s.backlog, 2000 - first.applied);
  const second = s.drain(() => 0, 8);
  assert.equal(first.applied + second.applied, 2000);
  assert.equal(s.state.size, 2001);
});

test('a gap in the sequence asks for a snapshot once, and nothing is folded until it comes', () => {
  const s = new LiveStore();
  assert.equal(s.receive(delta(3, { type: 'events', events: [ev(1, A, 'start', A)] })), 'ok', 'before any snapshot: ignored');
  s.receive(snapshot(10));
  assert.equal(s.receive(delta(9, { type: 'events', events: [ev(1, B, 'start', B)] })), 'ok', 'older than the snapshot: ignored');
  assert.equal(s.receive(delta(11, { type: 'events', events: [ev(1, A, 'start', A)] })), 'ok');
  assert.equal(s.receive(delta(13, { type: 'events', events: [ev(2, A, 'join', B)] })), 'resync');
  assert.equal(s.receive(delta(14, { type: 'events', events: [ev(3, A, 'fail', B)] })), 'ok', 'one resync per gap');
  s.drain(() => 0, 8);
  assert.equal(s.state.statusOf(A, B), undefined);
  assert.equal(s.resyncs, 1);
  s.receive(snapshot(14, { ids: [A, B], lists: [{ observer: 0, running: true, entries: [0, 1, 0, 1, 1, 3, 0, 3] }] }));
  s.receive(delta(15, { type: 'events', events: [ev(4, A, 'remove', B)] }));
  s.drain(() => 0, 8);
  assert.equal(s.state.isRunning(A), true);
  assert.equal(s.state.statusOf(A, A), 'alive');
  assert.equal(s.state.statusOf(A, B), undefined, 'snapshot, then the delta after it');
  assert.equal(s.seq, 15);
});

test('a snapshot replaces everything: slots, stats, lists, mode; its lists are state, not news', () => {
  const s = new LiveStore();
  s.receive(snapshot(1));
  s.receive(delta(2, { type: 'events', events: [ev(1, '127.0.0.1:9@1', 'start', '127.0.0.1:9@1')] }));
  s.drain(() => 0, 8);
  const node = { address: '127.0.0.1:3001', id: B, state: 'running', managed: true } as const;
  s.receive(snapshot(7, {
    session: 'later', nodes: [node], ids: [A, B], stats: [{ address: node.address, bytesInPerSec: 1, bytesOutPerSec: 2, dropped: 0, malformed: 0 }],
    protocol: { family: 'ping', suspicion: true, epoch: 3, settled: true },
    lists: [{ observer: 1, running: true, entries: [1, 1, 0, 5, 0, 3, 2, 6] }],
  }));
  s.drain(() => 0, 8);
  assert.deepEqual(s.state.allIds(), [B, A]);
  assert.equal(s.state.statusOf(B, A), 'failed');
  assert.equal(s.state.incarnationOf(B, A), 2);
  assert.deepEqual(s.nodes, [node]);
  assert.equal(s.stats.get(node.address)?.bytesOutPerSec, 2);
  assert.deepEqual(s.protocol, { family: 'ping', suspicion: true, epoch: 3, settled: true });
  assert.deepEqual(s.session, { session: 'later', mode: 'process' });
  assert.equal(s.detections.length, 0, 'no pulses for a failure that is old news');
  assert.equal(s.drainedCount, 0, 'no event-to-screen samples either');
});

test('detection latency survives a snapshot: the kill and the failures keep their times', () => {
  const s = new LiveStore();
  s.receive(snapshot(1, {
    ids: [A, B, '127.0.0.1:3002@1'],
    actions: [{ ts: 1000, action: 'kill', address: '127.0.0.1:3002', member: '127.0.0.1:3002@1' }],
    lists: [
      { observer: 0, running: true, entries: [0, 1, 0, 900, 2, 3, 0, 2400] },
      { observer: 1, running: true, entries: [1, 1, 0, 900, 2, 3, 0, 2100] },
    ],
  }));
  s.drain(() => 0, 8);
  const d = s.latency.recent()[0]!;
  assert.equal(d.firstMs, 1100);
  assert.equal(d.allMs, 1400);
});

test('node deltas replace slots by address and keep their order', () => {
  const s = new LiveStore();
  s.receive(snapshot(0, { nodes: [{ address: 'a:1', id: 'a:1@1', state: 'running', managed: true }, { address: 'a:2', id: 'a:2@1', state: 'running', managed: true }] }));
  s.receive(delta(1, { type: 'nodes', nodes: [{ address: 'a:1', id: 'a:1@2', state: 'running', managed: true }] }));
  s.drain(() => 0, 8);
  assert.deepEqual(s.nodes.map((n) => n.id), ['a:1@2', 'a:2@1']);
});
