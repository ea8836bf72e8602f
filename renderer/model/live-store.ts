// The renderer's side of the view contract (electron/host/api.ts, HostMessage): a snapshot replaces everything, then
// each delta whose seq follows is queued and applied in order, a frame's worth at a time (bounded by a time budget,
// so a burst of 100k events spreads over frames instead of freezing one). A delta that does not follow — one was
// lost, or dropped as malformed — is never guessed across: `receive` answers 'resync' and ignores deltas until the
// fresh snapshot that a new subscription brings (follow-view.ts). Holds what the views need besides the matrix: the
// host's node list, stats, progress, the protocol in force and detection latencies.
import { MembershipState } from './membership-state.ts';
import { DetectionLatencyTracker } from './detection-latency.ts';
import { partitionAfter } from '../../node-runtime/protocol/partition.ts';
import type { EventKind, MembershipEvent, MemberStatus } from '../../node-runtime/protocol/events.ts';
import type { Address, MemberId } from '../../node-runtime/protocol/member-id.ts';
import type {
  ClusterMode, ClusterNode, HostMessage, NodeStats, Progress, ProtocolInForce, ViewChange, ViewSnapshot,
} from '../../electron/host/api.ts';

export interface DrainResult {
  /** Events applied this call. */
  applied: number;
  /** Whether a change other than events (nodes, stats, action, progress, protocol) was applied. */
  otherChanged: boolean;
}

/** What the store takes in: the view's state and notices (follow-view.ts routes the side streams past it). */
export type StateMessage = Extract<HostMessage, { type: 'snapshot' | 'delta' | 'notice' }>;

/** The event that puts an ObserverList status code (api.ts) into a list. */
const KIND_OF_CODE: readonly EventKind[] = ['remove', 'join', 'suspect', 'fail', 'leave'];
/** Marks events rebuilt from a snapshot: state, not news (no pulses, no event-to-screen samples). */
const SNAPSHOT = 'snapshot';

export class LiveStore {
  state = new MembershipState();
  /** The host's slots, in the order it first reported them. */
  nodes: readonly ClusterNode[] = [];
  /** Bumped whenever `nodes` is replaced, so slot tables are rebuilt only then. */
  nodesRevision = 0;
  readonly stats = new Map<Address, NodeStats>();
  progress: Progress | undefined;
  protocol: ProtocolInForce | null = null;
  /** The nodes the current partition cuts off (null: none). */
  partition: readonly Address[] | null = null;
  /** The host's current session (recording folder name) and cluster mode; null before any launch or attach. */
  session: { session: string | null; mode: ClusterMode | null } = { session: null, mode: null };
  latency = new DetectionLatencyTracker();
  /** fail / suspect events applied by the last drain, for the views' detection pulses (reused array). */
  readonly detections: MembershipEvent[] = [];
  /** Timestamps of the events applied by the last drain (reused; `drainedCount` valid), for event-to-screen. */
  drainedTs = new Float64Array(4096);
  drainedCount = 0;
  /** Seq of the last delta taken in (or of the snapshot); -1 before the first snapshot. */
  seq = -1;
  /** Snapshots received, and sequence gaps that asked for one (for the test hook). */
  snapshots = 0;
  resyncs = 0;

  private readonly nodeMap = new Map<Address, ClusterNode>();
  private awaitingSnapshot = true;
  private queue: ViewChange[] = [];
  private head = 0;
  /** Position inside the events change at `head`, when a drain stopped halfway through it. */
  private eventPos = 0;

  constructor(private readonly onNotice: (message: string) => void = () => {}) {}

  /** Takes one message of the state. 'resync': the
   *  sequence broke; subscribe again for a fresh snapshot. */
  receive(message: StateMessage): 'ok' | 'resync' {
    switch (message.type) {
      case 'notice':
        this.onNotice(message.message);
        return 'ok';
      case 'snapshot':
        this.restore(message.seq, message.view);
        return 'ok';
      case 'delta':
        if (this.awaitingSnapshot || message.seq <= this.seq) return 'ok';
        if (message.seq !== this.seq + 1) {
          this.awaitingSnapshot = true;
          this.resyncs++;
          return 'resync';
        }
        this.seq = message.seq;
        this.queue.push(message.change);
        return 'ok';
    }
  }

  get backlog(): number {
    let n = 0;
    for (let i = this.head; i < this.queue.length; i++) {
      const c = this.queue[i]!;
      n += c.type === 'events' ? c.events.length : 1;
    }
    return n - this.eventPos;
  }

