// A local cluster of child processes, one `hearsay node` each, on consecutive loopback ports. Kill is SIGKILL,
// pause/resume SIGSTOP/SIGCONT, restart a new process on the same port (so a new version, a new member id). Each
// child's stdin is a pipe from the host (spawn-node.ts, --exit-with-stdin): when the host dies the pipe closes and
// the node exits, so no orphans.
import type { ChildProcess } from 'node:child_process';
import { controlRequest } from '../../node-runtime/control/client.ts';
import { spawnNode } from '../../node-runtime/cli/spawn-node.ts';
import { keyringOf } from '../../node-runtime/transport/keyring.ts';
import type { Keyring } from '../../node-runtime/transport/keyring.ts';
import { UserError } from '../../node-runtime/user-error.ts';
import { launchConfig, TIMING_FLAGS, TIMING_KEYS } from '../../node-runtime/protocol/presets.ts';
import type { Address, ClusterNode, LaunchOptions } from './api.ts';
import { switchCommand } from './cluster.ts';
import type { ClusterContext, ModeChange } from './cluster.ts';
import { HOST, LocalCluster } from './local-cluster.ts';
import type { LocalSlot } from './local-cluster.ts';
import { NodeWatch } from './node-watch.ts';

/** Past the node's own join deadline (`--join-timeout`, 30 s by default): a node still retrying a busy introducer is
 *  not given up by the host first (it streams nothing until joined); one that cannot join exits and says why. */
const READY_TIMEOUT_MS = 40_000;
const STOP_GRACE_MS = 2000;
/** Nodes booting at once: each compiles the TypeScript sources through tsx, and the machine may have 2 cores. */
const START_CONCURRENCY = 4;

interface Slot extends LocalSlot {
  readonly child?: ChildProcess;
  readonly watch?: NodeWatch;
}

/** The `hearsay node` flags a launch's options stand for. */
function nodeFlags(options: LaunchOptions): string[] {
  const flags = ['--protocol', options.protocol ?? 'gossip', '--suspicion', options.suspicion ? 'on' : 'off', '--drop', String(options.dropRate)];
  // Resolved here, not by the node's --preset: the default preset scales to the group's size, which a node cannot
  // know. The rest of its settings derive from these (config.ts).
  const c = launchConfig(options.preset ?? 'default', options.timings ?? {}, options.nodes);
  for (const key of TIMING_KEYS) {
    const value = c[key];
    if (value !== undefined) flags.push(`--${TIMING_FLAGS[key].flag}`, String(value));
  }
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

export class ProcessCluster extends LocalCluster<Slot> {
  readonly mode = 'process';
  private stopping = false;
  private readonly flags: string[];
  private readonly keyring: Keyring | undefined;
  private readonly killOnExit = (): void => {
    for (const slot of this.slots.values()) slot.child?.kill('SIGKILL');
  };

  constructor(options: LaunchOptions, ctx: ClusterContext) {
    super(options, ctx, START_CONCURRENCY);
    this.flags = nodeFlags(options);
    this.keyring = options.key === undefined ? undefined : keyringOf(options.key);
    // Ctrl-C and normal exits kill the children at once; a host killed outright relies on the stdin pipe instead.
    process.on('exit', this.killOnExit);
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
      if (slot.state !== 'killed') this.update(slot, { state: 'stopped' });
    }
    process.off('exit', this.killOnExit);
  }

  protected newSlot(port: number, address: Address): Slot {
    return { port, address, state: 'starting', id: undefined };
  }

  protected describe(slot: Slot): ClusterNode {
    return { address: slot.address, id: slot.id, state: slot.state, managed: true, pid: slot.child?.pid };
  }

  protected hasNode(slot: Slot): boolean {
    return slot.child !== undefined;
  }

  protected pause(slot: Slot): void {
    slot.child!.kill('SIGSTOP');
  }

  protected resume(slot: Slot): void {
    slot.child!.kill('SIGCONT');
  }

  protected async leave(slot: Slot): Promise<void> {
    await controlRequest(slot.address, 'leave', [], { keyring: this.keyring });
  }

  protected async setDropOn(slot: Slot, rate: number): Promise<void> {
    await controlRequest(slot.address, 'drop', [String(rate)], { keyring: this.keyring });
  }

  protected async setBlockedOn(slot: Slot, blocked: readonly Address[]): Promise<void> {
    await controlRequest(slot.address, blocked.length === 0 ? 'heal' : 'partition', blocked, { keyring: this.keyring });
  }

  protected async setModeOn(slot: Slot, change: ModeChange): Promise<void> {
    await controlRequest(slot.address, ...switchCommand(change), { keyring: this.keyring });
  }

  protected async startSlot(slot: Slot, join: Address | undefined): Promise<void> {
    const child = asNode(() => spawnNode(['--host', HOST, '--port', String(slot.port), '--log-dir', this.ctx.logDir(slot.address),
      ...(join ? ['--join', join] : []), ...this.flags], { key: this.options.key }));
    // A failed start says why in one line on stderr (the CLI's contract); keep the last one for the error message.
    let lastError = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      lastError = chunk.trim().split('\n').pop() || lastError;
    });
    this.update(slot, { child, id: undefined, state: 'starting' });
    child.once('exit', (code, signal) => {
      if (slot.child !== child) return;
      slot.watch?.close();
      if (this.stopping || slot.state === 'killed') return;
      this.setState(slot, 'stopped');
      this.ctx.sink.error(`node ${slot.address} exited (${signal ?? `code ${code}`})${lastError && `: ${lastError}`}`);
    });
    const watch = new NodeWatch(slot.address, {
      hello: (self) => {
        if (slot.watch === watch) this.update(slot, { id: self });
      },
      events: (events) => {
        this.ctx.sink.events(events);
        // A node reborn under a new version (declared failed, rejoined after a leave) goes on streaming as it.
        if (slot.watch === watch) this.update(slot, { id: watch.id });
      },
      stats: (stats) => this.ctx.sink.stats(stats),
      traces: (traces, unsampled) => this.ctx.sink.traces(traces, unsampled),
      malformed: () => this.ctx.sink.malformed(),
      closed: () => undefined,
    }, READY_TIMEOUT_MS, this.keyring);
    this.update(slot, { watch });
    const died = exited(child).then(() => {
      throw new UserError('state', `node ${slot.address} did not start: ${lastError || 'it exited at once'}`);
    });
    try {
      await Promise.race([watch.ready, died]);
    } catch (err) {
      watch.close();
      child.kill('SIGKILL');
      throw err instanceof UserError ? err : new UserError('state', `node ${slot.address} did not start: ${(err as Error).message}`);
    }
    this.setState(slot, 'running');
  }

  protected async kill(slot: Slot): Promise<void> {
    const child = slot.child!;
    this.setState(slot, 'killed');
    child.kill('SIGKILL');
    await exited(child);
    slot.watch?.close();
  }
}
