// SWIM's anti-entropy (memberlist's pushPull): now and then a member exchanges its full state with one random member
// over TCP, so news that every retransmission missed (a long partition, heavy loss) still converges. The core
// decides when and with whom (Output.pushPull) and merges what comes back (the `push-pull` command); the runtime
// carries it.
import type { CoreState } from './state.ts';
import { SMALL_GROUP } from './config.ts';
import type { Address } from './member-id.ts';
import { isLive } from './member-list.ts';
import { chooseTargets } from './heartbeat.ts';

/** After a join, a push-pull with the introducer this many gossip rounds later (memberlist joins by push-pull). The
 *  snapshot only lists members the introducer had heard from; members that joined just before (still unconfirmed
 *  there) or just after us are missing from it and from each other's, and their join news, spread λ·log N times
 *  while they were barely reachable, missed some of them (simulated: 200 joins within 1 s, 3 pairs unaware after 40
 *  s). By then the introducer has heard from them: a joiner speaks to it in its first round. Two rounds, not more:
 *  what the sync brings is not news, so the sooner it comes, the fewer members a joiner learns as news and
 *  retransmits λ·log N times (2,000 simulated ping joins within 2 s: 12 % fewer bytes and CPU, 21 % less heap than
 *  with 8 rounds). A burst longer than two rounds leaves its first joiners to hear of its last ones by their news
 *  (at 2,000: 37 of 4·10⁶ pairs still unaware after 30 s, 1 after 60 s; the periodic push-pull repairs the rest). */
export const JOIN_SYNC_ROUNDS = 2;

/** memberlist's pushPullScale: the interval grows with log2 of the group beyond 32 members, so the TCP load on each
 *  member stays about constant as the group grows. */
export function pushPullInterval(st: CoreState): number {
  const n = st.list.live;
  const base = st.config.pushPullIntervalMs;
  if (n <= SMALL_GROUP) return base;
  return base * (Math.ceil(Math.log2(n) - Math.log2(SMALL_GROUP)) + 1);
}

/** Arms the periodic push-pull `fraction` of the interval for the group's size from now (a random fraction at first,
 *  so members do not push-pull in step). */
export function armPushPull(st: CoreState, now: number, fraction: number): void {
  const interval = pushPullInterval(st);
  st.pushPullArmedFor = interval;
  st.timers.set('pushPull', now + fraction * interval);
}

/** The interval for the group's size changed since the push-pull was armed: what is left of the wait stretches (or
 *  shrinks) with it, as memberlist computes each wait from its current estimate of N. Without it every member of a
 *  group that started small — every member of a launch — push-pulled its whole list within the first base interval
 *  (60 s): at 10,000 simulated members, 2·10⁸ entries merged in the first minute. */
export function followPushPull(st: CoreState, now: number): void {
  const at = st.timers.get('pushPull');
  if (at === Number.POSITIVE_INFINITY) return;
  const interval = pushPullInterval(st);
  if (interval === st.pushPullArmedFor) return;
  st.timers.set('pushPull', now + (Math.max(0, at - now) * interval) / st.pushPullArmedFor);
  st.pushPullArmedFor = interval;
}

/** A joiner's snapshot merged: a push-pull with the introducer JOIN_SYNC_ROUNDS rounds from now (beside the
 *  periodic ones, which keep their own schedule). */
export function syncAfterJoin(st: CoreState, now: number): void {
  st.timers.set('joinSync', now + JOIN_SYNC_ROUNDS * st.config.gossipIntervalMs);
}

/** The push-pull due now, if any: the join sync with the introducer (if it is live here), else the periodic one
 *  with a random confirmed live member. */
export function pushPullDue(st: CoreState, now: number): Address | undefined {
  const t = st.timers;
  if (t.due('joinSync', now)) {
    t.stop('joinSync');
    st.joinSyncAsked = st.introducer !== undefined && st.list.at(st.introducer).some((e) => isLive(e.status) && e.confirmed);
    if (st.joinSyncAsked) return st.introducer;
  }
  if (!t.due('pushPull', now)) return undefined;
  armPushPull(st, now, 1);
  return chooseTargets(st, now, 1)[0]?.address;
}

/** Whether a push-pull answer from `from` is the join sync's: then, like the join reply, its members are confirmed
 *  and are not news (join.ts). */
export function joinSynced(st: CoreState, from: Address | undefined): boolean {
  if (!st.joinSyncAsked || from === undefined || from !== st.introducer) return false;
  st.joinSyncAsked = false;
  return true;
}
