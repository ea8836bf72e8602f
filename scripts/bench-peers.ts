// Peers benchmark (issue 10): Serf's agent (default LAN profile) and hearsay's four configurations ({gossip,ping} ×
// {suspicion off,on}), one after another, N real processes on loopback, measured the same way: the same kill -9
// schedule (one non-seed member at a time, detection by every survivor, restart), the same loss (iptables `statistic`
// DROP of UDP into the cluster's ports) and the same byte count (iptables counters on OUTPUT for the cluster's ports,
// UDP and TCP, IP headers included). Prints one Markdown table. Needs root for iptables (run it in /work/tools/nsrun);
// without root it says so and uses hearsay's own --drop for hearsay only (no wire bytes, no Serf loss cells).
//   npm run bench:peers -- [--kills 10] [--fp-seconds 180] [--systems serf,gossip,gossip+s,ping,ping+s]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatHelp, numberFlag, parseFlags, portFlag, stringFlag } from '../node-runtime/cli/flags.ts';
import type { FlagSpecs } from '../node-runtime/cli/flags.ts';
import { UserError } from '../node-runtime/user-error.ts';
import { firstEvent, NodeGroup } from '../node-runtime/node/testing/node-process.ts';
import type { NodeProcess } from '../node-runtime/node/testing/node-process.ts';
import { rssKiB } from '../node-runtime/node/testing/rss.ts';
import { waitFor } from '../node-runtime/node/testing/wait-for.ts';
import { SerfRpc } from '../node-runtime/serf/rpc-client.ts';
import { startSerfAgent } from '../node-runtime/serf/serf-agent.ts';
import type { SerfAgent } from '../node-runtime/serf/serf-agent.ts';

const SYSTEMS = ['serf', 'gossip', 'gossip+s', 'ping', 'ping+s'] as const;
type System = typeof SYSTEMS[number];

const FLAGS: FlagSpecs = {
  kills: { type: 'string', value: 'K', help: 'kill -9s per system', default: '10' },
  'fp-seconds': { type: 'string', value: 'S', help: 'observation time per loss rate (10 %, 30 %) per system', default: '180' },
  'bw-seconds': { type: 'string', value: 'S', help: 'quiet window for the byte count per system', default: '30' },
  systems: { type: 'string', value: 'LIST', help: `subset of ${SYSTEMS.join(',')}`, default: SYSTEMS.join(',') },
  nodes: { type: 'string', value: 'N', help: 'cluster size', default: '10' },
  'base-port': { type: 'string', value: 'PORT', help: 'first port (gossip ports base+2i; Serf RPC at base+2i+1)', default: '29100' },
  seed: { type: 'string', value: 'N', help: 'seed for the choice of victims', default: '1' },
};

const LOSS_RATES = [0.1, 0.3] as const;
/** Ten processes starting at once load two cores for seconds; measuring starts once that has passed. */
const SETTLE_MS = 3000;

/** One cluster of one system, driven the same way whatever runs inside. */
interface Cluster {
  readonly gossipPorts: readonly number[];
  start(): Promise<void>;
  pids(): number[];
  id(i: number): string;
  /** When observer `i` first reported `id` failed (ms since the epoch), if it has. */
  failSeenAt(i: number, id: string): number | undefined;
  kill(i: number): Promise<void>;
  /** Starts member i afresh (a new id) and waits until every other member sees it alive. */
  restart(i: number): Promise<void>;
  /** Failures of members that are alive, reported by anyone since `since`: every one is false. */
  falseFailsSince(since: number): number;
  stop(): Promise<void>;
}

class SerfCluster implements Cluster {
  private readonly agents: SerfAgent[] = [];
  private readonly rpcs: SerfRpc[] = [];
  private readonly names: string[] = [];
  private readonly failed: { ts: number; name: string }[][] = [];
  private starts = 0;

