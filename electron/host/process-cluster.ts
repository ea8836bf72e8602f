// A local cluster of child processes, one `hearsay node` each, on consecutive loopback ports. Kill is SIGKILL,
// pause/resume SIGSTOP/SIGCONT, restart a new process on the same port (so a new version, a new member id). Each
// child's stdin is a pipe from the host (spawn-node.ts, --exit-with-stdin): when the host dies the pipe closes and
// the node exits, so no orphans.
import type { ChildProcess } from 'node:child_process';
import { controlRequest } from '../../node-runtime/control/client.ts';
import { spawnNode } from '../../node-runtime/cli/spawn-node.ts';
import { UserError } from '../../node-runtime/cli/user-error.ts';
import { DEFAULT_CONFIG } from '../../node-runtime/protocol/config.ts';
import { formatAddress } from '../../node-runtime/protocol/member-id.ts';
import type { Address, ClusterNode, LaunchOptions, NodeAction, NodeRunState } from './api.ts';
import type { Cluster, ClusterContext } from './cluster.ts';
import { findFreePort, findFreeRange } from './free-ports.ts';
import { launchConfig } from './launch-config.ts';
import { NodeWatch } from './node-watch.ts';
import { runLimited } from './run-limited.ts';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 2000;
/** Nodes booting at once: each compiles the TypeScript sources through tsx, and the machine may have 2 cores. */
const START_CONCURRENCY = 4;

interface Slot {
  readonly port: number;
  readonly address: Address;
  child?: ChildProcess;
  watch?: NodeWatch;
  id?: string;
  state: NodeRunState;
}

/** The `hearsay node` flags a launch's options stand for. */
function nodeFlags(options: LaunchOptions): string[] {
  const flags = ['--suspicion', options.suspicion ? 'on' : 'off', '--drop', String(options.dropRate)];
  const c = launchConfig(options);
  // A node process has no tombstone flag: its default (60 s) must stay ≥ 2 × T_cleanup, which only a scaled
  // timing for hundreds of processes (more than this machine runs) would pass.
  const cleanup = c.cleanupTimeoutMs === undefined ? undefined : Math.min(c.cleanupTimeoutMs, DEFAULT_CONFIG.tombstoneMs / 2);
  const timing: [string, number | undefined][] = [
    ['--gossip-ms', c.gossipIntervalMs], ['--fail-ms', c.failTimeoutMs], ['--suspect-ms', c.suspectTimeoutMs],
    ['--cleanup-ms', cleanup], ['--fanout', c.fanout],
  ];
  for (const [flag, value] of timing) if (value !== undefined) flags.push(flag, String(value));
  return flags;
}

/** Under Electron, process.execPath is Electron itself: a child must run as plain Node. The variable is set only
 *  around the (synchronous) spawn, which copies the environment, so Chromium's own helper processes never see it. */
