// A local Serf cluster: one `serf agent` child per slot (serf-agent.ts: gossip on the slot's port, RPC on the next),
// each watched as one observer row over its RPC (serf-observer.ts). Kill is SIGKILL, pause/resume SIGSTOP/SIGCONT,
// leave Serf's own RPC leave (the agent then exits), restart a new agent with a fresh node name on the same ports (so
// a new member id), force-leave asks a running agent to mark a failed one left. Serf has no block list and no drop
// rate: a partition and a drop rate are iptables rules when the host runs as root (iptables-faults.ts), refused
// otherwise. Serf has no suspicion switch: that is refused with a clear line. Each agent sends its metrics to a UDP socket of the host's
// (serf-telemetry.ts), whose byte counters become the slot's bandwidth, reported each second like a hearsay node's. The agents' own text logs go beside the recording as serf-agent.out.
import crypto from 'node:crypto';
import path from 'node:path';
import { UserError } from '../../node-runtime/user-error.ts';
import { parseAddress } from '../../node-runtime/protocol/member-id.ts';
import { maxSuspicionMs } from '../../node-runtime/protocol/serf-bounds.ts';
import { SERF_PROFILE, startSerfAgent } from '../../node-runtime/serf/serf-agent.ts';
import type { SerfAgent } from '../../node-runtime/serf/serf-agent.ts';
import { SerfObserver } from '../../node-runtime/serf/serf-observer.ts';
import { SerfTelemetry } from '../../node-runtime/serf/serf-telemetry.ts';
import type { Address, ClusterNode, LaunchOptions } from './api.ts';
import { SERF_RUNS_ITS_OWN } from './cluster.ts';
import type { ClusterContext } from './cluster.ts';
import { IptablesFaults } from './iptables-faults.ts';
import { HOST, LocalCluster } from './local-cluster.ts';
import type { LocalSlot } from './local-cluster.ts';

/** Agents started at once (each is a Go process that is quick to start). */
const START_CONCURRENCY = 4;
const STOP_GRACE_MS = 2000;
const STATS_INTERVAL_MS = 1000;
export const SERF_AGENT_LOG = 'serf-agent.out';

interface Slot extends LocalSlot {
  readonly agent?: SerfAgent;
  readonly observer?: SerfObserver;
  readonly name?: string;
  /** The slot's metrics socket, kept across restarts. */
  readonly telemetry?: SerfTelemetry;
}

export class SerfCluster extends LocalCluster<Slot> {
  readonly mode = 'serf';
  private stopping = false;
  private readonly faults = new IptablesFaults();
  private readonly statsTimer = setInterval(() => this.pushStats(), STATS_INTERVAL_MS);
  private readonly killOnExit = (): void => {
    for (const slot of this.slots.values()) slot.agent?.child.kill('SIGKILL');
    this.faults.clearAll();
  };

