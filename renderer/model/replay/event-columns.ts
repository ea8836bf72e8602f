// A recording's events as parallel typed arrays (33 bytes an event, no object per event): what keeps a 1M-event
// replay within a few times its files' size. Ids and reasons are interned to small integers.
import { EVENT_KINDS } from '../../../node-runtime/protocol/events.ts';
import type { EventKind, MembershipEvent } from '../../../node-runtime/protocol/events.ts';
import type { MemberId } from '../../../node-runtime/protocol/member-id.ts';
import { NO_INCARNATION } from './parse-record.ts';

/** The `via` column's value for an event with none: a local decision (a timer, a command), what came with a TCP join,
 *  or a log written before `via` existed. */
export const NO_VIA = -1;

export const KIND_CODE: Readonly<Record<EventKind, number>> =
  Object.fromEntries(EVENT_KINDS.map((k, i) => [k, i])) as Record<EventKind, number>;

export interface EventColumns {
  readonly length: number;
  readonly ts: Float64Array;
  readonly observer: Int32Array;
  readonly member: Int32Array;
  /** Index into EVENT_KINDS. */
  readonly kind: Uint8Array;
  /** NO_INCARNATION when the line had none. */
  readonly incarnation: Uint32Array;
  /** Index into Interner `reasons`; 0 = none. */
  readonly reason: Uint16Array;
  /** Index into Interner `ids` of the member whose datagram brought the news (who told the observer); NO_VIA if none. */
  readonly via: Int32Array;
  /** Index of the file the line came from, and its line number there (0: inferred by the loader, in no file). */
  readonly file: Uint16Array;
  readonly line: Uint32Array;
}

/** Shared by every file of one recording, so an id has one index across files. */
export class Interner {
  readonly ids: MemberId[] = [];
  readonly reasons: string[] = [''];
  private readonly idIndex = new Map<string, number>();
  private readonly reasonIndex = new Map<string, number>([['', 0]]);

  id(id: MemberId): number {
    let i = this.idIndex.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.idIndex.set(id, i);
    }
    return i;
  }

  indexOfId(id: MemberId): number | undefined {
    return this.idIndex.get(id);
  }

  reason(reason: string | undefined): number {
    if (reason === undefined) return 0;
    let i = this.reasonIndex.get(reason);
    if (i === undefined) {
      // More distinct reasons than a Uint16 holds is garbage, not information: keep the event, drop its reason.
      if (this.reasons.length >= 0xffff) return 0;
      i = this.reasons.length;
      this.reasons.push(reason);
      this.reasonIndex.set(reason, i);
    }
    return i;
  }
}

export class ColumnBuilder {
  length = 0;
  private capacity: number;
  private cols: Omit<EventColumns, 'length'>;

  constructor(capacity = 1024) {
    this.capacity = capacity;
    this.cols = allocate(capacity);
  }

  push(ts: number, observer: number, member: number, kind: number, incarnation: number, reason: number, via: number, file: number, line: number): void {
    if (this.length === this.capacity) this.grow(this.capacity * 2);
    const i = this.length++;
    const c = this.cols;
    c.ts[i] = ts;
    c.observer[i] = observer;
    c.member[i] = member;
    c.kind[i] = kind;
    c.incarnation[i] = incarnation;
    c.reason[i] = reason;
    c.via[i] = via;
    c.file[i] = file;
    c.line[i] = line;
  }

  /** Trims to length (views into the same buffers: no copy). */
  finish(): EventColumns {
    const n = this.length;
    const c = this.cols;
    return {
      length: n, ts: c.ts.subarray(0, n), observer: c.observer.subarray(0, n), member: c.member.subarray(0, n),
      kind: c.kind.subarray(0, n), incarnation: c.incarnation.subarray(0, n), reason: c.reason.subarray(0, n),
      via: c.via.subarray(0, n), file: c.file.subarray(0, n), line: c.line.subarray(0, n),
    };
  }

  private grow(capacity: number): void {
    const next = allocate(capacity);
    for (const key of Object.keys(next) as (keyof typeof next)[]) {
      (next[key] as { set(a: ArrayLike<number>): void }).set(this.cols[key]);
    }
    this.cols = next;
    this.capacity = capacity;
  }
}

export function allocate(n: number): Omit<EventColumns, 'length'> {
  return {
    ts: new Float64Array(n), observer: new Int32Array(n), member: new Int32Array(n), kind: new Uint8Array(n),
    incarnation: new Uint32Array(n), reason: new Uint16Array(n), via: new Int32Array(n), file: new Uint16Array(n), line: new Uint32Array(n),
  };
}

/** How many events have ts ≤ t (the columns are in ts order): the position whose state is "the state at t". */
export function positionAt(c: EventColumns, t: number): number {
  let lo = 0;
  let hi = c.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.ts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Event `i` as the record the model folds (one object shape for every event, so the fold stays monomorphic). */
export function eventAt(c: EventColumns, i: number, interner: Interner): MembershipEvent {
  const inc = c.incarnation[i]!;
  const reason = c.reason[i]!;
  const via = c.via[i]!;
  return {
    ts: c.ts[i]!, node: interner.ids[c.observer[i]!]!, event: EVENT_KINDS[c.kind[i]!]!, member: interner.ids[c.member[i]!]!,
    incarnation: inc === NO_INCARNATION ? undefined : inc,
    reason: reason === 0 ? undefined : interner.reasons[reason],
    via: via === NO_VIA ? undefined : interner.ids[via],
  };
}
