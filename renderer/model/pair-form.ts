// The side-by-side panel's inputs: one size for both clusters, each side's kind (hearsay processes in one of the four
// configurations, or Serf agents), and a fault for the k-th node of each.
import { MAX_LOCAL_GROUP } from '../../node-runtime/protocol/config.ts';
import { parseModeName } from '../../node-runtime/protocol/mode.ts';
import type { LaunchOptions, NodeAction } from '../../electron/host/api.ts';
import { CONFIGURATIONS } from './launch-form.ts';

/** What a side runs: hearsay in one of the four configurations (their values: `gossip+nosuspect` … `ping+suspect`),
 *  or `serf`; with the panel's label of each. */
export const PAIR_KINDS: readonly { readonly value: string; readonly label: string }[] = [
  ...CONFIGURATIONS.map((c) => ({ value: c.value, label: `hearsay, ${c.label}` })),
  { value: 'serf', label: 'Serf agents' },
];
export const PAIR_ACTIONS: readonly NodeAction[] = ['kill', 'pause', 'resume', 'leave', 'restart'];

export type PairField = 'pair-nodes' | 'pair-index' | 'pair-cut';
export type PairParsed<T> = { ok: true; value: T } | { ok: false; error: string; field: PairField };

export function parsePairLaunch(nodes: string, kinds: readonly [string, string]): PairParsed<[LaunchOptions, LaunchOptions]> {
  const n = Number(nodes.trim());
  const max = kinds.includes('serf') ? MAX_LOCAL_GROUP.serf : MAX_LOCAL_GROUP.process;
  if (!Number.isInteger(n) || n < 2 || n > max) return { ok: false, error: `nodes per side: a whole number from 2 to ${max}`, field: 'pair-nodes' };
  const sides: LaunchOptions[] = [];
  for (const kind of kinds) {
    const hearsay = parseModeName(kind);
    if (kind === 'serf') sides.push({ nodes: n, mode: 'serf', suspicion: true, dropRate: 0 });
    else if (hearsay) sides.push({ nodes: n, mode: 'process', protocol: hearsay.family, suspicion: hearsay.suspicion, dropRate: 0 });
    else return { ok: false, error: `a side runs hearsay (gossip or ping, with or without suspicion) or Serf, not ${kind}`, field: 'pair-nodes' };
  }
  return { ok: true, value: [sides[0]!, sides[1]!] };
}

/** `k` as the user counts (1 = the first node of each side) → the host's 0-based index. */
export function parsePairIndex(k: string, nodes: number): PairParsed<number> {
  const i = Number(k.trim());
  if (!Number.isInteger(i) || i < 1 || i > nodes) return { ok: false, error: `node: 1 to ${nodes} (the same position in both clusters)`, field: 'pair-index' };
  return { ok: true, value: i - 1 };
}

/** `k-m` or `k` as the user counts → the host's 0-based inclusive range; at least one node stays on the other side. */
export function parsePairCut(range: string, nodes: number): PairParsed<{ from: number; to: number }> {
  const m = /^\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?$/.exec(range);
  const from = Number(m?.[1]);
  const to = Number(m?.[2] ?? m?.[1]);
  if (!m || from < 1 || to < from || to > nodes || to - from + 1 >= nodes) {
    return { ok: false, error: `cut nodes k–m: 1 ≤ k ≤ m ≤ ${nodes}, leaving at least one node on the other side`, field: 'pair-cut' };
  }
  return { ok: true, value: { from: from - 1, to: to - 1 } };
}
