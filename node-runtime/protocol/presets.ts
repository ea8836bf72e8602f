// Timing presets and the timings a user may set: one table for the CLI (`--preset`, `--gossip-ms` …), the app's launch
// panel and the host's request schema, so all three offer the same choices with the same words and bounds
// (config.ts SETTINGS). New protocol families add their presets here.
import { configForGroupSize } from './config.ts';
import type { ProtocolConfig } from './config.ts';
import type { ProtocolFamily } from './mode.ts';

/** The timings a user sets, of both families (a cluster can switch between them at run time, so a launch carries
 *  both); the rest of ProtocolConfig is derived or fixed. */
export const TIMING_KEYS = [
  'gossipIntervalMs', 'fanout', 'failTimeoutMs', 'suspectTimeoutMs', 'probeIntervalMs', 'probeTimeoutMs', 'suspicionMult', 'cleanupTimeoutMs',
] as const;
export type TimingKey = (typeof TIMING_KEYS)[number];
export type Timings = { readonly [K in TimingKey]?: number };

/** The timings each family runs by (in TIMING_KEYS' order: the launch panel shows the chosen family's). */
export const FAMILY_TIMINGS: { readonly [F in ProtocolFamily]: readonly TimingKey[] } = {
  gossip: ['gossipIntervalMs', 'fanout', 'failTimeoutMs', 'suspectTimeoutMs', 'cleanupTimeoutMs'],
  // Lifeguard's suspicion follows the probe interval (suspicion.ts); cleanup is shared by both families.
  ping: ['probeIntervalMs', 'probeTimeoutMs', 'suspicionMult', 'cleanupTimeoutMs'],
};

/** A record with one entry per user timing (a flag, a field, a schema each). */
export function perTiming<T>(make: (key: TimingKey) => T): Record<TimingKey, T> {
  return Object.fromEntries(TIMING_KEYS.map((key) => [key, make(key)])) as Record<TimingKey, T>;
}

/** Each user timing's CLI flag and what it does (help lines and the panel's titles). */
export const TIMING_FLAGS: { readonly [K in TimingKey]: { readonly flag: string; readonly help: string } } = {
  gossipIntervalMs: { flag: 'gossip-ms', help: 'how often a node bumps its heartbeat and gossips its list' },
  fanout: { flag: 'fanout', help: 'members each gossip round goes to' },
  failTimeoutMs: { flag: 'fail-ms', help: 'silence before a member is failed (or suspected, with suspicion on)' },
  suspectTimeoutMs: { flag: 'suspect-ms', help: 'an unrefuted suspicion becomes a failure after this' },
  cleanupTimeoutMs: { flag: 'cleanup-ms', help: 'a failed or left member stays listed this long' },
  probeIntervalMs: { flag: 'probe-ms', help: 'ping: how often a node probes one member (stretched by Lifeguard\'s health)' },
  probeTimeoutMs: { flag: 'probe-timeout-ms', help: 'ping: no ack this long after a ping → ask others to probe it' },
  suspicionMult: { flag: 'suspicion-mult', help: 'ping: a confirmed suspicion lasts this many probe intervals (× log10 N; unconfirmed up to 6× that)' },
};

export interface Preset {
  readonly summary: string;
  /** Over the defaults; the `default` preset is empty (and scaled to the group's size, see launchConfig). */
  readonly timings: Timings;
}

export const PRESETS = {
  default: { summary: 'fast: detection in ~1.5 s (~2.5 s with suspicion)', timings: {} },
  // 4× the default round and fail timeout, so each step is visible on screen: a paused node is suspected after 6 s,
  // the suspicion reaches everyone in ~3 rounds (3 s), and the suspect timeout (6×, not 4×) leaves a person ~3 s
  // after that to resume it and watch the refutation spread before anyone fails it.
  // Ping mode 4× too: a probe every 2 s (timeout 800 ms) finds a paused node suspect within a few seconds, the
  // suspicion rides the probes to everyone, and Lifeguard's shortest suspicion — 3 probe intervals, 6 s as in gossip
  // (the default's 2 would give only 4 s), up to 36 s while unconfirmed — leaves time to resume it and watch the
  // refutation. Simulated (8 members): suspected 2.6–5.4 s after the pause, failed 6 s after that.
  watch: {
    summary: 'human speed: 4× slower, to pause a node and watch suspicion and refutation',
    timings: {
      gossipIntervalMs: 1000, failTimeoutMs: 6000, suspectTimeoutMs: 6000, cleanupTimeoutMs: 20_000,
      probeIntervalMs: 2000, probeTimeoutMs: 800, suspicionMult: 3,
    },
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/**
 * The protocol settings of a launch: the preset, then the user's timings over it. The default preset of a group
 * larger than SMALL_GROUP starts from the timings scaled to its size (configForGroupSize) instead of the defaults.
 * Not yet checked: resolveConfig / checkConfig say what is wrong, in the user's words.
 */
export function launchConfig(preset: PresetName, timings: Timings, groupSize = 0): Partial<ProtocolConfig> {
  const base = preset === 'default' ? configForGroupSize(groupSize) : PRESETS[preset].timings;
  const given = Object.fromEntries(Object.entries(timings).filter(([, v]) => v !== undefined));
  return { ...base, ...given };
}
