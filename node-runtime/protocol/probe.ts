// SWIM's failure detector (Das, Gupta, Motivala 2002), with Lifeguard's nacks (Dadgar et al. 2018). Each probe period
// a member pings the member `1 + slot mod (n − 1)` places after itself on the probe ring (every member sorted by id,
// the same ring everywhere; slot = the period of the shared clock): a round-robin over the other n − 1 like SWIM's,
// and as the members agree on ring and clock, in each period every member is probed by one other — a crash is
// probed within about one period, where independently shuffled orders left a member unprobed for 4–5 periods in 1 %
// of crashes (the tail of detection time); no ack within the probe timeout → ping-req through k others, who ping the target and relay
// its ack, or answer nack if they got none; no ack by the period's end → the target is suspected (or failed without
// suspicion). Every message piggybacks news (broadcast.ts); a ping to a suspect carries its suspicion first, so the
// suspect hears it from the member most likely to be talking to it (Lifeguard's buddy system).
import type { Send } from './core.ts';
import type { CoreState } from './state.ts';
import { transition } from './state.ts';
import { PacketBuilder } from './codec.ts';
import type { MessageKind, ProbeFields } from './codec.ts';
import type { Entry } from './entry.ts';
import type { News } from './trace.ts';
import { entryNews } from './trace.ts';
import { isLive } from './member-list.ts';
import type { Address } from './member-id.ts';
import { retransmitLimit } from './broadcast.ts';
import { chooseTargets } from './heartbeat.ts';
import { confirmSuspicion } from './suspicion.ts';

/** A probe of this member that is waiting for its ack. */
interface OpenProbe {
  readonly seq: number;
  readonly target: Entry;
  endAt: number;
  indirectAt: number;
  expectedNacks: number;
  nacks: number;
  /** How far its steps were put off for this member's own lateness (postponeLateStep). */
  postponed: number;
}

/** A ping-req this member is serving as helper: its own ping's seq → the requester's. */
interface Relay {
  readonly requester: Address;
  readonly seq: number;
  readonly nackAt: number;
  readonly expiresAt: number;
  nacked: boolean;
}

export interface ProbeState {
  /** Self and the confirmed members, sorted by id (the same ring at every member of a stable group), then those
   *  confirmed since the last sort, in the order they came. */
  readonly ring: Entry[];
  /** Where self is on the ring. */
  selfAt: number;
  /** How many at the ring's end are not sorted in yet, and the slot from which a large ring may be sorted again. */
  unsorted: number;
  sortAfter: number;
  /** The slot of the last probe. */
  slot: number;
  /** Probed next, ahead of the order, one a period: suspicions heard from others (each gives an independent verdict
   *  within a period, so a real crash collects Lifeguard's confirmations at once, while a live suspect is pinged with
   *  its suspicion first by everyone who heard it and refutes at once), and members silent too long that were
   *  learned only second-hand (failure.ts). */
  readonly next: Set<Entry>;
  seq: number;
  open: OpenProbe | undefined;
  readonly relays: Map<number, Relay>;
}

/** Ping-reqs served at once: each is a few numbers, and a peer cannot make us hold more. */
const MAX_RELAYS = 256;
/** A helper answers nack at this fraction of the probe timeout (memberlist's 80 %), so it arrives before the
 *  requester's verdict. */
const NACK_AT = 0.8;

export function newProbeState(seq: number, self: Entry): ProbeState {
  return { ring: [self], selfAt: 0, unsorted: 0, sortAfter: 0, slot: 0, next: new Set(), seq, open: undefined, relays: new Map() };
}

/** Up to this size the ring is sorted again at the first probe after a member joins it (a few hundred compares);
 *  a larger one at most once a round, so a group of thousands confirming each other pays O(log n) per probe. */
const SORT_EVERY_PROBE = 64;

function sortRing(st: CoreState, slot: number): void {
  const p = st.probe;
  compactRing(st);
  p.ring.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  p.selfAt = p.ring.indexOf(st.self);
  p.unsorted = 0;
  p.sortAfter = slot + p.ring.length;
}