function asNode<T>(spawnChild: () => T): T {
  if (process.versions.electron === undefined) return spawnChild();
  process.env.ELECTRON_RUN_AS_NODE = '1';
  try {
    return spawnChild();
  } finally {
    delete process.env.ELECTRON_RUN_AS_NODE;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export class ProcessCluster implements Cluster {
  readonly mode = 'process';
  private readonly slots = new Map<Address, Slot>();
  private stopping = false;
  private readonly flags: string[];
  private readonly killOnExit = (): void => {
    for (const slot of this.slots.values()) slot.child?.kill('SIGKILL');
  };

  constructor(private readonly options: LaunchOptions, private readonly ctx: ClusterContext) {
    this.flags = nodeFlags(options);
    // Ctrl-C and normal exits kill the children at once; a host killed outright relies on the stdin pipe instead.
    process.on('exit', this.killOnExit);
  }

  /** Starts the introducer, then the other nodes joining through it; resolves once every node has said hello. */
  async start(): Promise<void> {
    const { nodes, basePort } = this.options;
    const base = basePort ?? (await findFreeRange(HOST, this.ctx.firstPort, nodes));
    if (base === undefined) throw new UserError(`no ${nodes} consecutive free ports on ${HOST}`);
    const slots = Array.from({ length: nodes }, (_, i) => this.slot(base + i));
    this.ctx.sink.nodesChanged();
    let done = 0;
    const started = async (slot: Slot, join: Address | undefined): Promise<void> => {
      await this.startSlot(slot, join);
      this.ctx.sink.progress('starting nodes', ++done, nodes);
    };
    this.ctx.sink.progress('starting nodes', 0, nodes);
    await started(slots[0]!, undefined);
    await runLimited(slots.slice(1), START_CONCURRENCY, (slot) => started(slot, slots[0]!.address));
  }

  nodes(): ClusterNode[] {
    return [...this.slots.values()].map((s) => this.describe(s));
  }

  async action(action: NodeAction, address: Address): Promise<ClusterNode> {
    const slot = this.slots.get(address);
    if (!slot) throw new UserError(`no node at ${address} in this cluster`);
    const live = slot.child !== undefined && (slot.state === 'running' || slot.state === 'paused' || slot.state === 'left');
    switch (action) {
      case 'kill':
        if (!live) throw new UserError(`${address} is not running`);
        await this.killSlot(slot, 'killed');
        break;
      case 'pause':
        if (slot.state !== 'running') throw new UserError(`${address} is ${slot.state}, not running`);
        slot.child!.kill('SIGSTOP');
        this.setState(slot, 'paused');
        break;
      case 'resume':
        if (slot.state !== 'paused') throw new UserError(`${address} is not paused`);
        slot.child!.kill('SIGCONT');
        this.setState(slot, 'running');
        break;
      case 'leave':
        if (slot.state !== 'running') throw new UserError(`${address} is ${slot.state}: only a running node can leave`);
        await controlRequest(address, 'leave');
        this.setState(slot, 'left');
        break;
      case 'restart':
        if (live) await this.killSlot(slot, 'killed');
        await this.startSlot(slot, this.joinTarget(address));
        break;
    }
    return this.describe(slot);
  }

  async add(): Promise<ClusterNode> {
    const taken = new Set([...this.slots.values()].map((s) => s.port));
    const port = await findFreePort(HOST, Math.max(...taken) + 1, taken);
    if (port === undefined) throw new UserError('no free port left for another node');
    const slot = this.slot(port);
    this.ctx.sink.nodesChanged();
    await this.startSlot(slot, this.joinTarget(slot.address));
    return this.describe(slot);
  }

  async setDrop(rate: number, address?: Address): Promise<void> {
    const targets = address === undefined ? this.running() : [this.slots.get(address)];
    for (const slot of targets) {
      if (!slot) throw new UserError(`no node at ${address} in this cluster`);
      if (slot.state !== 'running' && slot.state !== 'left') throw new UserError(`${slot.address} is ${slot.state}`);
    }
    await Promise.all(targets.map((slot) => controlRequest(slot!.address, 'drop', [String(rate)])));
  }

  /** One running node is told; the switch spreads by gossip (a higher suspicion epoch wins). */
  async setSuspicion(enabled: boolean): Promise<void> {
    const slot = this.running()[0];
    if (!slot) throw new UserError('no running node to switch suspicion on');
    await controlRequest(slot.address, enabled ? 'enable_sus' : 'disable_sus');
  }

  /** SIGTERM (paused nodes are continued so they see it), then SIGKILL whatever is left after a grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    const children = [...this.slots.values()].flatMap((s) => (s.child ? [s.child] : []));
    for (const child of children) {
      child.kill('SIGTERM');
      child.kill('SIGCONT');
    }
    const grace = setTimeout(() => { for (const child of children) child.kill('SIGKILL'); }, STOP_GRACE_MS);
    await Promise.all(children.map(exited));
    clearTimeout(grace);
    for (const slot of this.slots.values()) {
      slot.watch?.close();
      if (slot.state !== 'killed') slot.state = 'stopped';
    }
    process.off('exit', this.killOnExit);
  }

  private slot(port: number): Slot {
    const address = formatAddress(HOST, port);
    const slot: Slot = { port, address, state: 'starting' };
    this.slots.set(address, slot);
    return slot;
  }

  private running(): Slot[] {
    return [...this.slots.values()].filter((s) => s.state === 'running');
  }

  /** Joins through the first running node (the introducer while it lives), so a restarted introducer rejoins too. */
  private joinTarget(self: Address): Address | undefined {
    return this.running().find((s) => s.address !== self)?.address;
  }

  private describe(slot: Slot): ClusterNode {
    return { address: slot.address, id: slot.id, state: slot.state, managed: true, pid: slot.child?.pid };
  }

  private setState(slot: Slot, state: NodeRunState): void {
    slot.state = state;
    this.ctx.sink.nodesChanged();
  }

  private async startSlot(slot: Slot, join: Address | undefined): Promise<void> {
    const child = asNode(() => spawnNode(['--host', HOST, '--port', String(slot.port), '--log-dir', this.ctx.logDir(slot.address),
      ...(join ? ['--join', join] : []), ...this.flags]));
    // A failed start says why in one line on stderr (the CLI's contract); keep the last one for the error message.
    let lastError = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      lastError = chunk.trim().split('\n').pop() || lastError;
    });
    slot.child = child;
    slot.id = undefined;
    this.setState(slot, 'starting');
    child.once('exit', (code, signal) => {
      if (slot.child !== child) return;
      slot.watch?.close();
      if (this.stopping || slot.state === 'killed') return;
      this.setState(slot, 'stopped');
      this.ctx.sink.error(`node ${slot.address} exited (${signal ?? `code ${code}`})${lastError && `: ${lastError}`}`);
    });
    const watch = new NodeWatch(slot.address, {
      hello: (self) => {
        slot.id = self;
        this.ctx.sink.nodesChanged();
      },
      events: (events) => {
        if (slot.watch === watch) slot.id = watch.id;
        this.ctx.sink.events(events);
      },
      stats: (stats) => this.ctx.sink.stats(stats),
      malformed: () => this.ctx.sink.malformed(),
      closed: () => undefined,
    }, READY_TIMEOUT_MS);
    slot.watch = watch;
    const died = exited(child).then(() => {
      throw new UserError(`node ${slot.address} did not start: ${lastError || 'it exited at once'}`);
    });
    try {
      await Promise.race([watch.ready, died]);
    } catch (err) {
      watch.close();
      child.kill('SIGKILL');
      throw err instanceof UserError ? err : new UserError(`node ${slot.address} did not start: ${(err as Error).message}`);
    }
    this.setState(slot, 'running');
  }

  private async killSlot(slot: Slot, state: NodeRunState): Promise<void> {
    const child = slot.child!;
    slot.state = state;
    child.kill('SIGKILL');
    await exited(child);
    slot.watch?.close();
    this.ctx.sink.nodesChanged();
  }
}
