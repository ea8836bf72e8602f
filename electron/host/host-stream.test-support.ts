// Test support for the host-core tests: subscribes to a Host, folds its pushed events into every observer's list
// (as the renderer does), and waits on conditions over that picture with a deadline — never a sleep.
import { statusAfter } from '../../node-runtime/protocol/events.ts';
import type { ClusterNode, HostActionRecord, HostApi, HostMessage, MemberId, MemberStatus, MembershipEvent } from './api.ts';

export class HostStream {
  readonly lists = new Map<MemberId, Map<MemberId, MemberStatus>>();
  readonly events: MembershipEvent[] = [];
  readonly actions: HostActionRecord[] = [];
  readonly messages: HostMessage[] = [];
  nodes: readonly ClusterNode[] = [];
  private readonly waiters = new Set<() => void>();
  readonly unsubscribe: () => void;

  constructor(api: HostApi) {
    this.unsubscribe = api.subscribe((m) => this.receive(m));
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
    if (m.type === 'session') this.lists.clear();
    else if (m.type === 'nodes') this.nodes = m.nodes;
    else if (m.type === 'action') this.actions.push(m.record);
    else if (m.type === 'events') {
      for (const e of m.events) {
        this.events.push(e);
        let list = this.lists.get(e.node);
        if (!list) this.lists.set(e.node, (list = new Map()));
        if (e.event === 'stop') list.clear();
        const status = statusAfter(e.event);
        if (status === undefined) list.delete(e.member);
        else list.set(e.member, status);
      }
    }
    for (const waiter of this.waiters) waiter();
  }
}
