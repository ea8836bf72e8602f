// Growth by joins with real processes: N `hearsay node` processes started one by one on loopback, no timing flags
// (the cores follow the group's size themselves), in one family. Prints when every node first listed every other as
// alive (polled over ctl), the false failures over the run (every `fail` and `stop` in the nodes' logs: nothing is
// killed), the total RSS, and the machine's load. Run it in a private network namespace (/work/tools/nsrun).
//   npx tsx scripts/bench-growth.ts [--nodes 200] [--spacing 250] [--hold 60] [--protocol gossip|ping]
//                                   [--suspicion on|off] [--base-port 27000] [--deadline 900]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
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
    deadline: { type: 'string', default: '900' },
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

/** How many nodes list all n as alive or suspect (a node that does not answer in time counts as not full). */
async function fullNodes(): Promise<number> {
  let full = 0;
  for (let i = 0; i < n; i++) {
    const list = await controlRequest(address(i), 'list_mem', [], { timeoutMs: 3000 }).catch(() => undefined) as ListMemResult | undefined;
    if (list !== undefined && list.members.filter((m) => m.status === 'alive' || m.status === 'suspect').length >= n) full++;
  }
  return full;
}

function rssMiB(): number {
  let kb = 0;
  for (const c of children) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${c.pid}/status`, 'utf8'));
      kb += Number(m?.[1] ?? 0);
    } catch { /* exited */ }
  }
  return kb / 1024;
}

/** Every fail and stop in the nodes' logs (nothing was killed: all are false). */
function falseEvents(): { fails: number; stops: number; suspects: number } {
  const out = { fails: 0, stops: 0, suspects: 0 };
  for (const f of fs.readdirSync(logs)) {
    if (!f.endsWith('.jsonl')) continue;
    for (const line of fs.readFileSync(path.join(logs, f), 'utf8').split('\n')) {
      if (line.includes('"event":"fail"')) out.fails++;
      else if (line.includes('"event":"stop"')) out.stops++;
      else if (line.includes('"event":"suspect"')) out.suspects++;
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

console.log(`${os.cpus().length} cores; ${n} ${args.protocol} (suspicion ${args.suspicion}) processes started ${spacing} ms apart, then ${holdS} s held; load average ${load()}`);
const t0 = Date.now();
let outcome = 'ok';
try {
  start(0);
  while (await controlRequest(address(0), 'list_self', [], { timeoutMs: 1000 }).then(() => false, () => true)) {
    if (Date.now() > deadlineAt) throw new Error('the introducer never answered');
    await sleep(200);
  }
  for (let i = 1; i < n; i++) {
    start(i);
    await sleep(spacing);
  }
  const startedS = (Date.now() - t0) / 1000;
  console.log(`all ${n} started after ${startedS.toFixed(0)} s; RSS ${rssMiB().toFixed(0)} MiB; load ${load()}`);
  let fullAt = Number.NaN;
  let full = 0;
  while (Number.isNaN(fullAt) && Date.now() < deadlineAt) {
    full = await fullNodes();
    console.log(`  ${((Date.now() - t0) / 1000).toFixed(0)} s: ${full}/${n} nodes list all ${n}; ${JSON.stringify(falseEvents())}; load ${load()}`);
    if (full === n) fullAt = (Date.now() - t0) / 1000;
    else await sleep(POLL_MS);
  }
  if (!Number.isNaN(fullAt)) {
    await sleep(Math.min(holdS * 1000, Math.max(0, deadlineAt - Date.now())));
    full = await fullNodes();
  } else outcome = 'deadline before full membership';
  const ev = falseEvents();
  console.log(`| ${args.protocol} | ${args.suspicion} | ${n} | ${spacing} ms | ${startedS.toFixed(0)} s | ${Number.isNaN(fullAt) ? 'never' : `${fullAt.toFixed(0)} s`} | ${full}/${n} after hold | ${ev.fails} | ${ev.stops} | ${ev.suspects} | ${rssMiB().toFixed(0)} MiB | ${load()} | ${outcome} |`);
} finally {
  await stopAll();
  fs.rmSync(logs, { recursive: true, force: true });
}
