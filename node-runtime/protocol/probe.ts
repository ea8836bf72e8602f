// SWIM's failure detector (Das, Gupta, Motivala 2002), with Lifeguard's nacks (Dadgar et al. 2018). Each probe period
// a member pings the next member of a shuffled round-robin order (every member is probed within two rounds: bounded
// worst-case detection); no ack within the probe timeout → ping-req through k others, who ping the target and relay
// its ack, or answer nack if they got none; no ack by the period's end → the target is suspected (or failed without
// suspicion). Every message piggybacks news (broadcast.ts); a ping to a suspect carries its suspicion first, so the
// suspect hears it from the member most likely to be talking to it (Lifeguard's buddy system).
import type { Send } from './core.ts';
import type { CoreState } from './state.ts';
import { transition } from './state.ts';
import { PacketBuilder } from './codec.ts';
import type { MessageKind, ProbeFields } from './codec.ts';
import type { Entry } from './member-list.ts';
import { isLive } from './member-list.ts';
import type { Address } from './member-id.ts';
import { retransmitLimit } from './broadcast.ts';
import { randomIndex } from './rng.ts';
import { chooseTargets } from './heartbeat.ts';
import { confirmSuspicion } from './suspicion.ts';

/** A probe of this member that is waiting for its ack. */
interface OpenProbe {
  readonly seq: number;
  readonly target: Entry;
  readonly endAt: number;
  indirectAt: number;
  expectedNacks: number;
  nacks: number;
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
  order: Entry[];
  at: number;
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

export function newProbeState(seq: number): ProbeState {
  return { order: [], at: 0, next: new Set(), seq, open: undefined, relays: new Map() };
}

function nextSeq(st: CoreState): number {
  st.probe.seq = (st.probe.seq + 1) % 0x100000000;
  return st.probe.seq;
}

/** A SWIM message: the probe fields, then news, fewest-sent first. `first` (the buddy system's suspicion, or our own
 *  refutation) goes before the rest. */
export function swimMessage(st: CoreState, kind: MessageKind, probe: ProbeFields | undefined, first?: Entry): Uint8Array {
  const packet = new PacketBuilder(st.self, st.mode, st.config.maxPacketBytes, kind, probe);
  if (first !== undefined) packet.add(first);
  st.broadcasts.fill(retransmitLimit(st.config.retransmitMult, st.list.live), (id) => {
    const e = id === st.self.id ? st.self : st.list.get(id);
    if (e === undefined) return undefined;
    return e === first || packet.add(e);
  });
  return packet.encode();
}

/** The next member of the round-robin order; a new shuffled order of the live members after each round. */
function nextTarget(st: CoreState): Entry | undefined {
  const p = st.probe;
  for (const e of p.next) {
    p.next.delete(e);
    if (st.list.get(e.id) === e && isLive(e.status)) return e;
  }
  for (let round = 0; round < 2; round++) {
    while (p.at < p.order.length) {
      const e = p.order[p.at++]!;
      if (st.list.get(e.id) === e && isLive(e.status)) return e;
    }
    p.order = [];
    // Only confirmed members (member-list.ts): an entry nobody has heard from directly is never sent to.
    for (const e of st.list.values()) if (e !== st.self && isLive(e.status) && e.confirmed) p.order.push(e);
    for (let i = p.order.length - 1; i > 0; i--) {
      const j = randomIndex(st.rng, i + 1);
      const t = p.order[i]!;
      p.order[i] = p.order[j]!;
      p.order[j] = t;
    }
    p.at = 0;
  }
  return undefined;
}

/** A member just confirmed goes into the rest of this round at a random place (memberlist's probe list does the
 *  same), not to the next shuffle: a restarted member killed again soon after was otherwise unprobed for up to a
 *  round, and its detection waited for it (the benchmark's kill schedule does exactly this). */
export function addToOrder(st: CoreState, e: Entry): void {
  const p = st.probe;
  const at = p.at + randomIndex(st.rng, p.order.length - p.at + 1);
  p.order.splice(at, 0, e);
}

/** A new probe period: ping the next member. */
export function startProbe(st: CoreState, now: number): Send[] {
  const c = st.config;
  const endAt = now + st.awareness.scale(c.probeIntervalMs);
  st.timers.set('probe', endAt);
  const target = nextTarget(st);
  if (target === undefined) return [];
  const seq = nextSeq(st);
  const indirectAt = now + st.awareness.scale(c.probeTimeoutMs);
  st.probe.open = { seq, target, endAt, indirectAt, expectedNacks: 0, nacks: 0 };
  st.timers.set('probeStep', indirectAt);
  const buddy = target.status === 'suspect' ? target : undefined;
  return [{ to: target.address, bytes: swimMessage(st, 'ping', { seq, targetVersion: target.version }, buddy), kind: 'ping' }];
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
    const bytes = swimMessage(st, 'ping-req', { seq: o.seq, target: o.target });
    return helpers.map((h) => ({ to: h.address, bytes, kind: 'ping-req' }));
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
  return st.mode.enabled ? [{ to: e.address, bytes: swimMessage(st, 'gossip', undefined, e), kind: 'gossip' }] : [];
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
      send.push({ to: r.requester, bytes: swimMessage(st, 'nack', { seq: r.seq }), kind: 'nack' });
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
      return probe.targetVersion === st.self.version ? [{ to: from, bytes: swimMessage(st, 'ack', { seq: probe.seq }), kind: 'ack' }] : [];
    case 'ack': {
      const relay = st.probe.relays.get(probe.seq);
      if (relay !== undefined) {
        st.probe.relays.delete(probe.seq);
        return [{ to: relay.requester, bytes: swimMessage(st, 'ack', { seq: relay.seq }), kind: 'ack' }];
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
    return [{ to: from, bytes: swimMessage(st, 'nack', { seq: probe.seq }), kind: 'nack' }];
  }
  const seq = nextSeq(st);
  const c = st.config;
  const nackAt = now + Math.round(NACK_AT * c.probeTimeoutMs);
  st.probe.relays.set(seq, { requester: from, seq: probe.seq, nackAt, expiresAt: now + c.probeIntervalMs, nacked: false });
  st.timers.pull('relay', nackAt);
  return [{ to: target.address, bytes: swimMessage(st, 'ping', { seq, targetVersion: target.version }), kind: 'ping' }];
}
