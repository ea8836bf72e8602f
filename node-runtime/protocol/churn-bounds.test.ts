// Issue 9, "RSS flat": every structure a core keys by member id stays within its bound however many ids come and
// go. A long-running member of a group with restarts hears a new id with every restart, forever; before the ring
// and the news queue were pruned (probe.ts, failure.ts, broadcast.ts) a gossip-mode member kept each of them for
// its lifetime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MembershipCore } from './core.ts';
import type { Footprint } from './core.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { encodeGossip } from './codec.ts';
import type { WireMode } from './codec.ts';
import type { ProtocolFamily } from './mode.ts';
import { addressOf, formatMemberId } from './member-id.ts';
import { createRng } from './rng.ts';

const C = DEFAULT_CONFIG;
const ADDRESSES = 200;
/** One new id every STEP_MS, on ADDRESSES ports in turn: each port restarts every 20 s, within the restart limit. */
const STEP_MS = 100;
const IDS = 6000;

type Sizes = Record<keyof Footprint, number>;
const none = (): Sizes => ({ members: 0, tombstones: 0, versions: 0, ring: 0, news: 0 });

/** A core at `family` hearing IDS distinct members, each saying hello once under a new version of its port and
 *  then going silent (a restart in a group that never stops restarting). Returns the largest footprint seen in each
 *  half of the stream. */
function churn(family: ProtocolFamily): { halves: [Sizes, Sizes]; core: MembershipCore; now: number } {
  const mode: WireMode = { family, enabled: false, epoch: 0, tie: 0 };
  const core = new MembershipCore({ self: formatMemberId('127.0.0.1', 9000, 1), config: C, rng: createRng(3), family });
  let now = 1_000_000;
  core.start(now);
  const halves: [Sizes, Sizes] = [none(), none()];
  for (let i = 0; i < IDS; i++) {
    now += STEP_MS;
    const port = 10_000 + (i % ADDRESSES);
    const me = { id: formatMemberId('127.0.0.1', port, now), host: '127.0.0.1', port, version: now };
    // Its own datagram: listed and confirmed (a restart proves the old version gone), so it joins the ring.
    core.receive(now, addressOf(me.id), encodeGossip({ kind: 'gossip', sender: me, mode, entries: [{ ...me, heartbeat: 1, incarnation: 0, status: 'alive' }] }));
    core.tick(now);
    const f = core.footprint();
    const max = halves[i < IDS / 2 ? 0 : 1];
    for (const k of Object.keys(max) as (keyof Footprint)[]) max[k] = Math.max(max[k], f[k]);
  }
  return { halves, core, now };
}

for (const family of ['gossip', 'ping'] as const) {
  test(`${family} mode: ${IDS} ids come and go, and no structure keyed by id grows with their number`, () => {
    const { halves: [first, second] } = churn(family);
    // A plateau: the second half of the stream holds no more than the first (up to one id's worth of timing jitter
    // per structure, and a compaction's slack for the ring).
    for (const k of Object.keys(first) as (keyof Footprint)[]) {
      assert.ok(second[k] <= first[k] + (k === 'ring' || k === 'news' ? 64 : 2), `${k}: ${first[k]} in the first ${IDS / 2} ids, ${second[k]} in the next`);
    }
    // Each bounded by what is listed or remembered for a while, never by the ids ever seen (before the fix a
    // gossip-mode ring and news queue held all 6,000; the queue's dead slots, one per change, twice that).
    // (The list is sampled after each tick; during a receive it can hold one more.)
    assert.ok(second.ring <= 2 * (second.members + 1) + 64 + 1, `ring ${second.ring} with at most ${second.members} members`);
    assert.ok(second.news <= 2 * (second.members + 1) + 64 + 1, `news ${second.news} with at most ${second.members} members`);
    assert.ok(second.versions <= ADDRESSES + 1, `versions ${second.versions}: one per address`);
    assert.ok(second.tombstones <= 2 * (C.tombstoneMs / STEP_MS), `tombstones ${second.tombstones}: the ids of ~tombstoneMs`);
    assert.ok(second.members < IDS / 10, `members ${second.members}`);
  });
}

test('ping mode: after the ring is compacted every member still listed alive is probed in turn', () => {
  const { core, now } = churn('ping');
  const live = core.members().filter((m) => m.status === 'alive' && m.id !== core.self).map((m) => addressOf(m.id));
  assert.ok(live.length > 0, 'members are still listed alive at the end of the stream');
  const pinged = new Set<string>();
  // Woken as it asks: none of them answers, so each is failed after its probe and Lifeguard stretches the periods;
  // a bound of three laps of the ring.
  const until = now + 3 * (live.length + 1) * C.probeIntervalMs * C.awarenessMaxMultiplier;
  for (let t = now; t < until && live.some((a) => !pinged.has(a));) {
    const out = core.tick(t);
    for (const s of out.send) if (s.kind === 'ping') pinged.add(s.to);
    // Failed by a probe's verdict here: pinged, perhaps by the stream's last tick, just before this loop.
    for (const e of out.events) if (e.event === 'fail' && e.reason === 'probe') pinged.add(addressOf(e.member));
    t = out.nextWakeAt;
  }
  assert.deepEqual(live.filter((a) => !pinged.has(a)), [], 'members on the ring after compaction');
});