  constructor(options: LaunchOptions, ctx: ClusterContext) {
    super(options, ctx, START_CONCURRENCY, 2);
    process.on('exit', this.killOnExit);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.statsTimer);
    const agents = [...this.slots.values()].flatMap((s) => (s.agent ? [s.agent] : []));
    for (const slot of this.slots.values()) slot.observer?.close();
    for (const a of agents) {
      a.child.kill('SIGTERM');
      a.child.kill('SIGCONT');
    }
    const grace = setTimeout(() => { for (const a of agents) a.child.kill('SIGKILL'); }, STOP_GRACE_MS);
    await Promise.all(agents.map((a) => a.exited));
    clearTimeout(grace);
    this.faults.clearAll();
    for (const slot of this.slots.values()) slot.telemetry?.close();
    for (const slot of this.slots.values()) if (slot.state !== 'killed') this.update(slot, { state: 'stopped' });
    process.off('exit', this.killOnExit);
  }

  /** Marks a failed agent `left` in the others' lists (Serf's `force-leave`), asked of any running agent. */
  protected override async forceLeave(address: Address): Promise<void> {
    const slot = this.slots.get(address);
    const asker = this.running().find((s) => s.observer && s !== slot);
    if (!slot?.name || !asker) throw new UserError('state', `no running agent to force ${address} out`);
    await asker.observer!.forceLeave(slot.name);
  }

  protected newSlot(port: number, address: Address): Slot {
    return { port, address, state: 'starting', id: undefined };
  }

  protected describe(slot: Slot): ClusterNode {
    return { address: slot.address, id: slot.id, state: slot.state, managed: true, pid: slot.agent?.child.pid, kind: 'serf' };
  }

  protected hasNode(slot: Slot): boolean {
    return slot.agent !== undefined;
  }

  protected pause(slot: Slot): void {
    slot.agent!.child.kill('SIGSTOP');
  }

  protected resume(slot: Slot): void {
    slot.agent!.child.kill('SIGCONT');
  }

  protected async leave(slot: Slot): Promise<void> {
    await slot.observer!.leave();
  }

  protected async setDropOn(slot: Slot, rate: number): Promise<void> {
    this.faults.drop(slot.port, rate);
  }

  /** A heal also lifts the cuts of agents that are down (a killed agent's rules would otherwise stay). */
  override async setBlocked(lists: ReadonlyMap<Address, readonly Address[]>): Promise<void> {
    await super.setBlocked(lists);
    if ([...lists.values()].every((l) => l.length === 0)) this.faults.healAll();
  }

  protected async setBlockedOn(slot: Slot, blocked: readonly Address[]): Promise<void> {
    this.faults.cut(slot.port, blocked.flatMap((a) => parseAddress(a)?.port ?? []));
  }

  protected setModeOn(): Promise<void> {
    return Promise.reject(new UserError('state', SERF_RUNS_ITS_OWN));
  }

  protected async startSlot(slot: Slot, join: Address | undefined): Promise<void> {
    const name = `serf-${slot.port}-${crypto.randomBytes(3).toString('hex')}`;
    this.update(slot, { id: undefined, name, state: 'starting' });
    const telemetry = slot.telemetry ?? await SerfTelemetry.listen(HOST);
    this.update(slot, { telemetry });
    const agent = await startSerfAgent({
      host: HOST, port: slot.port, name, join, logFile: path.join(this.ctx.logDir(slot.address), SERF_AGENT_LOG), statsdAddr: telemetry.address,
    });
    this.update(slot, { agent });
    void agent.exited.then(() => {
      if (slot.agent !== agent || this.stopping || slot.state === 'killed' || slot.state === 'left') return;
      slot.observer?.close();
      this.setState(slot, 'stopped');
      this.ctx.sink.error(`serf agent ${slot.address} (${name}) exited (${agent.child.signalCode ?? `code ${agent.child.exitCode}`})`);
    });
    try {
      const observer = await SerfObserver.open(agent.rpcAddress, {
        events: (events) => this.ctx.sink.events(events),
        malformed: () => this.ctx.sink.malformed(),
        closed: () => undefined, // the agent's exit says what happened
      }, { suspicionMaxMs: maxSuspicionMs(SERF_PROFILE, Math.max(this.options.nodes, this.slots.size)) });
      this.update(slot, { observer, id: observer.self, state: 'running' });
    } catch (err) {
      agent.child.kill('SIGKILL');
      throw new UserError('refused', `serf agent ${slot.address} cannot be watched: ${(err as Error).message}`);
    }
  }

  /** Running agents' bandwidth (what arrived since the last push; a quiet agent's is a true 0). */
  private pushStats(): void {
    const now = Date.now();
    for (const slot of this.slots.values()) {
      if (!slot.telemetry) continue;
      const r = slot.telemetry.rates(now);
      if (slot.state === 'running') this.ctx.sink.stats({ address: slot.address, ...r, dropped: 0 });
    }
  }

  protected async kill(slot: Slot): Promise<void> {
    const agent = slot.agent!;
    this.setState(slot, 'killed');
    agent.child.kill('SIGKILL');
    await agent.exited;
    slot.observer?.close();
  }
}
