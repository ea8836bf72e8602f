// The flags that configure one membership node: `hearsay node` takes them all, `hearsay cluster` passes the
// shared ones on to every child.
import type { MembershipNodeOptions } from '../node/membership-node.ts';
import { checkConfig, DEFAULT_CONFIG, SETTINGS } from '../protocol/config.ts';
import { launchConfig, PRESET_NAMES, PRESETS, TIMING_FLAGS, TIMING_KEYS } from '../protocol/presets.ts';
import type { TimingKey } from '../protocol/presets.ts';
import { addressFlag, choiceFlag, numberFlag, portFlag, stringFlag } from './flags.ts';
import type { FlagSpecs, FlagValues } from './flags.ts';
import { UserError } from '../user-error.ts';
import { PROTOCOL_FAMILIES } from '../protocol/mode.ts';
import { KEY_FLAGS, keyringFromFlags } from './key-flags.ts';

/** Flags `hearsay cluster` forwards unchanged to each node. */
export const SHARED_NODE_FLAGS: FlagSpecs = {
  protocol: { type: 'string', value: 'gossip|ping', help: 'start with heartbeat gossip or SWIM probes + Lifeguard (switchable at run time, cluster-wide)', default: 'gossip' },
  suspicion: { type: 'string', value: 'on|off', help: 'start with suspicion on or off (switchable at run time, cluster-wide)', default: 'off' },
  drop: { type: 'string', value: 'RATE', help: 'receiver-side drop rate, 0..1', default: '0' },
  preset: {
    type: 'string', value: PRESET_NAMES.join('|'), default: 'default',
    help: `timing preset: ${PRESET_NAMES.map((name) => `${name} (${PRESETS[name].summary.split(':')[0]})`).join(' or ')}; the timing flags override it`,
  },
  ...Object.fromEntries(TIMING_KEYS.map((key) => [TIMING_FLAGS[key].flag, {
    type: 'string', value: SETTINGS[key].unit === 'ms' ? 'MS' : 'N', default: String(DEFAULT_CONFIG[key]),
    help: `${SETTINGS[key].label}: ${TIMING_FLAGS[key].help}`,
  }])) as FlagSpecs,
  'control-open': { type: 'boolean', help: 'accept ctl/subscribe/grep from any host, not only loopback (for dgrep/attach across hosts)' },
  'join-timeout': { type: 'string', value: 'S', help: 'keep retrying an unreachable introducer this long, then exit', default: '30' },
};

export const NODE_FLAGS: FlagSpecs = {
  host: { type: 'string', value: 'HOST', help: 'address to bind UDP and TCP on', default: '127.0.0.1' },
  port: { type: 'string', value: 'PORT', help: 'UDP and TCP port (the same number)', default: '3000' },
  join: { type: 'string', value: 'HOST:PORT', help: 'introducer to join through; without it this node is the introducer' },
  'log-dir': { type: 'string', value: 'DIR', help: 'append membership events to DIR/<host>_<port>.jsonl' },
  ...SHARED_NODE_FLAGS,
  seed: { type: 'string', value: 'N', help: 'seed of the gossip target choice (default: random)' },
  ...KEY_FLAGS,
  'exit-with-stdin': { type: 'boolean', help: 'stop when stdin closes (hearsay cluster uses it so no child outlives it)' },
};

export type NodeFlagOptions = Omit<MembershipNodeOptions, 'onJoinRetry'> & { readonly exitWithStdin: boolean };

/** Converts parsed flags into node options; a bad value or an inconsistent timing set is a UserError. */
export function nodeOptionsFromFlags(values: FlagValues): NodeFlagOptions {
  const preset = choiceFlag(values, 'preset', PRESET_NAMES) ?? 'default';
  const timings: { [K in TimingKey]?: number } = {};
  for (const key of TIMING_KEYS) {
    // Any number here: checkConfig states the bounds, in the same words as the app's launch panel.
    const value = numberFlag(values, TIMING_FLAGS[key].flag, { min: -Infinity, max: Infinity });
    if (value !== undefined) timings[key] = value;
  }
  const config = launchConfig(preset, timings);
  const error = checkConfig(config);
  if (error) {
    const flag = (TIMING_KEYS as readonly string[]).includes(error.setting) ? TIMING_FLAGS[error.setting as TimingKey].flag : undefined;
    const given = flag === undefined ? undefined : stringFlag(values, flag);
    throw new UserError('usage', given === undefined
      ? `bad timings: ${error.message}${flag === undefined ? '' : ` (set --${flag})`}`
      : `--${flag} ${given}: ${error.message}`);
  }
  const suspicion = choiceFlag(values, 'suspicion', ['on', 'off'] as const);
  const joinTimeoutS = numberFlag(values, 'join-timeout', { min: 0, max: 86_400 }) ?? 30;
  return {
    host: stringFlag(values, 'host') ?? '127.0.0.1',
    port: portFlag(values, 'port') ?? 3000,
    join: addressFlag(values, 'join'),
    logDir: stringFlag(values, 'log-dir'),
    suspicion: suspicion === 'on',
    family: choiceFlag(values, 'protocol', PROTOCOL_FAMILIES) ?? 'gossip',
    dropRate: numberFlag(values, 'drop', { min: 0, max: 1 }) ?? 0,
    config,
    controlOpen: values['control-open'] === true,
    seed: numberFlag(values, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true }),
    joinTimeoutMs: joinTimeoutS * 1000,
    keyring: keyringFromFlags(values),
    exitWithStdin: values['exit-with-stdin'] === true,
  };
}

/** The shared flags as given on a command line, to pass on to child nodes. */
export function sharedFlagArgs(values: FlagValues): string[] {
  const args: string[] = [];
  for (const [name, spec] of Object.entries(SHARED_NODE_FLAGS)) {
    const value = values[name];
    if (value === undefined) continue;
    if (spec.type === 'boolean') {
      if (value === true) args.push(`--${name}`);
    } else {
      args.push(`--${name}`, String(value));
    }
  }
  return args;
}
