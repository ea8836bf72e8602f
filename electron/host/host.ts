// The host core (ARCHITECTURE.md §4): the one HostApi both shells carry. It runs one cluster at a time (launched as
// processes or embedded, or attached), records the session, and keeps the view state (node-runtime/protocol/view-state.ts): a subscriber
// gets a snapshot of it, then the numbered deltas of what changes, batched at most every 25 ms. A session that
// starts or ends sends every subscriber a new snapshot.
import path from 'node:path';
import { UserError } from '../../node-runtime/user-error.ts';
import type {
  Address, ClusterNode, HostActionRecord, HostApi, HostMessage, HostRequest, HostResponse, HostResponses, LaunchOptions,
  MembershipEvent, NodeStats, ViewChange,
} from './api.ts';
import { keyringOf } from '../../node-runtime/transport/keyring.ts';
import { TraceSampler } from '../../node-runtime/protocol/trace.ts';
import { partitionLists } from '../../node-runtime/protocol/partition.ts';
import { AttachedCluster } from './attach.ts';
import type { Cluster, ClusterSink } from './cluster.ts';
import { EmbeddedCluster } from './embedded-cluster.ts';
import { DEFAULT_BASE_PORT } from './free-ports.ts';
import { ProcessCluster } from './process-cluster.ts';
import { answerExperiment, ExperimentService, isExperimentRequest } from './experiments.ts';
import { SerfAttachedCluster } from './serf-attach.ts';
import { SerfCluster } from './serf-cluster.ts';
import { PairCluster } from './pair-cluster.ts';
import { Recorder } from './recorder.ts';
import type { RecordingFiles } from './recording-files.ts';
import { ViewState } from '../../node-runtime/protocol/view-state.ts';
import type { ExperimentRequest } from './experiment-api.ts';

/** A delta gathers what changed over at most this long: its wait is most of event → screen when the loop is busy
 *  (1,000 embedded nodes: 50 ms gave a p95 of 148–204 ms against the 200-ms target). */
export const PUSH_INTERVAL_MS = 25;
/** Traces per push to the renderer (≈ 5,000/s, news and drops first; the graph keeps at most 3,000 on screen). */
const TRACES_PER_PUSH = 125;

/** Requests about the cluster and recordings (experiments go to their own service). */
type ClusterRequest = Exclude<HostRequest, ExperimentRequest>;

export interface HostOptions {
  /** Where sessions are recorded: logs/<session>/. */
  readonly logsDir: string;
  readonly recordings: RecordingFiles;
  /** Launches without a basePort take the first free range from here (default 3000). */
  readonly firstNodePort?: number;
}

type Listener = (message: HostMessage) => void;

export class Host implements HostApi {
  private cluster: Cluster | undefined;
  private experimentService: ExperimentService | undefined;
  private recorder: Recorder | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly view = new ViewState(Date.now);
  /** What clusters reported since the last flush; applied to the view, in this order, at the next one. */
  private pending: ViewChange[] = [];
  private pendingEvents: MembershipEvent[] = [];
  /** By address; null: removed. */
  private pendingNodes = new Map<Address, ClusterNode | null>();
  private pendingStats = new Map<Address, NodeStats>();
  /** Message traces: a sampled second stream, sent live only (a new subscriber gets none of the past). */
  private readonly traces = new TraceSampler(TRACES_PER_PUSH);
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  /** Lines from nodes or control channels that failed validation (counted, dropped). */
  malformed = 0;
  /** Serialises requests that change the cluster, so a double click cannot launch two clusters. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: HostOptions) {}

  request<R extends HostRequest>(request: R): Promise<HostResponse<R>> {
    if (isExperimentRequest(request)) return answerExperiment(this.experiments, request) as Promise<HostResponse<R>>;
    if (request.type === 'open-recording' || request.type === 'list-recordings') {
      return this.dispatch(request) as Promise<HostResponse<R>>;
    }
    const run = this.queue.then(() => this.dispatch(request));
    this.queue = run.catch(() => undefined);
    return run as Promise<HostResponse<R>>;
  }

  /** The snapshot goes out synchronously, before any later delta: nothing can slip between the two. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener({ type: 'snapshot', seq: this.view.seq, view: this.view.snapshot() });
    const experiment = this.experimentService?.current();
    if (experiment) listener(experiment);
    return () => this.listeners.delete(listener);
  }

  /** Stops the cluster and the recording; the host can be dropped after. */
  async close(): Promise<void> {
    await this.experimentService?.close();
    await this.queue;
    await this.stopCluster();
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flush();
    this.listeners.clear();
  }

  /** Experiments (the Experiments tab) run beside the cluster, in logs/experiments/. */
  private get experiments(): ExperimentService {
    this.experimentService ??= new ExperimentService({
      root: path.join(this.opts.logsDir, 'experiments'), publish: (m) => this.send(m),
    });
    return this.experimentService;
  }