function nextSeq(st: CoreState): number {
  st.probe.seq = (st.probe.seq + 1) % 0x100000000;
  return st.probe.seq;
}

/** A SWIM message: the probe fields, then news, fewest-sent first. `first` (the buddy system's suspicion, or our own
 *  refutation) goes before the rest. With its news as built, for the trace (most messages carry none: no allocation). */
export function swimMessage(st: CoreState, kind: MessageKind, probe: ProbeFields | undefined, first?: Entry): Pick<Send, 'bytes' | 'news'> {
  const packet = new PacketBuilder(st.self, st.mode, st.config.maxPacketBytes, kind, probe);
  if (first !== undefined) packet.add(first);
  st.broadcasts.fill(retransmitLimit(st.config.retransmitMult, st.list.live), (e) => e === first || packet.add(e));
  return { bytes: packet.encode(), news: packet.length === 0 ? NO_NEWS : packet.carried.map(entryNews) };
}

const NO_NEWS: readonly News[] = [];

/** The member to probe this period: one heard suspect or silent second-hand member first, else this slot's place on
 *  the ring, or the first live member after it. A member no longer live stays on the ring, skipped, until the ring is
 *  compacted (65 of them, or a sort). It used to be taken off when its turn came; but its turn comes to each member
 *  in step with the turns themselves, so the members that had taken it off (their places past it shifted by one)
 *  and those that had not yet were, period after period, each aiming past the same member: after one crash another
 *  member could go unprobed for a whole round (300 simulated members: a crash 36 s after another was first probed
 *  42 s after it). Skipped in place, it shifts nobody: the next member is probed twice that period instead. */
function nextTarget(st: CoreState, now: number): Entry | undefined {
  const p = st.probe;
  // A live entry is a listed one: an entry leaves the list only once failed or left (failure.ts `expire`), and never
  // comes back to life. So its status alone says it is still to be probed — no list lookup per probe, which in a
  // 10,000-member list is a cache miss or two.
  for (const e of p.next) {
    p.next.delete(e);
    if (isLive(e.status)) return e;
  }
  const ring = p.ring;
  // The shared clock's period while healthy; a member whose health stretches its interval steps one place a probe
  // instead (its slots would jump by the stretch, and a stretch sharing a factor with n − 1 would skip members).
  const slot = st.awareness.health === 0 ? Math.floor(now / st.config.probeIntervalMs) : p.slot + 1;
  p.slot = slot;
  if (p.unsorted > 0 && (ring.length <= SORT_EVERY_PROBE || slot >= p.sortAfter)) sortRing(st, slot);
  // More dead on the ring than the slack (the ring holds self and the confirmed, the list's live count the
  // unconfirmed too): at about the same period at every member, as they hear of the same failures.
  else if (ring.length > st.list.live + RING_SLACK) compactRing(st);
  const n = ring.length;
  if (n <= 1) return undefined;
  const from = (p.selfAt + 1 + (slot % (n - 1))) % n;
  for (let k = 0; k < n; k++) {
    const e = ring[(from + k) % n]!;
    if (e !== st.self && isLive(e.status)) return e;
  }
  return undefined;
}

/** A member just confirmed joins the ring at once (only confirmed members are sent to: member-list.ts), so a
 *  restarted member is probed from the next period on. Confirmed once, so never twice on the ring. */
export function addToRing(st: CoreState, e: Entry): void {
  st.probe.ring.push(e);
  st.probe.unsorted++;
  if (st.probe.ring.length > 2 * st.list.size + RING_SLACK) compactRing(st);
}

/** Entries a ring may hold beyond twice the list before it is compacted (amortises the O(n) pass). */
const RING_SLACK = 64;

/** Drops from the ring the members no longer live (never live again: fail-stop). Probing only skips them, and gossip
 *  mode never probes: without this every member ever confirmed stayed on the ring for the life of the core (~0.5 KiB
 *  each with its entry; the soak's never-killed nodes grew by one per restart in the group). Keeps the order, so
 *  the sorted part stays sorted and the unsorted tail stays the tail. */