  constructor(readonly gossipPorts: readonly number[], private readonly logDir: string) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.gossipPorts.length; i++) await this.startAgent(i);
    await this.waitAlive(this.names);
  }

  private async startAgent(i: number): Promise<void> {
    const name = `peer-${i}-${this.starts++}`;
    const agent = await startSerfAgent({
      host: '127.0.0.1', port: this.gossipPorts[i]!, name, profile: 'lan', logFile: path.join(this.logDir, `${name}.log`),
      join: i === 0 ? undefined : `127.0.0.1:${this.gossipPorts[0]!}`,
    });
    this.agents[i] = agent;
    this.names[i] = name;
    const seen: { ts: number; name: string }[] = [];
    this.failed[i] = seen;
    const rpc = await SerfRpc.connect(agent.rpcAddress);
    this.rpcs[i] = rpc;
    await rpc.streamMembers((e) => {
      if (e.Event === 'member-failed') for (const m of e.Members) seen.push({ ts: Date.now(), name: m.Name });
    });
  }

  private async waitAlive(names: readonly string[]): Promise<void> {
    await waitFor(async () => {
      for (const rpc of this.rpcs) {
        const alive = new Set((await rpc.members()).filter((m) => m.Status === 'alive').map((m) => m.Name));
        if (!names.every((n) => alive.has(n))) return false;
      }
      return true;
    }, { timeoutMs: 60_000, intervalMs: 200, what: 'every Serf agent to see the others alive' });
  }

  pids(): number[] {
    return this.agents.map((a) => a.child.pid!);
  }

  id(i: number): string {
    return this.names[i]!;
  }

  failSeenAt(i: number, id: string): number | undefined {
    return this.failed[i]!.find((f) => f.name === id)?.ts;
  }

  async kill(i: number): Promise<void> {
    this.rpcs[i]!.close();
    this.agents[i]!.child.kill('SIGKILL');
    await this.agents[i]!.exited;
  }

  async restart(i: number): Promise<void> {
    await this.startAgent(i);
    await this.waitAlive([this.names[i]!]);
  }

  falseFailsSince(since: number): number {
    return this.failed.flat().filter((f) => f.ts >= since && this.names.includes(f.name)).length;
  }

  async stop(): Promise<void> {
    for (const rpc of this.rpcs) rpc.close();
    await Promise.all(this.agents.map(async (a) => {
      a.child.kill('SIGKILL');
      await a.exited;
    }));
  }
}

class HearsayCluster implements Cluster {
  private readonly group: NodeGroup;
  private nodes: NodeProcess[] = [];
  private ids: string[] = [];

  constructor(readonly gossipPorts: readonly number[], logDir: string, args: readonly string[]) {
    this.group = new NodeGroup(logDir, args);
  }

  async start(): Promise<void> {
    const [base] = this.gossipPorts;
    this.nodes.push(this.group.start(base!));
    await this.nodes[0]!.id(60_000);
    for (const port of this.gossipPorts.slice(1)) this.nodes.push(this.group.start(port, { join: base! }));
    this.ids = await Promise.all(this.nodes.map((n) => n.id(60_000)));
    await this.waitJoined(this.ids);
  }

  private async waitJoined(ids: readonly string[]): Promise<void> {
    await waitFor(() => this.nodes.every((o, j) => ids.every((id) => id === this.ids[j] || firstEvent(o, 'join', id))),
      { timeoutMs: 60_000, intervalMs: 200, what: 'every hearsay node to see the others join' });
  }

  pids(): number[] {
    return this.nodes.map((n) => n.proc.pid!);
  }

  id(i: number): string {
    return this.ids[i]!;
  }

  failSeenAt(i: number, id: string): number | undefined {
    return firstEvent(this.nodes[i]!, 'fail', id)?.ts;
  }

  async kill(i: number): Promise<void> {
    this.nodes[i]!.signal('SIGKILL');
    await this.nodes[i]!.exited;
  }

  async restart(i: number): Promise<void> {
    this.nodes[i] = this.group.start(this.gossipPorts[i]!, { join: this.gossipPorts[0]! });
    this.ids[i] = await this.nodes[i].id(30_000);
    await this.waitJoined([this.ids[i]]);
  }

  falseFailsSince(since: number): number {
    return this.nodes.flatMap((n) => n.events())
      .filter((e) => e.event === 'fail' && e.ts >= since && this.ids.includes(e.member)).length;
  }

  async stop(): Promise<void> {
    await this.group.killAll();
  }
}

/** iptables chains of our own: byte counters on OUTPUT and the loss rule on INPUT for one cluster's gossip ports. */
class Wire {
  private static readonly OUT = 'HSPEERS_OUT';
  private static readonly IN = 'HSPEERS_IN';
  private installed = false;

  static available(): boolean {
    return process.getuid?.() === 0 && spawnSync('iptables', ['-w', '-nL', 'OUTPUT'], { stdio: 'ignore' }).status === 0;
  }