  private async dispatch(request: ClusterRequest): Promise<HostResponses[keyof HostResponses]> {
    switch (request.type) {
      case 'launch': {
        const recorder = await this.begin(request.options.mode);
        await this.run(this.launched(request.options, recorder, this.opts.firstNodePort ?? DEFAULT_BASE_PORT));
        return { session: recorder.session, nodes: this.current().nodes() };
      }
      case 'launch-pair': {
        const recorder = await this.begin('pair');
        const [a, b] = request.options.map((o) => ({ ...o, basePort: undefined }));
        await this.run(new PairCluster(this.launched(a!, recorder, this.opts.firstNodePort ?? DEFAULT_BASE_PORT, 0),
          (firstPort) => this.launched(b!, recorder, firstPort, 1), (message) => this.send({ type: 'notice', message })));
        return { session: recorder.session, nodes: this.current().nodes() };
      }
      case 'pair-action': {
        const cluster = this.current();
        if (!(cluster instanceof PairCluster)) throw new UserError('state', 'no side-by-side pair is running');
        const before = cluster.nodes();
        const ts = Date.now();
        const nodes = await cluster.pairAction(request.action, request.index);
        for (const n of nodes) {
          const member = before.find((b) => b.address === n.address)?.id;
          this.record({ ts, action: request.action, address: n.address, ...(member && { member }) });
        }
        return { nodes };
      }
      case 'pair-partition': {
        const cluster = this.current();
        if (!(cluster instanceof PairCluster)) throw new UserError('state', 'no side-by-side pair is running');
        const ts = Date.now();
        const side = await cluster.pairPartition(request.from, request.to);
        this.record({ ts, action: 'partition', address: '*', side });
        return { side };
      }
      case 'attach': {
        await this.begin('attached');
        const keyring = request.key === undefined ? undefined : keyringOf(request.key);
        await this.run(new AttachedCluster(request.address, this.sink(true), keyring));
        return { nodes: this.current().nodes() };
      }
      case 'attach-serf': {
        await this.begin('serf-attached');
        await this.run(new SerfAttachedCluster(request.options, this.sink(true)));
        return { nodes: this.current().nodes() };
      }
      case 'stop-cluster':
        await this.stopCluster();
        return {};
      case 'node-action': {
        const cluster = this.current();
        const member = cluster.nodes().find((n) => n.address === request.address)?.id;
        // Stamped when the action is taken, not when it is done: a replay measures detection latency from here.
        const ts = Date.now();
        const node = await cluster.action(request.action, request.address);
        this.record({ ts, action: request.action, address: request.address, ...(member && { member }) });
        return { node };
      }
      case 'add-node': {
        const node = await this.current().add();
        this.record({ ts: Date.now(), action: 'add', address: node.address, ...(node.id && { member: node.id }) });
        return { node };
      }
      case 'set-drop':
        await this.current().setDrop(request.rate, request.address);
        this.record({ ts: Date.now(), action: 'set-drop', address: request.address ?? '*', value: request.rate });
        return {};
      case 'set-suspicion':
        await this.current().setMode({ suspicion: request.enabled });
        this.record({ ts: Date.now(), action: 'set-suspicion', address: '*', value: request.enabled });
        return {};
      case 'set-protocol':
        await this.current().setMode({ family: request.protocol, suspicion: request.suspicion });
        this.record({ ts: Date.now(), action: 'set-protocol', address: '*', protocol: request.protocol, value: request.suspicion });
        return {};
      case 'partition':
      case 'heal': {
        const cluster = this.current();
        const lists = partitionLists(cluster.nodes().map((n) => n.address), request.type === 'partition' ? request.side : []);
        if (typeof lists === 'string') throw new UserError('state', lists);
        const ts = Date.now();
        await cluster.setBlocked(lists);
        this.record(request.type === 'partition' ? { ts, action: 'partition', address: '*', side: request.side } : { ts, action: 'heal', address: '*' });
        return {};
      }
      case 'open-recording':
        return { recording: this.opts.recordings.open(request.path) };
      case 'list-recordings':
        return { recordings: this.opts.recordings.list() };
    }
  }

  /** A cluster this host launches. Serf agents log text, not our JSONL: the recorder writes their streamed events.
   *  `group`: the side of a pair it is (its slots say so in the view too). */
  private launched(options: LaunchOptions, recorder: Recorder, firstPort: number, group?: number): Cluster {
    const ctx = { sink: this.sink(options.mode === 'serf', group), logDir: (a: Address) => recorder.nodeLogDir(a), firstPort };
    const Kind = { process: ProcessCluster, embedded: EmbeddedCluster, serf: SerfCluster }[options.mode];
    return new Kind(options, ctx);
  }

  private current(): Cluster {
    if (!this.cluster) throw new UserError('state', 'no cluster: launch or attach first');
    return this.cluster;
  }

