import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ViewState } from './view-state.ts';
import type { MembershipEvent } from './events.ts';
import type { ClusterNode, NodeStats, ViewChange } from './view-contract.ts';

const A = '127.0.0.1:3000@1';
const B = '127.0.0.1:3001@1';
const B2 = '127.0.0.1:3001@2';
const ev = (ts: number, node: string, event: MembershipEvent['event'], member: string, incarnation?: number): MembershipEvent =>
  ({ ts, node, event, member, ...(incarnation === undefined ? {} : { incarnation }) });
const node = (address: string, id: string | undefined, state: ClusterNode['state']): ClusterNode => ({ address, id, state, managed: true });

/** The host's clock, as the state is given it (its `stop` events carry this time). */
const NOW = 1_700_000_000_000;

function started(): ViewState {
  const v = new ViewState(() => NOW);
  v.reset('s', 'process');
  v.apply({ type: 'nodes', nodes: [node('127.0.0.1:3000', A, 'running'), node('127.0.0.1:3001', B, 'running')] });
  v.apply({ type: 'events', events: [ev(1, A, 'start', A), ev(1, B, 'start', B), ev(2, A, 'join', B, 0), ev(2, B, 'join', A, 0)] });
  return v;
}

test('every change is numbered; the snapshot holds the lists as they stand, and the seq they stand at', () => {
  const v = started();
  assert.equal(v.seq, 2);
  const out = v.apply({ type: 'events', events: [ev(5, A, 'suspect', B, 0), ev(6, A, 'alive', B, 1)] });
  assert.deepEqual(out.map((d) => d.seq), [3]);
  const s = v.snapshot();
  const listOf = (id: string) => {
    const l = s.lists.find((x) => s.ids[x.observer] === id)!;
    const rows: [string, number, number, number][] = [];
    for (let i = 0; i < l.entries.length; i += 4) rows.push([s.ids[l.entries[i]!]!, l.entries[i + 1]!, l.entries[i + 2]!, l.entries[i + 3]!]);
    return { running: l.running, rows };
  };
  assert.deepEqual(listOf(A), { running: true, rows: [[A, 1, 0, 1], [B, 1, 1, 6]] });
  assert.deepEqual(s.nodes.map((n) => n.id), [A, B]);
});

test('a slot that goes down, or changes id, stops the old list in the same step', () => {
  const v = started();
  const out = v.apply({ type: 'nodes', nodes: [node('127.0.0.1:3001', B, 'killed')] });
  assert.deepEqual(out.map((d) => [d.seq, d.change.type]), [[3, 'nodes'], [4, 'events']]);
  const stop = out[1]!.change as Extract<ViewChange, { type: 'events' }>;
  assert.deepEqual(stop.events.map((e) => [e.ts, e.node, e.event, e.reason]), [[NOW, B, 'stop', 'host']]);
  assert.equal(v.snapshot().lists.length, 1, 'the stopped list is gone from the snapshot');
  assert.equal(v.apply({ type: 'nodes', nodes: [node('127.0.0.1:3001', undefined, 'starting')] }).length, 1, 'nothing left to stop');

  const w = started();
  const restarted = w.apply({ type: 'nodes', nodes: [node('127.0.0.1:3001', B2, 'running')] });
  assert.equal(restarted.length, 2, 'a new id at the address ends the old one');
  // A node that logs its own stop first (a rejoin under a new version) gets no second one.
  const x = started();
  x.apply({ type: 'events', events: [ev(9, B, 'stop', B), ev(9, B2, 'start', B2)] });
  assert.equal(x.apply({ type: 'nodes', nodes: [node('127.0.0.1:3001', B2, 'running')] }).length, 1);
});

test('a removed slot is gone from the snapshot, and its list stops', () => {
  const v = started();
  const out = v.apply({ type: 'nodes', nodes: [], removed: ['127.0.0.1:3001'] });
  assert.deepEqual(out.map((d) => d.change.type), ['nodes', 'events']);
  assert.deepEqual(v.snapshot().nodes.map((n) => n.address), ['127.0.0.1:3000']);
  assert.equal(v.snapshot().lists.length, 1);
});

