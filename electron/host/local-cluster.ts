// What the two kinds of cluster this host launches share: slots on consecutive loopback ports, start-up in batches
// with progress, and the rules of which action a node's run state allows. How a node is started, killed, paused or
// told something differs (child process + signals, or a MembershipNode in this process): subclasses say that.
// A slot's fields are readonly: `update` is the one way to change them, and it reports the slot to the view, so no
// run state or member id can change without the view hearing of it.
import { UserError } from '../../node-runtime/user-error.ts';
import { formatAddress } from '../../node-runtime/protocol/member-id.ts';
import type { Address, ClusterNode, LaunchOptions, MemberId, NodeAction, NodeRunState } from './api.ts';
import type { Cluster, ClusterContext, ModeChange } from './cluster.ts';
import { findFreeRange } from './free-ports.ts';
import { runLimited } from './run-limited.ts';

export const HOST = '127.0.0.1';

export interface LocalSlot {
  readonly port: number;
  readonly address: Address;
  readonly state: NodeRunState;
  /** The current run's member id; undefined until the node says it. */
  readonly id: MemberId | undefined;
}

/** What `update` may change: anything but the slot's place. */
export type SlotChange<S extends LocalSlot> = Partial<Omit<S, 'port' | 'address'>>;

export abstract class LocalCluster<S extends LocalSlot> implements Cluster {
  abstract readonly mode: 'process' | 'embedded' | 'serf';
  protected readonly slots = new Map<Address, S>();

  /** `stride`: ports a node takes, from its slot's port up (a Serf agent: gossip, then RPC). */
  constructor(protected readonly options: LaunchOptions, protected readonly ctx: ClusterContext,
    private readonly startConcurrency: number, private readonly stride = 1) {}

  /** Starts the introducer, then the others in batches joining through it, with a progress report per node. */
  async start(): Promise<void> {
    const { nodes, basePort } = this.options;
    const { stride } = this;
    const base = basePort ?? (await findFreeRange(HOST, this.ctx.firstPort, nodes * stride));
    if (base === undefined) throw new UserError('state', `no ${nodes * stride} consecutive free ports on ${HOST}`);
    const slots = Array.from({ length: nodes }, (_, i) => this.slot(base + i * stride));
    let done = 0;
    const started = async (slot: S, join: Address | undefined): Promise<void> => {
      await this.startSlot(slot, join);
      this.ctx.sink.progress('starting nodes', ++done, nodes);
    };
    this.ctx.sink.progress('starting nodes', 0, nodes);
    await started(slots[0]!, undefined);
    await runLimited(slots.slice(1), this.startConcurrency, async (slot) => {
      await this.beforeJoin();
      await started(slot, slots[0]!.address);
    });
  }

  nodes(): ClusterNode[] {
    return [...this.slots.values()].map((s) => this.describe(s));
  }

  async action(action: NodeAction, address: Address): Promise<ClusterNode> {
    const slot = this.slots.get(address);
    if (!slot) throw new UserError('state', `no node at ${address} in this cluster`);
    const live = this.hasNode(slot) && (slot.state === 'running' || slot.state === 'paused' || slot.state === 'left');
    switch (action) {
      case 'kill':
        if (!live) throw new UserError('state', `${address} is not running`);
        await this.kill(slot);
        break;
      case 'pause':
        if (slot.state !== 'running') throw new UserError('state', `${address} is ${slot.state}, not running`);
        this.pause(slot);
        this.setState(slot, 'paused');
        break;
      case 'resume':
        if (slot.state !== 'paused') throw new UserError('state', `${address} is not paused`);
        this.resume(slot);
        this.setState(slot, 'running');
        break;
      case 'leave':
        if (slot.state !== 'running') throw new UserError('state', `${address} is ${slot.state}: only a running node can leave`);
        await this.leave(slot);
        this.setState(slot, 'left');
        break;
      case 'restart':
        if (live) await this.kill(slot);
        await this.startSlot(slot, this.joinTarget(address));
        break;
      case 'force-leave':
        await this.forceLeave(address);
        break;
    }
    return this.describe(slot);
  }

