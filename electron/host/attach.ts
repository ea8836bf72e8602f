// Attaches to a cluster someone else started (on this host or another): asks any node for its list, then watches
// every member's control stream, and keeps up as members join (a join of an unwatched address starts a watch) and
// go (a stream that ends marks the node stopped). Unmanaged nodes allow what their control channel offers only:
// leave, drop rate, suspicion. Remote nodes must run with --control-open to be watched.
import * as v from 'valibot';
import { controlRequest } from '../../node-runtime/control/client.ts';
import { UserError } from '../../node-runtime/user-error.ts';
import { addressOf } from '../../node-runtime/protocol/member-id.ts';
import type { Keyring } from '../../node-runtime/transport/keyring.ts';
import type { Address, ClusterNode, MemberId, NodeAction, NodeRunState } from './api.ts';
import { switchCommand } from './cluster.ts';
import type { Cluster, ClusterSink, ModeChange } from './cluster.ts';
import { NodeWatch } from './node-watch.ts';

const ListMemSchema = v.object({
  self: v.string(),
  members: v.array(v.object({ id: v.string(), status: v.string() })),
});

const CONNECT_TIMEOUT_MS = 5000;

/** Readonly but through `update`, which reports the change to the view (as LocalCluster's slots). */
interface Watched {
  readonly address: Address;
  readonly watch: NodeWatch;
  readonly id: MemberId | undefined;
  readonly state: NodeRunState;
}

export class AttachedCluster implements Cluster {
  readonly mode = 'attached';
  private readonly watched = new Map<Address, Watched>();
  private stopped = false;

  constructor(private readonly address: Address, private readonly sink: ClusterSink, private readonly keyring?: Keyring) {}

  /** Resolves once every listed live member has sent its hello (those that cannot be reached are marked stopped). */
  async start(): Promise<void> {
    const { address } = this;
    const parsed = v.safeParse(ListMemSchema, await controlRequest(address, 'list_mem', [], { timeoutMs: CONNECT_TIMEOUT_MS, keyring: this.keyring }));
    if (!parsed.success) throw new UserError('refused', `${address} answered list_mem with something that is not a member list`);
    const live = parsed.output.members.filter((m) => m.status === 'alive' || m.status === 'suspect');
    const addresses = new Set([address, ...live.map((m) => addressOf(m.id))]);
    await Promise.all([...addresses].map((a) => this.follow(a).catch(() => undefined)));
    if (this.watched.get(address)?.state !== 'running') throw new UserError('state', `cannot subscribe to ${address}`);
  }

  nodes(): ClusterNode[] {
    return [...this.watched.values()].map(describe);
  }

  async action(action: NodeAction, address: Address): Promise<ClusterNode> {
    const w = this.watched.get(address);
    if (!w) throw new UserError('state', `no node at ${address} in the attached cluster`);
    if (action !== 'leave') throw new UserError('state', `${address} was not launched by this app: it can leave, not ${action}`);
    await controlRequest(address, 'leave', [], { keyring: this.keyring });
    this.update(w, { state: 'left' });
    return describe(w);
  }

  add(): Promise<ClusterNode> {
    return Promise.reject(new UserError('state', 'an attached cluster cannot add nodes: start one with hearsay node --join'));
  }

  async setBlocked(lists: ReadonlyMap<Address, readonly Address[]>): Promise<void> {
    await Promise.all(this.live().map((w) => {
      const blocked = lists.get(w.address) ?? [];
      return controlRequest(w.address, blocked.length === 0 ? 'heal' : 'partition', blocked, { keyring: this.keyring });
    }));
  }

  async setDrop(rate: number, address?: Address): Promise<void> {
    const targets = address === undefined ? this.live().map((w) => w.address) : [address];
    await Promise.all(targets.map((a) => controlRequest(a, 'drop', [String(rate)], { keyring: this.keyring })));
  }

  async setMode(change: ModeChange): Promise<void> {
    const w = this.live()[0];
    if (!w) throw new UserError('state', 'no reachable node to switch the protocol on');
    await controlRequest(w.address, ...switchCommand(change), { keyring: this.keyring });
  }

  /** Detaches: the nodes keep running. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watched.values()) w.watch.close();
  }

  private live(): Watched[] {
    return [...this.watched.values()].filter((w) => w.state === 'running');
  }

  private update(w: Watched, change: Partial<Pick<Watched, 'id' | 'state'>>): void {
    if ((change.id === undefined || change.id === w.id) && (change.state === undefined || change.state === w.state)) return;
    Object.assign(w, change);
    this.sink.node(describe(w));
  }

  private follow(address: Address): Promise<MemberId> {
    // The watch's callbacks run later (its stream is asynchronous), once `w` below exists.
    const watch = new NodeWatch(address, {
      hello: (self) => this.update(w, { id: self, state: 'running' }),
      events: (events) => {
        this.sink.events(events);
        // A node reborn under a new version goes on streaming as it.
        this.update(w, { id: watch.id });
        for (const e of events) {
          if (e.event !== 'join' && e.event !== 'alive') continue;
          const member = addressOf(e.member);
          const known = this.watched.get(member);
          if (!this.stopped && (!known || (known.state === 'stopped' && known.id !== e.member))) {
            void this.follow(member).catch(() => this.sink.error(`cannot subscribe to ${member}`));
          }
        }
      },
      stats: (stats) => this.sink.stats(stats),
      malformed: () => this.sink.malformed(),
      traces: (traces, unsampled) => this.sink.traces(traces, unsampled),
      closed: () => {
        if (!this.stopped && this.watched.get(address) === w) this.update(w, { state: 'stopped' });
      },
    }, CONNECT_TIMEOUT_MS, this.keyring);
    const w: Watched = { address, watch, id: undefined, state: 'starting' };
    this.watched.set(address, w);
    this.sink.node(describe(w));
    watch.ready.catch(() => {
      if (this.watched.get(address) === w && w.state === 'starting') this.update(w, { state: 'stopped' });
    });
    return watch.ready;
  }
}

function describe(w: Watched): ClusterNode {
  return { address: w.address, id: w.id, state: w.state, managed: false };
}
