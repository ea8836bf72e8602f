// One observer's entry for one member, laid out for large groups: a simulated group of N lists N² entries (10⁸ at
// 10,000), so every word counts. The member's identity (id, host, port, version, address) is one object per process
// shared by every list (wire-ids.ts); the entry holds only what this observer thinks of it, and its times as whole
// milliseconds since the process's first stored time — small integers, held in the entry itself, where epoch-ms
// values are doubles boxed on the heap (16 B each, and V8 boxes a field for every instance once one value is not a
// small integer).
import type { MemberStatus } from './events.ts';
import type { Address, MemberId } from './member-id.ts';
import type { WireEntry, WireMember } from './codec.ts';

/** A member's identity, the same object in every list of the process. */
export interface Member extends WireMember {
  readonly address: Address;
}

export interface Suspicion {
  /** The suspecter this observer names when it spreads the suspicion (the first it heard of, or the latest
   *  independent confirmation, as memberlist re-broadcasts each). */
  suspecter: Address;
  /** Lifeguard: the suspecters of the current suspicion (by address), the first one included (suspicion.ts). */
  readonly confirmers: Set<Address>;
}

/** A suspicion raised by `suspecter`, so far confirmed by no other. */
export function suspicionBy(suspecter: Address): Suspicion {
  return { suspecter, confirmers: new Set([suspecter]) };
}

/** Where entry times count from: the first time a core of this process stored (fixed from then on). Times within
 *  ~24 days of it are small integers (2³¹ ms); later ones are stored all the same, boxed. */
let origin: number | undefined;

function sinceOrigin(t: number): number {
  const ms = Math.floor(t);
  origin ??= ms;
  const since = ms - origin;
  // `| 0` makes the small integer V8 stores unboxed: a difference of doubles is a double even when it is whole.
  return since === (since | 0) ? since | 0 : since;
}

function atOrigin(ms: number): number {
  return (origin ?? 0) + ms;
}

export class Entry implements WireEntry {
  heartbeat: number;
  incarnation: number;
  status: MemberStatus = 'alive';
  /** This observer has proof the member exists: a datagram from it (its own address and id), or the introducer's
   *  join snapshot. Only confirmed members are sent to, and only they supersede older versions (merge.ts), so a
   *  forged entry never turns the group into a reflector or locks an address out. */
  confirmed = false;
  /** While suspect: who suspects it (one field for the two: most entries are never suspected). */
  suspicion: Suspicion | undefined = undefined;
  private heard = 0;
  private since = 0;
  private changed = 0;

  constructor(readonly member: Member, heartbeat: number, incarnation: number) {
    this.heartbeat = heartbeat;
    this.incarnation = incarnation;
  }

  get id(): MemberId {
    return this.member.id;
  }

  get host(): string {
    return this.member.host;
  }

  get port(): number {
    return this.member.port;
  }

  get version(): number {
    return this.member.version;
  }

  get address(): Address {
    return this.member.address;
  }

  get suspecter(): Address | undefined {
    return this.suspicion?.suspecter;
  }

  /** `now` when this observer last saw the heartbeat increase: the fail timer runs from here. Whole ms (floored), as
   *  are the two below. */
  get lastHeardAt(): number {
    return atOrigin(this.heard);
  }

  set lastHeardAt(t: number) {
    this.heard = sinceOrigin(t);
  }

  /** `now` when the status last changed: the suspect and cleanup timers run from here. */
  get statusSince(): number {
    return atOrigin(this.since);
  }

  set statusSince(t: number) {
    this.since = sinceOrigin(t);
  }

  /** `now` when status or incarnation last changed: such news goes first into a bounded packet (gossip.ts). */
  get changedAt(): number {
    return atOrigin(this.changed);
  }

  set changedAt(t: number) {
    this.changed = sinceOrigin(t);
  }
}
