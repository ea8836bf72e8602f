// Test support for the host-core tests: subscribes to a Host, folds its snapshot and deltas into every observer's
// list (as the renderer does; a gap in the sequence fails loudly), and waits on conditions over that picture with a
// deadline — never a sleep.
import { statusAfter } from '../../node-runtime/protocol/events.ts';
import type {
  Address, ClusterNode, HostActionRecord, HostApi, HostMessage, MemberId, MemberStatus, MembershipEvent, ViewChange,
  ViewSnapshot,
} from './api.ts';

const STATUS_OF: readonly MemberStatus[] = ['alive', 'alive', 'suspect', 'failed', 'left'];

export class HostStream {
  readonly lists = new Map<MemberId, Map<MemberId, MemberStatus>>();
  readonly events: MembershipEvent[] = [];
  readonly actions: HostActionRecord[] = [];
  readonly messages: HostMessage[] = [];
  readonly changes: ViewChange[] = [];
  private readonly slots = new Map<Address, ClusterNode>();
  snapshot: ViewSnapshot | undefined;
  seq = -1;
  /** Deltas whose seq did not follow (must stay 0: the host never skips one). */
  gaps = 0;
  private readonly waiters = new Set<() => void>();
  readonly unsubscribe: () => void;

  constructor(api: HostApi) {
    this.unsubscribe = api.subscribe((m) => this.receive(m));
  }

  get nodes(): ClusterNode[] {
    return [...this.slots.values()];
  }

  status(observer: MemberId, member: MemberId): MemberStatus | undefined {
    return this.lists.get(observer)?.get(member);
  }

  /** Ids of the running nodes the host lists, except `but`. */
  runningIds(but?: string): MemberId[] {
    return this.nodes.filter((n) => n.state === 'running' && n.id !== undefined && n.address !== but).map((n) => n.id!);
  }

  /** True once every running node lists every other running node as alive. */
  converged(count: number): boolean {
    const ids = this.runningIds();
    return ids.length === count && ids.every((o) => ids.every((m) => o === m || this.status(o, m) === 'alive'));
  }

  /** Resolves when `check` holds (checked on every push and every 100 ms); rejects naming `what` at the deadline. */
  waitFor(what: string, timeoutMs: number, check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearInterval(poll);
        clearTimeout(timer);
        this.waiters.delete(test);
      };
      const test = (): void => {
        if (!check()) return;
        done();
        resolve();
      };
      const poll = setInterval(test, 100);
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(test);
    });
  }

  private receive(m: HostMessage): void {
    this.messages.push(m);
    if (m.type === 'snapshot') this.restore(m.seq, m.view);
    else if (m.type === 'delta') {
      if (m.seq !== this.seq + 1) this.gaps++;
      this.seq = m.seq;
      this.changes.push(m.change);
      this.applyChange(m.change);
    }
    for (const waiter of this.waiters) waiter();
  }

  private restore(seq: number, view: ViewSnapshot): void {
    this.seq = seq;
    this.snapshot = view;
    this.lists.clear();
    this.slots.clear();
    for (const n of view.nodes) this.slots.set(n.address, n);
    for (const l of view.lists) {
      const list = new Map<MemberId, MemberStatus>();
      for (let i = 0; i < l.entries.length; i += 4) list.set(view.ids[l.entries[i]!]!, STATUS_OF[l.entries[i + 1]!]!);
      this.lists.set(view.ids[l.observer]!, list);
    }
  }

  private applyChange(change: ViewChange): void {
    if (change.type === 'nodes') {
      for (const address of change.removed ?? []) this.slots.delete(address);
      for (const n of change.nodes) this.slots.set(n.address, n);
    }
    else if (change.type === 'action') this.actions.push(change.record);
    else if (change.type === 'events') {
      for (const e of change.events) {
        this.events.push(e);
        let list = this.lists.get(e.node);
        if (!list) this.lists.set(e.node, (list = new Map()));
        if (e.event === 'stop') list.clear();
        const status = statusAfter(e.event);
        if (status === undefined) list.delete(e.member);
        else list.set(e.member, status);
      }
    }
  }
}
