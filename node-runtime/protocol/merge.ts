// Merging one entry heard about a member (gossip, SWIM piggyback, push-pull, a join snapshot) into the list: learning
// new members, hearing heartbeats, and applying the one precedence rule (precedence.ts). The list stays fail-stop: a
// failed, left or removed id never comes back, and an older version of an address never comes back.
import type { CoreState } from './state.ts';
import { emit, entryOf, renew, transition } from './state.ts';
import { wireIds } from './wire-ids.ts';
import type { WireEntry } from './codec.ts';
import type { Entry } from './entry.ts';
import { suspicionBy } from './entry.ts';
import { isLive } from './member-list.ts';
import { hearHeartbeat } from './heartbeat.ts';
import { confirmSuspicion, refute } from './suspicion.ts';
import { addToRing } from './probe.ts';
import { decide } from './precedence.ts';
import type { Decision } from './precedence.ts';
import type { Address, MemberId } from './member-id.ts';
import { addressOf } from './member-id.ts';
import { plausibleEntry } from './plausibility.ts';

/** Where a merged entry came from: `reason` labels a join learned this way (`gossip`, `introducer`, `snapshot`,
 *  `push-pull`); `from` is owed any refutation; `sender` is who vouches for it (a Lifeguard confirmation); `news`
 *  false: a member learned this way is not spread as news (join.ts). */
export interface Source {
  readonly reason: string;
  readonly news?: boolean;
  readonly from?: Address;
  readonly sender?: MemberId;
}

export function mergeEntry(st: CoreState, now: number, w: WireEntry, src: Source): void {
  if (!plausibleEntry(st.config, now, w)) {
    st.hits.implausible++;
    return;
  }
  if (w.id === st.self.id) return hearOfSelf(st, now, w, src);
  const e = st.list.get(w.id);
  // A listed id is never tombstoned (only removed or never-learned ids are), so the common case costs one lookup.
  if (e === undefined) return st.list.isTombstoned(w.id) ? undefined : learn(st, now, w, src);
  if (!isLive(e.status)) return; // fail-stop: never revived
  if (isLive(w.status)) hearHeartbeat(e, w.heartbeat, now);
  apply(st, now, e, decideFor(st, e, w, false), src, w);
}

/** Heard alive at no higher incarnation or heartbeat than a live entry holds: merging it changes nothing (the rule
 *  keeps it, and every number in it is one the entry already held, so plausible). */
export function nothingNew(e: Entry, w: Pick<WireEntry, 'status' | 'incarnation' | 'heartbeat'>): boolean {
  return w.status === 'alive' && isLive(e.status) && w.incarnation <= e.incarnation && w.heartbeat <= e.heartbeat;
}

function decideFor(st: CoreState, e: Entry, w: WireEntry, self: boolean): Decision {
  return decide(e, w, { family: st.mode.family, suspicion: st.mode.enabled }, self);
}

/** Who raised a suspicion heard: the suspecter it names; without one (a snapshot, an older sender) this observer,
 *  as memberlist does for push-pull (it then counts as no confirmation). */
function suspecterOf(st: CoreState, w: WireEntry, src: Source): Address {
  return w.suspecter ?? (src.sender !== undefined ? addressOf(src.sender) : st.self.address);
}

/** A suspicion heard, not raised here: its timer counts confirmations from its own suspecter on. */
function heardSuspicion(st: CoreState, e: Entry, w: WireEntry, src: Source): void {
  e.suspicion = suspicionBy(suspecterOf(st, w, src));
  if (st.mode.family === 'ping' && e.confirmed) st.probe.next.add(e);
}

