// The protocol settings of a launch: the user's timings as given, or, with none given, the timings scaled to the
// group's size (configForGroupSize: the defaults up to 32 nodes, slower rounds and longer timeouts beyond).
import { configForGroupSize } from '../../node-runtime/protocol/config.ts';
import type { ProtocolConfig } from '../../node-runtime/protocol/config.ts';
import type { LaunchOptions } from './api.ts';

export function launchConfig(options: LaunchOptions): Partial<ProtocolConfig> {
  const t = options.timings ?? {};
  const given: [keyof ProtocolConfig, number | undefined][] = [
    ['gossipIntervalMs', t.gossipMs], ['failTimeoutMs', t.failMs], ['suspectTimeoutMs', t.suspectMs],
    ['cleanupTimeoutMs', t.cleanupMs], ['fanout', t.fanout],
  ];
  const config: Partial<Record<keyof ProtocolConfig, number>> = {};
  for (const [key, value] of given) if (value !== undefined) config[key] = value;
  return Object.keys(config).length === 0 ? configForGroupSize(options.nodes) : config;
}
