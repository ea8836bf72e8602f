// Growth by joins with real processes: N `hearsay node` processes (the esbuild bundle, rebuilt first so no node runs
// the sources through tsx) started one by one on loopback, no timing flags (the cores follow the group's size
// themselves), in one family. Prints when every node first listed every other as alive (polled over ctl), the false
// failures over the run (every `fail` and `stop` in the nodes' logs: nothing is killed), each node's CPU (its start-up
// until full membership, and its share of a core over the hold) and RSS, and the machine's load. The whole run stops
// at --deadline (a shortened hold says so). Run it in a private network namespace (/work/tools/nsrun).
//   npx tsx scripts/bench-growth.ts [--nodes 200] [--spacing 250] [--hold 60] [--protocol gossip|ping]
//                                   [--suspicion on|off] [--base-port 27000] [--deadline 330]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { spawnNode } from '../node-runtime/cli/spawn-node.ts';
import { controlRequest } from '../node-runtime/control/client.ts';
import type { ListMemResult } from '../node-runtime/control/commands.ts';
import { formatAddress } from '../node-runtime/protocol/member-id.ts';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '200' },
    spacing: { type: 'string', default: '250' },
    hold: { type: 'string', default: '60' },
    protocol: { type: 'string', default: 'gossip' },
    suspicion: { type: 'string', default: 'off' },
    'base-port': { type: 'string', default: '27000' },
    deadline: { type: 'string', default: '330' },
  },
});

function int(name: string, min: number, max: number): number {
  const v = Number(args[name as keyof typeof args]);
  if (!Number.isInteger(v) || v < min || v > max) {
    console.error(`--${name} must be an integer from ${min} to ${max}`);
    process.exit(2);
  }
  return v;
}
const n = int('nodes', 2, 500);
const spacing = int('spacing', 0, 60_000);
const holdS = int('hold', 0, 3600);
const basePort = int('base-port', 1024, 65535 - 500);
const deadlineAt = Date.now() + int('deadline', 10, 7200) * 1000;
if (args.protocol !== 'gossip' && args.protocol !== 'ping') {
  console.error(`--protocol must be gossip or ping (got ${args.protocol})`);
  process.exit(2);
}
if (args.suspicion !== 'on' && args.suspicion !== 'off') {
  console.error(`--suspicion must be on or off (got ${args.suspicion})`);
  process.exit(2);
}
const POLL_MS = 5000;

const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-bench-growth-'));
const children: ChildProcess[] = [];
const address = (i: number) => formatAddress('127.0.0.1', basePort + i);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');

function start(i: number): void {
  const a = ['--host', '127.0.0.1', '--port', String(basePort + i), '--log-dir', logs, '--protocol', args.protocol!, '--suspicion', args.suspicion!];
  if (i > 0) a.push('--join', address(0));
  const child = spawnNode(a);
  readline.createInterface({ input: child.stderr! }).on('line', (line) => console.error(`[${address(i)}] ${line}`));
  children.push(child);
}

/** Nodes seen listing all n as alive or suspect: polled only until seen so, since each answer costs the node a list
 *  of n in JSON (a later false failure is counted from the logs, and every node is asked again after the hold). */
const seenFull = new Set<number>();

/** Polls the nodes in `which` (a node that does not answer in time counts as not full); returns how many are full. */
async function fullNodes(which: Iterable<number>): Promise<number> {
  let full = 0;
  for (const i of which) {
    const list = await controlRequest(address(i), 'list_mem', [], { timeoutMs: 3000 }).catch(() => undefined) as ListMemResult | undefined;
    if (list !== undefined && list.members.filter((m) => m.status === 'alive' || m.status === 'suspect').length >= n) {
      seenFull.add(i);
      full++;
    }
  }
  return full;
}

const everyNode = (): number[] => Array.from({ length: n }, (_, i) => i);

/** Clock ticks per second of /proc/PID/stat's CPU times. */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** Per child: CPU seconds used so far (user + system) and RSS in MiB; NaN once it has exited. */
function usage(): { cpuS: number; rssMiB: number }[] {
  return children.map((c) => {
    try {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const stat = fs.readFileSync(`/proc/${c.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${c.pid}/status`, 'utf8'));
      return { cpuS: (Number(f[11]) + Number(f[12])) / TICKS, rssMiB: Number(rss?.[1] ?? Number.NaN) / 1024 };
    } catch {
      return { cpuS: Number.NaN, rssMiB: Number.NaN };
    }
  });
}

/** mean / p50 / max of the finite values, formatted. */
function spread(xs: number[], digits: number): string {
  const ok = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (ok.length === 0) return '—';
  const mean = ok.reduce((a, b) => a + b, 0) / ok.length;
  return [mean, ok[Math.floor(ok.length / 2)]!, ok[ok.length - 1]!].map((x) => x.toFixed(digits)).join(' / ');
}

const sum = (xs: number[]): number => xs.filter(Number.isFinite).reduce((a, b) => a + b, 0);

/** Every fail and stop in the nodes' logs (nothing was killed: all are false), fails by reason, and when the first
 *  of either came (s from the start). */
