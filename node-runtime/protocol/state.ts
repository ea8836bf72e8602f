// The state one core's mechanisms share, and the one way a member's status changes (so every change is an event).
import type { ProtocolConfig } from './config.ts';
import type { EventKind, MemberStatus, MembershipEvent } from './events.ts';
import type { Address } from './member-id.ts';
import { formatMemberId, parseMemberId } from './member-id.ts';
import type { MemberId, ParsedMemberId } from './member-id.ts';
import type { WireEntry, WireMode } from './codec.ts';
import type { MemberList } from './member-list.ts';
import { Entry, suspicionBy } from './entry.ts';
import type { Member } from './entry.ts';
import type { Rng } from './rng.ts';
import { wireIds } from './wire-ids.ts';
import type { LimitHits } from './plausibility.ts';
import type { NewMemberLimit } from './new-member-limit.ts';
import { isLive } from './member-list.ts';
import type { Awareness } from './awareness.ts';
import type { BroadcastQueue } from './broadcast.ts';
import type { TimerTable } from './timers.ts';
import type { ProbeState } from './probe.ts';
import type { ProtocolFamily } from './mode.ts';

export interface CoreState {
  readonly self: Entry;
  /** The timings given (resolved): what `config` is derived from. */
  readonly base: ProtocolConfig;
  /** The timings in force: `base` scaled to the group's size and the family (group-size.ts). */
  config: ProtocolConfig;
  /** The list size and family `config` was derived for. */
  sizedFor: { n: number; family: ProtocolFamily };
  readonly rng: Rng;
  readonly list: MemberList;
  readonly introducer: Address | undefined;
  mode: WireMode;
  /** Events of the output being built. */
  events: MembershipEvent[];
  /** The sender of the datagram being merged: every event it causes records it as `via`. */
  via: MemberId | undefined;
  /** Senders owed an immediate refutation by the receive being processed (suspicion.ts). */
  refuteTo: Address[];
  /** Set when the group declared this member failed or left: it cannot refute (fail-stop) and goes inert. What told
   *  it and who, so a restart can be traced to its cause. */
  declaredFailed: DeclaredFailed | undefined;
  /** When the protocol family last changed here (ping mode keeps heartbeat gossip for T_fail after it, mode.ts). */
  modeSince: number;
  /** Every timer. `expiry` is a lower bound on the members' own timers, so a tick skips the O(N) scan until then:
   *  hearing a heartbeat only moves a timer later; what may move one earlier (a status change, a new member, a
   *  Lifeguard confirmation) pulls it in. */
  readonly timers: TimerTable;
  /** News to piggyback (SWIM). */
  readonly broadcasts: BroadcastQueue;
  readonly awareness: Awareness;
  readonly probe: ProbeState;
  /** A list of this many others did not fit one packet: larger ones skip the attempt (gossip.ts). */
  wholeTooBig: number;
  /** Where the rotating window of a packet that cannot hold the whole list starts (gossip.ts). */
  rotation: number;
  /** The same for the unconfirmed entries, which only fill the room the confirmed leave (gossip.ts). */
  rotationUnconfirmed: number;
  /** Set by a join: the next round goes to every known member (gossip.ts). */
  announce: boolean;
  /** Gossip mode, after a join: members of the join snapshot not yet told of this one, told a batch a round (gossip.ts). */
  unannounced: Entry[];
  /** Introducer, gossip mode: joiners admitted lately, each owed one round once its own datagram has confirmed it
   *  (until when it is owed; gossip.ts). */
  welcome: { readonly id: MemberId; readonly until: number }[];
  /** The join sync's push-pull with the introducer is under way: its answer is merged as the introducer's list
   *  (push-pull.ts). */
  joinSyncAsked: boolean;
  /** The push-pull interval the periodic push-pull was armed with (push-pull.ts `followPushPull`). */
  pushPullArmedFor: number;
  /** What the limits against hostile input refused (plausibility.ts). */
  readonly hits: LimitHits;
  readonly newMembers: NewMemberLimit;
  readonly newVersions: NewMemberLimit;
}

