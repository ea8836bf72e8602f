// The Serf panel's inputs, checked before anything is sent (the host checks again with its schema): how many agents
// to launch, and which agents to attach to — RPC addresses, an optional port convention, an optional RPC auth key, and
// optional telemetry addresses (where those agents send their metrics) for their bandwidth.
import { MAX_LOCAL_GROUP } from '../../node-runtime/protocol/config.ts';
import { parseAddress } from '../../node-runtime/protocol/member-id.ts';
import type { LaunchOptions, SerfAttachOptions } from '../../electron/host/api.ts';

export type SerfField = 'serf-nodes' | 'serf-rpc' | 'serf-offset' | 'serf-key' | 'serf-telemetry';
export type SerfParsed<T> = { ok: true; value: T } | { ok: false; error: string; field: SerfField };

export function parseSerfLaunch(nodes: string): SerfParsed<LaunchOptions> {
  const n = Number(nodes.trim());
  if (!Number.isInteger(n) || n < 1 || n > MAX_LOCAL_GROUP.serf) {
    return { ok: false, error: `agents must be a whole number from 1 to ${MAX_LOCAL_GROUP.serf}`, field: 'serf-nodes' };
  }
  // Serf has no suspicion switch or drop rate; the host ignores both for it.
  return { ok: true, value: { nodes: n, mode: 'serf', suspicion: true, dropRate: 0 } };
}

/** `rpc`: one or more RPC addresses separated by commas or spaces; `offset`: RPC port − gossip port, or empty;
 *  `telemetry`: the agents' statsd addresses on this host, one per RPC address in the same order, or empty. */
export function parseSerfAttach(rpc: string, offset: string, key: string, telemetry = ''): SerfParsed<SerfAttachOptions> {
  const addresses = rpc.split(/[\s,]+/).filter(Boolean);
  const sinks = telemetry.split(/[\s,]+/).filter(Boolean);
  if (addresses.length === 0) return { ok: false, error: 'give an agent\'s RPC address, e.g. 127.0.0.1:7373', field: 'serf-rpc' };
  if (addresses.length > 64) return { ok: false, error: 'at most 64 RPC addresses', field: 'serf-rpc' };
  const bad = addresses.find((a) => parseAddress(a) === undefined);
  if (bad !== undefined) return { ok: false, error: `${bad} is not host:port`, field: 'serf-rpc' };
  let rpcPortOffset: number | undefined;
  if (offset.trim() !== '') {
    rpcPortOffset = Number(offset.trim());
    if (!Number.isInteger(rpcPortOffset) || Math.abs(rpcPortOffset) > 65535) {
      return { ok: false, error: 'RPC port offset: a whole number (RPC port − gossip port, e.g. 1)', field: 'serf-offset' };
    }
  }
  if (key.length > 1024) return { ok: false, error: 'the RPC auth key is at most 1,024 characters', field: 'serf-key' };
  const badSink = sinks.find((a) => parseAddress(a) === undefined);
  if (badSink !== undefined) return { ok: false, error: `telemetry: ${badSink} is not host:port`, field: 'serf-telemetry' };
  if (sinks.length > addresses.length) return { ok: false, error: 'telemetry: one address per RPC address at most, in the same order', field: 'serf-telemetry' };
  return {
    ok: true,
    value: {
      addresses, ...(rpcPortOffset !== undefined && { rpcPortOffset }), ...(key !== '' && { authKey: key }),
      ...(sinks.length > 0 && { telemetry: sinks }),
    },
  };
}
