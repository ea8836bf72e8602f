// The host's side of the view contract (view-contract.ts; HostMessage in electron/host/api.ts): the current state of everything the view shows, kept
// compact (each observer's list as it stands, not the events that built it), changed only by `apply`, which numbers
// each change. A subscriber gets `snapshot()` and then the numbered deltas, so what it folds is, at every seq, what
// this state holds. The rule that a slot whose node no longer runs stops voting lives here, once: such an id gets a
// `stop` event (reason "host") as part of the same change, for the view and for every later snapshot alike.
// Pure (the clock comes in), so the host runs it for the live view and the page for the demo: one set of rules.
import { statusAfter } from './events.ts';
import type { MembershipEvent, MemberStatus } from './events.ts';
import type { Address, MemberId } from './member-id.ts';
import type { ModeInfo } from './mode.ts';
import { partitionAfter } from './partition.ts';
import type {
  ClusterMode, ClusterNode, HostActionRecord, NodeRunState, NodeStats, ObserverList, Progress, ProtocolInForce, ViewChange,
  ViewSnapshot,
} from './view-contract.ts';

/** ObserverList status codes (api.ts). */
const CODE: Record<MemberStatus, number> = { alive: 1, suspect: 2, failed: 3, left: 4 };
/** Actions kept for a late subscriber's figures. */
const ACTIONS_KEPT = 32;

/** Run states in which a node cannot be listing anyone (the renderer draws such a slot down, too). */
export function isDown(state: NodeRunState | undefined): boolean {
  return state === 'killed' || state === 'stopped' || state === 'left';
}

/** The host's word, at `ts`, that `id` lists no one any more (its slot went down, changed id, or is gone). */
function hostStop(id: MemberId, ts: number): MembershipEvent {
  return { ts, node: id, event: 'stop', member: id, reason: 'host' };
}

interface Entry {
  readonly code: number;
  readonly incarnation: number;
  /** When the observer logged it (its clock): a late subscriber times detections from it. */
  readonly ts: number;
}

interface List {
  running: boolean;
  readonly entries: Map<MemberId, Entry>;
}

export class ViewState {
  private seqNo = 0;
  private session: string | null = null;
  private mode: ClusterMode | null = null;
  private protocol: ProtocolInForce | null = null;
  private readonly nodes = new Map<Address, ClusterNode>();
  /** Only observers that run or list someone: a stopped observer's list is empty and dropped. */
  private readonly lists = new Map<MemberId, List>();
  private readonly stats = new Map<Address, NodeStats>();
  private progress: Progress | null = null;
  private actions: HostActionRecord[] = [];
  private partition: readonly Address[] | null = null;

  /** `clock`: epoch ms, for the `stop` events the host adds (the nodes' own events carry their own times). */
  constructor(private readonly clock: () => number) {}

  get seq(): number {
    return this.seqNo;
  }

  /** A new session (or none): everything before it is forgotten. The sequence goes on, so an old delta can never
   *  pass for a new one. */
  reset(session: string | null, mode: ClusterMode | null): void {
    this.session = session;
    this.mode = mode;
    this.protocol = null;
    this.nodes.clear();
    this.lists.clear();
    this.stats.clear();
    this.progress = null;
    this.actions = [];
    this.partition = null;
  }

  /** Applies `change` and what follows from it; returns the numbered deltas to send, in order. */
  apply(change: ViewChange): { seq: number; change: ViewChange }[] {
    const out = [this.record(change)];
    switch (change.type) {
      case 'events':
        for (const e of change.events) this.fold(e);
        break;
      case 'nodes': {
        const stops: MembershipEvent[] = [];
        for (const address of change.removed ?? []) {
          const id = this.nodes.get(address)?.id;
          this.nodes.delete(address);
          if (id !== undefined && this.lists.get(id)?.running) stops.push(hostStop(id, this.clock()));
        }
        for (const node of change.nodes) {
          const before = this.nodes.get(node.address)?.id;
          this.nodes.set(node.address, node);
          // The slot's old id (restarted) or its id while down (killed, left, stopped) no longer lists anyone.
          for (const id of new Set([before, node.id])) {
            if (id !== undefined && this.lists.get(id)?.running && (id !== node.id || isDown(node.state))) {
              stops.push(hostStop(id, this.clock()));
            }
          }
        }
        if (stops.length > 0) out.push(...this.apply({ type: 'events', events: stops }));
        out.push(...this.settleProtocol());
        break;
      }
      case 'stats':
        for (const s of change.stats) this.stats.set(s.address, s);
        out.push(...this.settleProtocol());
        break;
      case 'action':
        this.actions.push(change.record);
        if (this.actions.length > ACTIONS_KEPT) this.actions = this.actions.slice(-ACTIONS_KEPT);
        this.partition = partitionAfter(change.record, this.partition);
        break;
      case 'progress':
        this.progress = change.progress;
        break;
      case 'protocol':
        this.protocol = change.protocol;
        break;
    }
    return out;
  }

