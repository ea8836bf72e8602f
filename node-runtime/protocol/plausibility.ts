// Plausibility of numbers from the wire (issue 9): the codec checks shapes and ranges; this checks what the shapes
// cannot — against `now` and the member's age. Versions are start times (epoch ms, node/version-clock.ts), so one
// far in the future of this clock is not a real run, and a member's counters cannot outgrow its age: a heartbeat
// rises once per round (≥ MIN_GOSSIP_INTERVAL_MS), an incarnation or a suspicion epoch at most once per millisecond
// (each bump answers a datagram or a command). Every ceiling lies far below 2^53 for millennia, so a counter that
// passes can always be followed by its successor — a suspect at the ceiling can be refuted, a switch at the
// ceiling can be switched back — and receivers accept the successor one millisecond later.
import type { ProtocolConfig } from './config.ts';
import { MAX_EPOCH_STEP, MIN_GOSSIP_INTERVAL_MS } from './config.ts';
import type { WireEntry, WireMember, WireMode } from './codec.ts';

/** What each limit refused: counted, never thrown (CoreCounters.limits). */
export interface LimitHits {
  /** Datagrams whose sender is not the address they came from. */
  spoofed: number;
  /** Entries, senders or modes with a number no real run can have (and entries of a TCP list that name no member). */
  implausible: number;
  /** New members refused: their sender introduced newMembersPerSenderPerSecond already, or their address restarted
   *  newVersionsPerAddressPerSecond times. */
  newMemberRate: number;
  /** New members refused: the list holds maxMembers. */
  listFull: number;
  /** Tombstones (and remembered versions) forgotten early to stay within maxTombstones. */
  tombstonesEvicted: number;
}

export function noHits(): LimitHits {
  return { spoofed: 0, implausible: 0, newMemberRate: 0, listFull: 0, tombstonesEvicted: 0 };
}

export function addHits(a: Readonly<LimitHits>, b: Readonly<LimitHits>): LimitHits {
  const sum = noHits();
  for (const key of Object.keys(sum) as (keyof LimitHits)[]) sum[key] = a[key] + b[key];
  return sum;
}

/** A start time this clock can believe. */
export function plausibleVersion(config: ProtocolConfig, now: number, version: number): boolean {
  return version <= now + config.maxClockSkewMs;
}

/** The largest count a member of `version` can have reached by `now` at one bump per `perMs`. */
function ceiling(config: ProtocolConfig, now: number, version: number, perMs: number): number {
  return Math.floor((now - version + config.maxClockSkewMs) / perMs) + 1;
}

export function plausibleMember(config: ProtocolConfig, now: number, m: WireMember): boolean {
  return plausibleVersion(config, now, m.version);
}

export function plausibleEntry(config: ProtocolConfig, now: number, w: WireEntry): boolean {
  return plausibleVersion(config, now, w.version)
    && w.heartbeat <= ceiling(config, now, w.version, MIN_GOSSIP_INTERVAL_MS)
    && w.incarnation <= ceiling(config, now, w.version, 1);
}

/** An epoch counts switches; the cluster cannot have switched more than once per millisecond since the epoch of
 *  the clocks (an epoch of 2^53 − 1 would leave no successor: the next switch would isolate its issuer). Heard by
 *  gossip (`current` given), it is also at most MAX_EPOCH_STEP past the one this member holds: members hear every
 *  switch within seconds, so a far jump is a forgery (a joiner takes any plausible epoch from its snapshot). */
export function plausibleMode(config: ProtocolConfig, now: number, mode: Pick<WireMode, 'epoch'>, current?: number): boolean {
  return mode.epoch <= ceiling(config, now, 0, 1) && (current === undefined || mode.epoch <= current + MAX_EPOCH_STEP);
}