  /** The membership lists the view holds for every slot whose current id runs (the matrix's rows): what the test hook
   *  hands the truth audit, which folds the host's stream into a LiveStore of its own and compares the two. */
  lists(): { observer: MemberId; members: { member: MemberId; status: MemberStatus }[] }[] {
    return this.nodes.flatMap((n) => (n.id !== undefined && this.state.isRunning(n.id)
      ? [{ observer: n.id, members: this.state.listOf(n.id).map(({ member, status }) => ({ member, status })) }]
      : []));
  }

  /** Apply queued changes until the queue is empty or `budgetMs` has passed on `clock`. */
  drain(clock: () => number, budgetMs: number): DrainResult {
    const started = clock();
    const result: DrainResult = { applied: 0, otherChanged: false };
    this.detections.length = 0;
    this.drainedCount = 0;
    while (this.head < this.queue.length) {
      const change = this.queue[this.head]!;
      if (change.type === 'events') {
        const events = change.events;
        while (this.eventPos < events.length) {
          this.applyEvent(events[this.eventPos++]!);
          result.applied++;
          if ((result.applied & 511) === 0 && clock() - started > budgetMs) return this.compact(result);
        }
        this.eventPos = 0;
      } else {
        this.applyOther(change);
        result.otherChanged = true;
      }
      this.head++;
    }
    return this.compact(result);
  }

  /** The whole view from a snapshot: the slots, stats and modes at once; the lists as events queued for the frames
   *  to fold (a 1,000-node snapshot is a million entries). Starts first, then each list's entries, and the kills
   *  and failures in time order, so the latency figures come out as they did live. */
  private restore(seq: number, view: ViewSnapshot): void {
    this.state = new MembershipState();
    this.latency = new DetectionLatencyTracker();
    this.nodeMap.clear();
    for (const n of view.nodes) this.nodeMap.set(n.address, n);
    this.nodes = [...this.nodeMap.values()];
    this.nodesRevision++;
    this.stats.clear();
    for (const s of view.stats) this.stats.set(s.address, s);
    this.progress = view.progress ?? undefined;
    this.protocol = view.protocol;
    this.partition = view.partition;
    this.session = { session: view.session, mode: view.mode };
    this.seq = seq;
    this.awaitingSnapshot = false;
    this.snapshots++;

    const { ids } = view;
    const starts: MembershipEvent[] = [];
    const entries: MembershipEvent[] = [];
    const failures: MembershipEvent[] = [];
    for (const l of view.lists) {
      const node = ids[l.observer]!;
      if (l.running) starts.push({ ts: 0, node, event: 'start', member: node, reason: SNAPSHOT });
      for (let i = 0; i < l.entries.length; i += 4) {
        const event = KIND_OF_CODE[l.entries[i + 1]!]!;
        const e = { ts: l.entries[i + 3]!, node, event, member: ids[l.entries[i]!]!, incarnation: l.entries[i + 2]!, reason: SNAPSHOT };
        (event === 'fail' ? failures : entries).push(e);
      }
    }
    const timeline: ({ ts: number; change: ViewChange })[] = [
      ...view.actions.map((record) => ({ ts: record.ts, change: { type: 'action', record } as const })),
      ...failures.map((e) => ({ ts: e.ts, change: { type: 'events', events: [e] } as const })),
    ].sort((a, b) => a.ts - b.ts);
    this.queue = [{ type: 'events', events: [...starts, ...entries] }, ...timeline.map((t) => t.change)];
    this.head = 0;
    this.eventPos = 0;
  }

  private applyEvent(e: MembershipEvent): void {
    this.state.apply(e);
    this.latency.event(e);
    if (e.reason === SNAPSHOT) return;
    if (e.event === 'fail' || e.event === 'suspect') this.detections.push(e);
    if (this.drainedCount === this.drainedTs.length) {
      const grown = new Float64Array(this.drainedTs.length * 2);
      grown.set(this.drainedTs);
      this.drainedTs = grown;
    }
    this.drainedTs[this.drainedCount++] = e.ts;
  }

  private applyOther(change: Exclude<ViewChange, { type: 'events' }>): void {
    switch (change.type) {
      case 'nodes':
        for (const address of change.removed ?? []) this.nodeMap.delete(address);
        for (const n of change.nodes) this.nodeMap.set(n.address, n);
        this.nodes = [...this.nodeMap.values()];
        this.nodesRevision++;
        break;
      case 'stats':
        for (const s of change.stats) this.stats.set(s.address, s);
        break;
      case 'action':
        this.latency.action(change.record);
        this.partition = partitionAfter(change.record, this.partition);
        break;
      case 'progress':
        this.progress = change.progress ?? undefined;
        break;
      case 'protocol':
        this.protocol = change.protocol;
        break;
    }
  }

  private compact(result: DrainResult): DrainResult {
    if (this.head > 1024 || this.head === this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return result;
  }
}
