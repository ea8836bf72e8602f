// Timings that follow the group's size (memberlist's suspicionTimeout(mult, estNumNodes, interval), applied to every
// timing): the core's live estimate of N is the number of members it lists, and whenever that (or the family)
// changes, the timings in force are re-derived from the base ones (config.ts `configForSize`). Without this a group
// started small and grown by joins kept its small-group timeouts and collapsed past ~32 members.
import { configForSize } from './config.ts';
import type { CoreState } from './state.ts';

/** Re-derives `st.config` for the list's current size; a timeout that got shorter pulls the expiry scan in, since
 *  the members' deadlines (failure.ts) may now be past. Listed entries count, failed and left ones included: they
 *  still ride in every packet until removed, so the packet coverage they cost lasts as long (and a group that loses
 *  half its members does not shorten its timeouts before the failures have spread). */
export function followGroupSize(st: CoreState, now: number): void {
  const n = st.list.size;
  const family = st.mode.family;
  if (n === st.sizedFor.n && family === st.sizedFor.family) return;
  st.sizedFor = { n, family };
  const before = st.config;
  const after = configForSize(st.base, n, family);
  st.config = after;
  if (after.failTimeoutMs < before.failTimeoutMs || after.suspectTimeoutMs < before.suspectTimeoutMs
    || after.cleanupTimeoutMs < before.cleanupTimeoutMs) {
    st.timers.pull('expiry', now);
  }
}