  private static run(...args: string[]): void {
    const r = spawnSync('iptables', ['-w', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new UserError('refused', `iptables ${args.join(' ')}: ${r.stderr.trim()}`);
  }

  install(ports: readonly number[]): void {
    const list = ports.join(',');
    Wire.run('-N', Wire.OUT);
    Wire.run('-N', Wire.IN);
    this.installed = true;
    Wire.run('-I', 'OUTPUT', '-j', Wire.OUT);
    Wire.run('-I', 'INPUT', '-j', Wire.IN);
    // On loopback every packet passes OUTPUT once: UDP between members by its destination port; TCP (Serf's
    // push-pull, hearsay's joins) in both directions by whichever end is a member's port.
    Wire.run('-A', Wire.OUT, '-p', 'udp', '-m', 'multiport', '--dports', list);
    Wire.run('-A', Wire.OUT, '-p', 'tcp', '-m', 'multiport', '--ports', list);
    this.ports = list;
  }

  private ports = '';

  setLoss(p: number): void {
    Wire.run('-F', Wire.IN);
    if (p > 0) {
      Wire.run('-A', Wire.IN, '-p', 'udp', '-m', 'multiport', '--dports', this.ports,
        '-m', 'statistic', '--mode', 'random', '--probability', String(p), '-j', 'DROP');
    }
  }

  zero(): void {
    Wire.run('-Z', Wire.OUT);
  }

  bytes(): number {
    return Wire.counter(Wire.OUT, 1);
  }

  /** Packets the loss rule dropped since the last setLoss: shows the loss took effect. */
  dropped(): number {
    return Wire.counter(Wire.IN, 0);
  }

  /** Sum of one column (0 packets, 1 bytes) over a chain's rules. */
  private static counter(chain: string, column: number): number {
    const r = spawnSync('iptables', ['-w', '-nvxL', chain], { encoding: 'utf8' });
    return r.stdout.split('\n').slice(2).reduce((sum, line) => sum + (Number(line.trim().split(/\s+/)[column]) || 0), 0);
  }

  /** Idempotent and never throws: runs in finally and on SIGINT. */
  remove(): void {
    if (!this.installed) return;
    for (const [parent, chain] of [['OUTPUT', Wire.OUT], ['INPUT', Wire.IN]] as const) {
      spawnSync('iptables', ['-w', '-D', parent, '-j', chain], { stdio: 'ignore' });
      spawnSync('iptables', ['-w', '-F', chain], { stdio: 'ignore' });
      spawnSync('iptables', ['-w', '-X', chain], { stdio: 'ignore' });
    }
    this.installed = false;
  }
}

interface Row {
  readonly system: System;
  readonly first: number[];
  readonly all: number[];
  readonly bytesPerNodeSec: number;
  readonly falsePerNodeHour: (number | undefined)[];
  readonly rssMiB: number;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const seconds = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '–');
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)); // observation windows

function hearsayArgs(system: Exclude<System, 'serf'>, drop: number | undefined): string[] {
  const [family, s] = system.split('+');
  const args = ['--protocol', family!, '--suspicion', s ? 'on' : 'off'];
  if (drop !== undefined) args.push('--drop', String(drop));
  return args;
}

interface Settings { n: number; kills: number; fpMs: number; bwMs: number; basePort: number; random: () => number }