  snapshot(): ViewSnapshot {
    const ids: MemberId[] = [];
    const index = new Map<MemberId, number>();
    const intern = (id: MemberId): number => {
      let i = index.get(id);
      if (i === undefined) {
        i = ids.length;
        ids.push(id);
        index.set(id, i);
      }
      return i;
    };
    const lists: ObserverList[] = [];
    for (const [observer, list] of this.lists) {
      const entries: number[] = [];
      for (const [member, e] of list.entries) entries.push(intern(member), e.code, e.incarnation, e.ts);
      lists.push({ observer: intern(observer), running: list.running, entries });
    }
    return {
      session: this.session, mode: this.mode, protocol: this.protocol, nodes: [...this.nodes.values()], ids, lists,
      stats: [...this.stats.values()], progress: this.progress, actions: [...this.actions], partition: this.partition,
    };
  }

  /** The node at `address` as the view has it. */
  node(address: Address): ClusterNode | undefined {
    return this.nodes.get(address);
  }

  private record(change: ViewChange): { seq: number; change: ViewChange } {
    return { seq: ++this.seqNo, change };
  }

  /** As the renderer's MembershipState folds it: `start` makes a running list that lists itself, `stop` empties
   *  it, every other event sets or (remove) clears one entry. */
  private fold(e: MembershipEvent): void {
    let list = this.lists.get(e.node);
    if (e.event === 'stop') {
      this.lists.delete(e.node);
      return;
    }
    if (!list) this.lists.set(e.node, (list = { running: false, entries: new Map() }));
    if (e.event === 'start') list.running = true;
    const status = statusAfter(e.event);
    if (status === undefined) {
      list.entries.delete(e.member);
      return;
    }
    // An event without an incarnation keeps the one known (as the renderer's matrix does).
    const incarnation = e.incarnation ?? list.entries.get(e.member)?.incarnation ?? 0;
    list.entries.set(e.member, { code: CODE[status], incarnation, ts: e.ts });
  }

  /** The protocol in force among running nodes: the highest epoch reported wins, as gossip makes it. Settled once
   *  every running node has reported that epoch (one not heard from yet may not have switched). Each side of a pair is
   *  its own cluster, with its own switch and epochs. */
  private settleProtocol(): { seq: number; change: ViewChange }[] {
    const sides = new Map<number, { best: ModeInfo; epochs: Set<number>; reported: number }>();
    const running = new Map<number, number>();
    for (const node of this.nodes.values()) {
      if (node.state === 'running') running.set(node.group ?? 0, (running.get(node.group ?? 0) ?? 0) + 1);
    }
    for (const s of this.stats.values()) {
      const node = this.nodes.get(s.address);
      if (!s.protocol || !node || node.state !== 'running') continue;
      const group = node.group ?? 0;
      const side = sides.get(group);
      if (!side) sides.set(group, { best: s.protocol, epochs: new Set([s.protocol.epoch]), reported: 1 });
      else {
        side.epochs.add(s.protocol.epoch);
        side.reported++;
        if (s.protocol.epoch > side.best.epoch) side.best = s.protocol;
      }
    }
    const ordered = [...sides].sort(([a], [b]) => a - b);
    const first = ordered[0]?.[1];
    const next: ProtocolInForce | null = first === undefined ? null : {
      family: first.best.family, suspicion: first.best.suspicion, epoch: first.best.epoch,
      settled: ordered.every(([group, side]) => side.epochs.size === 1 && side.reported === running.get(group)),
      ...(this.mode === 'pair' && { sides: ordered.map(([, { best: { family, suspicion, epoch } }]) => ({ family, suspicion, epoch })) }),
    };
    if (JSON.stringify(next) === JSON.stringify(this.protocol)) return [];
    return this.apply({ type: 'protocol', protocol: next });
  }
}
