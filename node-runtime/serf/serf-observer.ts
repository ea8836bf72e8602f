// One Serf agent as one hearsay observer row. Over its RPC: the member-event stream (opened first, so nothing falls
// between it and the snapshot), the member list as the row's opening snapshot (`reason: "snapshot"`), and the agent's
// log (`monitor`) for what the event stream does not carry: memberlist's suspicions. Serf reports no end of a
// suspicion that was refuted, so a suspicion with no failure after memberlist's longest suspicion timeout is closed
// by an `alive` marked `suspicion-expired` — the view never keeps a suspect the agent no longer holds.
import type { EventKind, MembershipEvent } from '../protocol/events.ts';
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

export class SerfObserver {
  /** Name → id and whether this agent's row shows it suspect (with the timer that ends the suspicion). */
  private readonly known = new Map<string, { id: MemberId; suspect?: NodeJS.Timeout }>();
  private closing = false;

  private constructor(readonly rpcAddress: string, private readonly rpc: SerfRpc, readonly name: string, readonly self: MemberId,
    private readonly sink: SerfObserverSink, private readonly opts: SerfObserverOptions) {}

  /** Connects and emits the row's snapshot; rejects with a SerfRpcError (its code says why) if the agent cannot be watched. */
  static async open(rpcAddress: string, sink: SerfObserverSink, opts: SerfObserverOptions): Promise<SerfObserver> {
    const rpc = await SerfRpc.connect(rpcAddress, opts);
    try {
      const now = opts.now ?? Date.now;
      // Events that arrive before the snapshot is taken wait for it.
      const early: SerfMemberEvent[] = [];
      let deliver = (e: SerfMemberEvent): void => { early.push(e); };
      await rpc.streamMembers((e) => deliver(e));
      const name = await rpc.name();
      const members = await rpc.members();
      const me = members.find((m) => m.Name === name);
      if (!me) throw new Error(`${rpcAddress}: the agent ${name} is not in its own member list`);
      const observer = new SerfObserver(rpcAddress, rpc, name, memberIdOf(me), sink, opts);
      observer.snapshot(members, now());
      for (const e of early) observer.onEvent(e);
      deliver = (e) => observer.onEvent(e);
      const attachedAt = now();
      // The agent first replays the log lines it buffered: those are history, not what it thinks now.
      await rpc.monitor('INFO', (line) => observer.onLog(line, attachedAt));
      rpc.onClose((err) => observer.ended(err));
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

  private ended(err: SerfRpcError): void {
    for (const k of this.known.values()) clearTimeout(k.suspect);
    if (!this.closing) this.sink.closed(err);
  }

  private snapshot(members: readonly SerfMember[], ts: number): void {
    const events: MembershipEvent[] = [{ ts, node: this.self, event: 'start', member: this.self, reason: 'snapshot' }];
    for (const m of members) {
      const id = memberIdOf(m);
      this.known.set(m.Name, { id });
      const kind = STATUS_EVENT[m.Status];
      if (id !== this.self && kind) events.push({ ts, node: this.self, event: kind, member: id, reason: 'snapshot' });
    }
    this.sink.events(events);
  }

  private onEvent(e: SerfMemberEvent): void {
    const ts = (this.opts.now ?? Date.now)();
    const kind = STREAM_EVENT[e.Event]!;
    const events: MembershipEvent[] = [];
    for (const m of e.Members) {
      const id = memberIdOf(m);
      const k = this.known.get(m.Name);
      clearTimeout(k?.suspect);
      if (kind === 'remove') this.known.delete(m.Name);
      else this.known.set(m.Name, { id });
      if (id === this.self) continue;
      events.push({ ts, node: this.self, event: kind, member: id, reason: e.Event });
    }
    if (events.length > 0) this.sink.events(events);
  }

  private onLog(line: string, attachedAt: number): void {
    const parsed = parseSerfLogLine(line);
    if (parsed?.type !== 'member' || parsed.event !== 'suspect') return;
    // Go logs local time without a zone; parseSerfLogLine read it as UTC. Lines from before we attached are history.
    const ts = parsed.ts + new Date(parsed.ts).getTimezoneOffset() * 60_000;
    if (ts < attachedAt - 1500) return;
    const k = this.known.get(parsed.name);
    if (!k || k.id === this.self) return;
    // memberlist logs a suspicion at every probe that goes unanswered: one suspect event, the timer restarted.
    const already = k.suspect !== undefined;
    clearTimeout(k.suspect);
    k.suspect = setTimeout(() => {
      k.suspect = undefined;
      if (this.known.get(parsed.name) === k) {
        this.sink.events([{ ts: (this.opts.now ?? Date.now)(), node: this.self, event: 'alive', member: k.id, reason: 'suspicion-expired' }]);
      }
    }, this.opts.suspicionMaxMs);
    if (!already) this.sink.events([{ ts: (this.opts.now ?? Date.now)(), node: this.self, event: 'suspect', member: k.id, reason: parsed.reason }]);
  }
}