function compactRing(st: CoreState): void {
  const p = st.probe;
  const ring = p.ring;
  const sortedEnd = ring.length - p.unsorted;
  let kept = 0;
  let keptSorted = 0;
  for (let i = 0; i < ring.length; i++) {
    const e = ring[i]!;
    if (e !== st.self && !isLive(e.status)) continue;
    if (e === st.self) p.selfAt = kept;
    ring[kept++] = e;
    if (i < sortedEnd) keptSorted++;
  }
  ring.length = kept;
  p.unsorted = kept - keptSorted;
}

/** A new probe period: ping the next member. */
export function startProbe(st: CoreState, now: number): Send[] {
  const c = st.config;
  const endAt = now + st.awareness.scale(c.probeIntervalMs);
  st.timers.set('probe', endAt);
  const target = nextTarget(st, now);
  if (target === undefined) return [];
  const seq = nextSeq(st);
  const indirectAt = now + st.awareness.scale(c.probeTimeoutMs);
  st.probe.open = { seq, target, endAt, indirectAt, expectedNacks: 0, nacks: 0, postponed: 0 };
  st.timers.set('probeStep', indirectAt);
  const buddy = target.status === 'suspect' ? target : undefined;
  return [{ to: target.address, ...swimMessage(st, 'ping', { seq, targetVersion: target.version }, buddy), kind: 'ping' }];
}

/** The open probe's next step: ping-req after the direct timeout, the verdict at the period's end. */
export function stepProbe(st: CoreState, now: number): Send[] {
  const o = st.probe.open;
  if (o === undefined) {
    st.timers.stop('probeStep');
    return [];
  }
  if (now < o.endAt) {
    // Helpers: alive members other than the target (a suspect is a poor witness).
    const helpers = chooseTargets(st, now, st.config.indirectChecks, (e) => e !== o.target && e.status === 'alive');
    o.expectedNacks = helpers.length;
    o.indirectAt = Number.POSITIVE_INFINITY;
    st.timers.set('probeStep', o.endAt);
    const message = swimMessage(st, 'ping-req', { seq: o.seq, target: o.target });
    return helpers.map((h) => ({ to: h.address, ...message, kind: 'ping-req' }));
  }
  closeProbe(st);
  // Lifeguard: nacks we should have had and did not are our own fault; with no helpers, any miss counts.
  st.awareness.apply(o.expectedNacks > 0 ? o.expectedNacks - o.nacks : 1);
  const e = o.target;
  if (st.list.get(e.id) !== e) return [];
  // Already suspect (heard from another prober): our failed probe is an independent confirmation (Lifeguard).
  if (e.status === 'suspect') confirmSuspicion(st, now, e, st.self.address);
  if (e.status !== 'alive') return [];
  transition(st, now, e, st.mode.enabled ? 'suspect' : 'failed', 'probe');
  // The buddy system at once: the suspect hears its suspicion from us now rather than from its next prober, so its
  // refutation (sent back to us, the suspecter) beats our timer even when the next probe is a period away.
  return st.mode.enabled ? [{ to: e.address, ...swimMessage(st, 'gossip', undefined, e), kind: 'gossip' }] : [];
}

/** Woken `late` ms after its deadline (a busy loop; less than failure.ts forgives as lost time): a step of the open
 *  probe that fell due meanwhile — ping-req or verdict — waits until `late` after now, and the rest of the probe and
 *  the next period move on with it, so it runs after the replies the same stall held up could be read. In one process
 *  running many members the stall that held up this tick held up the target and the helpers too; judged at once, the
 *  first turn after a stall turned the probes in flight into suspicions, all in the same millisecond (a storm when
 *  the stall was long, docs/benchmarks.md "Round six: the embedded storm"). Lifeguard's premise: a member that is
 *  itself slow must not accuse others, so the lateness counts against this member's health (core.ts `woke-late`),
 *  not against the target. At most one probe interval per probe, so a crash is still judged within one period more
 *  however late every turn runs. */
