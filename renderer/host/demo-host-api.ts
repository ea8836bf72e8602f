// A simulated cluster behind the HostApi, for looking at the UI without a host (`?demo=8`) and as the render
// benchmark's load (`?demo=1000&churn=1500`). It runs the real protocol core under the deterministic simulator
// (node-runtime/sim) on a virtual clock that follows the wall clock, so its events, messages and timings are the
// real ones; only the network (a few ms of delay, no sockets) is simulated. Every datagram is traced. It speaks the
// view contract with the host's own view state (node-runtime/protocol/view-state.ts: pure, so the page may run it), so the
// demo's snapshots and deltas follow exactly the host's rules.
import { Simulation } from '../../node-runtime/sim/simulation.ts';
import type { NodeState } from '../../node-runtime/sim/simulation.ts';
import { launchConfig } from '../../node-runtime/protocol/presets.ts';
import type { MembershipEvent } from '../../node-runtime/protocol/events.ts';
import { TraceSampler } from '../../node-runtime/protocol/trace.ts';
import { partitionLists } from '../../node-runtime/protocol/partition.ts';
import type { Address } from '../../node-runtime/protocol/member-id.ts';
import { ViewState } from '../../node-runtime/protocol/view-state.ts';
import type {
  ClusterNode, HostActionRecord, HostApi, HostMessage, HostRequest, HostResponse, LaunchOptions, NodeAction, NodeRunState,
  ViewChange,
} from '../../electron/host/api.ts';

const TICK_MS = 50;
const DEFAULT_BASE_PORT = 3000;
/** Traces handed to the page per tick; the rest are counted as unsampled (the graph shows a few thousand at most). */
const TRACES_PER_TICK = 400;

export interface DemoOptions {
  /** Kill a random running node this often (ms) and restart it a few seconds later; 0: no churn. */
  churnMs?: number;
  seed?: number;
}

interface Run {
  readonly sim: Simulation;
  readonly options: LaunchOptions;
  /** Nodes removed from the cluster (stopped): the simulator keeps their slot, the host shows them stopped. */
  readonly stopped: Set<number>;
  /** Per node: the id and state last announced, to announce a change (a rejoin under a new version) once. */
  announced: string[];
  restarts: { at: number; index: number }[];
  lastChurn: number;
  lastStats: number;
  lastBytes: { sent: number; received: number }[];
  /** Whether nodes were still starting at the last flush (the last progress message says done). */
  starting: boolean;
}

