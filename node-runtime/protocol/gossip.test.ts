// A joiner's announcement (gossip.ts): in gossip mode every member of its join snapshot is told of it within
// ~N / leaveFanout rounds, the rest after the first round by a datagram of its own entry only; in ping mode only the
// first round announces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MembershipCore } from './core.ts';
import type { JoinSnapshot } from './core.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { formatMemberId } from './member-id.ts';
import type { ProtocolFamily } from './mode.ts';
import { createRng } from './rng.ts';

const id = (port: number) => formatMemberId('127.0.0.1', port, 1);
const PORTS = Array.from({ length: 199 }, (_, i) => 10_000 + i);

function snapshotOf(family: ProtocolFamily): JoinSnapshot {
  return {
    members: PORTS.map((p) => ({ id: id(p), heartbeat: 1, incarnation: 0, status: 'alive' })),
    mode: { family, suspicion: false, epoch: 0 },
  };
}

/** Per round of the joiner's first `rounds`: the addresses it sent gossip to, and the largest datagram to each. */
function firstRounds(family: ProtocolFamily, rounds: number): Map<string, number>[] {
  const c = new MembershipCore({ self: id(9000), config: DEFAULT_CONFIG, rng: createRng(3), introducer: '127.0.0.1:10000' });
  c.start(0);
  c.command(0, { kind: 'joined', snapshot: snapshotOf(family) });
  const out: Map<string, number>[] = [];
  let t = 0;
  while (out.length < rounds) {
    const o = c.tick(t);
    const gossip = o.send.filter((s) => s.kind === 'gossip');
    if (gossip.length > 0) out.push(new Map(gossip.map((s) => [s.to, s.bytes.length])));
    t = o.nextWakeAt;
  }
  return out;
}

test('gossip mode: a joiner tells every member of its snapshot within ceil(N / leaveFanout) rounds, after the first by a small datagram', () => {
  const { leaveFanout, fanout } = DEFAULT_CONFIG;
  const rounds = Math.ceil(PORTS.length / leaveFanout);
  const sent = firstRounds('gossip', rounds + 1);
  const told = new Set(sent.slice(0, rounds).flatMap((r) => [...r.keys()]));
  assert.equal(told.size, PORTS.length, 'every member was sent a datagram');
  assert.ok(sent[0]!.has('127.0.0.1:10000'), 'the first round reaches the introducer');
  for (const r of sent.slice(1, rounds)) {
    const hellos = [...r.values()].filter((b) => b < 100).length;
    assert.ok(hellos <= leaveFanout && r.size - hellos === fanout, `${hellos} hellos and ${r.size - hellos} gossip packets in a round`);
  }
  assert.equal([...sent[1]!.values()].filter((b) => b < 100).length, leaveFanout, 'a full batch in the second round');
  assert.equal(sent[rounds]!.size, fanout, 'then the fanout alone');
});

test('ping mode: only the first round announces', () => {
  const { leaveFanout, fanout } = DEFAULT_CONFIG;
  const [first, ...later] = firstRounds('ping', 4);
  assert.ok(first!.size >= leaveFanout && first!.size <= leaveFanout + 1);
  // The fanout, and at most the introducer probe beside it.
  for (const r of later) assert.ok(r.size <= fanout + 1, `${r.size} datagrams in a later round`);
});
