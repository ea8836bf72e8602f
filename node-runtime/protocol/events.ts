// Every change of a node's membership list is one MembershipEvent. The node appends it to its JSONL log and streams
// it to watchers; replay and the live view both fold these records (ARCHITECTURE.md §3). The JSON field names are
// the log schema (docs/log-format.md): keep them stable.
import type { MemberId } from './member-id.ts';

/** `protocol`: the observer itself now runs the protocol named in `reason` (`gossip+nosuspect`, `ping+suspect`, ...):
 *  logged at start and at every switch, so a log and a replay say which protocol was in force. */
export const EVENT_KINDS = ['start', 'stop', 'join', 'suspect', 'alive', 'fail', 'remove', 'leave', 'protocol'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export function isEventKind(value: unknown): value is EventKind {
  return typeof value === 'string' && (EVENT_KINDS as readonly string[]).includes(value);
}

export interface MembershipEvent {
  /** Epoch milliseconds on the observer's clock. */
  readonly ts: number;
  /** The observer: whose membership list changed. */
  readonly node: MemberId;
  readonly event: EventKind;
  /** The member the change is about (the observer itself for `start` and `stop`). */
  readonly member: MemberId;
  /** The member's incarnation as the observer knows it after the change. */
  readonly incarnation?: number;
  /** Why, where it is not obvious from `event`: e.g. `timeout`, `suspect-timeout`, `gossip`, `introducer`. */
  readonly reason?: string;
  /** Learned from a datagram: the member that sent it (who told the observer). Absent for local decisions (timers,
   *  commands) and for what came with the TCP join. */
  readonly via?: MemberId;
}

/** What a member looks like in one observer's list. `removed` members are gone from the list. */
export type MemberStatus = 'alive' | 'suspect' | 'failed' | 'left';

/** Status a member has in its observer's list after an event; undefined: no longer in the list. */
export function statusAfter(kind: EventKind): MemberStatus | undefined {
  switch (kind) {
    case 'start':
    case 'join':
    case 'alive':
    case 'protocol':
      return 'alive';
    case 'suspect':
      return 'suspect';
    case 'fail':
      return 'failed';
    case 'leave':
      return 'left';
    case 'remove':
    case 'stop':
      return undefined;
  }
}