export class DemoHostApi implements HostApi {
  private run: Run | undefined;
  private readonly listeners = new Set<(m: HostMessage) => void>();
  private readonly view = new ViewState(Date.now);
  private events: MembershipEvent[] = [];
  private readonly traces = new TraceSampler(TRACES_PER_TICK);
  private random = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly demo: DemoOptions = {}) {
    this.random = demo.seed ?? 1;
    this.timer = setInterval(() => this.tick(Date.now()), TICK_MS);
  }

  close(): void {
    clearInterval(this.timer);
  }

  subscribe(listener: (message: HostMessage) => void): () => void {
    this.listeners.add(listener);
    listener({ type: 'snapshot', seq: this.view.seq, view: this.view.snapshot() });
    return () => this.listeners.delete(listener);
  }

  async request<R extends HostRequest>(request: R): Promise<HostResponse<R>> {
    return this.handle(request, Date.now()) as HostResponse<R>;
  }

  private handle(request: HostRequest, now: number): unknown {
    switch (request.type) {
      case 'launch':
        this.launch(request.options, now);
        return { session: `demo-${now}`, nodes: this.clusterNodes() };
      case 'attach':
      case 'attach-serf':
        throw new Error('the demo has no network: attach needs the browser shell or Electron');
      case 'stop-cluster':
        this.stopAll(now);
        this.newSession(null);
        return {};
      case 'node-action': {
        if (request.action === 'force-leave') throw new Error('force-leave is a Serf action; the demo runs hearsay nodes');
        const run = this.running();
        const i = this.indexOf(run, request.address);
        this.act(run, i, request.action, now);
        return { node: this.clusterNode(run, i) };
      }
      case 'add-node': {
        const run = this.running();
        const i = run.sim.addNode();
        run.lastBytes.push({ sent: 0, received: 0 });
        this.advance(run, now);
        this.announce({ ts: now, action: 'add', address: run.sim.address(i), member: run.sim.id(i) });
        return { node: this.clusterNode(run, i) };
      }
      case 'set-drop': {
        const run = this.running();
        const targets = request.address === undefined ? this.upIndices(run) : [this.indexOf(run, request.address)];
        for (const i of targets) run.sim.command(i, { kind: 'set-drop', rate: request.rate });
        this.announce({ ts: now, action: 'set-drop', address: request.address ?? '*', value: request.rate });
        return {};
      }
      case 'set-suspicion': {
        const run = this.running();
        const [first] = this.upIndices(run);
        if (first !== undefined) run.sim.command(first, { kind: 'set-suspicion', enabled: request.enabled });
        this.announce({ ts: now, action: 'set-suspicion', address: '*', value: request.enabled });
        return {};
      }
      case 'set-protocol': {
        const run = this.running();
        const [first] = this.upIndices(run);
        if (first !== undefined) run.sim.command(first, { kind: 'set-mode', mode: { family: request.protocol, suspicion: request.suspicion } });
        this.announce({ ts: now, action: 'set-protocol', address: '*', protocol: request.protocol, value: request.suspicion });
        return {};
      }
      case 'partition':
      case 'heal': {
        const run = this.running();
        const all = Array.from({ length: run.sim.size }, (_, i) => run.sim.address(i));
        const lists = partitionLists(all, request.type === 'partition' ? request.side : []);
        if (typeof lists === 'string') throw new Error(lists);
        this.advance(run, now);
        for (let i = 0; i < run.sim.size; i++) run.sim.command(i, { kind: 'set-blocked', addresses: lists.get(run.sim.address(i)) ?? [] });
        this.announce(request.type === 'partition' ? { ts: now, action: 'partition', address: '*', side: request.side } : { ts: now, action: 'heal', address: '*' });
        return {};
      }
      case 'open-recording':
      case 'list-recordings':
        throw new Error('the demo has no recordings');
      case 'launch-pair':
      case 'pair-action':
      case 'pair-partition':
        throw new Error('the demo runs one cluster: side by side needs the browser shell or Electron');
      case 'experiment-start':
      case 'experiment-cancel':
      case 'experiment-list':
      case 'experiment-open':
        throw new Error('the demo runs no experiments: they need the browser shell or Electron');
    }
  }

  private running(): Run {
    if (!this.run) throw new Error('no cluster is running');
    return this.run;
  }

  private indexOf(run: Run, address: Address): number {
    for (let i = 0; i < run.sim.size; i++) if (run.sim.address(i) === address) return i;
    throw new Error(`no node at ${address}`);
  }

  private upIndices(run: Run): number[] {
    const up: number[] = [];
    for (let i = 0; i < run.sim.size; i++) if (run.sim.state(i) === 'up') up.push(i);
    return up;
  }

  private launch(options: LaunchOptions, now: number): void {
    this.stopAll(now);
    const sim = new Simulation({
      nodes: options.nodes,
      seed: this.demo.seed ?? 1,
      startAt: now,
      basePort: options.basePort ?? DEFAULT_BASE_PORT,
      config: launchConfig(options.preset ?? 'default', options.timings ?? {}, options.nodes),
      suspicion: options.suspicion,
      family: options.protocol,
      dropRate: options.dropRate,
      // Start-up spread over up to 3 s, as a host launching processes would.
      joinSpacingMs: Math.min(3000, options.nodes * 15) / options.nodes,
      recordEvents: false,
      onEvent: (e) => this.events.push(e),
      onTrace: (t) => this.traces.add(t),
    });
    this.run = {
      sim, options, stopped: new Set(), announced: [], restarts: [], lastChurn: now, lastStats: now, starting: true,
      lastBytes: Array.from({ length: options.nodes }, () => ({ sent: 0, received: 0 })),
    };
    this.newSession(`demo-${now}`);
    this.emit({ type: 'nodes', nodes: this.clusterNodes() });
  }

  /** As the host does when a session starts or ends: the view starts over, every subscriber gets the snapshot. */
  private newSession(session: string | null): void {
    this.view.reset(session, session === null ? null : 'embedded');
    this.send({ type: 'snapshot', seq: this.view.seq, view: this.view.snapshot() });
  }

  private act(run: Run, i: number, action: NodeAction, now: number): void {
    const sim = run.sim;
    this.announce({ ts: now, action, address: sim.address(i), member: sim.id(i) });
    this.advance(run, now);
    switch (action) {
      case 'kill':
        sim.crash(i);
        break;
      case 'pause':
        sim.pause(i);
        break;
      case 'resume':
        sim.resume(i);
        break;
      case 'leave':
        sim.leave(i);
        break;
      case 'restart':
        run.stopped.delete(i);
        if (sim.state(i) === 'up' || sim.state(i) === 'paused') sim.crash(i);
        // A restarted process takes a moment to come up and join.
        run.restarts.push({ at: now + 300, index: i });
        break;
    }
    this.flush(run);
  }

  /** Runs the simulator up to the wall clock. */
  private advance(run: Run, now: number): void {
    for (const r of run.restarts) if (r.at <= now) run.sim.restart(r.index);
    run.restarts = run.restarts.filter((r) => r.at > now);
    run.sim.runUntil(now);
  }

  private tick(now: number): void {
    const run = this.run;
    if (!run) return;
    this.advance(run, now);
    this.churn(run, now);
    this.flush(run);
    if (now - run.lastStats >= 1000) this.stats(run, now);
  }

  /** Sends what the simulator produced since the last flush: node changes first, so events find their slots. */
  private flush(run: Run): void {
    const nodes = this.clusterNodes();
    const seen = nodes.map((n) => `${n.id} ${n.state}`);
    if (seen.length !== run.announced.length || seen.some((s, i) => s !== run.announced[i])) {
      run.announced = seen;
      const starting = nodes.filter((n) => n.state === 'starting').length;
      if (starting > 0 || run.starting) {
        this.emit({ type: 'progress', progress: starting > 0 ? { phase: 'starting nodes', done: nodes.length - starting, total: nodes.length } : null });
      }
      run.starting = starting > 0;
      this.emit({ type: 'nodes', nodes });
    }
    if (this.events.length > 0) {
      this.emit({ type: 'events', events: this.events });
      this.events = [];
    }
    const batch = this.traces.take();
    if (batch) this.send({ type: 'traces', ...batch });
  }

  private stats(run: Run, now: number): void {
    const seconds = (now - run.lastStats) / 1000;
    run.lastStats = now;
    const stats = [];
    for (let i = 0; i < run.sim.size; i++) {
      const sent = run.sim.sent(i).bytes;
      const received = run.sim.received(i);
      const last = run.lastBytes[i]!;
      const rates = { bytesInPerSec: (received - last.received) / seconds, bytesOutPerSec: (sent - last.sent) / seconds };
      run.lastBytes[i] = { sent, received };
      if (run.sim.state(i) !== 'up') continue;
      const c = run.sim.core(i).counters();
      stats.push({ address: run.sim.address(i), ...rates, dropped: c.dropped + c.blockedIn, malformed: c.malformed, protocol: run.sim.core(i).mode() });
    }
    this.emit({ type: 'stats', stats });
  }

  private churn(run: Run, now: number): void {
    const every = this.demo.churnMs ?? 0;
    if (every <= 0 || now - run.lastChurn < every) return;
    run.lastChurn = now;
    const up = this.upIndices(run);
    if (up.length < run.sim.size / 2) return;
    const victim = up[Math.floor(this.coin() * up.length)]!;
    this.act(run, victim, 'kill', now);
    run.restarts.push({ at: now + 3000 + this.coin() * 3000, index: victim });
  }

  private stopAll(now: number): void {
    const run = this.run;
    if (!run) return;
    this.advance(run, now);
    for (let i = 0; i < run.sim.size; i++) {
      const state = run.sim.state(i);
      if (state === 'up' || state === 'paused') {
        this.events.push({ ts: now, node: run.sim.id(i), event: 'stop', member: run.sim.id(i), reason: 'shutdown' });
        run.sim.crash(i);
      }
      run.stopped.add(i);
    }
    run.restarts = [];
    this.flush(run);
    this.run = undefined;
  }

  private announce(record: HostActionRecord): void {
    this.emit({ type: 'action', record });
  }

  /** A change of the view state: applied, numbered, sent (with what follows from it, as in the host). */
  private emit(change: ViewChange): void {
    for (const delta of this.view.apply(change)) this.send({ type: 'delta', ...delta });
  }

  private send(message: HostMessage): void {
    for (const l of this.listeners) l(message);
  }

  /** A deterministic coin for churn and sampling (xorshift32), so a seeded demo replays the same. */
  private coin(): number {
    let x = this.random | 0 || 1;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x;
    return (x >>> 0) / 0x100000000;
  }

  private clusterNode(run: Run, i: number): ClusterNode {
    const sim = run.sim;
    const state = runState(sim.state(i), run.stopped.has(i), !sim.started(i));
    return { address: sim.address(i), id: state === 'starting' ? undefined : sim.id(i), state, managed: true };
  }

  private clusterNodes(): ClusterNode[] {
    const run = this.run;
    if (!run) return [];
    return Array.from({ length: run.sim.size }, (_, i) => this.clusterNode(run, i));
  }
}

function runState(state: NodeState, stopped: boolean, notBooted: boolean): NodeRunState {
  if (stopped) return 'stopped';
  if (notBooted) return 'starting';
  switch (state) {
    case 'up': return 'running';
    case 'paused': return 'paused';
    case 'crashed': return 'killed';
    case 'left': return 'left';
  }
}

