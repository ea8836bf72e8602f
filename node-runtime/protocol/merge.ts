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

/** `reason` labels a join learned this way (`gossip`, `introducer`, `snapshot`); `from` is owed any refutation. */
export function mergeEntry(st: CoreState, now: number, w: WireEntry, reason: string, from: Address | undefined): void {
  if (w.id === st.self.id) return hearOfSelf(st, now, w, from);
  const e = st.list.get(w.id);
  // A listed id is never tombstoned (only removed or never-learned ids are), so the common case costs one lookup.
  if (e === undefined) return st.list.isTombstoned(w.id) ? undefined : learn(st, now, w, reason);
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

function learn(st: CoreState, now: number, w: WireEntry, reason: string): void {
  const newest = st.list.newestVersion(addressOf(w.id));
  // A dead member we never knew, or an older run of an address we have seen restarted: remember it as gone.
  if (!isLive(w.status) || (newest !== undefined && w.version < newest)) {
    st.list.tombstone(w.id, now + st.config.tombstoneMs);
    return;
  }
  const e = newEntry(w, now);
  if (e === undefined) return;
  st.list.add(e);
  // Its fail timer (alive, heard now) is the only one it brings; a transition below pulls the bound in itself.
  st.nextExpiryAt = Math.min(st.nextExpiryAt, now + st.config.failTimeoutMs);
  emit(st, now, 'join', e, reason);
  if (newest !== undefined && w.version > newest) supersede(st, now, e);
  if (w.status === 'suspect' && st.mode.enabled) transition(st, now, e, 'suspect', 'gossip');
}

/** A newer version at an address proves the older process gone: only one process binds a port. */
function supersede(st: CoreState, now: number, newer: Entry): void {
  for (const e of st.list.values()) {
    if (e.address !== newer.address || e.version >= newer.version || !isLive(e.status)) continue;
    if (e === st.self) st.declaredFailed = true;
    else transition(st, now, e, 'failed', 'superseded');
  }
}

function hearOfSelf(st: CoreState, now: number, w: WireEntry, from: Address | undefined): void {
  if (w.status === 'failed' || w.status === 'left') st.declaredFailed = true;
  else if (w.status === 'suspect' && from !== undefined) refute(st, now, w, from);
}
