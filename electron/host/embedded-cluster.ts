// A local cluster inside the host's own process: each node a MembershipNode with its own UDP socket and TCP
// listener on loopback, so hundreds of nodes cost sockets, not processes. Kill is `crash()` (no leave, no stop
// line), pause/resume freeze the node's timer and discard its datagrams, restart a new node on the same port.
import { UserError } from '../../node-runtime/user-error.ts';
import type { MembershipNode } from '../../node-runtime/node/membership-node.ts';
import { startNode } from '../../node-runtime/services/node-services.ts';
import { keyringOf } from '../../node-runtime/transport/keyring.ts';
import type { MembershipNodeOptions } from '../../node-runtime/node/membership-node.ts';
import type { ProtocolConfig } from '../../node-runtime/protocol/config.ts';
import { launchConfig } from '../../node-runtime/protocol/presets.ts';
import type { Address, ClusterNode, LaunchOptions, Trace } from './api.ts';
import type { ClusterContext, ModeChange } from './cluster.ts';
import { HOST, LocalCluster } from './local-cluster.ts';
import { LoopPacer } from './loop-pacer.ts';
import type { LocalSlot } from './local-cluster.ts';
import { snapshotEvents } from './snapshot-events.ts';

/** Joins in flight at once: the introducer answers each with its full list, so a burst of hundreds would only queue. */
const START_CONCURRENCY = 8;
const STATS_INTERVAL_MS = 1000;
/** A port just closed by `crash()` is rebound by a restart; its sockets close asynchronously. */
const REBIND_DEADLINE_MS = 3000;
const JOIN_TIMEOUT_MS = 30_000;
/** Launches larger than this pace their joins by the event loop's load (loop-pacer.ts); smaller ones start at once. */
const PACED_ABOVE = 100;

interface Slot extends LocalSlot {
  readonly node?: MembershipNode;
}

export class EmbeddedCluster extends LocalCluster<Slot> {
  readonly mode = 'embedded';
  private statsTimer: NodeJS.Timeout | undefined;
  private readonly config: Partial<ProtocolConfig>;
  private pacer: LoopPacer | undefined;

  constructor(options: LaunchOptions, ctx: ClusterContext) {
    super(options, ctx, START_CONCURRENCY);
    this.config = launchConfig(options.preset ?? 'default', options.timings ?? {}, options.nodes);
  }

  override async start(): Promise<void> {
    this.statsTimer = setInterval(() => this.pushStats(), STATS_INTERVAL_MS);
    this.pacer = this.options.nodes > PACED_ABOVE ? new LoopPacer() : undefined;
    try {
      await super.start();
    } finally {
      this.pacer?.stop();
      this.pacer = undefined;
    }
  }

  protected override beforeJoin(): Promise<void> {
    return this.pacer?.room() ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    clearInterval(this.statsTimer);
    await Promise.all([...this.slots.values()].map(async (slot) => {
      if (slot.state !== 'killed') this.setState(slot, 'stopped');
      await slot.node?.stop();
    }));
  }

  protected newSlot(port: number, address: Address): Slot {
    return { port, address, state: 'starting', id: undefined };
  }

  protected describe(slot: Slot): ClusterNode {
    return { address: slot.address, id: slot.id, state: slot.state, managed: true };
  }

  protected hasNode(slot: Slot): boolean {
    return slot.node !== undefined;
  }

  protected async kill(slot: Slot): Promise<void> {
    slot.node!.crash();
    this.setState(slot, 'killed');
  }

  protected pause(slot: Slot): void {
    slot.node!.pause();
  }

  protected resume(slot: Slot): void {
    slot.node!.resume();
  }

  protected async leave(slot: Slot): Promise<void> {
    await slot.node!.leave();
  }

  protected async setDropOn(slot: Slot, rate: number): Promise<void> {
    slot.node!.setDropRate(rate);
  }

  protected async setBlockedOn(slot: Slot, blocked: readonly Address[]): Promise<void> {
    slot.node!.setBlocked(blocked);
  }

  protected async setModeOn(slot: Slot, change: ModeChange): Promise<void> {
    slot.node!.setMode(change);
  }

  protected async startSlot(slot: Slot, join: Address | undefined): Promise<void> {
    const opts: MembershipNodeOptions = {
      host: HOST, port: slot.port, join, logDir: this.ctx.logDir(slot.address), suspicion: this.options.suspicion,
      family: this.options.protocol, dropRate: this.options.dropRate, config: this.config, joinTimeoutMs: JOIN_TIMEOUT_MS,
      // Each node its own ring, as separate processes would have: `keyring install` on one changes only that one.
      keyring: this.options.key === undefined ? undefined : keyringOf(this.options.key),
    };
    this.setState(slot, 'starting');
    const deadline = Date.now() + REBIND_DEADLINE_MS;
    let node: MembershipNode;
    for (;;) {
      try {
        node = await startNode(opts);
        break;
      } catch (err) {
        if (!(err instanceof UserError) || err.code !== 'busy' || Date.now() > deadline) {
          this.setState(slot, 'stopped');
          throw err;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    // The events of the start and the join happened inside `start`: the list they built stands in for them.
    this.ctx.sink.events(snapshotEvents(node.id, node.members(), Date.now()));
    node.on('event', (e) => {
      this.ctx.sink.events([e]);
      // Reborn under a new version (declared failed, or rejoined after a leave): the slot's id follows.
      if (e.event === 'start' && e.node === e.member && slot.node === node) this.update(slot, { id: e.node });
    });
    // In this process every datagram is traced; the host samples what goes to the renderer.
    const one: Trace[] = [];
    node.on('trace', (t) => {
      one[0] = t;
      this.ctx.sink.traces(one, 0);
    });
    this.update(slot, { node, id: node.id, state: 'running' });
  }

  private pushStats(): void {
    for (const slot of this.slots.values()) {
      if (!slot.node || (slot.state !== 'running' && slot.state !== 'left')) continue;
      const { address, bytesInPerSec, bytesOutPerSec, dropped, malformed, blockedIn, blockedOut } = slot.node.stats();
      this.ctx.sink.stats({ address, bytesInPerSec, bytesOutPerSec, dropped, malformed, blockedIn, blockedOut, protocol: slot.node.mode() });
    }
  }
}
