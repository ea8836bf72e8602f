// A simulated cluster behind the HostApi, for looking at the UI without a host (`?demo=8`) and as the render
// benchmark's load (`?demo=1000&churn=1500`). Not the protocol: failures and joins spread as epidemic-shaped
// "rumours" whose per-observer delays grow like log2(n) gossip rounds, and a private MembershipState decides which
// events each observer may still log, so the stream obeys the same rules as real nodes' logs.
import { MembershipState, CELL } from '../model/membership-state.ts';
import { formatMemberId } from '../../node-runtime/protocol/member-id.ts';
import type { EventKind, MembershipEvent } from '../../node-runtime/protocol/events.ts';
import type { Address, MemberId } from '../../node-runtime/protocol/member-id.ts';
import { createRng } from '../../node-runtime/protocol/rng.ts';
import type {
  ClusterNode, HostActionRecord, HostApi, HostMessage, HostRequest, HostResponse, LaunchOptions, NodeRunState,
} from '../../electron/host/api.ts';

interface DemoNode {
  address: Address;
  port: number;
  id: MemberId;
  state: NodeRunState;
  /** Bumped when the node resumes or restarts, so rumours about its previous silence are void. */
  epoch: number;
  incarnation: number;
}

/** Events that observers log at given times about given members, as long as each is still valid then. */
interface Rumour {
  readonly kind: EventKind;
  readonly about: DemoNode;
  readonly epoch: number;
  readonly at: Float64Array;
  readonly observers: MemberId[];
  readonly members: MemberId[];
  pos: number;
}

const HOST = '127.0.0.1';
const TICK_MS = 50;

export interface DemoOptions {
  /** Kill a random running node this often (ms) and restart it a few seconds later; 0: no churn. */
  churnMs?: number;
  seed?: number;
}