async function measure(system: System, s: Settings, root: string, wire: Wire | undefined): Promise<Row> {
  const ports = Array.from({ length: s.n }, (_, i) => s.basePort + 2 * i);
  const make = (drop?: number): Cluster => (system === 'serf'
    ? new SerfCluster(ports, path.join(root, `${system}-${drop ?? 0}`))
    : new HearsayCluster(ports, path.join(root, `${system}-${drop ?? 0}`), hearsayArgs(system, drop)));
  const log = (line: string): void => void process.stderr.write(`  ${system}: ${line}\n`);
  const first: number[] = [];
  const all: number[] = [];
  let bytesPerNodeSec = NaN;
  let rss: number[] = [];
  // Without iptables, loss is hearsay's own --drop, fixed at start: one cluster per loss rate after the kill runs.
  const falsePerNodeHour: (number | undefined)[] = [];
  const cluster = make();
  wire?.install(ports);
  try {
    await cluster.start();
    await pause(SETTLE_MS);
    if (wire) {
      wire.zero();
      const t0 = Date.now();
      await pause(s.bwMs);
      bytesPerNodeSec = wire.bytes() / s.n / ((Date.now() - t0) / 1000);
    }
    rss = cluster.pids().map(rssKiB);
    for (let k = 0; k < s.kills; k++) {
      const i = 1 + Math.floor(s.random() * (s.n - 1)); // never the seed: restarts join through it
      const victim = cluster.id(i);
      const killedAt = Date.now();
      await cluster.kill(i);
      const observers = ports.map((_, j) => j).filter((j) => j !== i);
      const seen = await waitFor(() => {
        const ts = observers.map((j) => cluster.failSeenAt(j, victim));
        return ts.every((t) => t !== undefined) && ts.map((t) => t! - killedAt);
      }, { timeoutMs: 90_000, intervalMs: 50, what: `every survivor to fail ${victim}` });
      first.push(Math.min(...seen));
      all.push(Math.max(...seen));
      log(`kill ${k + 1}/${s.kills}: first ${Math.min(...seen)} ms, all ${Math.max(...seen)} ms`);
      await cluster.restart(i);
    }
    if (wire) {
      for (const p of LOSS_RATES) {
        wire.setLoss(p);
        const since = Date.now();
        await pause(s.fpMs);
        const fails = cluster.falseFailsSince(since);
        falsePerNodeHour.push(fails / (s.n * (s.fpMs / 3_600_000)));
        log(`${p * 100} % loss: ${fails} false failures in ${s.fpMs / 1000} s (${wire.dropped()} datagrams dropped)`);
      }
      wire.setLoss(0);
    }
  } finally {
    await cluster.stop();
    wire?.remove();
  }
  if (!wire) {
    for (const p of LOSS_RATES) {
      if (system === 'serf') {
        falsePerNodeHour.push(undefined);
        continue;
      }
      const c = make(p);
      try {
        await c.start();
        const since = Date.now();
        await pause(s.fpMs);
        falsePerNodeHour.push(c.falseFailsSince(since) / (s.n * (s.fpMs / 3_600_000)));
      } finally {
        await c.stop();
      }
    }
  }
  return { system, first, all, bytesPerNodeSec, falsePerNodeHour, rssMiB: rss.reduce((a, b) => a + b, 0) / rss.length / 1024 };
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), FLAGS);
  if (values.help) {
    process.stdout.write(`${formatHelp('npm run bench:peers -- [flags]', 'hearsay\'s four configurations against Serf (LAN profile), same kills, loss and byte count.', FLAGS)}\n`);
    return;
  }
  const systems = (stringFlag(values, 'systems') ?? SYSTEMS.join(',')).split(',').map((x) => x.trim());
  const unknown = systems.filter((x) => !(SYSTEMS as readonly string[]).includes(x));
  if (systems.length === 0 || unknown.length > 0) throw new UserError('usage', `--systems: unknown ${unknown.join(',') || '(empty)'}; choose from ${SYSTEMS.join(',')}`);
  let seed = numberFlag(values, 'seed', { min: 0, max: 2 ** 31, integer: true }) ?? 1;
  const settings: Settings = {
    n: numberFlag(values, 'nodes', { min: 3, max: 50, integer: true }) ?? 10,
    kills: numberFlag(values, 'kills', { min: 0, max: 10_000, integer: true }) ?? 10,
    fpMs: (numberFlag(values, 'fp-seconds', { min: 1, max: 86_400 }) ?? 180) * 1000,
    bwMs: (numberFlag(values, 'bw-seconds', { min: 1, max: 3600 }) ?? 30) * 1000,
    basePort: portFlag(values, 'base-port') ?? 29100,
    random: () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31),
  };
  const wire = Wire.available() ? new Wire() : undefined;
  if (!wire) process.stderr.write('bench-peers: not root (or no iptables): loss is hearsay\'s --drop for hearsay only, no wire bytes, no Serf loss cells\n');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-peers-'));
  const onInt = (): void => {
    wire?.remove();
    fs.rmSync(root, { recursive: true, force: true });
    process.exit(130); // children: hearsay nodes exit with stdin, Serf agents by pdeathsig
  };
  process.once('SIGINT', onInt);
  const rows: Row[] = [];
  const started = new Date();
  try {
    for (const system of systems as System[]) rows.push(await measure(system, settings, root, wire));
  } finally {
    wire?.remove();
    process.off('SIGINT', onInt);
    fs.rmSync(root, { recursive: true, force: true });
  }
  const fp = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(1));
  const out = [
    `# Peers — N=${settings.n}, loopback, ${os.cpus().length} CPUs, ${started.toISOString()}; ${settings.kills} kills, ` +
      `${settings.fpMs / 1000} s per loss rate, ${settings.bwMs / 1000} s byte window; loss and bytes: ${wire ? 'iptables' : 'hearsay --drop, no wire bytes'}`,
    '',
    '| system | kills | first p50 | first p99 | all p50 | all p99 | B/s per node (wire) | false fails /node-h 10 % | false fails /node-h 30 % | RSS per process |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.system === 'serf' ? 'Serf 0.9.4 (lan)' : `hearsay ${r.system}`} | ${r.all.length} | ` +
      `${seconds(percentile(r.first, 50))} | ${seconds(percentile(r.first, 99))} | ${seconds(percentile(r.all, 50))} | ` +
      `${seconds(percentile(r.all, 99))} | ${Number.isFinite(r.bytesPerNodeSec) ? Math.round(r.bytesPerNodeSec) : '–'} | ` +
      `${fp(r.falsePerNodeHour[0])} | ${fp(r.falsePerNodeHour[1])} | ${r.rssMiB.toFixed(1)} MiB |`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

try {
  await main();
} catch (err) {
  if (!(err instanceof UserError)) throw err;
  process.stderr.write(`bench-peers: ${err.message}\n`);
  process.exitCode = 2;
}
