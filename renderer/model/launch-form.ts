// The cluster panel's inputs, checked before anything reaches the host: one clear message per mistake.
import { parseAddress } from '../../node-runtime/protocol/member-id.ts';
import type { Address } from '../../node-runtime/protocol/member-id.ts';
import type { LaunchOptions, LaunchTimings } from '../../electron/host/api.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export interface LaunchFields {
  nodes: string;
  mode: string;
  suspicion: boolean;
  /** Percent, 0–100. */
  drop: string;
  gossipMs: string;
  failMs: string;
  suspectMs: string;
}

export const MAX_NODES = 2000;

function integer(text: string, name: string, min: number, max: number): Parsed<number> {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { ok: false, error: `${name} must be a whole number` };
  const n = Number(t);
  if (n < min || n > max) return { ok: false, error: `${name} must be between ${min} and ${max}` };
  return { ok: true, value: n };
}

/** Drop rate as entered in percent → a probability 0..1. */
export function parseDropPercent(text: string): Parsed<number> {
  const t = text.trim();
  const n = t === '' ? NaN : Number(t);
  if (!Number.isFinite(n) || n < 0 || n > 100) return { ok: false, error: 'drop rate must be a percentage from 0 to 100' };
  return { ok: true, value: n / 100 };
}

export function parseLaunchForm(f: LaunchFields): Parsed<LaunchOptions> {
  const nodes = integer(f.nodes, 'nodes', 1, MAX_NODES);
  if (!nodes.ok) return nodes;
  if (f.mode !== 'process' && f.mode !== 'embedded') return { ok: false, error: 'mode must be process or embedded' };
  const drop = parseDropPercent(f.drop);
  if (!drop.ok) return drop;
  const timings: { -readonly [K in keyof LaunchTimings]: LaunchTimings[K] } = {};
  for (const key of ['gossipMs', 'failMs', 'suspectMs'] as const) {
    if (f[key].trim() === '') continue; // empty: the protocol's default
    const ms = integer(f[key], key.replace('Ms', ' ms'), 10, 600_000);
    if (!ms.ok) return ms;
    timings[key] = ms.value;
  }
  if (timings.gossipMs !== undefined && timings.failMs !== undefined && timings.failMs <= timings.gossipMs) {
    return { ok: false, error: 'fail ms must be longer than gossip ms' };
  }
  return {
    ok: true,
    value: { nodes: nodes.value, mode: f.mode, suspicion: f.suspicion, dropRate: drop.value, ...(Object.keys(timings).length ? { timings } : {}) },
  };
}

export function parseAttachAddress(text: string): Parsed<Address> {
  const t = text.trim();
  const parsed = parseAddress(t);
  if (!parsed) return { ok: false, error: 'address must be host:port, e.g. 127.0.0.1:3000' };
  return { ok: true, value: t };
}