const modeStats = (address: string, family: 'gossip' | 'ping', suspicion: boolean, epoch: number): NodeStats =>
  ({ address, bytesInPerSec: 0, bytesOutPerSec: 0, dropped: 0, malformed: 0, protocol: { family, suspicion, epoch } });

test('the protocol in force is the highest epoch reported by running nodes', () => {
  const v = started();
  const first = v.apply({ type: 'stats', stats: [modeStats('127.0.0.1:3000', 'ping', true, 2), modeStats('127.0.0.1:3001', 'gossip', false, 1)] });
  assert.deepEqual(first.map((d) => d.change), [first[0]!.change, { type: 'protocol', protocol: { family: 'ping', suspicion: true, epoch: 2, settled: false } }]);
  const settled = v.apply({ type: 'stats', stats: [modeStats('127.0.0.1:3001', 'ping', true, 2)] });
  assert.deepEqual(settled[1]?.change, { type: 'protocol', protocol: { family: 'ping', suspicion: true, epoch: 2, settled: true } });
  assert.equal(v.apply({ type: 'stats', stats: [modeStats('127.0.0.1:3001', 'ping', true, 2)] }).length, 1, 'no change, no delta');
  assert.deepEqual(v.snapshot().protocol, { family: 'ping', suspicion: true, epoch: 2, settled: true });
});

test('not settled while a running node has not reported (it may not have switched yet)', () => {
  const v = started();
  v.apply({ type: 'stats', stats: [modeStats('127.0.0.1:3000', 'gossip', false, 1)] });
  assert.deepEqual(v.snapshot().protocol, { family: 'gossip', suspicion: false, epoch: 1, settled: false });
  v.apply({ type: 'stats', stats: [modeStats('127.0.0.1:3001', 'gossip', false, 1)] });
  assert.equal(v.snapshot().protocol?.settled, true);
});

test('side by side, each side settles on its own: both shown, neither overrules the other', () => {
  const v = new ViewState(() => NOW);
  v.reset('s', 'pair');
  const nodes = [0, 1, 2, 3].map((i) => ({ address: `127.0.0.1:${3000 + i}`, id: undefined, state: 'running', managed: true, group: i < 2 ? 0 : 1 } as const));
  v.apply({ type: 'nodes', nodes });
  v.apply({ type: 'stats', stats: [modeStats(nodes[0]!.address, 'gossip', false, 0), modeStats(nodes[1]!.address, 'gossip', false, 0),
    modeStats(nodes[2]!.address, 'ping', true, 3), modeStats(nodes[3]!.address, 'ping', true, 3)] });
  assert.deepEqual(v.snapshot().protocol, {
    family: 'gossip', suspicion: false, epoch: 0, settled: true,
    sides: [{ family: 'gossip', suspicion: false, epoch: 0 }, { family: 'ping', suspicion: true, epoch: 3 }],
  });
});

test('a reset forgets the session but the sequence goes on', () => {
  const v = started();
  v.reset(null, null);
  assert.equal(v.seq, 2);
  assert.deepEqual(v.snapshot(), { session: null, mode: null, protocol: null, nodes: [], ids: [], lists: [], stats: [], progress: null, actions: [], partition: null });
});

test('the partition in force is part of the snapshot: set by a partition action, cleared by heal and by a new session', () => {
  const v = started();
  assert.equal(v.snapshot().partition, null);
  v.apply({ type: 'action', record: { ts: 5, action: 'partition', address: '*', side: ['127.0.0.1:3001'] } });
  v.apply({ type: 'action', record: { ts: 6, action: 'kill', address: '127.0.0.1:3000', member: A } });
  assert.deepEqual(v.snapshot().partition, ['127.0.0.1:3001']);
  v.apply({ type: 'action', record: { ts: 7, action: 'heal', address: '*' } });
  assert.equal(v.snapshot().partition, null);
  v.apply({ type: 'action', record: { ts: 8, action: 'partition', address: '*', side: ['127.0.0.1:3000'] } });
  v.reset('t', 'process');
  assert.equal(v.snapshot().partition, null);
});
