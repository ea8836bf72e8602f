// One Serf agent as one hearsay observer row. Over its RPC: the member-event stream (opened first, so nothing falls
// between it and the snapshot), the member list as the row's opening snapshot (`reason: "snapshot"`) and, every
// 2 s, as a check that the row shows what the agent itself lists (`reason: "members"`), and the agent's log
// (`monitor`) for what neither carries: memberlist's suspicions. Serf reports no end of a
// suspicion that was refuted, so a suspicion with no failure after memberlist's longest suspicion timeout is closed
// by an `alive` marked `suspicion-expired` — the view never keeps a suspect the agent no longer holds.
import { statusAfter } from '../protocol/events.ts';
import type { EventKind, MembershipEvent, MemberStatus } from '../protocol/events.ts';
import type { MemberId } from '../protocol/member-id.ts';
import { parseSerfLogLine, serfMemberId } from '../protocol/serf-log.ts';
import { SerfRpc } from './rpc-client.ts';
import type { SerfRpcError, SerfRpcOptions } from './rpc-client.ts';
import { formatIp } from './rpc-schema.ts';
import type { SerfMember, SerfMemberEvent } from './rpc-schema.ts';

export interface SerfObserverSink {
  events(events: readonly MembershipEvent[]): void;
  /** A value from the agent failed its schema and was dropped. */
  malformed(): void;
  /** The connection ended after the observer opened (agent stopped, killed, or close()d: code `closed`). */
  closed(err: SerfRpcError): void;
}

export interface SerfObserverOptions extends SerfRpcOptions {
  /** How long a suspicion may last before it must have ended (serf-bounds.ts maxSuspicionMs). */
  readonly suspicionMaxMs: number;
  readonly now?: () => number;
}

const STATUS_EVENT: Record<SerfMember['Status'], EventKind | undefined> = {
  none: undefined, alive: 'join', leaving: 'leave', left: 'leave', failed: 'fail',
};

const STREAM_EVENT: Record<string, EventKind> = {
  'member-join': 'join', 'member-leave': 'leave', 'member-failed': 'fail', 'member-update': 'alive', 'member-reap': 'remove',
};

export function memberIdOf(m: SerfMember): MemberId {
  return serfMemberId(formatIp(m.Addr), m.Port, m.Name);
}

/** What this agent's row shows of one member. */
interface Row {
  readonly id: MemberId;
  status: MemberStatus;
  /** Ends a suspicion memberlist never reports the end of. */
  suspect?: NodeJS.Timeout;
}

/** How often the row is checked against the agent's own `members` answer. */
export const MEMBERS_POLL_MS = 2000;

export class SerfObserver {
  private readonly rows = new Map<string, Row>();
  private closing = false;
  private poll: NodeJS.Timeout | undefined;

  private constructor(readonly rpcAddress: string, private readonly rpc: SerfRpc, readonly name: string, readonly self: MemberId,
    private readonly sink: SerfObserverSink, private readonly opts: SerfObserverOptions) {}

  /** Connects and emits the row's snapshot; rejects with a SerfRpcError (its code says why) if the agent cannot be watched. */
  static async open(rpcAddress: string, sink: SerfObserverSink, opts: SerfObserverOptions): Promise<SerfObserver> {
    const rpc = await SerfRpc.connect(rpcAddress, opts);
    try {
      // Events that arrive before the snapshot is taken wait for it.
      const early: SerfMemberEvent[] = [];
      let deliver = (e: SerfMemberEvent): void => { early.push(e); };
      await rpc.streamMembers((e) => deliver(e));
      const name = await rpc.name();
      const members = await rpc.members();
      const me = members.find((m) => m.Name === name);
      if (!me) throw new Error(`${rpcAddress}: the agent ${name} is not in its own member list`);
      const observer = new SerfObserver(rpcAddress, rpc, name, memberIdOf(me), sink, opts);
      observer.emit([{ ts: observer.now(), node: observer.self, event: 'start', member: observer.self, reason: 'snapshot' }]);
      observer.reconcile(members, 'snapshot');
      for (const e of early) observer.onEvent(e);
      deliver = (e) => observer.onEvent(e);
      const attachedAt = observer.now();
      // The agent first replays the log lines it buffered: those are history, not what it thinks now.
      await rpc.monitor('INFO', (line) => observer.onLog(line, attachedAt));
      rpc.onClose((err) => observer.ended(err));
      observer.schedulePoll();
      return observer;
    } catch (err) {
      rpc.close();
      throw err;
    }
  }

