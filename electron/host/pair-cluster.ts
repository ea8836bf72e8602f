// Two clusters side by side under one fault schedule: two hearsay configurations, or hearsay and Serf, launched on
// disjoint loopback ports (so one event stream and one recording hold both without mixing: no member of one ever
// lists a member of the other). A pair action hits the k-th node of each at the same moment; a drop rate or the
// suspicion switch goes to both, and so does a pair partition: the same launch positions cut off on each side at the
// same moment. A Serf side takes cuts and drop rates through iptables (root): a cut it refuses is told while the
// hearsay side still gets it; a drop rate it cannot take is refused for both. Each node says which side it is on
// (`ClusterNode.group`: 0 or 1).
import { UserError } from '../../node-runtime/user-error.ts';
import { partitionLists } from '../../node-runtime/protocol/partition.ts';
import type { Address, ClusterNode, NodeAction } from './api.ts';
import type { Cluster, ModeChange } from './cluster.ts';
import { iptablesUsable } from './iptables-faults.ts';

/** Ports left free between the two sides' ranges, so an added or restarted node of the first never lands in the second's. */
const GAP = 20;

export class PairCluster implements Cluster {
  readonly mode = 'pair';
  private readonly sides: Cluster[] = [];

  /** `second(firstPort)` is built once the first side runs, with its ports starting past the first side's.
   *  `notice`: a side that refused a cut the other side took (one line for the user). */
  constructor(private readonly first: Cluster, private readonly second: (firstPort: number) => Cluster,
    private readonly notice: (message: string) => void) {}

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
    // One schedule for both, or none: refuse before changing either side if one cannot take it (a Serf side drops
    // through iptables, which needs root).
    if (rate > 0 && this.sides.some((s) => s.mode === 'serf') && !iptablesUsable()) {
      throw new UserError('state', 'dropping datagrams of Serf agents needs root (iptables): this pair cannot share a drop rate');
    }
    await Promise.all(this.sides.map((s) => s.setDrop(rate)));
  }

  /** Suspicion goes to both sides; the family does not: each side keeps the family it was launched in, or there would
   *  be nothing to compare. */
  async setMode(change: ModeChange): Promise<void> {
    if (change.family !== undefined) throw new UserError('state', 'side by side, each cluster keeps the protocol it was launched with: launch another pair to compare others');
    if (this.sides.some((s) => s.mode === 'serf')) throw new UserError('state', 'Serf always runs with suspicion: the switch is for a pair of hearsay clusters');
    await Promise.all(this.sides.map((s) => s.setMode(change)));
  }

  /** Each side sets the lists of its own nodes, naming only its own nodes (a cut drawn on one side's ring cuts that
   *  side). A side that refuses is told to the user while the others keep their cut; if every side with a cut
   *  refused, that is the answer. */
  async setBlocked(lists: ReadonlyMap<Address, readonly Address[]>): Promise<void> {
    await this.cutSides(this.sides.map((side) => {
      const own = new Set(side.nodes().map((n) => n.address));
      return new Map([...own].map((a) => [a, (lists.get(a) ?? []).filter((b) => own.has(b))]));
    }));
  }

  /** The nodes at launch positions `from`..`to` of each side cut off from the rest of their side, at once. Resolves
   *  with the nodes cut off on the sides that took it. */
  async pairPartition(from: number, to: number): Promise<Address[]> {
    const cuts = this.sides.map((side) => {
      const all = side.nodes().map((n) => n.address);
      if (to >= all.length) throw new UserError('usage', `nodes ${from + 1}–${to + 1} are not in both clusters`);
      const lists = partitionLists(all, all.slice(from, to + 1));
      if (typeof lists === 'string') throw new UserError('usage', lists);
      return lists;
    });
    const took = await this.cutSides(cuts);
    return took.flatMap((group) => this.sides[group]!.nodes().slice(from, to + 1).map((n) => n.address));
  }

  /** Sets each side's lists; resolves with the sides that took a cut. If no side with a cut took it, that is the
   *  answer (a heal everywhere, or a cut on a side that refused it, changes nothing). */
  private async cutSides(lists: readonly ReadonlyMap<Address, readonly Address[]>[]): Promise<number[]> {
    const results = await Promise.allSettled(this.sides.map((side, group) => side.setBlocked(lists[group]!)));
    const cutting = (group: number): boolean => [...lists[group]!.values()].some((l) => l.length > 0);
    const took = results.flatMap((r, group) => (r.status === 'fulfilled' && cutting(group) ? [group] : []));
    const refused = results.flatMap((r, group) => (r.status === 'rejected' ? [{ group, err: r.reason as Error }] : []));
    if (took.length === 0 && refused.length > 0) throw refused[0]!.err;
    for (const { group, err } of refused) this.notice(`${group === 0 ? 'left' : 'right'} side (${this.sides[group]!.mode}) not cut: ${err.message}`);
    return took;
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
