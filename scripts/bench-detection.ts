// Detection benchmark (issue 2): real `hearsay node` processes on loopback. kill -9 → time to the first and to the
// last `fail` in the survivors' logs; UDP bytes/s per node; false positives per node-hour at several drop rates with
// suspicion on and off. Prints Markdown tables. `npm run bench:detection -- --help` for the knobs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { controlRequest } from '../node-runtime/control/client.ts';
import type { BandwidthResult } from '../node-runtime/control/commands.ts';
import { formatHelp, numberFlag, parseFlags, portFlag, stringFlag } from '../node-runtime/cli/flags.ts';
import type { FlagSpecs } from '../node-runtime/cli/flags.ts';
import { UserError } from '../node-runtime/user-error.ts';
import { firstEvent, NodeGroup } from '../node-runtime/node/testing/node-process.ts';
import type { NodeProcess } from '../node-runtime/node/testing/node-process.ts';
import { waitFor } from '../node-runtime/node/testing/wait-for.ts';

const FLAGS: FlagSpecs = {
  nodes: { type: 'string', value: 'N', help: 'cluster size', default: '10' },
  kills: { type: 'string', value: 'K', help: 'kill -9s per suspicion mode (0: skip detection)', default: '20' },
  'detect-modes': { type: 'string', value: 'LIST', help: 'suspicion modes for the kill runs', default: 'off,on' },
  'cell-seconds': { type: 'string', value: 'S', help: 'observation time per false-positive cell (0: skip)', default: '60' },
  drops: { type: 'string', value: 'LIST', help: 'drop rates for the false-positive cells', default: '0,0.1,0.3' },
  'base-port': { type: 'string', value: 'PORT', help: 'first port (the runtime test range)', default: '21500' },
  'log-dir': { type: 'string', value: 'DIR', help: 'keep the nodes\' logs here (default: a temp dir, removed)' },
  seed: { type: 'string', value: 'N', help: 'seed for the choice of victims', default: '1' },
};

interface DetectionSample { readonly first: number; readonly all: number }

/** Ten processes starting tsx at once load two cores for seconds; measuring starts once that has passed. */
const SETTLE_MS = 3000;

async function startSettled(group: NodeGroup, basePort: number, n: number): Promise<NodeProcess[]> {
  const nodes = await group.startCluster(basePort, n, 60_000);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS)); // a pause by design, not synchronisation
  return nodes;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function seconds(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '–';
}

function parseList(text: string, what: string, check: (s: string) => boolean): string[] {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0 || !items.every(check)) throw new UserError('usage', `--${what} ${text}: bad list`);
  return items;
}

async function bandwidth(nodes: readonly NodeProcess[]): Promise<{ in: number; out: number }> {
  const results = await Promise.all(nodes.filter((n) => n.running).map((n) =>
    controlRequest(n.address, 'bandwidth', [], { timeoutMs: 3000 }) as Promise<BandwidthResult>));
  const mean = (f: (r: BandwidthResult) => number): number => results.reduce((a, r) => a + f(r), 0) / results.length;
  return { in: mean((r) => r.bytesInPerSec), out: mean((r) => r.bytesOutPerSec) };
}

async function measureDetection(
  root: string, basePort: number, n: number, kills: number, suspicion: string, random: () => number,
): Promise<{ samples: DetectionSample[]; preKill: number; bw: { in: number; out: number } }> {
  const group = new NodeGroup(path.join(root, `detect-${suspicion}`), ['--suspicion', suspicion]);
  try {
    const nodes = await startSettled(group, basePort, n);
    const samples: DetectionSample[] = [];
    let preKill = 0;
    for (let k = 0; k < kills; k++) {
      const index = 1 + Math.floor(random() * (n - 1)); // never the introducer: restarts join through it
      const victim = nodes[index]!;
      const victimId = await victim.id();
      const survivors = nodes.filter((x) => x !== victim);
      const killedAt = Date.now();
      victim.signal('SIGKILL');
      const all = await waitFor(() => {
        const ts = survivors.map((o) => firstEvent(o, 'fail', victimId)?.ts);
        return ts.every((t) => t !== undefined) && ts.map((t) => t! - killedAt);
      }, { timeoutMs: 20_000, intervalMs: 20, what: `every survivor to fail ${victimId}` });
      // An observer that failed the victim before the kill had a false positive, not a detection.
      const times = all.filter((t) => t >= 0);
      preKill += all.length - times.length;
      if (times.length > 0) samples.push({ first: Math.min(...times), all: Math.max(...times) });
      process.stderr.write(`  kill ${k + 1}/${kills} (suspicion ${suspicion}): first ${Math.min(...times)} ms, all ${Math.max(...times)} ms` +
        `${times.length < all.length ? ` (${all.length - times.length} observer(s) had failed it before the kill)` : ''}\n`);
      await victim.exited;
      const fresh = group.start(victim.port, { join: basePort });
      nodes[index] = fresh;
      const freshId = await fresh.id(30_000);
      await waitFor(() => survivors.every((o) => firstEvent(o, 'join', freshId)),
        { timeoutMs: 20_000, what: `every node to see ${freshId} join` });
    }
    return { samples, preKill, bw: await bandwidth(nodes) };
  } finally {
    await group.killAll();
  }
}

