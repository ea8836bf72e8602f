// SWIM's anti-entropy (memberlist's pushPull): now and then a member exchanges its full state with one random member
// over TCP, so news that every retransmission missed (a long partition, heavy loss) still converges. The core
// decides when and with whom (Output.pushPull) and merges what comes back (the `push-pull` command); the runtime
// carries it.
import type { CoreState } from './state.ts';
import { SMALL_GROUP } from './config.ts';

/** memberlist's pushPullScale: the interval grows with log2 of the group beyond 32 members, so the TCP load on each
 *  member stays about constant as the group grows. */
export function pushPullInterval(st: CoreState): number {
  const n = st.list.live;
  const base = st.config.pushPullIntervalMs;
  if (n <= SMALL_GROUP) return base;
  return base * (Math.ceil(Math.log2(n) - Math.log2(SMALL_GROUP)) + 1);
}