export function postponeLateStep(st: CoreState, now: number, late: number): void {
  const o = st.probe.open;
  if (o === undefined) return;
  const due = Math.min(o.indirectAt, o.endAt);
  if (due > now) return;
  const by = Math.min(now + late - due, st.config.probeIntervalMs - o.postponed);
  if (by <= 0) return;
  o.postponed += by;
  o.indirectAt += by;
  o.endAt += by;
  st.timers.set('probeStep', Math.min(o.indirectAt, o.endAt));
  st.timers.set('probe', Math.max(st.timers.get('probe'), o.endAt));
}

function closeProbe(st: CoreState): void {
  st.probe.open = undefined;
  st.timers.stop('probeStep');
}

/** Abandons the open probe and relays without a verdict (after lost time, or leaving ping mode). */
export function abandonProbes(st: CoreState): void {
  closeProbe(st);
  st.probe.relays.clear();
  st.timers.stop('relay');
}

/** Helper side: nacks that are due, relays that expired. */
export function tickRelays(st: CoreState, now: number): Send[] {
  const send: Send[] = [];
  let next = Number.POSITIVE_INFINITY;
  for (const [seq, r] of st.probe.relays) {
    if (now >= r.expiresAt) {
      st.probe.relays.delete(seq);
      continue;
    }
    if (!r.nacked && now >= r.nackAt) {
      r.nacked = true;
      send.push({ to: r.requester, ...swimMessage(st, 'nack', { seq: r.seq }), kind: 'nack' });
    }
    next = Math.min(next, r.nacked ? r.expiresAt : r.nackAt);
  }
  st.timers.set('relay', next);
  return send;
}

/** Answers a received ping, ack, ping-req or nack (in either family: a member that has not heard of a switch yet
 *  must still be answered). */
export function answerProbe(st: CoreState, now: number, kind: MessageKind, probe: ProbeFields, from: Address): Send[] {
  switch (kind) {
    case 'ping':
      // A ping for an older run at this address is not ours to answer: its silence fails that run.
      return probe.targetVersion === st.self.version ? [{ to: from, ...swimMessage(st, 'ack', { seq: probe.seq }), kind: 'ack' }] : [];
    case 'ack': {
      const relay = st.probe.relays.get(probe.seq);
      if (relay !== undefined) {
        st.probe.relays.delete(probe.seq);
        return [{ to: relay.requester, ...swimMessage(st, 'ack', { seq: relay.seq }), kind: 'ack' }];
      }
      const o = st.probe.open;
      if (o !== undefined && o.seq === probe.seq) {
        o.target.lastHeardAt = now;
        closeProbe(st);
        st.awareness.apply(-1);
      }
      return [];
    }
    case 'nack': {
      const o = st.probe.open;
      if (o !== undefined && o.seq === probe.seq) o.nacks++;
      return [];
    }
    case 'ping-req':
      return relay(st, now, probe, from);
    default:
      return [];
  }
}

function relay(st: CoreState, now: number, probe: ProbeFields, from: Address): Send[] {
  const t = probe.target!;
  const target = st.list.get(t.id);
  // Only members we hold live are pinged for others (no reflection to arbitrary addresses); the requester hears
  // "no answer" at once rather than counting our silence against its own health.
  if (target === undefined || !isLive(target.status) || !target.confirmed || target === st.self || st.probe.relays.size >= MAX_RELAYS) {
    return [{ to: from, ...swimMessage(st, 'nack', { seq: probe.seq }), kind: 'nack' }];
  }
  const seq = nextSeq(st);
  const c = st.config;
  const nackAt = now + Math.round(NACK_AT * c.probeTimeoutMs);
  st.probe.relays.set(seq, { requester: from, seq: probe.seq, nackAt, expiresAt: now + c.probeIntervalMs, nacked: false });
  st.timers.pull('relay', nackAt);
  return [{ to: target.address, ...swimMessage(st, 'ping', { seq, targetVersion: target.version }), kind: 'ping' }];
}
