// The cluster panel's inputs, checked before anything reaches the host with the protocol's own rules (config.ts,
// presets.ts): the same limits and words as the host's schema and the CLI. A mistake names the field it belongs to,
// so the panel shows it there.
import { checkConfig, formatSetting, MAX_LOCAL_GROUP, rangeMessage, resolveConfig, SETTINGS } from '../../node-runtime/protocol/config.ts';
import type { ProtocolConfig } from '../../node-runtime/protocol/config.ts';
import { parseAddress } from '../../node-runtime/protocol/member-id.ts';
import type { Address } from '../../node-runtime/protocol/member-id.ts';
import { modeName, parseModeName } from '../../node-runtime/protocol/mode.ts';
import type { ProtocolMode } from '../../node-runtime/protocol/mode.ts';
import { FAMILY_TIMINGS, isPresetName, launchConfig, TIMING_KEYS } from '../../node-runtime/protocol/presets.ts';
import { suspicionTimeout } from '../../node-runtime/protocol/suspicion.ts';
import type { PresetName, TimingKey, Timings } from '../../node-runtime/protocol/presets.ts';
import type { LaunchOptions } from '../../electron/host/api.ts';

export type Field = 'nodes' | 'mode' | 'protocol' | 'preset' | 'drop' | 'address' | TimingKey;

/** The four configurations, in the course's words: `switch gossip|ping suspect|nosuspect`. `value` is the
 *  protocol's own spelling (mode.ts modeName), `label` what the panels show. */
export const CONFIGURATIONS: readonly { readonly value: string; readonly label: string; readonly title: string }[] = ([
  { family: 'gossip', suspicion: false, label: 'gossip', title: 'heartbeat gossip: a member silent for the fail timeout is failed' },
  { family: 'gossip', suspicion: true, label: 'gossip + suspicion', title: 'heartbeat gossip; silence makes a member suspect first, and it can refute' },
  { family: 'ping', suspicion: false, label: 'ping', title: 'SWIM probes with Lifeguard: an unanswered probe (direct and indirect) fails a member' },
  { family: 'ping', suspicion: true, label: 'ping + suspicion', title: 'SWIM probes with Lifeguard: an unanswered probe makes a member suspect, and it can refute' },
] satisfies (ProtocolMode & { label: string; title: string })[]).map(({ label, title, ...mode }) => ({ value: modeName(mode), label, title }));

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string; field: Field };

export interface LaunchFields {
  nodes: string;
  mode: string;
  preset: string;
  /** One of CONFIGURATIONS' values (`ping+suspect`). */
  protocol: string;
  /** Percent, 0–100. */
  drop: string;
  /** Empty: the preset's value. */
  timings: Record<TimingKey, string>;
}

type Mode = LaunchOptions['mode'];

function isMode(mode: string): mode is Mode {
  return Object.hasOwn(MAX_LOCAL_GROUP, mode);
}

export function parseNodes(text: string, mode: Mode): Parsed<number> {
  const t = text.trim();
  const max = MAX_LOCAL_GROUP[mode];
  const n = Number(t);
  if (!/^\d+$/.test(t) || n < 1 || n > max) {
    return { ok: false, error: `nodes must be a whole number from 1 to ${max} in ${mode} mode`, field: 'nodes' };
  }
  return { ok: true, value: n };
}

/** Drop rate as entered in percent → a probability 0..1. */
export function parseDropPercent(text: string): Parsed<number> {
  const t = text.trim();
  const n = t === '' ? NaN : Number(t);
  if (!Number.isFinite(n) || n < 0 || n > 100) return { ok: false, error: 'drop rate must be a percentage from 0 to 100', field: 'drop' };
  return { ok: true, value: n / 100 };
}

function parseTimings(fields: Record<TimingKey, string>): Parsed<Timings> {
  const timings: { [K in TimingKey]?: number } = {};
  for (const key of TIMING_KEYS) {
    const t = fields[key].trim();
    if (t === '') continue;
    if (!/^\d+$/.test(t)) return { ok: false, error: rangeMessage(key), field: key };
    timings[key] = Number(t);
  }
  return { ok: true, value: timings };
}