function falseEvents(): { fails: number; stops: number; suspects: number; reasons: Record<string, number>; firstAt?: number } {
  const out: ReturnType<typeof falseEvents> = { fails: 0, stops: 0, suspects: 0, reasons: {} };
  for (const f of fs.readdirSync(logs)) {
    if (!f.endsWith('.jsonl')) continue;
    for (const line of fs.readFileSync(path.join(logs, f), 'utf8').split('\n')) {
      const fail = line.includes('"event":"fail"');
      if (line.includes('"event":"suspect"')) out.suspects++;
      if (!fail && !line.includes('"event":"stop"')) continue;
      const e = JSON.parse(line) as { ts: number; reason?: string };
      if (fail) {
        out.fails++;
        out.reasons[e.reason ?? '?'] = (out.reasons[e.reason ?? '?'] ?? 0) + 1;
      } else out.stops++;
      out.firstAt = Math.min(out.firstAt ?? Number.POSITIVE_INFINITY, (e.ts - t0) / 1000);
    }
  }
  return out;
}

async function stopAll(): Promise<void> {
  await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise<void>((resolve) => {
    const kill = setTimeout(() => c.kill('SIGKILL'), 5000);
    c.once('exit', () => { clearTimeout(kill); resolve(); });
    c.kill('SIGTERM');
  })));
}

// The nodes run the bundle only while it is newer than every source (bin/hearsay.mjs), else tsx: build it.
await import('./build-cli.ts');
console.log(`${os.cpus().length} cores; ${n} ${args.protocol} (suspicion ${args.suspicion}) processes started ${spacing} ms apart, then ${holdS} s held; load average ${load()}`);
const t0 = Date.now();
let outcome = 'ok';
try {
  start(0);
  while (await controlRequest(address(0), 'list_self', [], { timeoutMs: 1000 }).then(() => false, () => true)) {
    if (Date.now() > deadlineAt) throw new Error('the introducer never answered');
    await sleep(200);
  }
  // On a fixed schedule (node i at i × spacing): a spawn itself takes tens of ms under load, which stretched 50 s of
  // 250-ms steps to 90 s.
  const first = Date.now();
  for (let i = 1; i < n; i++) {
    start(i);
    await sleep(first + i * spacing - Date.now());
  }
  const startedS = (Date.now() - t0) / 1000;
  console.log(`all ${n} started after ${startedS.toFixed(0)} s; RSS ${sum(usage().map((u) => u.rssMiB)).toFixed(0)} MiB; load ${load()}`);
  let fullAt = Number.NaN;
  let full = 0;
  while (Number.isNaN(fullAt) && Date.now() < deadlineAt) {
    await fullNodes(everyNode().filter((i) => !seenFull.has(i)));
    full = seenFull.size;
    console.log(`  ${((Date.now() - t0) / 1000).toFixed(0)} s: ${full}/${n} nodes list all ${n}; ${JSON.stringify(falseEvents())}; load ${load()}`);
    if (full === n) fullAt = (Date.now() - t0) / 1000;
    else await sleep(POLL_MS);
  }
  // Start-up: CPU each process used until full membership (or the deadline); the hold's CPU is the rest.
  const atFull = usage();
  const holdStart = Date.now();
  if (!Number.isNaN(fullAt)) {
    const hold = Math.min(holdS * 1000, Math.max(0, deadlineAt - Date.now()));
    if (hold < holdS * 1000) outcome = `hold cut to ${(hold / 1000).toFixed(0)} s by the deadline`;
    await sleep(hold);
  } else outcome = 'deadline before full membership';
  // The hold's CPU is read before the last poll, which costs every node a list in JSON.
  const atEnd = usage();
  const heldS = (Date.now() - holdStart) / 1000;
  if (!Number.isNaN(fullAt)) full = await fullNodes(everyNode());
  const holdPct = atEnd.map((u, i) => (100 * (u.cpuS - atFull[i]!.cpuS)) / heldS);
  const ev = falseEvents();
  const growthS = (holdStart - t0) / 1000;
  console.log(`CPU per node until full membership, s (mean / p50 / max): ${spread(atFull.map((u) => u.cpuS), 2)}; all nodes together ${(100 * sum(atFull.map((u) => u.cpuS)) / growthS).toFixed(0)} % of a core over those ${growthS.toFixed(0)} s`);
  console.log(`CPU per node over the ${heldS.toFixed(0)}-s hold, % of a core (mean / p50 / max): ${spread(holdPct, 2)}; all nodes together ${sum(holdPct).toFixed(0)} %`);
  console.log(`RSS per node, MiB (mean / p50 / max): ${spread(atEnd.map((u) => u.rssMiB), 1)}`);
  const exited = children.filter((c) => c.exitCode !== null || c.signalCode !== null).length;
  console.log(`false fails by reason: ${JSON.stringify(ev.reasons)}; first false fail or restart at ${ev.firstAt === undefined ? '—' : `${ev.firstAt.toFixed(0)} s`}; nodes that exited: ${exited}`);
  console.log('| family | suspicion | nodes | spacing | all started at | full membership at | after hold | false fails | restarts | suspicions | RSS total | CPU per node (hold) | CPU all nodes (hold) | load average at the end | outcome |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  console.log(`| ${args.protocol} | ${args.suspicion} | ${n} | ${spacing} ms | ${startedS.toFixed(0)} s | ${Number.isNaN(fullAt) ? 'never' : `${fullAt.toFixed(0)} s`} | ${full}/${n} full | ${ev.fails} | ${ev.stops} | ${ev.suspects} | ${(sum(atEnd.map((u) => u.rssMiB)) / 1024).toFixed(2)} GiB | ${(sum(holdPct) / n).toFixed(2)} % | ${sum(holdPct).toFixed(0)} % | ${load()} | ${outcome} |`);
} finally {
  await stopAll();
  fs.rmSync(logs, { recursive: true, force: true });
}
