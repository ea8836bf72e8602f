// The truth audit's picture of the host (truth-audit.spec.ts): the host's view stream folded as the page folds it
// (LiveStore), one event at a time, so it knows every state the stream passes through, not only the one each delta
// ends in. A delta carries what the host gathered over up to 25 ms (host.ts, PUSH_INTERVAL_MS): a node that learns
// two members and is declared failed 25 ms later has its joins and its `stop` in one delta, and a `list_mem` answered
// between the two is a state no seq ends in — but one the stream did hold (round four's "flaky" embedded audit).
import type { HostMessage, ViewChange } from '../electron/host/api.ts';
import { LiveStore } from '../renderer/model/live-store.ts';

/** `observer member` → status, and `observer *` → 'row' for every observer whose list is shown. */
export type Rows = Map<string, string>;

export function rowsOf(lists: readonly { observer: string; members: readonly { member: string; status: string }[] }[]): Rows {
  const rows: Rows = new Map();
  for (const l of lists) {
    rows.set(`${l.observer} *`, 'row');
    for (const m of l.members) rows.set(`${l.observer} ${m.member}`, m.status);
  }
  return rows;
}

export class HostStates {
  /** Folded one event at a time: its own seq counts those steps (the host's seq is kept beside it). */
  readonly store = new LiveStore();
  /** Per host seq: the rows at the end of its delta. */
  readonly rowsAt = new Map<number, Rows>();
  /** When each host seq reached the test. */
  readonly arrivedAt = new Map<number, number>();
  /** Per host seq: values rows took inside its delta that its end no longer holds (undefined: not listed). */
  private readonly passedAt = new Map<number, Map<string, Set<string | undefined>>>();
  private seq = -1;
  private step = 0;
  private awaitingSnapshot = true;

  /** `kept`: host seqs remembered (a page is never this far behind). */
  constructor(private readonly kept: number) {}

  /** Takes one message of the host's stream, arrived at `at`; 'resync' when a delta does not follow (as
   *  follow-view.ts, the caller subscribes again: the new subscription opens with a snapshot). */
  receive(message: HostMessage, at: number): 'ok' | 'resync' {
    if (message.type === 'snapshot') {
      this.awaitingSnapshot = false;
      this.seq = message.seq;
      this.step = 0;
      this.store.receive({ ...message, seq: 0 });
      this.record(message.seq, [this.fold()], at);
      return 'ok';
    }
    if (message.type !== 'delta' || this.awaitingSnapshot || message.seq <= this.seq) return 'ok';
    if (message.seq !== this.seq + 1) {
      this.awaitingSnapshot = true;
      return 'resync';
    }
    this.seq = message.seq;
    const { change } = message;
    const steps: ViewChange[] = change.type === 'events' ? change.events.map((e) => ({ type: 'events', events: [e] })) : [change];
    this.record(message.seq, steps.map((c) => {
      this.store.receive({ type: 'delta', seq: ++this.step, change: c });
      return this.fold();
    }), at);
    return 'ok';
  }

  /** Whether `key` had `value` (undefined: not listed) at some moment of host seq `seq`'s delta. */
  holds(seq: number, key: string, value: string | undefined): boolean {
    return this.rowsAt.get(seq)?.get(key) === value || this.passedAt.get(seq)?.get(key)?.has(value) === true;
  }

  private fold(): Rows {
    this.store.drain(() => 0, Number.POSITIVE_INFINITY);
    return rowsOf(this.store.lists());
  }

  /** `states`: after each step of the delta, the last one its end. */
  private record(seq: number, states: readonly Rows[], at: number): void {
    const end = states[states.length - 1]!;
    const passed = new Map<string, Set<string | undefined>>();
    for (const rows of states.slice(0, -1)) {
      for (const key of new Set([...rows.keys(), ...end.keys()])) {
        const value = rows.get(key);
        if (value === end.get(key)) continue;
        let values = passed.get(key);
        if (!values) passed.set(key, (values = new Set()));
        values.add(value);
      }
    }
    this.rowsAt.set(seq, end);
    this.passedAt.set(seq, passed);
    this.arrivedAt.set(seq, at);
    for (const m of [this.rowsAt, this.passedAt, this.arrivedAt]) m.delete(seq - this.kept);
  }
}