  async add(): Promise<ClusterNode> {
    const last = Math.max(...[...this.slots.values()].map((s) => s.port));
    const port = await findFreeRange(HOST, last + this.stride, this.stride);
    if (port === undefined) throw new UserError('state', 'no free port left for another node');
    const slot = this.slot(port);
    await this.startSlot(slot, this.joinTarget(slot.address));
    return this.describe(slot);
  }

  async setDrop(rate: number, address?: Address): Promise<void> {
    const targets = address === undefined ? this.running() : [this.slots.get(address)];
    for (const slot of targets) {
      if (!slot) throw new UserError('state', `no node at ${address} in this cluster`);
      if (slot.state !== 'running' && slot.state !== 'left') throw new UserError('state', `${slot.address} is ${slot.state}`);
    }
    await Promise.all(targets.map((slot) => this.setDropOn(slot!, rate)));
  }

  /** One running node is told; the switch spreads by gossip (a higher epoch wins). */
  async setMode(change: ModeChange): Promise<void> {
    const slot = this.running()[0];
    if (!slot) throw new UserError('state', 'no running node to switch the protocol on');
    await this.setModeOn(slot, change);
  }

  async setBlocked(lists: ReadonlyMap<Address, readonly Address[]>): Promise<void> {
    const live = [...this.slots.values()].filter((s) => this.hasNode(s) && (s.state === 'running' || s.state === 'paused' || s.state === 'left'));
    await Promise.all(live.map((slot) => this.setBlockedOn(slot, lists.get(slot.address) ?? [])));
  }

  abstract stop(): Promise<void>;

  protected abstract newSlot(port: number, address: Address): S;
  /** What the view shows of a slot: read from the slot's own fields only (they change through `update`). */
  protected abstract describe(slot: S): ClusterNode;
  protected abstract hasNode(slot: S): boolean;
  /** Starts the slot's node (a new version), joining through `join`; resolves once it runs. */
  protected abstract startSlot(slot: S, join: Address | undefined): Promise<void>;
  /** Abrupt: no leave, no stop line; leaves the slot `killed`. */
  protected abstract kill(slot: S): Promise<void>;
  protected abstract pause(slot: S): void;
  protected abstract resume(slot: S): void;
  protected abstract leave(slot: S): Promise<void>;
  protected abstract setDropOn(slot: S, rate: number): Promise<void>;
  protected abstract setModeOn(slot: S, change: ModeChange): Promise<void>;
  protected abstract setBlockedOn(slot: S, blocked: readonly Address[]): Promise<void>;

  /** Waited for before each joiner of a launch starts: a subclass may pace the start-up (embedded-cluster.ts). */
  protected beforeJoin(): Promise<void> {
    return Promise.resolve();
  }

  /** Serf's force-leave; hearsay nodes have no such thing (a failed member is removed after T_cleanup). */
  protected forceLeave(address: Address): Promise<void> {
    return Promise.reject(new UserError('state', `force-leave is a Serf action; ${address} is a hearsay node`));
  }

  protected running(): S[] {
    return [...this.slots.values()].filter((s) => s.state === 'running');
  }

  protected setState(slot: S, state: NodeRunState): void {
    this.update(slot, { state } as SlotChange<S>);
  }

  /** The one way a slot changes: the change is applied, and if the view's picture of the slot moved, reported. */
  protected update(slot: S, change: SlotChange<S>): void {
    const before = this.describe(slot);
    Object.assign(slot, change);
    const after = this.describe(slot);
    if (before.state !== after.state || before.id !== after.id || before.pid !== after.pid) this.ctx.sink.node(after);
  }

  private slot(port: number): S {
    const address = formatAddress(HOST, port);
    const slot = this.newSlot(port, address);
    this.slots.set(address, slot);
    this.ctx.sink.node(this.describe(slot));
    return slot;
  }

  /** Joins through the first running node (the introducer while it lives), so a restarted introducer rejoins too. */
  private joinTarget(self: Address): Address | undefined {
    return this.running().find((s) => s.address !== self)?.address;
  }
}