/** What made the group's verdict known here: a failed-notice, a `failed`/`left` entry about self (`gossip`,
 *  `snapshot`, `push-pull`), or a newer version of self confirmed (`superseded`); `via` is the sender, when a datagram. */
export interface DeclaredFailed {
  readonly cause: string;
  readonly via?: MemberId;
}

const KIND_OF: Record<MemberStatus, EventKind> = { alive: 'alive', suspect: 'suspect', failed: 'fail', left: 'leave' };

export function emit(st: CoreState, now: number, event: EventKind, e: Entry, reason?: string): void {
  // One object, its fields in this order (the log's JSON): N² join events form a large group, so no copies.
  const ev: { -readonly [K in keyof MembershipEvent]: MembershipEvent[K] } = { ts: Math.round(now), node: st.self.id, event, member: e.id, incarnation: e.incarnation };
  if (reason !== undefined) ev.reason = reason;
  if (st.via !== undefined) ev.via = st.via;
  st.events.push(ev);
}

/** Moves a member to `status` and records it as the matching event; the change is news to spread. */
export function transition(st: CoreState, now: number, e: Entry, status: MemberStatus, reason: string): void {
  if (isLive(e.status) !== isLive(status)) st.list.liveChanged(isLive(status) ? 1 : -1);
  e.status = status;
  e.statusSince = now;
  e.changedAt = now;
  // A suspicion this member raises itself (a probe, a timeout) names it; one heard is re-named by merge.ts.
  e.suspicion = status === 'suspect' ? suspicionBy(st.self.address) : undefined;
  st.timers.pull('expiry', now);
  st.broadcasts.enqueue(e);
  emit(st, now, KIND_OF[status], e, reason);
}

/** A member's incarnation moved without a status change (a refutation we hear late, our own refutation): news to
 *  spread, and an event of the same status at the new incarnation — the view and the log show incarnations, and
 *  know a list only from its events. */
export function renew(st: CoreState, now: number, e: Entry, incarnation: number, reason: string): void {
  e.incarnation = incarnation;
  e.changedAt = now;
  st.broadcasts.enqueue(e);
  emit(st, now, KIND_OF[e.status], e, reason);
}

/** Parses an id that arrived outside the codec (commands, snapshots); only the canonical spelling is accepted, since
 *  the codec sends ids as parts and `h:01@1` would come back as another id, `h:1@1`. */
export function parseCanonical(id: MemberId): ParsedMemberId | undefined {
  const parsed = parseMemberId(id);
  return parsed && formatMemberId(parsed.host, parsed.port, parsed.version) === id ? parsed : undefined;
}

/** A list entry for a member first heard of now (or not yet timed: the core's own, until `start`). Undefined for an
 *  id that is not canonical. */
export function newEntry(w: Pick<WireEntry, 'id' | 'heartbeat' | 'incarnation'>, now?: number): Entry | undefined {
  const parsed = parseCanonical(w.id);
  if (parsed === undefined) return undefined;
  // The decoder's identity for this id (ids learned from a snapshot or a command included): one per process, shared
  // by every list, and the list's lookups with decoded ids compare its id by reference.
  return entryOf(wireIds.member(parsed.host, parsed.port, parsed.version), w, now);
}

/** A list entry for a member whose identity is known (`wireIds.member` of a decoded or parsed entry's parts): what
 *  merging learns N² times in a large group, without parsing the id again. */
export function entryOf(member: Member, w: Pick<WireEntry, 'heartbeat' | 'incarnation'>, now?: number): Entry {
  const e = new Entry(member, w.heartbeat, w.incarnation);
  if (now !== undefined) e.lastHeardAt = e.statusSince = e.changedAt = now;
  return e;
}