interface FpCell {
  readonly drop: string;
  readonly suspicion: string;
  readonly fails: number;
  readonly superseded: number;
  readonly rebirths: number;
  readonly suspects: number;
  readonly perNodeHour: number;
  readonly bw: { in: number; out: number };
}

async function measureFalsePositives(
  root: string, basePort: number, n: number, cellMs: number, drop: string, suspicion: string,
): Promise<FpCell> {
  const group = new NodeGroup(path.join(root, `fp-${drop}-${suspicion}`), ['--suspicion', suspicion, '--drop', drop]);
  try {
    const nodes = await startSettled(group, basePort, n);
    const start = Date.now();
    await new Promise((resolve) => setTimeout(resolve, cellMs)); // observation time, not synchronisation
    const bw = await bandwidth(nodes);
    const events = nodes.flatMap((node) => node.events().filter((e) => e.ts >= start));
    const failEvents = events.filter((e) => e.event === 'fail');
    const fails = failEvents.length;
    const superseded = failEvents.filter((e) => e.reason === 'superseded').length;
    const rebirths = events.filter((e) => e.event === 'stop' && e.reason === 'declared failed by the group').length;
    const suspects = events.filter((e) => e.event === 'suspect').length;
    process.stderr.write(`  drop ${drop}, suspicion ${suspicion}: ${fails} fail (${superseded} superseded), ${rebirths} rebirths, ` +
      `${suspects} suspect in ${cellMs / 1000} s\n`);
    return { drop, suspicion, fails, superseded, rebirths, suspects, perNodeHour: fails / (n * (cellMs / 3_600_000)), bw };
  } finally {
    await group.killAll();
  }
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, FLAGS);
  if (values.help) {
    process.stdout.write(`${formatHelp('npm run bench:detection -- [flags]', 'Detection latency, bandwidth and false positives of real nodes on loopback.', FLAGS)}\n`);
    return;
  }
  const n = numberFlag(values, 'nodes', { min: 3, max: 100, integer: true }) ?? 10;
  const kills = numberFlag(values, 'kills', { min: 0, max: 10_000, integer: true }) ?? 20;
  const cellS = numberFlag(values, 'cell-seconds', { min: 0, max: 86_400 }) ?? 60;
  const basePort = portFlag(values, 'base-port') ?? 21500;
  const modes = parseList(stringFlag(values, 'detect-modes') ?? 'off,on', 'detect-modes', (s) => s === 'on' || s === 'off');
  const drops = parseList(stringFlag(values, 'drops') ?? '0,0.1,0.3', 'drops', (s) => Number(s) >= 0 && Number(s) <= 1);
  let seed = numberFlag(values, 'seed', { min: 0, max: 2 ** 31, integer: true }) ?? 1;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const keep = stringFlag(values, 'log-dir');
  const root = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-bench-'));

  const out: string[] = [`# Detection benchmark — N=${n}, loopback, ${os.cpus().length} CPUs, ${new Date().toISOString()}`, ''];
  try {
    if (kills > 0) {
      out.push(`## kill -9 → fail (${kills} kills per mode, default timings)`, '',
        '| suspicion | kills | first p50 | first p99 | all p50 | all p99 | failed before the kill | UDP out B/s per node | UDP in B/s per node |',
        '|---|---|---|---|---|---|---|---|---|');
      for (const mode of modes) {
        const { samples, preKill, bw } = await measureDetection(root, basePort, n, kills, mode, random);
        const first = samples.map((s) => s.first);
        const all = samples.map((s) => s.all);
        out.push(`| ${mode} | ${samples.length} | ${seconds(percentile(first, 50))} | ${seconds(percentile(first, 99))} | ` +
          `${seconds(percentile(all, 50))} | ${seconds(percentile(all, 99))} | ${preKill} | ${Math.round(bw.out)} | ${Math.round(bw.in)} |`);
      }
      out.push('');
    }
    if (cellS > 0) {
      out.push(`## False positives (${cellS} s per cell, no kills: every fail is false)`, '',
        '| drop | suspicion | fail events | fails per node-hour | of which `superseded` | members declared failed (rebirths) | suspect events | UDP out B/s per node |',
        '|---|---|---|---|---|---|---|---|');
      for (const drop of drops) {
        for (const mode of ['off', 'on']) {
          const c = await measureFalsePositives(root, basePort, n, cellS * 1000, drop, mode);
          out.push(`| ${Number(drop) * 100} % | ${mode} | ${c.fails} | ${c.perNodeHour.toFixed(1)} | ${c.superseded} | ${c.rebirths} | ` +
            `${c.suspects} | ${Math.round(c.bw.out)} |`);
        }
      }
      out.push('');
    }
  } finally {
    if (!keep) fs.rmSync(root, { recursive: true, force: true });
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UserError)) throw err;
  process.stderr.write(`bench-detection: ${err.message}\n`);
  process.exitCode = 2;
}
