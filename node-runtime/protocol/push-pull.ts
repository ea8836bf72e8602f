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
 *  s). By then the introducer has heard from them. */
export const JOIN_SYNC_ROUNDS = 8;

/** memberlist's pushPullScale: the interval grows with log2 of the group beyond 32 members, so the TCP load on each
 *  member stays about constant as the group grows. */
export function pushPullInterval(st: CoreState): number {
  const n = st.list.live;
  const base = st.config.pushPullIntervalMs;
  if (n <= SMALL_GROUP) return base;
  return base * (Math.ceil(Math.log2(n) - Math.log2(SMALL_GROUP)) + 1);
}

/** A joiner's snapshot merged: its next push-pull goes to the introducer, JOIN_SYNC_ROUNDS rounds from now. */
export function syncAfterJoin(st: CoreState, now: number): void {
  st.joinSync = 'due';
  st.timers.set('pushPull', now + JOIN_SYNC_ROUNDS * st.config.gossipIntervalMs);
}

/** Whom the push-pull that is due goes to: the introducer once after a join (if it is live here), else a random
 *  confirmed live member. */
export function pushPullTarget(st: CoreState, now: number): Address | undefined {
  const sync = st.joinSync === 'due' && st.introducer !== undefined && st.list.at(st.introducer).some((e) => isLive(e.status) && e.confirmed);
  st.joinSync = sync ? 'asked' : undefined;
  return sync ? st.introducer : chooseTargets(st, now, 1)[0]?.address;
}

/** Whether a push-pull answer from `from` is the join sync's: then, like the join reply, its members are confirmed
 *  and are not news (join.ts). */
export function joinSynced(st: CoreState, from: Address | undefined): boolean {
  if (st.joinSync !== 'asked' || from === undefined || from !== st.introducer) return false;
  st.joinSync = undefined;
  return true;
}
