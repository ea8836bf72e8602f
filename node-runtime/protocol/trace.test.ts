// What makes the gossip visible, checked on cores driven by hand: `via` on events learned from a datagram, the
// message trace in the output, and the block list that cuts a member off from chosen peers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MembershipCore } from './core.ts';
import type { CoreOptions } from './core.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { encodeGossip } from './codec.ts';
import type { WireEntry } from './codec.ts';
import { addressOf, formatMemberId, parseMemberId } from './member-id.ts';
import { createRng } from './rng.ts';
import { isTraceBatch, piggybackedNews } from './trace.ts';

const C = DEFAULT_CONFIG;
const A = formatMemberId('127.0.0.1', 4001, 1);
const B = formatMemberId('127.0.0.1', 4002, 1);
const X = formatMemberId('127.0.0.1', 4003, 1);

function entry(member: string, status: WireEntry['status'] = 'alive', incarnation = 0, heartbeat = 1): WireEntry {
  return { id: member, ...parseMemberId(member)!, heartbeat, incarnation, status };
}

const gossip = (sender: string, entries: WireEntry[], enabled = false) =>
  encodeGossip({ kind: 'gossip', sender: entry(sender), mode: { family: 'gossip', enabled, epoch: enabled ? 1 : 0, tie: 0 }, entries });

/** A started core for A that knows B (and X, unless `withX` is false) from a join snapshot. */
function coreA(opts: Partial<CoreOptions> = {}, withX = true): MembershipCore {
  const c = new MembershipCore({ self: A, config: C, rng: createRng(1), ...opts });
  c.start(0);
  const members = [A, B, ...(withX ? [X] : [])].map((id) => ({ id, heartbeat: 0, incarnation: 0, status: 'alive' as const }));
  c.command(0, { kind: 'joined', snapshot: { members, mode: { family: 'gossip', suspicion: opts.suspicion ?? false, epoch: 0 } } });
  return c;
}

test('via: an event learned from a datagram names its sender; join snapshots and timers name nobody', () => {
  const c = coreA({}, false);
  const out = c.receive(100, addressOf(B), gossip(B, [entry(B, 'alive', 0, 2), entry(X)]));
  assert.deepEqual(out.events.map((e) => [e.event, e.member, e.reason, e.via]), [['join', X, 'gossip', B]]);
  let t = 100;
  const later = [];
  while (t < C.failTimeoutMs * 2) {
    const o = c.tick(t);
    later.push(...o.events);
    t = o.nextWakeAt;
  }
  assert.ok(later.some((e) => e.event === 'fail' && e.member === X));
  assert.ok(later.every((e) => e.via === undefined), 'a timeout is this observer\'s own decision');
});

test('via: a suspicion heard, and its refutation, each name the member that brought it', () => {
  const c = coreA({ suspicion: true });
  const sus = c.receive(100, addressOf(B), gossip(B, [entry(X, 'suspect', 0)], true));
  assert.deepEqual(sus.events.map((e) => [e.event, e.via]), [['suspect', B]]);
  const ref = c.receive(200, addressOf(X), gossip(X, [entry(X, 'alive', 1, 5)], true));
  assert.deepEqual(ref.events.map((e) => [e.event, e.reason, e.via]), [['alive', 'refuted', X]]);
});

test('trace: off by default; on, one record per datagram with kind, ends, size and news', () => {
  assert.equal(coreA().tick(C.gossipIntervalMs).trace, undefined);
  const c = coreA({ trace: true });
  const out = c.tick(C.gossipIntervalMs);
  assert.equal(out.send.length, 2);
  assert.deepEqual(out.trace, out.send.map((s) => ({ type: 'send', kind: 'gossip', from: addressOf(A), to: s.to, bytes: s.bytes.length, news: [] })));
  // Off by command: the hot path goes back to no trace at all.
  c.command(C.gossipIntervalMs, { kind: 'set-trace', enabled: false });
  assert.equal(c.tick(2 * C.gossipIntervalMs).trace, undefined);
});

test('trace: a failure rides as news until it is old; a refutation and a leave are news too', () => {
  const c = coreA({ trace: true });
  let t = 0;
  let failedAt = -1;
  const news: string[][] = [];
  while (t < C.failTimeoutMs + C.cleanupTimeoutMs) {
    // B keeps beating; X is silent, so it fails by timeout.
    c.receive(t, addressOf(B), gossip(B, [entry(B, 'alive', 0, 2 + t)]));
    const o = c.tick(t);
    if (failedAt < 0 && o.events.some((e) => e.event === 'fail')) failedAt = t;
    for (const tr of o.trace ?? []) if (tr.type === 'send') news.push(tr.news.map((n) => `${n.member}:${n.status}`));
    t = Math.min(o.nextWakeAt, t + C.gossipIntervalMs);
  }
  assert.ok(failedAt > 0);
  assert.ok(news.some((n) => n.includes(`${X}:failed`)), 'the failure is carried as news');
  assert.deepEqual(news.at(-1), [], 'older than the news window, it is no longer news');

  const s = coreA({ trace: true, suspicion: true });
  const refuted = s.receive(10, addressOf(B), gossip(B, [entry(A, 'suspect', 0)], true));
  assert.deepEqual(refuted.trace?.map((tr) => tr.type === 'send' && [tr.to, tr.news]), [[addressOf(B), [{ member: A, status: 'alive', incarnation: 1 }]]]);
  const left = s.command(20, { kind: 'leave' });
  assert.ok(left.trace!.length > 0);
  assert.ok(left.trace!.every((tr) => tr.type === 'send' && tr.news.some((n) => n.member === A && n.status === 'left')));
});

