// Attaches to Serf agents someone else runs: each RPC address given becomes one observer row (serf-observer.ts).
// With an RPC port convention (`rpc = gossip port + offset`), the first agent's members are watched too, and so is
// every member that joins later. An address that is not a Serf RPC endpoint, a wrong auth key, an agent that dies
// mid-stream: one line to the user, and the rest keeps being watched. Serf lets an outsider ask an agent to leave,
// or to force a failed member out; kill, pause and restart are for agents this app launched. Bandwidth only for agents
// whose telemetry address the user gave (the host listens there: serf-telemetry.ts); the others show none.
import { UserError } from '../../node-runtime/user-error.ts';
import { addressOf, formatAddress, parseAddress } from '../../node-runtime/protocol/member-id.ts';
import { SerfRpcError } from '../../node-runtime/serf/rpc-client.ts';
import { formatIp } from '../../node-runtime/serf/rpc-schema.ts';
import type { SerfMember } from '../../node-runtime/serf/rpc-schema.ts';
import { maxSuspicionMs } from '../../node-runtime/protocol/serf-bounds.ts';
import { memberIdOf, SerfObserver } from '../../node-runtime/serf/serf-observer.ts';
import { SerfTelemetry } from '../../node-runtime/serf/serf-telemetry.ts';
import type { Address, ClusterNode, MemberId, NodeAction, NodeRunState, SerfAttachOptions } from './api.ts';
import { SERF_RUNS_ITS_OWN } from './cluster.ts';
import type { Cluster, ClusterSink } from './cluster.ts';

const CONNECT_TIMEOUT_MS = 5000;
const STATS_INTERVAL_MS = 1000;
/** Members no one told us the profile of: assume memberlist's LAN defaults (the longest suspicions of lan/local). */
const ASSUMED_PROFILE = 'lan';

/** Readonly but through `update`, which reports the change to the view (as LocalCluster's slots); a row re-keyed
 *  under another address is a removal and an addition, both reported. */
interface Watched {
  /** The agent's gossip address (what its member id says), or its RPC address until it answered. */
  readonly address: Address;
  readonly rpcAddress: Address;
  readonly observer?: SerfObserver;
  readonly id?: MemberId;
  readonly state: NodeRunState;
}

