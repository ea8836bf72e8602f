// Detection time, false positives and bandwidth of the protocol defaults, measured in the deterministic simulator
// (node-runtime/sim): the figures the timings in config.ts were chosen by, before the real-UDP benchmark. Timings are
// configForGroupSize(--nodes) (the defaults up to 32 nodes) unless given.
//   npx tsx scripts/sim-detection.ts [--nodes 10] [--kills 30] [--hours 1] [--seed 1] [--gossip MS] [--fanout B]
//                                    [--fail MS] [--suspect MS] [--loss 0,0.1,0.3] [--scale N]
// --scale N [--minutes M] instead times one run of N nodes over M virtual minutes (default 1) per family, with the
// timings for N (wall and CPU time, events, false fails, bytes per node, heap and heap per list entry: run it as
// `node --expose-gc --import tsx scripts/sim-detection.ts --scale N` for the latter after two GCs; a line of progress
// every --progress virtual seconds, default 60). N nodes list N² entries (~150 B each): 10,000 nodes need ~15 GiB of
// heap once the lists are full, and more during the start-up (news queues), so give V8 room; a larger young
// generation saves ~20 % of the CPU (the decoded datagrams die young):
// `node --expose-gc --max-old-space-size=20000 --max-semi-space-size=64 --import tsx scripts/sim-detection.ts
// --scale 10000 --minutes 10 --family ping`.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Simulation } from '../node-runtime/sim/simulation.ts';
import { configForGroupSize, resolveConfig } from '../node-runtime/protocol/config.ts';
import type { ProtocolConfig } from '../node-runtime/protocol/config.ts';
import type { MembershipEvent } from '../node-runtime/protocol/events.ts';
import { createRng } from '../node-runtime/protocol/rng.ts';
import type { ProtocolFamily } from '../node-runtime/protocol/mode.ts';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10' },
    kills: { type: 'string', default: '30' },
    hours: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    gossip: { type: 'string' },
    fanout: { type: 'string' },
    fail: { type: 'string' },
    suspect: { type: 'string' },
    loss: { type: 'string', default: '0,0.1,0.3' },
    family: { type: 'string', default: 'gossip,ping' },
    suspicion: { type: 'string', default: 'off,on' },
    probe: { type: 'string' },
    'probe-timeout': { type: 'string' },
    'suspicion-mult': { type: 'string' },
    'suspicion-max': { type: 'string' },
    confirmations: { type: 'string' },
    indirect: { type: 'string' },
    'push-pull': { type: 'string' },
    scale: { type: 'string' },
    minutes: { type: 'string', default: '1' },
    progress: { type: 'string', default: '60' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log('usage: npx tsx scripts/sim-detection.ts [--nodes N] [--kills K] [--hours H] [--seed S] [--gossip MS] [--fanout B] [--fail MS] [--suspect MS] [--loss L1,L2] [--scale N]');
  process.exit(0);
}

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number (got ${value})`);
    process.exit(2);
  }
  return n;
}

const overrides: Partial<ProtocolConfig> = Object.fromEntries(
  ([['gossipIntervalMs', 'gossip'], ['fanout', 'fanout'], ['failTimeoutMs', 'fail'], ['suspectTimeoutMs', 'suspect'],
    ['probeIntervalMs', 'probe'], ['probeTimeoutMs', 'probe-timeout'], ['suspicionMult', 'suspicion-mult'],
    ['suspicionMaxTimeoutMult', 'suspicion-max'], ['suspicionConfirmations', 'confirmations'], ['indirectChecks', 'indirect'], ['pushPullIntervalMs', 'push-pull']] as const)
    .flatMap(([key, flag]) => {
      const v = int(flag, args[flag]);
      return v === undefined ? [] : [[key, v]];
    }),
);
const nodes = int('nodes', args.nodes)!;
let config: ProtocolConfig;
try {
  // The timings the host picks for a group of this size (the defaults up to 32), then the flags.
  config = resolveConfig({ ...configForGroupSize(nodes), ...overrides });
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
const seed = int('seed', args.seed)!;
/** Every node has joined (one every 23 ms) and settled. */
const WARM_MS = Math.max(10_000, nodes * 23 + 5_000);
/** Long enough for the slowest observer to fail a crashed node (the scaled timeouts of a large group; in ping mode
 *  two probe rounds and Lifeguard's longest, unconfirmed suspicion). */
const DETECT_WINDOW_MS = Math.max(10_000, 2 * (config.failTimeoutMs + config.suspectTimeoutMs),
  2 * nodes * config.probeIntervalMs + config.suspicionMaxTimeoutMult * config.suspicionMult * Math.max(1, Math.log10(nodes)) * config.probeIntervalMs);
/** IPv4 + UDP headers: what each datagram costs on the wire beyond its payload. */
const UDP_IP_HEADER = 28;
const families = args.family.split(',') as ProtocolFamily[];
for (const f of families) {
  if (f !== 'gossip' && f !== 'ping') {
    console.error(`--family takes gossip and/or ping (got ${f})`);
    process.exit(2);
  }
}
const suspicions = args.suspicion.split(',').map((x) => x === 'on');

function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Detection {
  first: number[];
  all: number[];
  suspectFirst: number[];
  missed: number;
}

/** Crashes a random non-introducer, waits out the detection window, restarts it as a new version; times the fails. */
function detection(family: ProtocolFamily, loss: number, suspicion: boolean, kills: number): Detection {
  const events: MembershipEvent[] = [];
  const sim = new Simulation({ nodes, seed, config, family, suspicion, lossRate: loss, joinSpacingMs: 23, recordEvents: false, onEvent: (e) => events.push(e) });
  const rng = createRng(seed + 17);
  const out: Detection = { first: [], all: [], suspectFirst: [], missed: 0 };
  sim.runUntil(WARM_MS);
  for (let k = 0; k < kills; k++) {
    const t0 = sim.now + rng.next() * config.gossipIntervalMs;
    sim.runUntil(t0);
    const victim = 1 + Math.floor(rng.next() * (nodes - 1));
    const id = sim.id(victim);
    const observers = new Set<string>();
    for (let i = 0; i < nodes; i++) if (i !== victim && sim.state(i) === 'up') observers.add(sim.id(i));
    const from = events.length;
    sim.crash(victim);
    sim.runUntil(t0 + DETECT_WINDOW_MS);
    const fails = new Map<string, number>();
    let suspectAt = Number.POSITIVE_INFINITY;
    for (const e of events.slice(from)) {
      if (e.member !== id) continue;
      if (e.event === 'fail' && observers.has(e.node) && !fails.has(e.node)) fails.set(e.node, e.ts - t0);
      if (e.event === 'suspect') suspectAt = Math.min(suspectAt, e.ts - t0);
    }
    const times = [...fails.values()];
    if (times.length < observers.size) out.missed++;
    if (times.length > 0) out.first.push(Math.min(...times));
    if (times.length === observers.size) out.all.push(Math.max(...times));
    if (suspectAt < Number.POSITIVE_INFINITY) out.suspectFirst.push(suspectAt);
    sim.restart(victim);
    sim.runUntil(sim.now + 2_000);
  }
  return out;
}

/** No faults for `hours`: every fail is false; suspicions (refuted or not) are counted too. */
function falsePositives(family: ProtocolFamily, loss: number, suspicion: boolean, hours: number): { fails: number; suspects: number; bytesPerSec: number; wirePerSec: number } {
  let fails = 0;
  let suspects = 0;
  const warm = WARM_MS;
  const sim = new Simulation({
    nodes, seed, config, family, suspicion, lossRate: loss, joinSpacingMs: 23, recordEvents: false,
    onEvent: (e) => {
      if (e.ts < warm) return;
      if (e.event === 'fail') fails++;
      if (e.event === 'suspect') suspects++;
    },
  });
  sim.runUntil(warm);
  const bytes0 = total(sim);
  const wire0 = wire(sim);
  const ms = hours * 3_600_000;
  sim.runUntil(warm + ms);
  return {
    fails, suspects,
    bytesPerSec: (total(sim) - bytes0) / nodes / (ms / 1000),
    wirePerSec: (wire(sim) - wire0) / nodes / (ms / 1000),
  };
}

function total(sim: Simulation): number {
  let bytes = 0;
  for (let i = 0; i < sim.size; i++) bytes += sim.sent(i).bytes;
  return bytes;
}

/** UDP payload plus IP/UDP headers, plus push-pull's JSON (TCP headers not counted). */
function wire(sim: Simulation): number {
  let bytes = sim.pushPullBytes;
  for (let i = 0; i < sim.size; i++) bytes += sim.sent(i).bytes + UDP_IP_HEADER * sim.sent(i).packets;
  return bytes;
}

/** One run of n nodes in each family over --minutes virtual minutes (start-up 1 ms apart included), with the timings
 *  for n (not --nodes'): wall and CPU time, virtual time per CPU second, events, false fails, bytes, heap. */
function scale(n: number, minutes: number): void {
  const scaled = resolveConfig({ ...configForGroupSize(n), ...overrides });
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  // Heap per (observer, member) list entry: the heap the simulation adds, each side after two full GCs when run with
  // `node --expose-gc --import tsx` (the second collects what the first's finalizers let go).
  const gc = (globalThis as { gc?: () => void }).gc;
  const heapNow = () => {
    gc?.();
    gc?.();
    return process.memoryUsage().heapUsed;
  };
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
  for (const family of families) {
    let count = 0;
    let fails = 0;
    const heap0 = heapNow();
    const started = performance.now();
    const cpu0 = cpu();
    const sim = new Simulation({
      nodes: n, seed, config: scaled, family, joinSpacingMs: 1, recordEvents: false,
      onEvent: (e) => { count++; if (e.event === 'fail') fails++; },
    });
    const virtualS = minutes * 60;
    // A line every --progress virtual s: a long run (10,000 nodes) shows its pace, and a run stopped early its
    // figures so far.
    const step = int('progress', args.progress)! || 60;
    for (let t = step; t < virtualS; t += step) {
      sim.runUntil(t * 1000);
      const c = cpu() - cpu0;
      console.log(`  ${family} ${t} virtual s: ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${c.toFixed(1)} s CPU ` +
        `(${(t / c).toFixed(2)}×), ${count} events, ${fails} false fails, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB; load average ${load()}`);
    }
    sim.runUntil(virtualS * 1000);
    const wall = (performance.now() - started) / 1000;
    const cpuS = cpu() - cpu0;
    let entries = 0;
    for (let i = 0; i < n; i++) if (sim.started(i)) entries += sim.core(i).members().length;
    const heap = heapNow() - heap0;
    console.log(`${family}: ${n} nodes × ${virtualS} virtual s: ${wall.toFixed(1)} s wall, ${cpuS.toFixed(1)} s CPU ` +
      `(${(virtualS / cpuS).toFixed(2)}× real time per CPU second), ${count} events (${(count / cpuS).toFixed(0)}/CPU s), ` +
      `${fails} false fails, ${(total(sim) / n / virtualS).toFixed(0)} B/s per node, ${sim.pushPulls} push-pulls, heap ${(heap / 2 ** 20).toFixed(0)} MiB ` +
      `for ${entries} list entries (${(heap / entries).toFixed(0)} B each${gc ? ' after GC' : ', before GC: run with --expose-gc'}), ` +
      `max RSS ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(2)} GiB; load average ${load()}`);
  }
}

if (args.scale !== undefined) {
  scale(int('scale', args.scale)!, int('minutes', args.minutes)!);
} else {
  const hours = int('hours', args.hours)!;
  const kills = int('kills', args.kills)!;
  const c = config;
  console.log(`N=${nodes} gossip=${c.gossipIntervalMs}ms fanout=${c.fanout} fail=${c.failTimeoutMs}ms suspect=${c.suspectTimeoutMs}ms cleanup=${c.cleanupTimeoutMs}ms; ${kills} kills, ${hours} h without faults, seed ${seed}`);
  console.log(`ping: probe=${c.probeIntervalMs}ms timeout=${c.probeTimeoutMs}ms k=${c.indirectChecks} suspicionMult=${c.suspicionMult} max×${c.suspicionMaxTimeoutMult} confirmations=${c.suspicionConfirmations} pushPull=${c.pushPullIntervalMs}ms`);
  console.log('| family | loss | suspicion | first p50 | first p99 | all p50 | all p99 | suspect first p50 | missed | false fails /node·h | suspects /node·h | B/s per node | wire B/s per node |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const family of families) for (const loss of args.loss.split(',').map(Number)) {
    for (const suspicion of suspicions) {
      const d = detection(family, loss, suspicion, kills);
      const fp = falsePositives(family, loss, suspicion, hours);
      const s = (xs: number[]) => [...xs].sort((a, b) => a - b);
      const f = s(d.first);
      const a = s(d.all);
      const ms = (x: number) => (Number.isNaN(x) ? '—' : `${Math.round(x)}`);
      const nh = nodes * hours;
      console.log(`| ${family} | ${loss * 100} % | ${suspicion ? 'on' : 'off'} | ${ms(pct(f, 50))} | ${ms(pct(f, 99))} | ${ms(pct(a, 50))} | ${ms(pct(a, 99))} | ${suspicion ? ms(pct(s(d.suspectFirst), 50)) : '—'} | ${d.missed} | ${(fp.fails / nh).toFixed(2)} | ${(fp.suspects / nh).toFixed(1)} | ${fp.bytesPerSec.toFixed(0)} | ${fp.wirePerSec.toFixed(0)} |`);
    }
  }
}
