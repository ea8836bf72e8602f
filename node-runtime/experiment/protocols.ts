// The protocol configurations an experiment compares, by the course's names: {gossip, ping} × {suspicion or not}.
// Everything else in node-runtime/experiment is generic over a configuration: a family, suspicion on or off, and
// timing overrides — the same settings given to simulated cores and to `hearsay node` flags, so both sources run
// exactly the same protocol.
import { UserError } from '../user-error.ts';
import { resolveConfig } from '../protocol/config.ts';
import { FAMILY_TIMINGS, TIMING_FLAGS, TIMING_KEYS } from '../protocol/presets.ts';
import type { ProtocolConfig } from '../protocol/config.ts';
import type { SourceName } from './results.ts';

export const PROTOCOL_NAMES = ['gossip', 'gossip+s', 'ping', 'ping+s'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];
export type ProtocolFamily = 'gossip' | 'ping';

/** Families each source can run: both, on `hearsay node --protocol` as in the simulator. */
export const FAMILIES: Readonly<Record<SourceName, readonly ProtocolFamily[]>> = {
  simulator: ['gossip', 'ping'],
  processes: ['gossip', 'ping'],
};
const AVAILABLE_FAMILIES: readonly ProtocolFamily[] = FAMILIES.simulator;

/** Real processes take only the timings `hearsay node` has flags for (TIMING_KEYS, probe timings included); a
 *  variant with any other setting runs in the simulator only. */
export function runsOn(v: ProtocolVariant, source: SourceName): boolean {
  if (!FAMILIES[source].includes(v.family)) return false;
  return source === 'simulator' || Object.keys(v.timings).every((key) => (TIMING_KEYS as readonly string[]).includes(key));
}

export interface ProtocolVariant {
  readonly name: ProtocolName;
  readonly family: ProtocolFamily;
  readonly suspicion: boolean;
  /** Timing overrides on top of the defaults for the group's size (empty: defaults). */
  readonly timings: Partial<ProtocolConfig>;
}

export function variant(name: ProtocolName, timings: Partial<ProtocolConfig> = {}): ProtocolVariant {
  return { name, family: name.startsWith('ping') ? 'ping' : 'gossip', suspicion: name.endsWith('+s'), timings };
}

/** `gossip,gossip+s` → variants; an unknown or not-yet-built protocol is a UserError. */
export function parseProtocols(text: string): ProtocolVariant[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UserError('usage', '--protocols needs at least one of gossip, gossip+s, ping, ping+s');
  const out: ProtocolVariant[] = [];
  for (const name of names) {
    if (!(PROTOCOL_NAMES as readonly string[]).includes(name)) {
      throw new UserError('usage', `--protocols: unknown protocol '${name}' (expected gossip, gossip+s, ping or ping+s)`);
    }
    const v = variant(name as ProtocolName);
    if (!AVAILABLE_FAMILIES.includes(v.family)) {
      throw new UserError('usage', `--protocols: '${name}' needs the ${v.family} family, which this build does not have yet`);
    }
    if (!out.some((o) => o.name === v.name)) out.push(v);
  }
  return out;
}

/** Default protocols: every configuration this build has. */
export function defaultProtocols(): ProtocolVariant[] {
  return PROTOCOL_NAMES.map((n) => variant(n)).filter((v) => AVAILABLE_FAMILIES.includes(v.family));
}

/** The timings tuning scales: the heartbeat gossip's timings, and for the ping family also its probe period and
 *  timeout, which set its detection time and bandwidth. All are node flags, so both sources run the result. */
const SCALABLE: Readonly<Record<ProtocolFamily, readonly (keyof ProtocolConfig)[]>> = {
  gossip: FAMILY_TIMINGS.gossip.filter((key) => key.endsWith('Ms')),
  ping: [...FAMILY_TIMINGS.gossip.filter((key) => key.endsWith('Ms')), 'probeIntervalMs', 'probeTimeoutMs'],
};

/** Every scalable timing of `base` (defaults filled in) times `factor`, rounded to 10 ms; valid or a UserError. */
export function scaleTimings(family: ProtocolFamily, base: Partial<ProtocolConfig>, factor: number): Partial<ProtocolConfig> {
  const full = resolveConfig(base);
  const scaled: Partial<Record<keyof ProtocolConfig, number>> = { ...base };
  for (const key of SCALABLE[family]) scaled[key] = Math.max(10, Math.round((full[key] * factor) / 10) * 10);
  try {
    resolveConfig(scaled);
  } catch (err) {
    throw new UserError('usage', `timings scaled by ${factor.toFixed(2)} are invalid: ${(err as Error).message}`);
  }
  return scaled;
}

/** The `hearsay node` flags for a variant's protocol settings (timings: see runsOn). */
export function nodeArgs(v: ProtocolVariant): string[] {
  const args = ['--protocol', v.family, '--suspicion', v.suspicion ? 'on' : 'off'];
  for (const key of TIMING_KEYS) {
    const value = v.timings[key];
    if (value !== undefined) args.push(`--${TIMING_FLAGS[key].flag}`, String(value));
  }
  return args;
}

/** One line naming a variant's settings, for reports. */
export function describeTimings(v: ProtocolVariant): string {
  const entries = Object.entries(v.timings);
  return entries.length === 0 ? 'defaults' : entries.map(([k, x]) => `${k}=${String(x)}`).join(', ');
}
