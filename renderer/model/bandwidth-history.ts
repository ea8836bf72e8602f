// Each running node's recent bandwidth, for the per-node sparklines: one sample per stats report the host sends
// (about one a second), the last SAMPLES kept. Only running nodes are kept: a node that stops, is killed, paused or
// leaves drops out with its history, so an old figure never stands for a node that sends nothing.
import type { Address } from '../../node-runtime/protocol/member-id.ts';
import type { NodeStats } from '../../electron/host/api.ts';

export const SAMPLES = 30;

export interface BandwidthRow {
  readonly address: Address;
  readonly inPerSec: number;
  readonly outPerSec: number;
  /** Bytes out per second, oldest first (at most SAMPLES). */
  readonly outSeries: readonly number[];
}

export class BandwidthHistory {
  private readonly series = new Map<Address, { last: NodeStats; out: number[] }>();

  /** Takes the reports that are new since the last call, for the running nodes; forgets every other node. Returns
   *  whether anything changed. */
  sample(stats: ReadonlyMap<Address, NodeStats>, running: ReadonlySet<Address>): boolean {
    let changed = false;
    for (const address of this.series.keys()) {
      if (!running.has(address)) {
        this.series.delete(address);
        changed = true;
      }
    }
    for (const address of running) {
      const s = stats.get(address);
      if (s === undefined) continue;
      const entry = this.series.get(address);
      if (entry === undefined) {
        this.series.set(address, { last: s, out: [s.bytesOutPerSec] });
        changed = true;
      } else if (entry.last !== s) {
        entry.last = s;
        entry.out.push(s.bytesOutPerSec);
        if (entry.out.length > SAMPLES) entry.out.shift();
        changed = true;
      }
    }
    return changed;
  }

  /** One row per running node with a report, in address order. */
  rows(order: (a: Address, b: Address) => number): BandwidthRow[] {
    return [...this.series].sort(([a], [b]) => order(a, b)).map(([address, { last, out }]) => ({
      address, inPerSec: last.bytesInPerSec, outPerSec: last.bytesOutPerSec, outSeries: out,
    }));
  }
}
