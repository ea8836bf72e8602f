// The side-by-side panel's inputs: one size for both clusters, each side's kind (hearsay processes or embedded nodes,
// suspicion on or off, or Serf agents), and a fault for the k-th node of each.
import { MAX_LOCAL_GROUP } from '../../node-runtime/protocol/config.ts';
import type { LaunchOptions, NodeAction } from '../../electron/host/api.ts';

/** What a side runs: `hearsay-gossip` (suspicion off), `hearsay-suspicion`, or `serf`. */
export const PAIR_KINDS = ['hearsay-gossip', 'hearsay-suspicion', 'serf'] as const;
export type PairKind = (typeof PAIR_KINDS)[number];
export const PAIR_ACTIONS: readonly NodeAction[] = ['kill', 'pause', 'resume', 'leave', 'restart'];

export type PairField = 'pair-nodes' | 'pair-index';
export type PairParsed<T> = { ok: true; value: T } | { ok: false; error: string; field: PairField };

export function parsePairLaunch(nodes: string, kinds: readonly [string, string]): PairParsed<[LaunchOptions, LaunchOptions]> {
  const n = Number(nodes.trim());
  const max = kinds.includes('serf') ? MAX_LOCAL_GROUP.serf : MAX_LOCAL_GROUP.process;
  if (!Number.isInteger(n) || n < 2 || n > max) return { ok: false, error: `nodes per side: a whole number from 2 to ${max}`, field: 'pair-nodes' };
  const side = (kind: string): LaunchOptions => kind === 'serf'
    ? { nodes: n, mode: 'serf', suspicion: true, dropRate: 0 }
    : { nodes: n, mode: 'process', suspicion: kind === 'hearsay-suspicion', dropRate: 0 };
  return { ok: true, value: [side(kinds[0]), side(kinds[1])] };
}

/** `k` as the user counts (1 = the first node of each side) → the host's 0-based index. */
export function parsePairIndex(k: string, nodes: number): PairParsed<number> {
  const i = Number(k.trim());
  if (!Number.isInteger(i) || i < 1 || i > nodes) return { ok: false, error: `node: 1 to ${nodes} (the same position in both clusters)`, field: 'pair-index' };
  return { ok: true, value: i - 1 };
}
