// Starts one local `serf agent` on loopback: gossip on 127.0.0.1:P, RPC on 127.0.0.1:P+1 (the RPC port convention of
// everything hearsay launches: `rpc = gossip + 1`), a fresh node name per start, the `local` timing profile, its log
// (Serf's own text output, which Replay reads) appended to a file. The agent runs under `setpriv --pdeathsig KILL`,
// so it dies with the process that started it even when that one is killed outright: no orphaned agents.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../user-error.ts';
import type { SerfProfile } from '../protocol/serf-bounds.ts';
import { SerfRpc, SerfRpcError } from './rpc-client.ts';

export const SERF_BIN = process.env.HEARSAY_SERF ?? 'serf';
/** RPC port = gossip port + RPC_PORT_OFFSET for agents hearsay launches. */
export const RPC_PORT_OFFSET = 1;
/** The memberlist timing profile hearsay's agents use (memberlist's DefaultLocalConfig; see serf-bounds.ts). */
export const SERF_PROFILE: SerfProfile = 'local';

export interface SerfAgentOptions {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly join?: string;
  /** Serf's own log goes here (appended). */
  readonly logFile: string;
  /** An RPC auth key the agent will demand (`rpc_auth` in a config file next to the log). */
  readonly authKey?: string;
  /** Where the agent sends its metrics (`statsd_addr`): memberlist's byte counters become bandwidth (serf-telemetry.ts). */
  readonly statsdAddr?: string;
  /** Timing profile (default SERF_PROFILE; bench:peers compares against Serf's default, `lan`). */
  readonly profile?: SerfProfile;
}

let installed: boolean | undefined;

/** Whether a `serf` binary can be run here (checked once). */
export function serfInstalled(): boolean {
  installed ??= spawnSync(SERF_BIN, ['version'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return installed;
}

export interface SerfAgent {
  readonly child: ChildProcess;
  readonly rpcAddress: string;
  /** Resolves when the agent exits, for whatever reason. */
  readonly exited: Promise<void>;
}

/** Spawns the agent and waits until its RPC answers a handshake; rejects (and kills it) if it exits or stays silent. */
export async function startSerfAgent(o: SerfAgentOptions, readyTimeoutMs = 20_000): Promise<SerfAgent> {
  if (!serfInstalled()) throw new UserError('usage', `no serf binary (${SERF_BIN}): install it (apt-get install serf) or set HEARSAY_SERF`);
  fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
  const rpcAddress = `${o.host}:${o.port + RPC_PORT_OFFSET}`;
  const args = ['--pdeathsig', 'KILL', SERF_BIN, 'agent', '-node', o.name, '-bind', `${o.host}:${o.port}`, '-rpc-addr', rpcAddress,
    '-profile', o.profile ?? SERF_PROFILE, '-log-level', 'info'];
  if (o.join) args.push('-join', o.join);
  // Settings with no flag go in a config file beside the log (private: it may hold the RPC key).
  const settings = { ...(o.authKey !== undefined && { rpc_auth: o.authKey }), ...(o.statsdAddr !== undefined && { statsd_addr: o.statsdAddr }) };
  if (Object.keys(settings).length > 0) {
    const config = `${o.logFile}.config.json`;
    fs.writeFileSync(config, JSON.stringify(settings), { mode: 0o600 });
    args.push('-config-file', config);
  }
  const out = fs.openSync(o.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('setpriv', args, { stdio: ['ignore', out, out] });
  } finally {
    fs.closeSync(out);
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  child.on('error', () => undefined); // a spawn failure shows as an exit below
  let gone = false;
  void exited.then(() => { gone = true; });
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (gone) throw new UserError('refused', `serf agent ${o.name} on ${o.host}:${o.port} exited at start: ${lastLine(o.logFile)}`);
    try {
      (await SerfRpc.connect(rpcAddress, { authKey: o.authKey, timeoutMs: 1000 })).close();
      return { child, rpcAddress, exited };
    } catch (err) {
      if (!(err instanceof SerfRpcError) || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new UserError('unreachable', `serf agent ${o.name} did not answer on ${rpcAddress} within ${readyTimeoutMs / 1000} s`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The agent's last log line: what it said before it gave up (e.g. `Failed to start the Serf agent: … bind …`). */
function lastLine(file: string): string {
  try {
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    return lines.filter((l) => /error|fail/i.test(l)).pop()?.trim() ?? lines.pop()?.trim() ?? 'no output';
  } catch {
    return 'no output';
  }
}