test('trace: a SWIM message\'s news is taken as built, and equals what its bytes carry', () => {
  const c = new MembershipCore({ self: A, config: C, rng: createRng(3), trace: true, suspicion: true });
  c.start(0);
  const members = [A, B, X].map((id) => ({ id, heartbeat: 0, incarnation: 0, status: 'alive' as const }));
  c.command(0, { kind: 'joined', snapshot: { members, mode: { family: 'ping', suspicion: true, epoch: 1 } } });
  let t = 0;
  let withNews = 0;
  let sends = 0;
  // B answers nothing and X nothing: probes fail, suspicions and failures become news on every message after.
  while (t < 4 * C.failTimeoutMs) {
    const o = c.tick(t);
    assert.equal(o.trace?.length, o.send.length);
    o.send.forEach((s, i) => {
      const tr = o.trace![i]!;
      // Heartbeat gossip (the first T_fail after a switch to ping) is read back from its bytes, as before.
      assert.ok(tr.type === 'send' && (s.news !== undefined || s.kind === 'gossip'), `${s.kind} is built with its news`);
      assert.deepEqual(tr.news, piggybackedNews(s.bytes));
      if (s.news === undefined) return;
      sends++;
      if (tr.news.length > 0) withNews++;
    });
    t = Math.max(t + 1, o.nextWakeAt);
  }
  assert.ok(sends > 5 && withNews > 0, `${sends} sends built with their news, ${withNews} of them carrying some`);
});

test('trace: a datagram lost to the drop rate is traced as a drop', () => {
  const c = coreA({ trace: true, dropRate: 1 });
  const bytes = gossip(B, [entry(B, 'alive', 0, 2)]);
  const out = c.receive(10, addressOf(B), bytes);
  assert.deepEqual(out.trace, [{ type: 'drop', from: addressOf(B), to: addressOf(A), bytes: bytes.length, cause: 'drop' }]);
});

test('block list: nothing from or to a blocked peer passes, both are counted and traced; an empty list heals', () => {
  const c = coreA({ trace: true });
  c.command(0, { kind: 'set-blocked', addresses: [addressOf(X)] });
  assert.deepEqual(c.blockedAddresses(), [addressOf(X)]);
  const fromX = c.receive(10, addressOf(X), gossip(X, [entry(X, 'alive', 0, 9)]));
  assert.deepEqual(fromX.events, []);
  assert.deepEqual(fromX.trace?.map((tr) => tr.type === 'drop' && tr.cause), ['blocked']);
  assert.equal(c.members().find((m) => m.id === X)!.heartbeat, 0, 'a blocked datagram is never merged');
  const round = c.tick(C.gossipIntervalMs);
  assert.deepEqual(round.send.map((s) => s.to), [addressOf(B)]);
  const traced = round.trace?.map((tr) => tr.type === 'send' && `${tr.to} ${tr.dropped ?? 'sent'}`).sort();
  assert.deepEqual(traced, [`${addressOf(B)} sent`, `${addressOf(X)} blocked`]);
  assert.deepEqual([c.counters().blockedIn, c.counters().blockedOut], [1, 1]);

  c.command(20, { kind: 'set-blocked', addresses: [] });
  const healed = c.receive(30, addressOf(X), gossip(X, [entry(X, 'alive', 0, 9)]));
  assert.equal(healed.trace?.length, 0);
  assert.equal(c.members().find((m) => m.id === X)!.heartbeat, 9);
});

test('isTraceBatch: a batch from the wire is checked field by field and bounded', () => {
  const c = coreA({ trace: true, dropRate: 1 });
  const sent = coreA({ trace: true }).tick(C.gossipIntervalMs).trace!;
  const refused = c.receive(10, addressOf(B), gossip(B, [])).trace!;
  assert.ok(isTraceBatch(JSON.parse(JSON.stringify([...sent, ...refused]))));
  const bad: unknown[] = [
    {}, [{ type: 'send', kind: 'gossip', from: 'a', to: 'b', bytes: -1, news: [] }],
    [{ type: 'send', kind: 'gossip', from: 'a', to: 'b', bytes: 1, news: [{ member: 'm', status: 'dead', incarnation: 0 }] }],
    [{ type: 'drop', from: 'a', to: 'b', bytes: 1, cause: 'gremlins' }],
    [{ type: 'send', kind: 'gossip', from: 'x'.repeat(301), to: 'b', bytes: 1, news: [] }],
    Array.from({ length: 5001 }, () => refused[0]),
  ];
  for (const b of bad) assert.equal(isTraceBatch(b), false, JSON.stringify(b).slice(0, 80));
});