export class DemoHostApi implements HostApi {
  private readonly nodes = new Map<Address, DemoNode>();
  private readonly sim = new MembershipState();
  private rumours: Rumour[] = [];
  private readonly listeners = new Set<(m: HostMessage) => void>();
  private readonly random: () => number;
  private options: LaunchOptions = { nodes: 8, mode: 'embedded', suspicion: false, dropRate: 0 };
  private pendingStarts: { at: number; node: DemoNode }[] = [];
  private restarts: { at: number; node: DemoNode }[] = [];
  private lastChurn = 0;
  private lastStats = 0;
  private versions = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly demo: DemoOptions = {}) {
    const rng = createRng(demo.seed ?? 1);
    this.random = () => rng.next();
    this.timer = setInterval(() => this.tick(Date.now()), TICK_MS);
  }

  close(): void {
    clearInterval(this.timer);
  }

  subscribe(listener: (message: HostMessage) => void): () => void {
    this.listeners.add(listener);
    // The demo keeps no history: a subscriber gets the session and node list, then what happens from now on.
    listener({ type: 'session', session: null, mode: this.nodes.size ? 'embedded' : null });
    listener({ type: 'nodes', nodes: this.clusterNodes() });
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
        throw new Error('the demo has no network: attach needs the browser shell or Electron');
      case 'stop-cluster':
        this.stopAll(now);
        return {};
      case 'node-action': {
        const node = this.nodes.get(request.address);
        if (!node) throw new Error(`no node at ${request.address}`);
        this.act(node, request.action, now);
        return { node: this.clusterNode(node) };
      }
      case 'add-node': {
        const port = Math.max(this.options.basePort ?? 3000, ...[...this.nodes.values()].map((n) => n.port + 1));
        const node = this.newNode(port);
        this.start(node, now);
        this.announce({ ts: now, action: 'add', address: node.address, member: node.id });
        return { node: this.clusterNode(node) };
      }
      case 'set-drop':
        this.announce({ ts: now, action: 'set-drop', address: request.address ?? '*', value: request.rate });
        return {};
      case 'set-suspicion':
        this.options = { ...this.options, suspicion: request.enabled };
        this.announce({ ts: now, action: 'set-suspicion', address: '*', value: request.enabled });
        return {};
      case 'open-recording':
      case 'list-recordings':
        throw new Error('the demo has no recordings');
    }
  }

  private get gossipMs(): number { return this.options.timings?.gossipMs ?? 200; }
  private get failMs(): number { return this.options.timings?.failMs ?? 2000; }
  private get suspectMs(): number { return this.options.timings?.suspectMs ?? 1500; }
  private get cleanupMs(): number { return this.options.timings?.cleanupMs ?? 4000; }

  private launch(options: LaunchOptions, now: number): void {
    this.stopAll(now);
    this.nodes.clear();
    this.options = options;
    this.emit({ type: 'session', session: `demo-${now}`, mode: 'embedded' });
    const base = options.basePort ?? 3000;
    const spanMs = Math.min(3000, options.nodes * 15);
    for (let i = 0; i < options.nodes; i++) {
      const node = this.newNode(base + i);
      this.pendingStarts.push({ at: now + (spanMs * i) / options.nodes, node });
    }
    this.lastChurn = now;
    this.emit({ type: 'nodes', nodes: this.clusterNodes() });
  }

  private newNode(port: number): DemoNode {
    const node: DemoNode = { address: `${HOST}:${port}`, port, id: '', state: 'starting', epoch: 0, incarnation: 0 };
    this.nodes.set(node.address, node);
    return node;
  }

  private start(node: DemoNode, now: number): void {
    node.id = formatMemberId(HOST, node.port, now * 100 + (this.versions++ % 100));
    node.state = 'running';
    node.epoch++;
    node.incarnation = 0;
    const events: MembershipEvent[] = [{ ts: now, node: node.id, event: 'start', member: node.id }];
    this.sim.apply(events[0]!);
    const others = [...this.nodes.values()].filter((n) => n !== node && n.state === 'running');
    // The joiner learns the list from the introducer at once; the others hear of it by gossip.
    this.rumours.push(this.rumour('join', node, others.map(() => node.id), others.map((n) => n.id), now + 30, 60));
    this.rumours.push(this.rumour('join', node, others.map((n) => n.id), others.map(() => node.id), now + this.gossipMs, this.spreadMs(others.length)));
    this.emitEvents(events);
  }

  private act(node: DemoNode, action: HostActionRecord['action'] & ('kill' | 'pause' | 'resume' | 'leave' | 'restart'), now: number): void {
    this.announce({ ts: now, action, address: node.address, member: node.id });
    switch (action) {
      case 'kill':
        if (node.state !== 'running' && node.state !== 'paused') return;
        node.state = 'killed';
        this.detect(node, now);
        break;
      case 'pause':
        if (node.state !== 'running') return;
        node.state = 'paused';
        this.detect(node, now);
        break;
      case 'resume': {
        if (node.state !== 'paused') return;
        node.state = 'running';
        node.epoch++;
        const i = this.sim.index(node.id)!;
        const tally = new Uint32Array(5);
        this.sim.tallyAt(i, tally);
        if (tally[CELL.failed]! > 0) {
          // Declared failed while frozen: fail-stop, so it rejoins under a new version.
          this.emitEvents([this.logged({ ts: now, node: node.id, event: 'stop', member: node.id })]);
          this.start(node, now);
        } else if (tally[CELL.suspect]! > 0) {
          node.incarnation++;
          const watchers = this.runningIds(node);
          this.rumours.push(this.rumour('alive', node, watchers, watchers.map(() => node.id), now + this.gossipMs, this.spreadMs(watchers.length)));
        }
        break;
      }
      case 'leave': {
        if (node.state !== 'running') return;
        const watchers = this.runningIds(node);
        node.state = 'left';
        this.rumours.push(this.rumour('leave', node, watchers, watchers.map(() => node.id), now + 20, this.spreadMs(watchers.length)));
        this.rumours.push(this.rumour('remove', node, watchers, watchers.map(() => node.id), now + this.cleanupMs, this.spreadMs(watchers.length)));
        this.emitEvents([this.logged({ ts: now, node: node.id, event: 'stop', member: node.id, reason: 'leave' })]);
        break;
      }
      case 'restart':
        if (node.state === 'running' || node.state === 'paused') {
          node.state = 'killed';
          this.detect(node, now);
        }
        this.restarts.push({ at: now + 300, node });
        break;
    }
    this.emit({ type: 'nodes', nodes: this.clusterNodes() });
  }

  /** Schedule how the others notice that `node` went silent: suspect (if on), fail, then remove. */
  private detect(node: DemoNode, now: number): void {
    const watchers = this.runningIds(node);
    const about = watchers.map(() => node.id);
    const spread = this.spreadMs(watchers.length);
    const first = now + this.failMs + this.random() * this.gossipMs;
    const failAt = this.options.suspicion ? first + this.suspectMs : first;
    if (this.options.suspicion) this.rumours.push(this.rumour('suspect', node, watchers, about, first, spread));
    this.rumours.push(this.rumour('fail', node, watchers, about, failAt, spread));
    this.rumours.push(this.rumour('remove', node, watchers, about, failAt + this.cleanupMs, spread));
  }

  private spreadMs(n: number): number {
    return this.gossipMs * Math.log2(n + 2) * 1.5;
  }

  private rumour(kind: EventKind, about: DemoNode, observers: MemberId[], members: MemberId[], start: number, spanMs: number): Rumour {
    const at = new Float64Array(observers.length);
    // Epidemic shape: slow start, most observers in the middle rounds, a tail.
    for (let i = 0; i < at.length; i++) at[i] = start + spanMs * (0.5 - Math.cos(Math.PI * this.random()) / 2);
    const order = Array.from(at.keys()).sort((a, b) => at[a]! - at[b]!);
    return {
      kind, about, epoch: about.epoch, pos: 0,
      at: Float64Array.from(order, (i) => at[i]!),
      observers: order.map((i) => observers[i]!),
      members: order.map((i) => members[i]!),
    };
  }

  private runningIds(except: DemoNode): MemberId[] {
    const ids: MemberId[] = [];
    for (const n of this.nodes.values()) if (n !== except && n.state === 'running') ids.push(n.id);
    return ids;
  }

  /** Whether `observer` may log `kind` about `member` now, given its current list. */
  private allowed(r: Rumour, observer: MemberId, member: MemberId): boolean {
    if (!this.sim.isRunning(observer)) return false;
    const status = this.sim.statusOf(observer, member);
    switch (r.kind) {
      case 'join': return status === undefined && this.sim.isRunning(member);
      case 'suspect': return status === 'alive' && r.epoch === r.about.epoch;
      case 'fail': return (status === 'alive' || status === 'suspect') && r.epoch === r.about.epoch && r.about.id === member;
      case 'alive': return status === 'suspect';
      case 'leave': return status === 'alive' || status === 'suspect';
      case 'remove': return status === 'failed' || status === 'left';
      default: return false;
    }
  }

  private tick(now: number): void {
    const events: MembershipEvent[] = [];
    for (const p of this.pendingStarts) if (p.at <= now) this.start(p.node, now);
    const starting = this.pendingStarts.length;
    this.pendingStarts = this.pendingStarts.filter((p) => p.at > now);
    if (starting > 0) {
      const total = this.options.nodes;
      this.emit({ type: 'progress', phase: 'starting nodes', done: total - this.pendingStarts.length, total });
      this.emit({ type: 'nodes', nodes: this.clusterNodes() });
    }
    for (const r of this.restarts) if (r.at <= now) this.start(r.node, now);
    if (this.restarts.some((r) => r.at <= now)) this.emit({ type: 'nodes', nodes: this.clusterNodes() });
    this.restarts = this.restarts.filter((r) => r.at > now);
    for (const r of this.rumours) {
      while (r.pos < r.at.length && r.at[r.pos]! <= now) {
        const observer = r.observers[r.pos]!;
        const member = r.members[r.pos]!;
        r.pos++;
        if (!this.allowed(r, observer, member)) continue;
        const incarnation = r.kind === 'join' || r.kind === 'alive' ? r.about.incarnation : undefined;
        events.push(this.logged({ ts: now, node: observer, event: r.kind, member, ...(incarnation === undefined ? {} : { incarnation }) }));
      }
    }
    this.rumours = this.rumours.filter((r) => r.pos < r.at.length);
    if (events.length) this.emitEvents(events);
    this.churn(now);
    if (now - this.lastStats >= 1000) {
      this.lastStats = now;
      const bytes = (200 * (this.options.timings?.fanout ?? 3) * 1000) / this.gossipMs;
      this.emit({
        type: 'stats',
        stats: [...this.nodes.values()].filter((n) => n.state === 'running').map((n) => ({
          address: n.address, bytesInPerSec: bytes * (0.8 + 0.4 * this.random()), bytesOutPerSec: bytes * (0.8 + 0.4 * this.random()), dropped: 0, malformed: 0,
        })),
      });
    }
  }

  private churn(now: number): void {
    const every = this.demo.churnMs ?? 0;
    if (every <= 0 || now - this.lastChurn < every || this.pendingStarts.length > 0) return;
    this.lastChurn = now;
    const running = [...this.nodes.values()].filter((n) => n.state === 'running');
    const victim = running[Math.floor(this.random() * running.length)];
    if (!victim) return;
    this.act(victim, 'kill', now);
    this.restarts.push({ at: now + 3000 + this.random() * 3000, node: victim });
  }

  private stopAll(now: number): void {
    const events: MembershipEvent[] = [];
    for (const n of this.nodes.values()) {
      if (this.sim.isRunning(n.id)) events.push(this.logged({ ts: now, node: n.id, event: 'stop', member: n.id }));
      n.state = 'stopped';
    }
    this.rumours = [];
    this.pendingStarts = [];
    this.restarts = [];
    if (events.length) this.emitEvents(events);
    this.emit({ type: 'nodes', nodes: this.clusterNodes() });
  }

  private logged(e: MembershipEvent): MembershipEvent {
    this.sim.apply(e);
    return e;
  }

  private announce(record: HostActionRecord): void {
    this.emit({ type: 'action', record });
  }

  private emitEvents(events: MembershipEvent[]): void {
    this.emit({ type: 'events', events });
  }

  private emit(message: HostMessage): void {
    for (const l of this.listeners) l(message);
  }

  private clusterNode(n: DemoNode): ClusterNode {
    return { address: n.address, id: n.id || undefined, state: n.state, managed: true };
  }

  private clusterNodes(): ClusterNode[] {
    return [...this.nodes.values()].map((n) => this.clusterNode(n));
  }
}
