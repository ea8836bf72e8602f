// Joining through the introducer (over TCP, driven by the runtime): the introducer admits the joiner and answers
// with its whole list; the joiner merges it and adopts the group's suspicion mode.
import type { JoinSnapshot } from './core.ts';
import type { MemberStatus } from './events.ts';
import type { CoreState } from './state.ts';
import { parseCanonical } from './state.ts';
import { confirm, mergeEntry } from './merge.ts';
import { adoptGroupMode } from './suspicion.ts';
import type { MemberId } from './member-id.ts';
import { plausibleMode } from './plausibility.ts';

const STATUSES: readonly MemberStatus[] = ['alive', 'suspect', 'failed', 'left'];

export function admit(st: CoreState, now: number, id: MemberId): void {
  const parsed = parseCanonical(id);
  if (parsed === undefined) return;
  mergeEntry(st, now, { id, ...parsed, heartbeat: 0, incarnation: 0, status: 'alive' }, 'introducer', undefined);
}

/** Only confirmed members: the joiner trusts the snapshot as its first targets (a forged join must not put a
 *  phantom in it). */
export function snapshot(st: CoreState): JoinSnapshot {
  const members = [...st.list.values()].filter((e) => e.confirmed).map((e) => ({ id: e.id, heartbeat: e.heartbeat, incarnation: e.incarnation, status: e.status }));
  return { members, suspicion: { enabled: st.mode.enabled, epoch: st.mode.epoch } };
}

/** Merges the introducer's reply; entries that are not well-formed are skipped (the runtime validates the JSON). */
export function joined(st: CoreState, now: number, snap: JoinSnapshot): void {
  st.announce = true;
  if (plausibleMode(st.config, now, snap.suspicion)) adoptGroupMode(st, now, snap.suspicion);
  else st.hits.implausible++;
  for (const m of snap.members) {
    const parsed = parseCanonical(m.id);
    if (parsed === undefined || !STATUSES.includes(m.status)) continue;
    if (!Number.isSafeInteger(m.heartbeat) || m.heartbeat < 0 || !Number.isSafeInteger(m.incarnation) || m.incarnation < 0) continue;
    mergeEntry(st, now, { ...m, ...parsed }, 'snapshot', undefined);
    const e = st.list.get(m.id);
    if (e !== undefined) confirm(st, now, e);
  }
}
