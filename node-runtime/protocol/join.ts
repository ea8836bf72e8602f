// Joining through the introducer (over TCP, driven by the runtime): the introducer admits the joiner and answers
// with its whole list; the joiner merges it and adopts the group's protocol mode. SWIM's anti-entropy push-pull
// (also over TCP) exchanges the same snapshot both ways and merges it the same way.
import type { JoinSnapshot } from './core.ts';
import type { MemberStatus } from './events.ts';
import type { CoreState } from './state.ts';
import { parseCanonical } from './state.ts';
import { confirm, mergeEntry } from './merge.ts';
import { adoptGroupMode } from './mode.ts';
import type { MemberId } from './member-id.ts';
import { plausibleMode } from './plausibility.ts';

const STATUSES: readonly MemberStatus[] = ['alive', 'suspect', 'failed', 'left'];

export function admit(st: CoreState, now: number, id: MemberId, peer: string | undefined): void {
  const parsed = parseCanonical(id);
  // A joiner already listed costs nothing; a new one counts against its connection's IP (a forger's flood of joins
  // would otherwise fill the list with phantoms and shut real joiners out).
  if (parsed !== undefined && st.list.get(id) === undefined && peer !== undefined && !st.newMembers.allow(now, peer)) {
    st.hits.newMemberRate++;
    return;
  }
  if (parsed === undefined) return;
  mergeEntry(st, now, { id, ...parsed, heartbeat: 0, incarnation: 0, status: 'alive' }, { reason: 'introducer' });
}

/** Only confirmed members: the joiner trusts the snapshot as its first targets (a forged join must not put a
 *  phantom in it). */
export function snapshot(st: CoreState): JoinSnapshot {
  const members = [...st.list.values()].filter((e) => e.confirmed).map((e) => ({ id: e.id, heartbeat: e.heartbeat, incarnation: e.incarnation, status: e.status }));
  return { members, mode: { family: st.mode.family, suspicion: st.mode.enabled, epoch: st.mode.epoch } };
}

/** Merges the introducer's reply (`reason` snapshot) or a push-pull peer's state (`push-pull`); entries that are
 *  not well-formed are skipped (the runtime validates the JSON). Only the introducer's list confirms its members
 *  (the joiner chose it); a push-pull may come from anyone, so its members confirm themselves by speaking. */
export function mergeSnapshot(st: CoreState, now: number, snap: JoinSnapshot, reason: 'snapshot' | 'push-pull'): void {
  if (reason === 'snapshot') st.announce = true;
  if (plausibleMode(st.config, now, snap.mode)) adoptGroupMode(st, now, snap.mode);
  else st.hits.implausible++;
  for (const m of snap.members) {
    const parsed = parseCanonical(m.id);
    if (parsed === undefined || !STATUSES.includes(m.status)) continue;
    if (!Number.isSafeInteger(m.heartbeat) || m.heartbeat < 0 || !Number.isSafeInteger(m.incarnation) || m.incarnation < 0) continue;
    mergeEntry(st, now, { ...m, ...parsed }, { reason });
    if (st.declaredFailed) return;
    const e = st.list.get(m.id);
    if (e !== undefined && reason === 'snapshot') confirm(st, now, e);
  }
}
