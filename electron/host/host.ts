// The host core (ARCHITECTURE.md §4): the one HostApi both shells carry. It runs one cluster at a time (launched as
// processes or embedded, or attached), records the session, and fans what happens out to subscribers in batches at
// most every 50 ms. A new subscriber first gets the current session, nodes, every event so far and the last stats,
// so a page reload (or a second window) shows the same picture.
import path from 'node:path';
import { UserError } from '../../node-runtime/user-error.ts';
import type {
  Address, HostActionRecord, HostApi, HostMessage, HostRequest, HostResponse, HostResponses, LaunchOptions, MembershipEvent,
  NodeStats,
} from './api.ts';
import { keyringOf } from '../../node-runtime/transport/keyring.ts';
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
import type { ExperimentRequest } from './experiment-api.ts';

export const PUSH_INTERVAL_MS = 50;

/** Requests about the cluster and recordings (experiments go to their own service). */
type ClusterRequest = Exclude<HostRequest, ExperimentRequest>;
/** Events replayed to a new subscriber per message, so one frame stays a manageable size. */
const HISTORY_CHUNK = 5000;
/** The live history kept for late subscribers; beyond it a subscriber sees the recent part (the recording has all). */
const HISTORY_LIMIT = 2_000_000;

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
  private history: MembershipEvent[] = [];
  private readonly lastStats = new Map<Address, NodeStats>();
  private pending: MembershipEvent[] = [];
  private pendingStats = new Map<Address, NodeStats>();
  private pendingOther: HostMessage[] = [];
  private nodesDirty = false;
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

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.sessionMessage());
    listener({ type: 'nodes', nodes: this.cluster?.nodes() ?? [] });
    for (let i = 0; i < this.history.length; i += HISTORY_CHUNK) {
      listener({ type: 'events', events: this.history.slice(i, i + HISTORY_CHUNK) });
    }
    if (this.lastStats.size > 0) listener({ type: 'stats', stats: [...this.lastStats.values()] });
    const experiment = this.experimentService?.current();
    if (experiment) listener(experiment);
    return () => this.listeners.delete(listener);
  }

  /** Stops the cluster and the recording; the host can be dropped after. */
  async close(): Promise<void> {
    await this.experimentService?.close();
    await this.queue;
    await this.stopCluster();
    this.flush();
    clearTimeout(this.flushTimer);
    this.listeners.clear();
  }

  /** Experiments (the Experiments tab) run beside the cluster, in logs/experiments/. */
  private get experiments(): ExperimentService {
    this.experimentService ??= new ExperimentService({
      root: path.join(this.opts.logsDir, 'experiments'), publish: (m) => this.queueMessage(m),
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
        await this.run(new PairCluster(this.launched(a!, recorder, this.opts.firstNodePort ?? DEFAULT_BASE_PORT),
          (firstPort) => this.launched(b!, recorder, firstPort)));
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
        await this.current().setSuspicion(request.enabled);
        this.record({ ts: Date.now(), action: 'set-suspicion', address: '*', value: request.enabled });
        return {};
      case 'open-recording':
        return { recording: this.opts.recordings.open(request.path) };
      case 'list-recordings':
        return { recordings: this.opts.recordings.list() };
    }
  }

  /** A cluster this host launches. Serf agents log text, not our JSONL: the recorder writes their streamed events. */
  private launched(options: LaunchOptions, recorder: Recorder, firstPort: number): Cluster {
    const ctx = { sink: this.sink(options.mode === 'serf'), logDir: (a: Address) => recorder.nodeLogDir(a), firstPort };
    const Kind = { process: ProcessCluster, embedded: EmbeddedCluster, serf: SerfCluster }[options.mode];
    return new Kind(options, ctx);
  }

  private current(): Cluster {
    if (!this.cluster) throw new UserError('state', 'no cluster: launch or attach first');
    return this.cluster;
  }

  /** A new session: the old cluster stopped, fresh history and recording. */
  private async begin(mode: string): Promise<Recorder> {
    await this.stopCluster();
    this.recorder = Recorder.create(this.opts.logsDir, mode);
    this.history = [];
    this.lastStats.clear();
    this.pending = [];
    this.pendingStats.clear();
    return this.recorder;
  }

  /** Subscribers learn of the session (and start over) before its nodes start, so they see the start's progress. */
  private async run(cluster: Cluster): Promise<void> {
    this.cluster = cluster;
    this.queueMessage(this.sessionMessage());
    try {
      await cluster.start();
    } catch (err) {
      const recorder = this.recorder;
      await this.stopCluster();
      // A launch or attach that failed leaves no empty recording folder behind (one with data stays).
      recorder?.removeIfEmpty();
      throw err;
    }
    this.markNodes();
  }

  private async stopCluster(): Promise<void> {
    const cluster = this.cluster;
    const recorder = this.recorder;
    this.cluster = undefined;
    this.recorder = undefined;
    if (!cluster && !recorder) return;
    await cluster?.stop();
    this.queueMessage(this.sessionMessage());
    this.markNodes();
    await recorder?.close();
  }

  private sessionMessage(): HostMessage {
    return { type: 'session', session: this.recorder?.session ?? null, mode: this.cluster?.mode ?? null };
  }

  private record(record: HostActionRecord): void {
    this.recorder?.action(record);
    this.queueMessage({ type: 'action', record });
  }

  /** What a cluster reports through; once its session is over, late reports are dropped. `recordEvents`: the
   *  nodes' own logs are elsewhere (attached), so the recorder writes the streamed events. */
  private sink(recordEvents: boolean): ClusterSink {
    const recorder = this.recorder;
    return {
      events: (events) => {
        if (this.recorder !== recorder) return;
        const problem = recordEvents ? recorder?.events(events) : undefined;
        if (problem !== undefined) this.queueMessage({ type: 'error', message: problem });
        for (const e of events) this.pending.push(e);
        this.schedule();
      },
      nodesChanged: () => {
        if (this.recorder === recorder) this.markNodes();
      },
      stats: (stats) => {
        if (this.recorder !== recorder) return;
        this.pendingStats.set(stats.address, stats);
        this.schedule();
      },
      progress: (phase, done, total) => this.queueMessage({ type: 'progress', phase, done, total }),
      error: (message) => this.queueMessage({ type: 'error', message }),
      malformed: () => { this.malformed++; },
    };
  }

  private markNodes(): void {
    this.nodesDirty = true;
    this.schedule();
  }

  private queueMessage(message: HostMessage): void {
    this.pendingOther.push(message);
    this.schedule();
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

  private flush(): void {
    this.lastFlush = Date.now();
    const messages: HostMessage[] = this.pendingOther;
    this.pendingOther = [];
    if (this.nodesDirty) {
      this.nodesDirty = false;
      messages.push({ type: 'nodes', nodes: this.cluster?.nodes() ?? [] });
    }
    if (this.pending.length > 0) {
      const events = this.pending;
      this.pending = [];
      for (const e of events) this.history.push(e);
      if (this.history.length > HISTORY_LIMIT) this.history = this.history.slice(-HISTORY_LIMIT / 2);
      messages.push({ type: 'events', events });
    }
    if (this.pendingStats.size > 0) {
      for (const [address, s] of this.pendingStats) this.lastStats.set(address, s);
      messages.push({ type: 'stats', stats: [...this.pendingStats.values()] });
      this.pendingStats = new Map();
    }
    for (const message of messages) {
      for (const listener of this.listeners) listener(message);
    }
  }
}
