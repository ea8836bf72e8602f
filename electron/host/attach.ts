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
import type { Cluster, ClusterSink } from './cluster.ts';
import { NodeWatch } from './node-watch.ts';

const ListMemSchema = v.object({
  self: v.string(),
  members: v.array(v.object({ id: v.string(), status: v.string() })),
});

const CONNECT_TIMEOUT_MS = 5000;

interface Watched {
  readonly address: Address;
  watch: NodeWatch;
  id: MemberId | undefined;
  state: NodeRunState;
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
    return [...this.watched.values()].map((w) => ({ address: w.address, id: w.id, state: w.state, managed: false }));
  }

  async action(action: NodeAction, address: Address): Promise<ClusterNode> {
    const w = this.watched.get(address);
    if (!w) throw new UserError('state', `no node at ${address} in the attached cluster`);
    if (action !== 'leave') throw new UserError('state', `${address} was not launched by this app: it can leave, not ${action}`);
    await controlRequest(address, 'leave', [], { keyring: this.keyring });
    w.state = 'left';
    this.sink.nodesChanged();
    return { address, id: w.id, state: w.state, managed: false };
  }

  add(): Promise<ClusterNode> {
    return Promise.reject(new UserError('state', 'an attached cluster cannot add nodes: start one with hearsay node --join'));
  }

  async setDrop(rate: number, address?: Address): Promise<void> {
    const targets = address === undefined ? this.live().map((w) => w.address) : [address];
    await Promise.all(targets.map((a) => controlRequest(a, 'drop', [String(rate)], { keyring: this.keyring })));
  }

  async setSuspicion(enabled: boolean): Promise<void> {
    const w = this.live()[0];
    if (!w) throw new UserError('state', 'no reachable node to switch suspicion on');
    await controlRequest(w.address, enabled ? 'enable_sus' : 'disable_sus', [], { keyring: this.keyring });
  }

  /** Detaches: the nodes keep running. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watched.values()) w.watch.close();
  }

  private live(): Watched[] {
    return [...this.watched.values()].filter((w) => w.state === 'running');
  }

  private follow(address: Address): Promise<MemberId> {
    const w: Watched = { address, watch: undefined!, id: undefined, state: 'starting' };
    this.watched.set(address, w);
    this.sink.nodesChanged();
    w.watch = new NodeWatch(address, {
      hello: (self) => {
        w.id = self;
        w.state = 'running';
        this.sink.nodesChanged();
      },
      events: (events) => {
        w.id = w.watch.id;
        this.sink.events(events);
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
      closed: () => {
        if (this.stopped || this.watched.get(address) !== w) return;
        w.state = 'stopped';
        this.sink.nodesChanged();
      },
    }, CONNECT_TIMEOUT_MS, this.keyring);
    w.watch.ready.catch(() => {
      if (this.watched.get(address) === w && w.state === 'starting') {
        w.state = 'stopped';
        this.sink.nodesChanged();
      }
    });
    return w.watch.ready;
  }
}
