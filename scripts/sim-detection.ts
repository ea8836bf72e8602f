// Detection time, false positives and bandwidth of the protocol defaults, measured in the deterministic simulator
// (node-runtime/sim): the figures the timings in config.ts were chosen by, before the real-UDP benchmark. Timings are
// configForGroupSize(--nodes) (the defaults up to 32 nodes) unless given.
//   npx tsx scripts/sim-detection.ts [--nodes 10] [--kills 30] [--hours 1] [--seed 1] [--gossip MS] [--fanout B]
//                                    [--fail MS] [--suspect MS] [--loss 0,0.1,0.3] [--scale N]
// --scale N [--minutes M] [--start joins|formed] [--kills K] instead times one run of N nodes over M virtual minutes
// (default 1) per family, with the timings for N and suspicion as the first of --suspicion (wall and CPU time,
// simulator steps, events, false fails, bytes per node, heap and heap per list entry: run it as
// `node --expose-gc --import tsx scripts/sim-detection.ts --scale N` for the latter after two GCs; a line of progress
// every --progress virtual seconds, default 60). --start joins (default) has the nodes join 1 ms apart, so the run
// includes SWIM's N²·λ·log N piggybacked join news; --start formed begins with the group formed (sim/simulation.ts
// `start`), which is what a steady group of N costs. --kills K crashes K members over the run and times each crash at
// every other member. N nodes list N² entries (~150 B each): 10,000 nodes need ~15 GiB of heap, more during a joins
// start-up (news queues), so give V8 room — the whole old generation at once (no full GC while the lists fill) and
// a large young generation (the datagrams die young; with 64 MiB, wake-ups lived long enough to be promoted):
// `node --initial-old-space-size=16000 --max-old-space-size=20000 --max-semi-space-size=256 --import tsx
// scripts/sim-detection.ts --scale 10000 --minutes 10 --family ping --start formed --kills 10`.
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
    kills: { type: 'string' },
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
    start: { type: 'string', default: 'joins' },
    progress: { type: 'string', default: '60' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log('usage: npx tsx scripts/sim-detection.ts [--nodes N] [--kills K] [--hours H] [--seed S] [--gossip MS] [--fanout B] [--fail MS] [--suspect MS] [--loss L1,L2] [--family gossip,ping] [--suspicion off,on]');
  console.log('       npx tsx scripts/sim-detection.ts --scale N [--minutes M] [--start joins|formed] [--kills K] [--family ping] [--suspicion on] [--progress S]');
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

/** One run of n nodes in each family over --minutes virtual minutes (start-up included: joins 1 ms apart, or a group
 *  formed before the run with --start formed), with the timings for n (not --nodes'): wall and CPU time, virtual time
 *  per CPU second, events, false fails, bytes, heap. With --kills K, K members crash one by one over the run, from the
 *  first virtual minute (or a tenth of the run) on, each a detection window apart, and each crash is timed as the
 *  detection rows time it: first and last of the others to fail it. */
function scale(n: number, minutes: number, kills: number, suspicion: boolean): void {
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
  const virtualS = minutes * 60;
  for (const family of families) {
    let count = 0;
    let falseFails = 0;
    /** The members crashed so far, with when and the fail times heard from the others. */
    const crashed = new Map<string, { at: number; fails: number[] }>();
    const heap0 = heapNow();
    const started = performance.now();
    const cpu0 = cpu();
    const sim = new Simulation({
      nodes: n, seed, config: scaled, family, suspicion, joinSpacingMs: 1, start, recordEvents: false,
      onEvent: (e) => {
        count++;
        if (e.event !== 'fail') return;
        const k = crashed.get(e.member);
        if (k === undefined) falseFails++;
        else k.fails.push(e.ts - k.at);
      },
    });
    const rng = createRng(seed + 17);
    const firstKill = Math.min(60, virtualS / 10) * 1000;
    const killGap = kills === 0 ? 0 : (virtualS * 1000 - firstKill) / kills;
    const killAt = Array.from({ length: kills }, (_, k) => firstKill + k * killGap);
    const runTo = (t: number): void => {
      while (killAt.length > 0 && killAt[0]! <= t) {
        sim.runUntil(killAt.shift()!);
        let victim: number;
        do victim = 1 + Math.floor(rng.next() * (n - 1));
        while (sim.state(victim) !== 'up');
        crashed.set(sim.id(victim), { at: sim.now, fails: [] });
        sim.crash(victim);
      }
      sim.runUntil(t);
    };
    // A line every --progress virtual s: a long run (10,000 nodes) shows its pace, and a run stopped early its
    // figures so far.
    const step = int('progress', args.progress)! || 60;
    for (let t = step; t < virtualS; t += step) {
      runTo(t * 1000);
      const c = cpu() - cpu0;
      console.log(`  ${family} ${t} virtual s: ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${c.toFixed(1)} s CPU ` +
        `(${(t / c).toFixed(2)}×), ${count} events, ${falseFails} false fails, ${crashed.size} crashed, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB; load average ${load()}`);
    }
    runTo(virtualS * 1000);
    const wall = (performance.now() - started) / 1000;
    const cpuS = cpu() - cpu0;
    let entries = 0;
    for (let i = 0; i < n; i++) if (sim.started(i)) entries += sim.core(i).members().length;
    const heap = heapNow() - heap0;
    console.log(`${family}${suspicion ? ' + suspicion' : ''}: ${n} nodes × ${virtualS} virtual s (${start}): ${wall.toFixed(1)} s wall, ${cpuS.toFixed(1)} s CPU ` +
      `(${(virtualS / cpuS).toFixed(2)}× real time per CPU second, ${(virtualS / wall).toFixed(2)}× per wall second), ` +
      `${sim.steps} simulator steps (${(sim.steps / cpuS).toFixed(0)}/CPU s: datagrams, wake-ups, exchanges), ${count} membership events, ` +
      `${falseFails} false fails, ${(total(sim) / n / virtualS).toFixed(0)} B/s per node, ${sim.pushPulls} push-pulls, heap ${(heap / 2 ** 20).toFixed(0)} MiB ` +
      `for ${entries} list entries (${(heap / entries).toFixed(0)} B each${gc ? ' after GC' : ', before GC: run with --expose-gc'}), ` +
      `max RSS ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(2)} GiB; load average ${load()}`);
    // Every crash, timed by the others that were up when it crashed (n − 1 − the crashes before it).
    let k = 0;
    for (const [id, { at, fails }] of crashed) {
      const sorted = [...fails].sort((a, b) => a - b);
      const due = n - 1 - k++;
      console.log(`  crash of ${id} at ${(at / 1000).toFixed(1)} virtual s: failed by ${fails.length} of ${due} others, ` +
        `first ${sorted.length > 0 ? (sorted[0]! / 1000).toFixed(2) : '—'} s, p99 ${sorted.length > 0 ? (pct(sorted, 99) / 1000).toFixed(2) : '—'} s, ` +
        `last ${sorted.length > 0 ? (sorted.at(-1)! / 1000).toFixed(2) : '—'} s`);
    }
  }
}

function startOf(value: string): 'joins' | 'formed' {
  if (value === 'joins' || value === 'formed') return value;
  console.error(`--start takes joins or formed (got ${value})`);
  process.exit(2);
}
const start = startOf(args.start);

if (args.scale !== undefined) {
  const n = int('scale', args.scale)!;
  const kills = int('kills', args.kills) ?? 0;
  if (!Number.isInteger(n) || n < 2) {
    console.error(`--scale takes a whole number of nodes, at least 2 (got ${args.scale})`);
    process.exit(2);
  }
  if (!Number.isInteger(kills) || kills > n - 2) {
    console.error(`--kills takes a whole number that leaves the introducer and one more member up (at most ${n - 2} for --scale ${n}; got ${args.kills})`);
    process.exit(2);
  }
  scale(n, int('minutes', args.minutes)!, kills, suspicions[0]!);
} else {
  const hours = int('hours', args.hours)!;
  const kills = int('kills', args.kills) ?? 30;
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
