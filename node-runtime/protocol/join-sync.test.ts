// A joiner in ping mode: the introducer's list is not news (start-up stays proportional to the joins, not to N²),
// and one push-pull with the introducer a few rounds later fills in the members that joined around the same time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MembershipCore } from './core.ts';
import type { JoinSnapshot, Output } from './core.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { decodeGossip } from './codec.ts';
import { addressOf, formatMemberId } from './member-id.ts';
import { createRng } from './rng.ts';
import { JOIN_SYNC_ROUNDS } from './push-pull.ts';

const C = DEFAULT_CONFIG;
const id = (port: number) => formatMemberId('127.0.0.1', port, 1);
const INTRO = addressOf(id(3000));

function core(port: number): MembershipCore {
  return new MembershipCore({ self: id(port), config: C, rng: createRng(port), family: 'ping', suspicion: true, ...(port === 3000 ? {} : { introducer: INTRO }) });
}

/** An introducer that lists `n` members it has heard from. */
function introducerWith(n: number): MembershipCore {
  const intro = core(3000);
  intro.start(0);
  for (let i = 1; i <= n; i++) intro.command(0, { kind: 'admit', member: id(3000 + i) });
  // Confirmed (a datagram from each, as after their first rounds): only then does its snapshot list them.
  const snap = intro.snapshot();
  assert.equal(snap.members.length, 1);
  return intro;
}

function listed(snapshot: JoinSnapshot, ports: number[]): JoinSnapshot {
  return { ...snapshot, members: [...snapshot.members, ...ports.map((p) => ({ id: id(p), heartbeat: 0, incarnation: 0, status: 'alive' as const }))] };
}

/** Entries carried by every datagram of `out`, as `id status`. */
function carried(out: Output): string[] {
  return out.send.flatMap((s) => {
    const d = decodeGossip(s.bytes);
    return d.ok ? d.msg.entries.map((e) => `${e.id} ${e.status}`) : [];
  });
}

/** Runs the cores together from `from` to `until`, every datagram delivered at once (no loss): each core's outputs
 *  with their times. */
function run(cores: MembershipCore[], from: number, until: number): Map<MembershipCore, { at: number; out: Output }[]> {
  const byAddress = new Map(cores.map((c) => [addressOf(c.self), c]));
  const outs = new Map(cores.map((c) => [c, [] as { at: number; out: Output }[]]));
  const wake = new Map(cores.map((c) => [c, from]));
  const pump = (c: MembershipCore, at: number, out: Output): void => {
    outs.get(c)!.push({ at, out });
    wake.set(c, out.nextWakeAt);
    for (const s of out.send) {
      const to = byAddress.get(s.to);
      if (to !== undefined) pump(to, at, to.receive(at, addressOf(c.self), s.bytes));
    }
  };
  for (let i = 0; ; i++) {
    assert.ok(i < 100_000, 'bounded');
    const [c, at] = [...wake].reduce((a, b) => (b[1] < a[1] ? b : a));
    if (at > until) return outs;
    pump(c, at, c.tick(at));
  }
}

test('a joiner spreads only its own join: the introducer\'s list is confirmed but not news', () => {
  const intro = introducerWith(0);
  const joiner = core(3100);
  joiner.start(0);
  intro.command(1, { kind: 'admit', member: joiner.self });
  // The introducer's list: itself and 50 members it has heard from.
  const snap = listed(intro.snapshot(), Array.from({ length: 50 }, (_, i) => 3001 + i));
  joiner.command(1, { kind: 'joined', snapshot: snap });
  assert.equal(joiner.members().length, 52);
  const outs = run([joiner], 2, 3 * C.gossipIntervalMs).get(joiner)!;
  const news = new Set(outs.flatMap(({ out }) => carried(out)));
  // Its first round announces it to the members it knows (they may now send to it); what it says is only itself.
  assert.ok(outs.some(({ out }) => out.send.length > 3), 'an announce round');
  assert.deepEqual([...news], [`${joiner.self} alive`]);
});

