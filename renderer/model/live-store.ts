// The live side of the fold: host messages are queued as they arrive and applied in order, a frame's worth at a time
// (bounded by a time budget, so a burst of 100k events spreads over frames instead of freezing one). Holds what the
// views need besides the matrix: the host's node list, stats, progress and detection latencies.
import { MembershipState } from './membership-state.ts';
import { DetectionLatencyTracker } from './detection-latency.ts';
import { isDownRunState } from './node-status.ts';
import type { MembershipEvent } from '../../node-runtime/protocol/events.ts';
import type { Address } from '../../node-runtime/protocol/member-id.ts';
import type { ClusterNode, HostMessage, NodeStats } from '../../electron/host/api.ts';

export interface Progress {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
}

export interface DrainResult {
  /** Events applied this call. */
  applied: number;
  /** Whether a non-event message (nodes, stats, action, progress) changed something. */
  otherChanged: boolean;
}

export class LiveStore {
  state = new MembershipState();
  nodes: readonly ClusterNode[] = [];
  /** Bumped whenever `nodes` is replaced, so slot tables are rebuilt only then. */
  nodesRevision = 0;
  readonly stats = new Map<Address, NodeStats>();
  progress: Progress | undefined;
  latency = new DetectionLatencyTracker();
  /** fail / suspect events applied by the last drain, for the views' detection pulses (reused array). */
  readonly detections: MembershipEvent[] = [];
  /** Timestamps of the events applied by the last drain (reused; `drainedCount` valid), for event-to-screen. */
  drainedTs = new Float64Array(4096);
  drainedCount = 0;

  private queue: HostMessage[] = [];
  private head = 0;
  /** Position inside the events message at `head`, when a drain stopped halfway through it. */
  private eventPos = 0;

  constructor(private readonly onError: (message: string) => void = () => {}) {}

  /** The host's current session (recording folder name) and cluster mode; null before any launch or attach. */
  session: { session: string | null; mode: string | null } = { session: null, mode: null };

  /** Queue a message; errors are reported at once, a new session starts over at once, the rest waits for the next
   *  frame. */
  receive(message: HostMessage): void {
    if (message.type === 'error') {
      this.onError(message.message);
    } else if (message.type === 'session') {
      // What is queued or folded belongs to the previous session: the host sends the new one from scratch.
      this.reset();
      this.session = { session: message.session, mode: message.mode };
    } else {
      this.queue.push(message);
    }
  }

  get backlog(): number {
    let n = 0;
    for (let i = this.head; i < this.queue.length; i++) {
      const m = this.queue[i]!;
      n += m.type === 'events' ? m.events.length : 1;
    }
    return n - this.eventPos;
  }

  /** Forget everything (the host is about to send the whole history again, e.g. after a reconnect). */
  reset(): void {
    this.state = new MembershipState();
    this.latency = new DetectionLatencyTracker();
    this.nodes = [];
    this.nodesRevision++;
    this.stats.clear();
    this.progress = undefined;
    this.session = { session: null, mode: null };
    this.queue = [];
    this.head = 0;
    this.eventPos = 0;
  }

  /** Apply queued messages until the queue is empty or `budgetMs` has passed on `clock`. */
  drain(clock: () => number, budgetMs: number): DrainResult {
    const started = clock();
    const result: DrainResult = { applied: 0, otherChanged: false };
    this.detections.length = 0;
    this.drainedCount = 0;
    while (this.head < this.queue.length) {
      const message = this.queue[this.head]!;
      if (message.type === 'events') {
        const events = message.events;
        while (this.eventPos < events.length) {
          this.applyEvent(events[this.eventPos++]!);
          result.applied++;
          if ((result.applied & 511) === 0 && clock() - started > budgetMs) return this.compact(result);
        }
        this.eventPos = 0;
      } else if (message.type !== 'error' && message.type !== 'session') {
        this.applyOther(message);
        result.otherChanged = true;
      }
      this.head++;
    }
    return this.compact(result);
  }

  private applyEvent(e: MembershipEvent): void {
    this.state.apply(e);
    this.latency.event(e);
    if (e.event === 'fail' || e.event === 'suspect') this.detections.push(e);
    if (this.drainedCount === this.drainedTs.length) {
      const grown = new Float64Array(this.drainedTs.length * 2);
      grown.set(this.drainedTs);
      this.drainedTs = grown;
    }
    this.drainedTs[this.drainedCount++] = e.ts;
  }

  private applyOther(message: Exclude<HostMessage, { type: 'events' | 'error' | 'session' }>): void {
    switch (message.type) {
      case 'nodes':
        this.nodes = message.nodes;
        this.nodesRevision++;
        // A killed process logs nothing more, so its last list would keep voting in every tally: end it here.
        for (const n of message.nodes) if (isDownRunState(n.state) && n.id !== undefined) this.stop(n.id);
        break;
      case 'stats':
        for (const s of message.stats) this.stats.set(s.address, s);
        break;
      case 'action':
        this.latency.action(message.record);
        if (message.record.action === 'kill' && message.record.member !== undefined) this.stop(message.record.member, message.record.ts);
        break;
      case 'progress':
        this.progress = message.done >= message.total ? undefined : message;
        break;
    }
  }

  private stop(id: string, ts = this.state.time): void {
    if (this.state.isRunning(id)) this.applyEvent({ ts, node: id, event: 'stop', member: id, reason: 'host' });
  }

  private compact(result: DrainResult): DrainResult {
    if (this.head > 1024 || this.head === this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return result;
  }
}
