// Embedded-cluster benchmark: N MembershipNodes in this one process through the host's EmbeddedCluster (each with its
// own UDP socket and TCP listener on loopback, logs in a temp dir), as the app runs them. Prints start-up time, the
// process's steady CPU and RSS, false failures, UDP bytes/s per node, membership events per second, and detection
// (first / p99 over the observers / all) of a few crashes. Below each row: the main thread's time on a CPU and waiting
// for one during start-up and the steady window (/proc: the wait is the machine's load, not the work), suspicions
// (each a false one: nothing was killed yet), and the loop's delay p99 / max over the steady window.
//   npm run bench:embedded -- [--nodes 100,300] [--seconds 60] [--kills 2] [--base-port 26000] [--suspicion]
//                              [--protocol gossip|ping] [--steal F] [--stall MS]
// --steal F busy-waits the loop F of every 100 ms from the steady window on (a process given 1 − F of a core: the
// loaded machine, reproducibly); --stall MS blocks it every 5 s of the steady window (a major GC, a descheduled
// process).
// When any member was suspected, a timeline of the storm follows the row (storm-timeline.ts).
// Timings: configForGroupSize(N), as the host picks them for a launch without timings (the cores then follow the
// group's size themselves).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedCluster } from '../electron/host/embedded-cluster.ts';
import type { ClusterContext } from '../electron/host/cluster.ts';
import type { Address, MembershipEvent, NodeStats } from '../electron/host/api.ts';
import { configForGroupSize, resolveConfig } from '../node-runtime/protocol/config.ts';
import { monotonicNow } from '../node-runtime/node/membership-node.ts';
import { statusAfter } from '../node-runtime/protocol/events.ts';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mainThreadSched } from './process-cpu.ts';
import { StormTimeline } from './storm-timeline.ts';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '60' },
    kills: { type: 'string', default: '2' },
    'base-port': { type: 'string', default: '26000' },
    suspicion: { type: 'boolean', default: false },
    protocol: { type: 'string', default: 'gossip' },
    steal: { type: 'string', default: '0' },
    stall: { type: 'string', default: '0' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('usage: npm run bench:embedded -- [--nodes N[,N…]] [--seconds S] [--kills K] [--base-port PORT] [--suspicion] [--protocol gossip|ping] [--steal F] [--stall MS]');
  process.exit(0);
}
if (args.protocol !== 'gossip' && args.protocol !== 'ping') {
  console.error(`--protocol must be gossip or ping (got ${args.protocol})`);
  process.exit(2);
}
const family: 'gossip' | 'ping' = args.protocol;