export class SerfAttachedCluster implements Cluster {
  readonly mode = 'serf-attached';
  private readonly watched = new Map<Address, Watched>();
  /** Every agent's name by gossip address, as the agents list them (force-leave takes a name). */
  private readonly names = new Map<Address, string>();
  private stopped = false;
  /** Metrics sockets by the RPC address of the agent that sends there. */
  private readonly telemetry = new Map<Address, SerfTelemetry>();
  private statsTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SerfAttachOptions, private readonly sink: ClusterSink) {}

  /** Resolves once every given agent was tried; fails only when none of them can be watched. */
  async start(): Promise<void> {
    await this.listenTelemetry();
    const results = await Promise.allSettled(this.options.addresses.map((a) => this.follow(a)));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (failed.length === results.length) throw failed[0]!;
    for (const err of failed) this.sink.error(err.message);
    const first = [...this.watched.values()].find((w) => w.observer);
    if (this.options.rpcPortOffset !== undefined && first?.observer) {
      for (const m of await first.observer.members()) this.discovered(m);
    }
  }

  nodes(): ClusterNode[] {
    return [...this.watched.values()].map(describe);
  }

  async action(action: NodeAction, address: Address): Promise<ClusterNode> {
    const w = this.watched.get(address);
    if (action === 'force-leave') {
      const name = this.names.get(address);
      const asker = this.live().find((x) => x !== w);
      if (!name || !asker) throw new UserError('state', `no running agent to force ${address} out`);
      await asker.observer!.forceLeave(name);
    } else if (action === 'leave') {
      if (!w?.observer || w.state !== 'running') throw new UserError('state', `${address} is not a running agent this app watches`);
      await w.observer.leave();
      this.update(w, { state: 'left' });
    } else {
      throw new UserError('state', `${address} was not launched by this app: Serf lets it leave or force-leave, not ${action}`);
    }
    return this.nodes().find((n) => n.address === address) ?? { address, id: undefined, state: 'stopped', managed: false, kind: 'serf' };
  }

  add(): Promise<ClusterNode> {
    return Promise.reject(new UserError('state', 'attached Serf agents cannot be added from here: start one with serf agent -join'));
  }

  setDrop(): Promise<void> {
    return Promise.reject(new UserError('state', 'Serf agents have no drop-rate setting'));
  }

  setBlocked(): Promise<void> {
    return Promise.reject(new UserError('state', 'Serf agents have no block list: partitions need hearsay nodes'));
  }

  setMode(): Promise<void> {
    return Promise.reject(new UserError('state', SERF_RUNS_ITS_OWN));
  }

  /** Detaches: the agents keep running. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.statsTimer);
    for (const t of this.telemetry.values()) t.close();
    for (const w of this.watched.values()) w.observer?.close();
  }

  /** One socket per telemetry address given; one that cannot be bound is one line, the rest goes on. */
  private async listenTelemetry(): Promise<void> {
    const sinks = this.options.telemetry ?? [];
    await Promise.all(sinks.map(async (address, i) => {
      const parsed = parseAddress(address);
      const rpc = this.options.addresses[i];
      if (!parsed || rpc === undefined) return;
      try {
        this.telemetry.set(rpc, await SerfTelemetry.listen(parsed.host, parsed.port));
      } catch (err) {
        this.sink.error(`no bandwidth for ${rpc}: cannot listen for its telemetry on ${address} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }));
    if (this.telemetry.size > 0) this.statsTimer = setInterval(() => this.pushStats(), STATS_INTERVAL_MS);
  }

  private pushStats(): void {
    const now = Date.now();
    for (const w of this.watched.values()) {
      const r = this.telemetry.get(w.rpcAddress)?.rates(now);
      if (r && w.state === 'running') this.sink.stats({ address: w.address, ...r, dropped: 0 });
    }
  }

  /** The one way a row changes: applied, and reported when the view's picture of it moved. */
  private update(w: Watched, change: Partial<Omit<Watched, 'rpcAddress'>>): void {
    const before = describe(w);
    Object.assign(w, change);
    const after = describe(w);
    if (before.address !== after.address) {
      this.watched.delete(before.address);
      this.watched.set(after.address, w);
      this.sink.nodeRemoved(before.address);
    }
    if (before.address !== after.address || before.id !== after.id || before.state !== after.state) this.sink.node(after);
  }

  private live(): Watched[] {
    return [...this.watched.values()].filter((w) => w.state === 'running' && w.observer);
  }

  /** A member some agent listed: with a port convention, watch its agent too (once per gossip address and name). */
  private discovered(m: SerfMember): void {
    const address = addressOf(memberIdOf(m));
    this.names.set(address, m.Name);
    const offset = this.options.rpcPortOffset;
    if (offset === undefined || this.stopped || m.Status !== 'alive' || m.Port + offset > 65535) return;
    const known = this.watched.get(address);
    if (known && (known.state !== 'stopped' || known.id === memberIdOf(m))) return;
    const rpc = formatAddress(formatIp(m.Addr), m.Port + offset);
    if (this.watched.has(rpc)) return;
    this.follow(rpc).catch((err: Error) => this.sink.error(err.message));
  }

  private async follow(rpcAddress: Address): Promise<void> {
    if (!parseAddress(rpcAddress)) throw new UserError('usage', `${rpcAddress} is not host:port`);
    const w: Watched = { address: rpcAddress, rpcAddress, state: 'starting' };
    this.watched.set(rpcAddress, w);
    this.sink.node(describe(w));
    let observer: SerfObserver;
    try {
      observer = await SerfObserver.open(rpcAddress, {
        events: (events) => {
          this.sink.events(events);
          if (this.options.rpcPortOffset === undefined) return;
          // A join of an agent we do not watch yet: ask for the member list to learn its name and port.
          if (events.some((e) => e.event === 'join' && e.reason !== 'snapshot' && !this.watched.has(addressOf(e.member)))) {
            void w.observer?.members().then((ms) => ms.forEach((m) => this.discovered(m)), () => undefined);
          }
        },
        malformed: () => this.sink.malformed(),
        closed: (err) => {
          if (this.stopped || this.watched.get(w.address) !== w) return;
          this.update(w, { state: w.state === 'left' ? 'left' : 'stopped' });
          if (w.state === 'stopped') this.sink.error(`serf agent ${w.address} (RPC ${rpcAddress}): ${err.code === 'closed' ? 'the connection ended' : err.message}`);
        },
      }, { authKey: this.options.authKey, timeoutMs: CONNECT_TIMEOUT_MS, suspicionMaxMs: maxSuspicionMs(ASSUMED_PROFILE, 64) });
    } catch (err) {
      this.watched.delete(rpcAddress);
      this.sink.nodeRemoved(rpcAddress);
      // Nothing there, or no answer: unreachable; an answer that is not Serf's, or a refused key: refused.
      const code = err instanceof SerfRpcError && (err.code === 'unreachable' || err.code === 'timeout') ? 'unreachable' : 'refused';
      throw new UserError(code, err instanceof SerfRpcError ? err.message : `${rpcAddress}: ${(err as Error).message}`);
    }
    // From here on the row is known by the agent's gossip address, like the member ids its peers report.
    this.names.set(addressOf(observer.self), observer.name);
    this.update(w, { observer, address: addressOf(observer.self), id: observer.self, state: 'running' });
  }
}

function describe(w: Watched): ClusterNode {
  return { address: w.address, id: w.id, state: w.state, managed: false, kind: 'serf' };
}
