// Joining through the introducer (over TCP, driven by the runtime): the introducer admits the joiner and answers
// with its whole list; the joiner merges it and adopts the group's protocol mode. SWIM's anti-entropy push-pull
// (also over TCP) exchanges the same snapshot both ways and merges it the same way.
import type { JoinSnapshot } from './core.ts';
import type { MemberStatus } from './events.ts';
import type { CoreState } from './state.ts';
import { parseCanonical } from './state.ts';
import { confirm, mergeEntry, nothingNew } from './merge.ts';
import { adoptGroupMode } from './mode.ts';
import type { MemberId } from './member-id.ts';
import { plausibleMode } from './plausibility.ts';
import { syncAfterJoin } from './push-pull.ts';

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
  st.welcome = st.welcome.filter((w) => w.until > now);
  if (st.mode.family === 'gossip' && st.welcome.length < st.config.leaveFanout) st.welcome.push({ id, until: now + st.config.failTimeoutMs });
}

/** Only confirmed members: the joiner trusts the snapshot as its first targets (a forged join must not put a
 *  phantom in it). */
export function snapshot(st: CoreState): JoinSnapshot {
  // One pass, no intermediate arrays: a push-pull of a large group lists thousands.
  const members: JoinSnapshot['members'][number][] = [];
  for (const e of st.list.values()) if (e.confirmed) members.push({ id: e.id, heartbeat: e.heartbeat, incarnation: e.incarnation, status: e.status });
  return { members, mode: { family: st.mode.family, suspicion: st.mode.enabled, epoch: st.mode.epoch } };
}

/** How a full list arrived: the introducer's join reply, the joiner's later push-pull with the introducer (the join
 *  sync, push-pull.ts), or any other push-pull. */
export type SnapshotKind = 'join' | 'sync' | 'push-pull';

/** Merges a full list; entries that are not well-formed are skipped and counted (`implausible`: the runtime's schema
 *  checks only the shape, and leaves each id to be parsed here, once). Only the
 *  introducer's lists (join, sync) confirm their members (the joiner chose it); a push-pull may come from anyone, so
 *  its members confirm themselves by speaking. Members learned from the introducer's lists are not news: the group
 *  heard of each when it joined (every joiner re-spreading the whole list was O(N²) news at start-up). */
export function mergeSnapshot(st: CoreState, now: number, snap: JoinSnapshot, kind: SnapshotKind): void {
  const introducers = kind !== 'push-pull';
  if (kind === 'join') st.announce = true;
  if (plausibleMode(st.config, now, snap.mode)) adoptGroupMode(st, now, snap.mode);
  else st.hits.implausible++;
  const src = { reason: kind === 'join' ? 'snapshot' : 'push-pull', news: !introducers };
  for (const m of snap.members) {
    // A listed id was parsed when it was learned (a sync or push-pull lists mostly known members).
    const known = st.list.get(m.id);
    const parsed = known ?? parseCanonical(m.id);
    if (parsed === undefined || !STATUSES.includes(m.status) || !Number.isSafeInteger(m.heartbeat) || m.heartbeat < 0 ||
      !Number.isSafeInteger(m.incarnation) || m.incarnation < 0) {
      st.hits.implausible++;
      continue;
    }
    // Most of a push-pull: a member held as it is listed there (one lookup, where the merge takes two more).
    if (known !== undefined && nothingNew(known, m)) {
      if (introducers) confirm(st, now, known);
      continue;
    }
    const w = { id: m.id, host: parsed.host, port: parsed.port, version: parsed.version, heartbeat: m.heartbeat, incarnation: m.incarnation, status: m.status };
    mergeEntry(st, now, w, src);
    if (st.declaredFailed) return;
    const e = st.list.get(m.id);
    if (e !== undefined && introducers) confirm(st, now, e);
  }
  // Ping mode only: gossip mode spreads whole lists every round and has no push-pull.
  if (kind === 'join' && st.mode.family === 'ping') syncAfterJoin(st, now);
}