function count(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min} (got ${text})`);
    process.exit(2);
  }
  return n;
}

const sizes = args.nodes.split(',').map((s) => count('nodes', s.trim(), 2));
const seconds = count('seconds', args.seconds, 1);
const kills = count('kills', args.kills, 0);
const basePort = count('base-port', args['base-port'], 1024);
const steal = Number(args.steal);
if (!(steal >= 0 && steal < 1)) {
  console.error(`--steal must be a fraction 0 ≤ F < 1 (got ${args.steal})`);
  process.exit(2);
}
const stallMs = count('stall', args.stall, 0);
const POLL_MS = 200;
/** --steal: the loop is busy-waited this share of every window, as a process that gets only the rest of a core. */
const STEAL_WINDOW_MS = 100;
/** --stall: the loop is blocked once every this long during the steady window. */
const STALL_EVERY_MS = 5000;

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* the stolen time, by design */ }
}

/** Each observer's live members (alive or suspect), folded from the event stream as the renderer does. */
class Views {
  readonly live = new Map<string, Set<string>>();
  readonly fails: { ts: number; node: string; member: string }[] = [];
  count = 0;
  suspicions = 0;

  add(e: MembershipEvent): void {
    this.count++;
    if (e.event === 'fail') this.fails.push(e);
    if (e.event === 'suspect') this.suspicions++;
    if (e.event === 'stop') {
      this.live.delete(e.node);
      return;
    }
    let view = this.live.get(e.node);
    if (view === undefined) this.live.set(e.node, (view = new Set()));
    const status = statusAfter(e.event);
    if (status === 'alive' || status === 'suspect') view.add(e.member);
    else view.delete(e.member);
  }
}

async function until(what: string, deadlineMs: number, done: () => boolean): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

interface Row {
  n: number;
  startS: number;
  convergedS: number;
  cpu: number;
  rssMiB: number;
  falseFails: number;
  bytesPerNode: number;
  eventsPerSec: number;
  wallS: number;
  detections: string[];
  config: string;
  diagnosis: string;
  storm: string[];
}

/** The main thread's share of the wall clock on a CPU and waiting for one, since `from`. */
function schedSince(from: ReturnType<typeof mainThreadSched>, wallMs: number): string {
  const now = mainThreadSched();
  if (!from || !now) return 'main thread: not measured (no /proc schedstat)';
  const pct = (ms: number) => `${((100 * ms) / wallMs).toFixed(0)} %`;
  return `main thread on a CPU ${pct(now.onCpuMs - from.onCpuMs)}, waiting for one ${pct(now.waitMs - from.waitMs)}`;
}

async function bench(n: number): Promise<Row> {
  const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-bench-embedded-'));
  const views = new Views();
  const timeline = new StormTimeline(monotonicNow());
  let stealer: NodeJS.Timeout | undefined;
  let started = 0;
  const stats = new Map<Address, NodeStats>();
  const ctx: ClusterContext = {
    sink: {
      events: (events) => {
        for (const e of events) {
          views.add(e);
          timeline.add(e);
        }
      },
      node: () => undefined,
      nodeRemoved: () => undefined,
      stats: (s) => stats.set(s.address, s),
      progress: (_phase, done) => { started = done; },
      error: (message) => console.error(`cluster: ${message}`),
      malformed: () => undefined,
      traces: () => undefined,
    },
    logDir: () => logs,
    firstPort: basePort,
  };
  const cluster = new EmbeddedCluster({ nodes: n, mode: 'embedded', protocol: family, suspicion: args.suspicion, dropRate: 0 }, ctx);
  const config = resolveConfig(configForGroupSize(n));
  const t0 = performance.now();
  const sched0 = mainThreadSched();
  try {
    await cluster.start();
    const startS = (performance.now() - t0) / 1000;
    const startSched = schedSince(sched0, performance.now() - t0);
    const startEvents = views.count;
    const running = (): string[] => cluster.nodes().filter((c) => c.state === 'running' && c.id).map((c) => c.id!);
    await until('every node to see every node', 120_000, () => running().every((id) => views.live.get(id)?.size === n));
    const convergedS = (performance.now() - t0) / 1000;

    const suspicionsBefore = views.suspicions;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const sched1 = mainThreadSched();
    const events0 = views.count;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    if (steal > 0) stealer = setInterval(() => spin(steal * STEAL_WINDOW_MS), STEAL_WINDOW_MS);
    const staller = stallMs > 0 ? setInterval(() => spin(stallMs), STALL_EVERY_MS) : undefined;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000)); // the measured window, by design
    clearInterval(staller);
    delay.disable();
    const steadySched = schedSince(sched1, performance.now() - wall0);
    const cpuUs = process.cpuUsage(cpu0);
    const cpu = (cpuUs.user + cpuUs.system) / 1000 / (performance.now() - wall0);
    const eventsPerSec = (views.count - events0) / ((performance.now() - wall0) / 1000);
    // Nothing was killed yet: every fail so far, from the start on, was false.
    const falseFails = views.fails.length;
    const rssMiB = process.memoryUsage().rss / 2 ** 20;
    const live = [...stats.values()];
    const bytesPerNode = live.reduce((a, s) => a + s.bytesOutPerSec, 0) / Math.max(live.length, 1);

    const detections: string[] = [];
    const nodes = cluster.nodes();
    for (let k = 0; k < kills; k++) {
      const victim = nodes[1 + Math.floor(((k + 1) * (n - 1)) / (kills + 1))]!;
      const observers = new Set(running().filter((id) => id !== victim.id));
      const from = views.fails.length;
      const killedAt = monotonicNow();
      await cluster.action('kill', victim.address);
      // Each observer's first fail of the victim, in ms after the kill.
      const failedAt = (): Map<string, number> => {
        const first = new Map<string, number>();
        for (const f of views.fails.slice(from)) {
          if (f.member === victim.id && observers.has(f.node) && !first.has(f.node)) first.set(f.node, f.ts - killedAt);
        }
        return first;
      };
      // Gossip: the scaled timeouts; ping: a probe round over everyone and Lifeguard's longest suspicion, bounded.
      const wait = family === 'gossip' ? 4 * (config.failTimeoutMs + config.suspectTimeoutMs) + 10_000 : 120_000;
      await until(`every node to fail ${victim.address}`, wait, () => failedAt().size === observers.size).catch(() => undefined);
      const times = [...failedAt().values()].sort((a, b) => a - b);
      const partial = times.length < observers.size ? ` (${times.length}/${observers.size})` : '';
      const p99 = times[Math.min(times.length - 1, Math.ceil(0.99 * observers.size) - 1)]!;
      const sec = (ms: number) => (ms / 1000).toFixed(1);
      detections.push(times.length === 0 ? 'missed' : `${sec(times[0]!)}/${sec(p99)}/${sec(times.at(-1)!)} s${partial}`);
    }
    const c = config;
    const ms = (ns: number) => `${(ns / 1e6).toFixed(0)} ms`;
    const diagnosis = `start-up: ${startSched}, ${startEvents} events (${(startEvents / startS).toFixed(0)}/s), ${suspicionsBefore} suspicions; `
      + `steady: ${steadySched}, loop delay p99 ${ms(delay.percentile(99))} / max ${ms(delay.max)}; `
      + `suspicions by the end ${views.suspicions}`;
    return {
      diagnosis,
      storm: timeline.report(),
      n, startS, convergedS, cpu, rssMiB, falseFails, bytesPerNode, eventsPerSec, detections,
      wallS: (performance.now() - t0) / 1000,
      config: family === 'gossip'
        ? `gossip ${c.gossipIntervalMs} ms, fanout ${c.fanout}, fail ${c.failTimeoutMs} ms, packet ${c.maxPacketBytes} B`
        : `ping: probe ${c.probeIntervalMs} ms, timeout ${c.probeTimeoutMs} ms, k ${c.indirectChecks}, suspicion ×${c.suspicionMult}`,
    };
  } catch (err) {
    // Where it got, and whether the machine or the work was short of CPU.
    const wallMs = performance.now() - t0;
    throw new Error(`${(err as Error).message} (after ${(wallMs / 1000).toFixed(0)} s: ${started} of ${n} started, `
      + `${views.suspicions} suspicions, ${views.fails.length} fails; ${schedSince(sched0, wallMs)})\n${timeline.report().join('\n')}`);
  } finally {
    clearInterval(stealer);
    timeline.stop();
    await cluster.stop();
    fs.rmSync(logs, { recursive: true, force: true });
  }
}

console.log(`${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}; node ${process.version}; ${seconds} s steady window, ${kills} kill(s), suspicion ${args.suspicion ? 'on' : 'off'}, ${family}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| N | timings | start-up | all see all | steady CPU | RSS | false fails | B/s out per node | events/s | detection first/p99/all | wall |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const n of sizes) {
  try {
    const r = await bench(n);
    console.log(`| ${r.n} | ${r.config} | ${r.startS.toFixed(1)} s | ${r.convergedS.toFixed(1)} s | ${(r.cpu * 100).toFixed(0)} % | ${r.rssMiB.toFixed(0)} MiB | ${r.falseFails} | ${r.bytesPerNode.toFixed(0)} | ${r.eventsPerSec.toFixed(0)} | ${r.detections.join(', ')} | ${r.wallS.toFixed(0)} s |`);
    console.log(`${r.diagnosis}; load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    for (const line of r.storm) console.log(line);
  } catch (err) {
    console.log(`| ${n} | failed: ${(err as Error).message} |`);
    process.exitCode = 1;
  }
}
