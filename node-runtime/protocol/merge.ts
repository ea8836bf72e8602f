// Merging one gossiped entry into the list: learning new members, hearing heartbeats, and the rules that keep the
// list fail-stop (a failed, left or removed id never comes back; an older version of an address never comes back).
import type { CoreState } from './state.ts';
import { emit, newEntry, transition } from './state.ts';
import type { WireEntry } from './codec.ts';
import type { Entry } from './member-list.ts';
import { isLive } from './member-list.ts';
import { hearHeartbeat } from './heartbeat.ts';
import { hearStatus, refute } from './suspicion.ts';
import type { Address } from './member-id.ts';
import { addressOf } from './member-id.ts';
import { plausibleEntry } from './plausibility.ts';

/** `reason` labels a join learned this way (`gossip`, `introducer`, `snapshot`); `from` is owed any refutation. */
export function mergeEntry(st: CoreState, now: number, w: WireEntry, reason: string, from: Address | undefined): void {
  if (!plausibleEntry(st.config, now, w)) {
    st.hits.implausible++;
    return;
  }
  if (w.id === st.self.id) return hearOfSelf(st, now, w, from);
  const e = st.list.get(w.id);
  // A listed id is never tombstoned (only removed or never-learned ids are), so the common case costs one lookup.
  if (e === undefined) return st.list.isTombstoned(w.id) ? undefined : learn(st, now, w, reason, from);
  if (!isLive(e.status)) return; // fail-stop: never revived
  if (isLive(w.status)) hearHeartbeat(e, w.heartbeat, now);
  if (w.status === 'left') {
    // Not a local decision in either mode: the member said so itself.
    if (w.incarnation >= e.incarnation) {
      e.incarnation = w.incarnation;
      transition(st, now, e, 'left', 'gossip');
    }
  } else if (st.mode.enabled) {
    hearStatus(st, now, e, w);
  } else if (w.status !== 'failed' && w.incarnation > e.incarnation) {
    // Without suspicion a failure is each observer's own decision, so gossiped `failed` is not adopted.
    e.incarnation = w.incarnation;
    e.changedAt = now;
  }
}

function learn(st: CoreState, now: number, w: WireEntry, reason: string, from: Address | undefined): void {
  const newest = st.list.newestVersion(addressOf(w.id));
  // A dead member we never knew, or an older run of an address we have seen restarted: remember it as gone.
  if (!isLive(w.status) || (newest !== undefined && w.version < newest)) {
    st.list.tombstone(w.id, now + st.config.tombstoneMs);
    return;
  }
  // Older than a version listed there but not yet confirmed: most likely a dead run in stale gossip, but the newer
  // one may be forged, so this one is only not learned second-hand (its own datagrams still list it).
  if (from !== addressOf(w.id) && st.list.at(addressOf(w.id)).some((e) => e.version > w.version)) return;
  // Bounded (issue 9): a gossiping sender introduces at most so many a second, and the list holds at most so many.
  if (from !== undefined && !st.newMembers.allow(now, from)) {
    st.hits.newMemberRate++;
    return;
  }
  if (st.list.size >= st.config.maxMembers) {
    st.hits.listFull++;
    return;
  }
  const e = newEntry(w, now);
  if (e === undefined) return;
  st.list.add(e);
  // Its fail timer (alive, heard now) is the only one it brings; a transition below pulls the bound in itself.
  st.nextExpiryAt = Math.min(st.nextExpiryAt, now + st.config.failTimeoutMs);
  emit(st, now, 'join', e, reason);
  if (w.status === 'suspect' && st.mode.enabled) transition(st, now, e, 'suspect', 'gossip');
}

/** Proof that `e` exists (a datagram from it, or the introducer's snapshot): it may now be sent to, and as the newest
 *  version at its address it proves the older ones gone. Unconfirmed, a newer version proves nothing — anyone can
 *  gossip an id — so a forged one only lists a phantom that times out. */
export function confirm(st: CoreState, now: number, e: Entry): void {
  if (e.confirmed) return;
  e.confirmed = true;
  st.list.noteVersion(e.address, e.version, now, now + st.config.tombstoneMs);
  if (isLive(e.status)) supersede(st, now, e);
}

/** A newer version at an address proves the older process gone: only one process binds a port. */
function supersede(st: CoreState, now: number, newer: Entry): void {
  for (const e of st.list.at(newer.address)) {
    if (e.version >= newer.version || !isLive(e.status)) continue;
    if (e === st.self) st.declaredFailed = true;
    else transition(st, now, e, 'failed', 'superseded');
  }
}

function hearOfSelf(st: CoreState, now: number, w: WireEntry, from: Address | undefined): void {
  // A heartbeat of ours higher than our own (forged, within what our age allows) would hide every real one until we
  // passed it, and we would be failed for silence: continue from it instead.
  if (w.heartbeat > st.self.heartbeat) st.self.heartbeat = w.heartbeat;
  if (w.status === 'failed' || w.status === 'left') st.declaredFailed = true;
  else if (w.status === 'suspect' && from !== undefined) refute(st, now, w, from);
}