export function parseLaunchForm(f: LaunchFields): Parsed<LaunchOptions> {
  if (!isMode(f.mode)) return { ok: false, error: 'mode must be process or embedded', field: 'mode' };
  if (!isPresetName(f.preset)) return { ok: false, error: `unknown preset ${f.preset}`, field: 'preset' };
  const protocol = parseModeName(f.protocol);
  if (!protocol) return { ok: false, error: 'protocol must be gossip or ping, with or without suspicion', field: 'protocol' };
  const nodes = parseNodes(f.nodes, f.mode);
  if (!nodes.ok) return nodes;
  const drop = parseDropPercent(f.drop);
  if (!drop.ok) return drop;
  const timings = parseTimings(f.timings);
  if (!timings.ok) return timings;
  const error = checkConfig(launchConfig(f.preset, timings.value, nodes.value));
  if (error) {
    const field = (TIMING_KEYS as readonly string[]).includes(error.setting) ? error.setting as TimingKey : 'preset';
    return { ok: false, error: error.message, field };
  }
  const given = Object.keys(timings.value).length > 0;
  return {
    ok: true,
    value: {
      nodes: nodes.value, mode: f.mode, protocol: protocol.family, suspicion: protocol.suspicion, dropRate: drop.value,
      ...(f.preset === 'default' ? {} : { preset: f.preset }), ...(given ? { timings: timings.value } : {}),
    },
  };
}

/** The family the fields choose (gossip while the choice is not one of CONFIGURATIONS). */
export function chosenMode(f: LaunchFields): ProtocolMode {
  return parseModeName(f.protocol) ?? { family: 'gossip', suspicion: false };
}

/** The group size the fields give, or 0 while it is being typed. */
function groupSize(f: LaunchFields): number {
  const nodes = isMode(f.mode) ? parseNodes(f.nodes, f.mode) : undefined;
  return nodes?.ok ? nodes.value : 0;
}

/** The timings a launch of these fields would run with (what the panel shows), or undefined while they are wrong.
 *  Nodes fall back to the form's default so the preset's values show while the count is being typed. */
export function effectiveConfig(f: LaunchFields): ProtocolConfig | undefined {
  const preset: PresetName = isPresetName(f.preset) ? f.preset : 'default';
  const timings = parseTimings(f.timings);
  if (!timings.ok) return undefined;
  const config = launchConfig(preset, timings.value, groupSize(f));
  return checkConfig(config) ? undefined : resolveConfig(config);
}

/** The panel's "runs with" line: the chosen family's own timings and, for ping with suspicion, how long Lifeguard's
 *  suspicion of a member lasts in a group this size (confirmed by others – unconfirmed; suspicion.ts). */
export function effectiveTimings(f: LaunchFields): string | undefined {
  const config = effectiveConfig(f);
  if (!config) return undefined;
  const mode = chosenMode(f);
  const parts = FAMILY_TIMINGS[mode.family].map((key) => `${SETTINGS[key].label} ${formatSetting(key, config[key])}`);
  if (mode.family === 'ping' && mode.suspicion) {
    const shortest = suspicionTimeout(config.suspicionMult, Math.max(1, groupSize(f)), config.probeIntervalMs);
    const longest = config.suspicionMaxTimeoutMult * shortest;
    parts.push(`suspicion ${formatSetting('suspectTimeoutMs', shortest)}–${formatSetting('suspectTimeoutMs', longest)}`);
  }
  return parts.join(' · ');
}

export function parseAttachAddress(text: string): Parsed<Address> {
  const t = text.trim();
  const parsed = parseAddress(t);
  if (!parsed) return { ok: false, error: 'address must be host:port, e.g. 127.0.0.1:3000', field: 'address' };
  return { ok: true, value: t };
}