function apply(st: CoreState, now: number, e: Entry, d: Decision, src: Source, w: WireEntry): void {
  switch (d.kind) {
    case 'keep':
      return;
    case 'confirm':
      return confirmSuspicion(st, now, e, suspecterOf(st, w, src));
    case 'refute':
      return refute(st, now, d.incarnation, src.from, w.suspecter);
    case 'declared-failed':
      st.declaredFailed = { cause: `${w.status} by ${src.reason}`, ...(src.sender !== undefined && { via: src.sender }) };
      return;
    case 'set':
      if (d.status === e.status) {
        renew(st, now, e, d.incarnation, d.reason);
        // A new suspicion (of a refutation we never heard) is a new timer, with no confirmations yet.
        if (e.status === 'suspect') {
          e.statusSince = now;
          heardSuspicion(st, e, w, src);
          st.timers.pull('expiry', now);
        }
        return;
      }
      e.incarnation = d.incarnation;
      transition(st, now, e, d.status, d.reason);
      if (d.status === 'suspect') heardSuspicion(st, e, w, src);
  }
}

function learn(st: CoreState, now: number, w: WireEntry, src: Source): void {
  // Every caller's parts are its id's (the codec builds the id from them; snapshots and admits parse it).
  const member = wireIds.member(w.host, w.port, w.version);
  const address = member.address;
  const newest = st.list.newestVersion(address);
  // A dead member we never knew, or an older run of an address we have seen restarted: remember it as gone.
  if (!isLive(w.status) || (newest !== undefined && w.version < newest)) {
    st.list.tombstone(w.id, now + st.config.tombstoneMs);
    return;
  }
  const here = st.list.at(address);
  // Older than a version listed there but not yet confirmed: most likely a dead run in stale gossip, but the newer
  // one may be forged, so this one is only not learned second-hand (its own datagrams still list it).
  if (src.from !== address && here.some((e) => e.version > w.version)) return;
  // Bounded (issue 9): an address restarts at most so often, a gossiping sender introduces at most so many a second,
  // and the list holds at most so many.
  if ((here.length > 0 && !st.newVersions.allow(now, address)) || (src.from !== undefined && !st.newMembers.allow(now, src.from))) {
    st.hits.newMemberRate++;
    return;
  }
  if (st.list.size >= st.config.maxMembers) {
    st.hits.listFull++;
    return;
  }
  const e = entryOf(member, w, now);
  st.list.add(e);
  // Its fail timer (alive, heard now) is the only one it brings; a transition below pulls the bound in itself.
  st.timers.pull('expiry', now + st.config.failTimeoutMs);
  if (src.news ?? true) st.broadcasts.enqueue(e);
  emit(st, now, 'join', e, src.reason);
  // Learned alive at the heard incarnation; what more it heard (a suspicion) is the precedence rule's to decide.
  if (w.status !== 'alive') apply(st, now, e, decideFor(st, e, w, false), src, w);
}

/** Proof that `e` exists (a datagram from it, or the introducer's snapshot): it may now be sent to, and as the newest
 *  version at its address it proves the older ones gone. Unconfirmed, a newer version proves nothing — anyone can
 *  gossip an id — so a forged one only lists a phantom that times out. */
export function confirm(st: CoreState, now: number, e: Entry): void {
  if (e.confirmed) return;
  e.confirmed = true;
  if (isLive(e.status)) supersede(st, now, e);
  if (e !== st.self) addToRing(st, e);
}

/** A newer version at an address proves the older process gone: only one process binds a port. */
function supersede(st: CoreState, now: number, newer: Entry): void {
  for (const e of st.list.at(newer.address)) {
    if (e.version >= newer.version || !isLive(e.status)) continue;
    if (e === st.self) st.declaredFailed = { cause: 'superseded', via: newer.id };
    else transition(st, now, e, 'failed', 'superseded');
  }
}

function hearOfSelf(st: CoreState, now: number, w: WireEntry, src: Source): void {
  // A heartbeat of ours higher than our own (forged, within what our age allows) would hide every real one until we
  // passed it, and we would be failed for silence: continue from it instead.
  if (w.heartbeat > st.self.heartbeat) st.self.heartbeat = w.heartbeat;
  apply(st, now, st.self, decideFor(st, st.self, w, true), src, w);
}
