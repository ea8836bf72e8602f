// Replay's bandwidth list: each node's bytes/s at the cursor, from the samples the host recorded (stats.jsonl, one
// per node every 2 s), with the samples of the last minute before it for the sparkline. A node whose last sample is
// older than a few periods was not reporting then (stopped, killed, paused) and is left out, as the live list does.
import type { Address } from '../../../node-runtime/protocol/member-id.ts';
import type { BandwidthRow } from '../bandwidth-history.ts';
import { SAMPLES } from '../bandwidth-history.ts';
import type { StatsSeries } from './recording-loader.ts';

/** A sample older than this at the cursor says nothing about then. */
export const STALE_MS = 5000;
const WINDOW_MS = 60_000;

/** Rows at `t` for the nodes in `only` (every node when undefined), in `order`. */
export function bandwidthAt(
  stats: ReadonlyMap<Address, StatsSeries>, t: number, only: ReadonlySet<Address> | undefined, order: (a: Address, b: Address) => number,
): BandwidthRow[] {
  const rows: BandwidthRow[] = [];
  for (const [address, s] of stats) {
    if (only && !only.has(address)) continue;
    const last = lastAtOrBefore(s.ts, t);
    if (last < 0 || t - s.ts[last]! > STALE_MS) continue;
    let first = last;
    while (first > 0 && last - first + 1 < SAMPLES && s.ts[first - 1]! >= t - WINDOW_MS) first--;
    rows.push({ address, inPerSec: s.in[last]!, outPerSec: s.out[last]!, outSeries: s.out.slice(first, last + 1) });
  }
  return rows.sort((a, b) => order(a.address, b.address));
}

/** Index of the last ts ≤ t (-1 if none); `ts` ascending. */
function lastAtOrBefore(ts: readonly number[], t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