  /** A new session: the old cluster stopped, a fresh recording. */
  private async begin(mode: string): Promise<Recorder> {
    await this.stopCluster();
    this.recorder = Recorder.create(this.opts.logsDir, mode);
    return this.recorder;
  }

  /** Subscribers learn of the session (and start over) before its nodes start, so they see the start's progress. */
  private async run(cluster: Cluster): Promise<void> {
    this.cluster = cluster;
    this.newSession();
    try {
      await cluster.start();
    } catch (err) {
      const recorder = this.recorder;
      await this.stopCluster();
      // A launch or attach that failed leaves no empty recording folder behind (one with data stays).
      recorder?.removeIfEmpty();
      throw err;
    }
  }

  private async stopCluster(): Promise<void> {
    const cluster = this.cluster;
    const recorder = this.recorder;
    this.cluster = undefined;
    this.recorder = undefined;
    if (!cluster && !recorder) return;
    await cluster?.stop();
    this.newSession();
    await recorder?.close();
  }

  /** The view starts over for the current session (or none): what was pending belongs to the old one. Every
   *  subscriber gets the new snapshot at once. */
  private newSession(): void {
    this.pending = [];
    this.pendingEvents = [];
    this.pendingNodes.clear();
    this.pendingStats.clear();
    this.view.reset(this.recorder?.session ?? null, this.cluster?.mode ?? null);
    const message: HostMessage = { type: 'snapshot', seq: this.view.seq, view: this.view.snapshot() };
    for (const listener of this.listeners) listener(message);
  }

  private record(record: HostActionRecord): void {
    this.recorder?.action(record);
    this.queueChange({ type: 'action', record });
  }

  /** What a cluster reports through; once its session is over, late reports are dropped. `recordEvents`: the
   *  nodes' own logs are elsewhere (attached), so the recorder writes the streamed events. */
  private sink(recordEvents: boolean, group?: number): ClusterSink {
    const recorder = this.recorder;
    const current = (): boolean => this.recorder === recorder;
    return {
      events: (events) => {
        if (!current()) return;
        const problem = recordEvents ? recorder?.events(events) : undefined;
        if (problem !== undefined) this.send({ type: 'notice', message: problem });
        for (const e of events) this.pendingEvents.push(e);
        this.schedule();
      },
      node: (node) => {
        if (!current()) return;
        const sided = group === undefined ? node : { ...node, group };
        recorder?.node(sided);
        this.pendingNodes.set(node.address, sided);
        this.schedule();
      },
      nodeRemoved: (address) => {
        if (!current()) return;
        this.pendingNodes.set(address, null);
        this.schedule();
      },
      stats: (stats) => {
        if (!current()) return;
        const problem = recorder?.stats(stats);
        if (problem !== undefined) this.send({ type: 'notice', message: problem });
        this.pendingStats.set(stats.address, stats);
        this.schedule();
      },
      traces: (traces, unsampled) => {
        if (!current()) return;
        for (const t of traces) this.traces.add(t);
        this.traces.addUnsampled(unsampled);
        this.schedule();
      },
      progress: (phase, done, total) => {
        if (current()) this.queueChange({ type: 'progress', progress: done >= total ? null : { phase, done, total } });
      },
      error: (message) => this.send({ type: 'notice', message }),
      malformed: () => { this.malformed++; },
    };
  }

  private queueChange(change: ViewChange): void {
    this.pending.push(change);
    this.schedule();
  }

  private send(message: HostMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  /** At most one flush per PUSH_INTERVAL_MS; the first change after a quiet spell goes out on the next turn. */
  private schedule(): void {
    if (this.flushTimer) return;
    const wait = Math.max(0, this.lastFlush + PUSH_INTERVAL_MS - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, wait);
  }

  /** Applies what was reported to the view state and sends the numbered deltas. Events go before node changes, so
   *  a node's own last words land before the host stops its list. */
  private flush(): void {
    this.lastFlush = Date.now();
    const changes = this.pending;
    this.pending = [];
    if (this.pendingEvents.length > 0) changes.push({ type: 'events', events: this.pendingEvents });
    if (this.pendingNodes.size > 0) {
      const nodes = [...this.pendingNodes.values()].filter((n) => n !== null);
      const removed = [...this.pendingNodes].flatMap(([address, n]) => (n === null ? [address] : []));
      changes.push({ type: 'nodes', nodes, ...(removed.length > 0 && { removed }) });
    }
    if (this.pendingStats.size > 0) changes.push({ type: 'stats', stats: [...this.pendingStats.values()] });
    this.pendingEvents = [];
    this.pendingNodes = new Map();
    this.pendingStats = new Map();
    for (const change of changes) {
      for (const delta of this.view.apply(change)) this.send({ type: 'delta', ...delta });
    }
    const traces = this.traces.take();
    if (traces) this.send({ type: 'traces', ...traces });
  }
}
