// The membership state machine, sans-IO (ARCHITECTURE.md §2): fed `now`, received bytes and commands; returns what to
// send, what changed, and when to be woken next. No sockets, timers, clocks or randomness of its own, so the same code
// runs under real UDP, embedded many-per-process, and in the deterministic simulator.
//
// CONTRACT (the runtime, host and simulator code against this; the implementation fills it in):
import type { MembershipEvent, MemberStatus } from './events.ts';
import type { Address, MemberId } from './member-id.ts';
import type { ProtocolConfig } from './config.ts';
import type { Rng } from './rng.ts';

export interface Send {
  readonly to: Address;
  readonly bytes: Uint8Array;
}

export interface Output {
  readonly send: Send[];
  readonly events: MembershipEvent[];
  /** When `tick` must be called next at the latest (same clock as `now`). */
  readonly nextWakeAt: number;
  /** Set once, when this member learns the group declared it failed or removed: fail-stop, so it cannot refute;
   *  the runtime logs `stop` and rejoins under a new version. */
  readonly selfDeclaredFailed?: boolean;
}

export interface MemberView {
  readonly id: MemberId;
  readonly status: MemberStatus;
  readonly heartbeat: number;
  readonly incarnation: number;
  /** `now` at which this observer last saw the member's heartbeat increase. */
  readonly lastHeardAt: number;
}

/** A full membership list, as the introducer returns it to a joiner over TCP. */
export interface JoinSnapshot {
  readonly members: readonly { id: MemberId; heartbeat: number; incarnation: number; status: MemberStatus }[];
  readonly suspicion: { enabled: boolean; epoch: number };
}

export type Command =
  | { readonly kind: 'leave' }
  /** Cluster-wide: spreads by gossip, a higher epoch wins (see suspicion.ts). */
  | { readonly kind: 'set-suspicion'; readonly enabled: boolean }
  /** Local: the receiver-side drop probability, 0..1. */
  | { readonly kind: 'set-drop'; readonly rate: number }
  /** Introducer side of a TCP join: add the joiner; `snapshot()` then gives the reply. */
  | { readonly kind: 'admit'; readonly member: MemberId }
  /** Joiner side: merge the introducer's reply. */
  | { readonly kind: 'joined'; readonly snapshot: JoinSnapshot };

export interface CoreOptions {
  readonly self: MemberId;
  readonly config: ProtocolConfig;
  readonly rng: Rng;
  readonly suspicion?: boolean;
  readonly dropRate?: number;
  /** Address of the introducer this member joined through; re-announced to while no alive member lives there, so a
   *  restarted introducer relearns the group. */
  readonly introducer?: Address;
}

export interface CoreCounters {
  readonly received: number;
  readonly dropped: number;
  readonly malformed: number;
  readonly sent: number;
}
