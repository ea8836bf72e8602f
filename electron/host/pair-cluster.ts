// Two clusters side by side under one fault schedule: two hearsay configurations, or hearsay and Serf, launched on
// disjoint loopback ports (so one event stream and one recording hold both without mixing: no member of one ever
// lists a member of the other). A pair action hits the k-th node of each at the same moment; a drop rate or the
// suspicion switch goes to both. Each node says which side it is on (`ClusterNode.group`: 0 or 1).
import { UserError } from '../../node-runtime/user-error.ts';
import type { Address, ClusterNode, NodeAction } from './api.ts';
import type { Cluster } from './cluster.ts';

/** Ports left free between the two sides' ranges, so an added or restarted node of the first never lands in the second's. */
const GAP = 20;

export class PairCluster implements Cluster {
  readonly mode = 'pair';
  private readonly sides: Cluster[] = [];

  /** `second(firstPort)` is built once the first side runs, with its ports starting past the first side's. */
  constructor(private readonly first: Cluster, private readonly second: (firstPort: number) => Cluster) {}

  async start(): Promise<void> {
    this.sides.push(this.first);
    await this.first.start();
    const top = Math.max(...this.first.nodes().map((n) => Number(n.address.slice(n.address.lastIndexOf(':') + 1))));
    const second = this.second(top + GAP);
    this.sides.push(second);
    await second.start();
  }

  nodes(): ClusterNode[] {
    return this.sides.flatMap((side, group) => side.nodes().map((n) => ({ ...n, group })));
  }

  action(action: NodeAction, address: Address): Promise<ClusterNode> {
    const group = this.groupOf(address);
    return this.sides[group]!.action(action, address).then((n) => ({ ...n, group }));
  }

  /** The k-th node (in launch order) of each side, acted on at once; resolves with both. */
  async pairAction(action: NodeAction, index: number): Promise<ClusterNode[]> {
    const targets = this.sides.map((side) => side.nodes()[index]);
    if (targets.some((n) => n === undefined)) throw new UserError('usage', `node ${index + 1} is not in both clusters`);
    return Promise.all(targets.map((n, group) => this.sides[group]!.action(action, n!.address).then((r) => ({ ...r, group }))));
  }

  add(): Promise<ClusterNode> {
    return Promise.reject(new UserError('state', 'a side-by-side pair keeps its two clusters the same size: add is off'));
  }

  async setDrop(rate: number, address?: Address): Promise<void> {
    if (address !== undefined) return this.sides[this.groupOf(address)]!.setDrop(rate, address);
    // One schedule for both, or none: refuse before changing either side if one cannot take it (Serf).
    if (this.sides.some((s) => s.mode === 'serf')) throw new UserError('state', 'Serf has no drop rate: a pair with Serf cannot share one');
    await Promise.all(this.sides.map((s) => s.setDrop(rate)));
  }

  async setSuspicion(enabled: boolean): Promise<void> {
    if (this.sides.some((s) => s.mode === 'serf')) throw new UserError('state', 'Serf always runs with suspicion: the switch is for a pair of hearsay clusters');
    await Promise.all(this.sides.map((s) => s.setSuspicion(enabled)));
  }

  /** Each side sets the lists of its own nodes (a cut drawn across the pair's ring cuts each cluster where it crosses it). */
  async setBlocked(lists: ReadonlyMap<Address, readonly Address[]>): Promise<void> {
    if (this.sides.some((s) => s.mode === 'serf')) throw new UserError('state', 'Serf agents have no block list: partitions need hearsay nodes');
    await Promise.all(this.sides.map((s) => s.setBlocked(lists)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.sides.map((s) => s.stop()));
  }

  private groupOf(address: Address): number {
    const group = this.sides.findIndex((s) => s.nodes().some((n) => n.address === address));
    if (group < 0) throw new UserError('state', `no node at ${address} in either cluster`);
    return group;
  }
}
