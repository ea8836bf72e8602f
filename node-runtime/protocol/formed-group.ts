// The simulator's warm start: a group that formed before the run. Every member is listed alive and confirmed, as
// after its join and join sync; none of it is news (the group heard of each when it joined) and no `join` is emitted
// (those joins were not in this run). What a steady group of N costs can then be measured without the N²·λ·log N
// piggybacked join news of N members starting at once (docs/benchmarks.md, "Round seven").
import type { CoreState } from './state.ts';
import type { Member } from './entry.ts';
import { entryOf } from './state.ts';
import { addToRing } from './probe.ts';

/** Lists `members` (the process's shared identities, wire-ids.ts), up to the member limit, on a core that lists only
 *  itself so far (a fresh one: the warm start is its first command); self is skipped. */
export function formGroup(st: CoreState, now: number, members: readonly Member[]): void {
  if (st.list.size !== 1) return;
  for (const m of members) {
    if (m.id === st.self.id) continue;
    if (st.list.size >= st.config.maxMembers) {
      st.hits.listFull++;
      return;
    }
    const e = entryOf(m, { heartbeat: 0, incarnation: 0 }, now);
    // Confirmed as the introducer's lists confirm (merge.ts `confirm`), less the search for older versions to
    // supersede: a fresh list has none, and at 10,000 members that search was 10⁸ more lookups.
    e.confirmed = true;
    st.list.add(e);
    addToRing(st, e);
  }
  st.timers.pull('expiry', now + st.config.failTimeoutMs);
}
