// A local cluster inside the host's own process: each node a MembershipNode with its own UDP socket and TCP
// listener on loopback, so hundreds of nodes cost sockets, not processes. Kill is `crash()` (no leave, no stop
// line), pause/resume freeze the node's timer and discard its datagrams, restart a new node on the same port.
import { UserError } from '../../node-runtime/cli/user-error.ts';
import { MembershipNode } from '../../node-runtime/node/membership-node.ts';
import type { MembershipNodeOptions } from '../../node-runtime/node/membership-node.ts';
import type { ProtocolConfig } from '../../node-runtime/protocol/config.ts';
import { formatAddress } from '../../node-runtime/protocol/member-id.ts';
import type { Address, ClusterNode, LaunchOptions, NodeAction, NodeRunState } from './api.ts';
import type { Cluster, ClusterContext } from './cluster.ts';
import { findFreePort, findFreeRange } from './free-ports.ts';
import { launchConfig } from './launch-config.ts';
import { runLimited } from './run-limited.ts';
import { snapshotEvents } from './snapshot-events.ts';

const HOST = '127.0.0.1';
/** Joins in flight at once: the introducer answers each with its full list, so a burst of hundreds would only queue. */
const START_CONCURRENCY = 8;
const STATS_INTERVAL_MS = 1000;
/** A port just closed by `crash()` is rebound by a restart; its sockets close asynchronously. */
const REBIND_DEADLINE_MS = 3000;
const JOIN_TIMEOUT_MS = 30_000;

interface Slot {
  readonly port: number;
  readonly address: Address;
  node?: MembershipNode;
  state: NodeRunState;
}

export class EmbeddedCluster implements Cluster {
  readonly mode = 'embedded';
  private readonly slots = new Map<Address, Slot>();
  private statsTimer: NodeJS.Timeout | undefined;
  private readonly config: Partial<ProtocolConfig>;

  constructor(private readonly options: LaunchOptions, private readonly ctx: ClusterContext) {
    this.config = launchConfig(options);
  }

  /** Starts the introducer, then the others in batches joining through it, with a progress report per node. */
  async start(): Promise<void> {
    const { nodes, basePort } = this.options;
    const base = basePort ?? (await findFreeRange(HOST, this.ctx.firstPort, nodes));
    if (base === undefined) throw new UserError(`no ${nodes} consecutive free ports on ${HOST}`);
    const slots = Array.from({ length: nodes }, (_, i) => this.slot(base + i));
    this.ctx.sink.nodesChanged();
    this.statsTimer = setInterval(() => this.pushStats(), STATS_INTERVAL_MS);
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
    const node = slot.node;
    const live = node !== undefined && (slot.state === 'running' || slot.state === 'paused' || slot.state === 'left');
    switch (action) {
      case 'kill':
        if (!live) throw new UserError(`${address} is not running`);
        node.crash();
        this.setState(slot, 'killed');
        break;
      case 'pause':
        if (slot.state !== 'running') throw new UserError(`${address} is ${slot.state}, not running`);
        node!.pause();
        this.setState(slot, 'paused');
        break;
      case 'resume':
        if (slot.state !== 'paused') throw new UserError(`${address} is not paused`);
        node!.resume();
        this.setState(slot, 'running');
        break;
      case 'leave':
        if (slot.state !== 'running') throw new UserError(`${address} is ${slot.state}: only a running node can leave`);
        await node!.leave();
        this.setState(slot, 'left');
        break;
      case 'restart':
        if (live) {
          node.crash();
          this.setState(slot, 'killed');
        }
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
      if (!slot?.node || slot.state === 'killed' || slot.state === 'stopped') {
        throw new UserError(`no running node at ${address ?? slot?.address}`);
      }
      slot.node.setDropRate(rate);
    }
  }

  /** One running node is told; the switch spreads by gossip (a higher suspicion epoch wins). */
  async setSuspicion(enabled: boolean): Promise<void> {
    const slot = this.running()[0];
    if (!slot) throw new UserError('no running node to switch suspicion on');
    slot.node!.setSuspicion(enabled);
  }

  async stop(): Promise<void> {
    clearInterval(this.statsTimer);
    await Promise.all([...this.slots.values()].map(async (slot) => {
      if (slot.state !== 'killed') slot.state = 'stopped';
      await slot.node?.stop();
    }));
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

  private joinTarget(self: Address): Address | undefined {
    return this.running().find((s) => s.address !== self)?.address;
  }

  private describe(slot: Slot): ClusterNode {
    return { address: slot.address, id: slot.node?.id, state: slot.state, managed: true };
  }

  private setState(slot: Slot, state: NodeRunState): void {
    slot.state = state;
    this.ctx.sink.nodesChanged();
  }

  private async startSlot(slot: Slot, join: Address | undefined): Promise<void> {
    const opts: MembershipNodeOptions = {
      host: HOST, port: slot.port, join, logDir: this.ctx.logDir(slot.address), suspicion: this.options.suspicion,
      dropRate: this.options.dropRate, config: this.config, joinTimeoutMs: JOIN_TIMEOUT_MS,
    };
    this.setState(slot, 'starting');
    const deadline = Date.now() + REBIND_DEADLINE_MS;
    let node: MembershipNode;
    for (;;) {
      try {
        node = await MembershipNode.start(opts);
        break;
      } catch (err) {
        if (!(err instanceof UserError) || !/busy/.test(err.message) || Date.now() > deadline) {
          this.setState(slot, 'stopped');
          throw err;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    slot.node = node;
    // The events of the start and the join happened inside `start`: the list they built stands in for them.
    this.ctx.sink.events(snapshotEvents(node.id, node.members(), Date.now()));
    node.on('event', (e) => this.ctx.sink.events([e]));
    this.setState(slot, 'running');
  }

  private pushStats(): void {
    for (const slot of this.slots.values()) {
      if (!slot.node || (slot.state !== 'running' && slot.state !== 'left')) continue;
      const { address, bytesInPerSec, bytesOutPerSec, dropped, malformed } = slot.node.stats();
      this.ctx.sink.stats({ address, bytesInPerSec, bytesOutPerSec, dropped, malformed });
    }
  }
}