test('the join sync: one push-pull with the introducer JOIN_SYNC_ROUNDS rounds after the join; what it brings is confirmed, not news', () => {
  const intro = introducerWith(0);
  const joiner = core(3100);
  joiner.start(0);
  intro.command(1, { kind: 'admit', member: joiner.self });
  joiner.command(1, { kind: 'joined', snapshot: intro.snapshot() });
  const outs = run([intro, joiner], 2, 1 + JOIN_SYNC_ROUNDS * C.gossipIntervalMs).get(joiner)!;
  // Beside the periodic push-pulls (the first at a random point of the interval: 60 s here).
  const at = 1 + JOIN_SYNC_ROUNDS * C.gossipIntervalMs;
  const pulls = outs.filter(({ out }) => out.pushPull !== undefined);
  assert.deepEqual(pulls.map((p) => [p.at, p.out.pushPull]), [[at, INTRO]]);

  // The introducer has meanwhile heard of two more joiners: the answer lists them.
  joiner.command(at, { kind: 'push-pull', snapshot: listed(intro.snapshot(), [3201, 3202]), from: INTRO });
  const learned = joiner.members().filter((m) => m.id === id(3201) || m.id === id(3202));
  assert.equal(learned.length, 2);
  // Confirmed (the introducer's list, as the join's): they are probed and sent to; their joins are not news (they do
  // not answer here, so their suspicions are).
  const after = run([intro, joiner], at + 1, at + 40 * C.gossipIntervalMs).get(joiner)!;
  assert.ok(after.some(({ out }) => out.send.some((s) => s.to === addressOf(id(3201)) || s.to === addressOf(id(3202)))), 'sent to');
  assert.ok(!after.some(({ out }) => carried(out).includes(`${id(3201)} alive`)), 'not spread');
});

test('a push-pull from anyone else (or an unasked one from the introducer) is news', () => {
  for (const from of [addressOf(id(3005)), INTRO]) {
    const joiner = core(3100);
    joiner.start(0);
    // No join sync asked: any push-pull, even from the introducer's address, is an ordinary one.
    const snap: JoinSnapshot = { members: [{ id: id(3000), heartbeat: 0, incarnation: 0, status: 'alive' }, { id: id(3301), heartbeat: 0, incarnation: 0, status: 'alive' }], mode: { family: 'ping', suspicion: true, epoch: 0 } };
    joiner.command(1, { kind: 'push-pull', snapshot: snap, from });
    assert.ok(joiner.members().some((m) => m.id === id(3301)));
    const outs = run([joiner], 2, 20 * C.gossipIntervalMs).get(joiner)!;
    // Unconfirmed, so not a target until it has been silent for 2 rounds (then probed, failure.ts); its join is
    // news all the same, carried by that probe.
    assert.ok(outs.some(({ out }) => carried(out).includes(`${id(3301)} alive`)), `spread (from ${from})`);
  }
});

test('a list entry that names no member, or carries a number no run can have, is skipped and counted; the rest merge', () => {
  const joiner = core(3100);
  joiner.start(0);
  const entry = (member: string, heartbeat = 0) => ({ id: member, heartbeat, incarnation: 0, status: 'alive' as const });
  // The runtime's schema checks only an id's shape (a bounded string): the core's parse is the only one.
  const bad = [entry('bad id'), entry('127.0.0.1:03302@1'), entry('127.0.0.1:99999@1'), entry(id(3303), Number.MAX_SAFE_INTEGER + 2)];
  const snap: JoinSnapshot = { members: [entry(id(3301)), ...bad], mode: { family: 'ping', suspicion: true, epoch: 0 } };
  joiner.command(1, { kind: 'push-pull', snapshot: snap, from: addressOf(id(3005)) });
  assert.deepEqual(joiner.members().map((m) => m.id).filter((m) => m !== joiner.self), [id(3301)]);
  assert.equal(joiner.counters().limits.implausible, bad.length);
});