  /** Values from this agent that failed their schema and were dropped. */
  get malformed(): number {
    return this.rpc.malformed;
  }

  /** The agent's member list now (to find the other agents to watch). */
  members(): Promise<SerfMember[]> {
    return this.rpc.members();
  }

  leave(): Promise<unknown> {
    return this.rpc.leave();
  }

  forceLeave(name: string): Promise<unknown> {
    return this.rpc.forceLeave(name);
  }

  close(): void {
    this.closing = true;
    this.rpc.close();
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private emit(events: MembershipEvent[]): void {
    if (events.length > 0) this.sink.events(events);
  }

  private ended(err: SerfRpcError): void {
    clearTimeout(this.poll);
    for (const r of this.rows.values()) clearTimeout(r.suspect);
    if (!this.closing) this.sink.closed(err);
  }

  /**
   * The one way the row changes: an event is emitted only when it changes what the row shows of the member (Serf
   * repeats itself: a snapshot then the coalesced member-join; the poll then the stream).
   */
  private apply(name: string, id: MemberId, event: EventKind, reason: string, into: MembershipEvent[]): void {
    if (id === this.self) return;
    const row = this.rows.get(name);
    if (event === 'remove') {
      if (!row) return;
      clearTimeout(row.suspect);
      this.rows.delete(name);
    } else {
      const status = statusAfter(event)!;
      if (row && row.id === id && row.status === status) return;
      if (row) clearTimeout(row.suspect);
      this.rows.set(name, { id, status });
    }
    into.push({ ts: this.now(), node: this.self, event, member: id, reason });
  }

  /** Brings the row to what the agent lists. Serf lists a suspect member as alive, so that keeps a suspicion. */
  private reconcile(members: readonly SerfMember[], reason: string): void {
    const events: MembershipEvent[] = [];
    const listed = new Set<string>();
    for (const m of members) {
      listed.add(m.Name);
      const kind = STATUS_EVENT[m.Status];
      const row = this.rows.get(m.Name);
      const id = memberIdOf(m);
      if (!kind || (kind === 'join' && row?.id === id && row.status === 'suspect')) continue;
      this.apply(m.Name, id, kind, reason, events);
    }
    for (const [name, row] of this.rows) if (!listed.has(name)) this.apply(name, row.id, 'remove', reason, events);
    this.emit(events);
  }

  /** Serf's member events are coalesced and can lag the agent's own list by a push-pull interval (15–30 s); the
   *  row follows `members` every couple of seconds, so it never shows less than the agent knows. */
  private schedulePoll(): void {
    this.poll = setTimeout(() => {
      this.rpc.members().then((ms) => this.reconcile(ms, 'members'), () => undefined).finally(() => {
        if (!this.closing) this.schedulePoll();
      });
    }, MEMBERS_POLL_MS);
  }

  private onEvent(e: SerfMemberEvent): void {
    const kind = STREAM_EVENT[e.Event]!;
    const events: MembershipEvent[] = [];
    for (const m of e.Members) this.apply(m.Name, memberIdOf(m), kind, e.Event, events);
    this.emit(events);
  }

  private onLog(line: string, attachedAt: number): void {
    const parsed = parseSerfLogLine(line);
    if (parsed?.type !== 'member' || parsed.event !== 'suspect') return;
    // Go logs local time without a zone; parseSerfLogLine read it as UTC. Lines from before we attached are history.
    const ts = parsed.ts + new Date(parsed.ts).getTimezoneOffset() * 60_000;
    if (ts < attachedAt - 1500) return;
    const row = this.rows.get(parsed.name);
    if (!row || row.status === 'failed' || row.status === 'left') return;
    const events: MembershipEvent[] = [];
    // memberlist logs a suspicion at every probe that goes unanswered: one suspect event, the timer restarted.
    this.apply(parsed.name, row.id, 'suspect', parsed.reason, events);
    const current = this.rows.get(parsed.name)!;
    clearTimeout(current.suspect);
    current.suspect = setTimeout(() => {
      if (this.rows.get(parsed.name) !== current || current.status !== 'suspect') return;
      const expired: MembershipEvent[] = [];
      this.apply(parsed.name, current.id, 'alive', 'suspicion-expired', expired);
      this.emit(expired);
    }, this.opts.suspicionMaxMs);
    this.emit(events);
  }
}
