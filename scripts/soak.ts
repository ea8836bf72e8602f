// Fault soak (issue 9): N real `hearsay node` processes under continuous faults, checking invariants as it goes.
// Every 20 s: 3 nodes kill -9'd at once (restarted 10 s later as new versions), one more SIGSTOPped for 1.5 s; every
// sixth cycle (2 min) a partition of the group in two halves for 6 s — real (iptables DROP of UDP between the halves' port
// ranges) when run as root, as in `/work/tools/nsrun`, else the nodes' own block list (`ctl partition`). 10 % receiver
// drop on every node throughout. Checked from the nodes' event streams:
// - every kill is failed by every node that was live, unpaused and on its side, within the bound (T_fail + T_suspect
//   + 3 s of spread under load);
// - no false failure: a fail of an id never killed or paused, and outside what a partition excuses (docs/benchmarks.md,
//   "Fault soak, round four", states the rule exactly);
// - RSS of the nodes never killed flat within ±10 % from the end of the warm-up to the end; beside it their own
//   (anonymous) memory, their live V8 heap (`ctl memory gc`: heapUsed after a full GC; the nodes run under
//   --expose-gc) and their structures keyed by member ids, sampled each minute, so a slow growth shows where it is.
//   npx tsx scripts/soak.ts [--nodes 50] [--minutes 30] [--base-port 28100] [--suspicion off]
// Prints a Markdown summary (for docs/benchmarks.md). Needs the loopback range base-port .. base-port + nodes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { controlRequest, subscribe } from '../node-runtime/control/client.ts';
import type { StreamMessage } from '../node-runtime/control/client.ts';
import type { MemoryResult } from '../node-runtime/control/commands.ts';
import type { Footprint } from '../node-runtime/protocol/core.ts';
import { formatHelp, numberFlag, parseFlags, portFlag, stringFlag } from '../node-runtime/cli/flags.ts';
import type { FlagSpecs } from '../node-runtime/cli/flags.ts';
import { UserError } from '../node-runtime/user-error.ts';
import { NodeGroup } from '../node-runtime/node/testing/node-process.ts';
import type { NodeProcess } from '../node-runtime/node/testing/node-process.ts';
import { rssKiB, rssParts } from '../node-runtime/node/testing/rss.ts';
import { configForGroupSize, resolveConfig } from '../node-runtime/protocol/config.ts';
import { TIMING_FLAGS } from '../node-runtime/protocol/presets.ts';
import { createRng, randomIndex } from '../node-runtime/protocol/rng.ts';

const FLAGS: FlagSpecs = {
  nodes: { type: 'string', value: 'N', help: 'group size', default: '50' },
  minutes: { type: 'string', value: 'M', help: 'how long to run', default: '30' },
  'base-port': { type: 'string', value: 'PORT', help: 'first port (the embedded-benchmark range)', default: '28100' },
  suspicion: { type: 'string', value: 'on|off', help: 'suspicion mode', default: 'off' },
  seed: { type: 'string', value: 'N', help: 'seed of the fault schedule', default: '1' },
  'keep-logs': { type: 'string', value: 'DIR', help: 'keep every node\'s JSONL log (and its restart notices) under DIR, to trace a fault afterwards' },
};

const CYCLE_MS = 20_000;
const KILLS = 3;
const RESTART_AFTER_MS = 10_000;
const PAUSE_MS = 1500;
const PARTITION_AT_MS = 8000;
const PARTITION_MS = 6000;
/** Cycles between partitions: what a partition excuses lasts a tombstone's life past its heal (~1 min), so they
 *  are spaced for the rest of the time to be judged. */
const PARTITION_EVERY = 6;
const WARMUP_MS = 60_000;
const SPREAD_MS = 3000;
/** A missed kill is explained by the observer's own restart when its id ended this soon after the kill. */
const RESTARTED_WITHIN_MS = 10_000;

interface Kill {
  readonly id: string; readonly at: number; readonly observers: Set<string>; readonly seen: Map<string, number>;
  /** Observers a partition or a pause had touched at the kill (excused): one reborn at a heal can hold the other
   *  half failed already, learned second-hand as tombstones (no line), and then has no fail left to log. */
  readonly touched: Set<string>;
}
/** One minute's memory of the never-killed nodes, by port: `ctl memory gc` and the anonymous part of RSS (KiB). */
interface MemorySample { readonly minute: number; readonly memory: Map<number, MemoryResult>; readonly anon: Map<number, number> }

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)); // the schedule, not synchronisation

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), FLAGS);
  if (values.help) {
    process.stdout.write(`${formatHelp('npx tsx scripts/soak.ts [flags]', 'Fault soak of real nodes: kills, pauses, drop and partitions, invariants checked.', FLAGS)}\n`);
    return;
  }
  const n = numberFlag(values, 'nodes', { min: 8, max: 200, integer: true }) ?? 50;
  const minutes = numberFlag(values, 'minutes', { min: 0.5, max: 600 }) ?? 30;
  const basePort = portFlag(values, 'base-port') ?? 28100;
  const suspicion = (stringFlag(values, 'suspicion') ?? 'off') === 'on';
  const rng = createRng(numberFlag(values, 'seed', { min: 0, max: 2 ** 31, integer: true }) ?? 1);
  const config = resolveConfig(configForGroupSize(n));
  const bound = config.failTimeoutMs + (suspicion ? config.suspectTimeoutMs : 0) + SPREAD_MS;
  const timingArgs = (['gossipIntervalMs', 'failTimeoutMs', 'suspectTimeoutMs', 'cleanupTimeoutMs'] as const)
    .flatMap((k) => [`--${TIMING_FLAGS[k].flag}`, String(config[k])]);
  const keepLogs = stringFlag(values, 'keep-logs');
  const logRoot = keepLogs === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-soak-')) : path.resolve(keepLogs);
  if (keepLogs !== undefined) fs.mkdirSync(logRoot, { recursive: true });
  const group = new NodeGroup(logRoot, ['--drop', '0.1', '--suspicion', suspicion ? 'on' : 'off', ...timingArgs], ['--expose-gc']);
  const iptables = canIptables();
  const halves = [[basePort, basePort + Math.floor(n / 2) - 1], [basePort + Math.floor(n / 2), basePort + n - 1]] as const;
  const subs: { close(): void }[] = [];
  let partitioned = false;
  /** The faults as injected, with wall-clock times (kept with the logs). */
  const schedule: string[] = [];
  const mark = (what: string): void => { schedule.push(`${new Date().toISOString()} ${what}`); };

  const kills: Kill[] = [];
  /** ids killed: a fail of them is never false. */
  const troubled = new Set<string>();
  /** ids the partition in force has touched (live at its start, born during it, live when its window closes). */
  const cut = new Set<string>();
  /** ids a past partition or a pause touched → until when a fail of them is a consequence of it: a verdict from
   *  then is remembered as a tombstone, and can make its member rejoin when the two first speak, up to tombstoneMs
   *  later. */
  const cutUntil = new Map<string, number>();
  const excused = (id: string, at: number): boolean => troubled.has(id) || cut.has(id) || (cutUntil.get(id) ?? -Infinity) >= at;
  const falseFails: string[] = [];
  const restartFailures: string[] = [];
  const restarts = { declaredFailed: 0 };
  let events = 0;
  /** Per port, the process there now. */
  const byPort = new Map<number, NodeProcess>();
  const liveIds = new Map<number, string>();
  /** Who told each restarted id that it was failed (its own `stop` line's `via`). */
  const declaredBy = new Map<string, string>();
  /** When each id seen on the streams ended (its own `stop` line: a restart, mostly). */
  const ended = new Map<string, number>();
  /** When each id seen on the streams started (its own `start` line). */
  const startedAt = new Map<string, number>();

  const watch = (node: NodeProcess): void => {
    const sub = subscribe(node.address, {
      onMessage: (m: StreamMessage) => {
        if (m.type === 'hello') {
          liveIds.set(node.port, m.self);
          // A victim restarted while the group is cut: its `start` came before this stream did.
          if (partitioned) cut.add(m.self);
        }
        if (m.type !== 'event') return;
        events++;
        if (m.event === 'start' && m.node === m.member) {
          liveIds.set(node.port, m.node);
          startedAt.set(m.node, m.ts);
          // Born while the group was cut in two (a rejoin, a restarted victim): the other half may fail it.
          if (partitioned) cut.add(m.node);
        }
        if (m.event === 'stop') ended.set(m.member, m.ts);
        if (m.event === 'stop' && m.reason !== 'shutdown') {
          restarts.declaredFailed++;
          declaredBy.set(m.member, m.via ?? 'unknown');
        }
        if (m.event !== 'fail') return;
        for (const k of kills) if (k.id === m.member && k.observers.has(m.node) && !k.seen.has(m.node)) k.seen.set(m.node, m.ts - k.at);
        if (!excused(m.member, m.ts) && !excused(m.node, m.ts)) {
          // A member's age says whether fresh starts (a restart, a rejoin) are the ones that go quiet.
          const age = startedAt.has(m.member) ? `, ${((m.ts - startedAt.get(m.member)!) / 1000).toFixed(1)} s after its start` : '';
          // Superseded: the member restarted because someone declared it failed; who, says where to look.
          const by = declaredBy.has(m.member) ? `, declared failed by ${declaredBy.get(m.member)!}` : '';
          falseFails.push(`${new Date(m.ts).toISOString()} ${m.node} failed ${m.member} (${m.reason ?? ''}${age}${by})`);
          console.error(`false fail: ${falseFails.at(-1)}`);
        }
      },
    });
    subs.push(sub);
  };

  const cleanup = async (): Promise<void> => {
    if (iptables && partitioned) heal(true);
    for (const s of subs) s.close();
    await group.killAll();
    if (keepLogs === undefined) fs.rmSync(logRoot, { recursive: true, force: true });
    else {
      // The runtime's restart notices say what declared each member failed and who (the log's `stop` has only `via`).
      const notices = group.nodes.flatMap((node) => node.stdout.filter((l) => l.includes('restarted as')).map((l) => `${node.address} ${l}`));
      fs.writeFileSync(path.join(logRoot, 'notices.txt'), notices.join('\n') + '\n');
      fs.writeFileSync(path.join(logRoot, 'schedule.txt'), [...schedule, ...falseFails.map((l) => `false fail: ${l}`)].join('\n') + '\n');
      console.error(`logs kept in ${logRoot}`);
    }
  };
  process.once('SIGINT', () => { void cleanup().then(() => process.exit(130)); });

  const heal = (real: boolean): void => {
    if (real) for (const rule of partitionRules(halves)) execFileSync('iptables', ['-D', ...rule]);
  };

  try {
    console.error(`starting ${n} nodes (${iptables ? 'iptables' : 'in-app'} partitions, suspicion ${suspicion ? 'on' : 'off'}, T_fail ${config.failTimeoutMs} ms, bound ${bound} ms)`);
    const nodes = await group.startCluster(basePort, n, 180_000);
    for (const node of nodes) {
      byPort.set(node.port, node);
      liveIds.set(node.port, await node.id());
      watch(node);
    }
    const original = new Set(nodes.map((x) => x.port));
    await sleep(WARMUP_MS / 4);
    const rssStart = new Map<number, number>();
    const rssMax = new Map<number, number>();
    const sampleRss = (into: Map<number, number>, keepMax: boolean): void => {
      for (const port of original) {
        const node = byPort.get(port)!;
        const kib = rssKiB(node.proc.pid!);
        if (Number.isNaN(kib)) continue;
        if (keepMax) into.set(port, Math.max(into.get(port) ?? 0, kib));
        else into.set(port, kib);
      }
    };
    // The process's own memory (RSS less pages of the mapped node binary, which every node shares and touches late).
    const anonStart = new Map<number, number>();
    const sampleAnon = (into: Map<number, number>): void => {
      for (const port of original) {
        const kib = rssParts(byPort.get(port)!.proc.pid!).anon;
        if (!Number.isNaN(kib)) into.set(port, kib);
      }
    };
    // The live heap and the per-member structures of the never-killed nodes (a forced GC each: a few ms).
    const sampleMemory = async (): Promise<Map<number, MemoryResult>> => {
      const into = new Map<number, MemoryResult>();
      await Promise.all([...original].map(async (port) => {
        const r = await controlRequest(byPort.get(port)!.address, 'memory', ['gc'], { timeoutMs: 5000 }).catch(() => undefined);
        if (r !== undefined) into.set(port, r as MemoryResult);
      }));
      return into;
    };
    let memoryStart = new Map<number, MemoryResult>();
    const memoryTrail: MemorySample[] = [];
    const footprintMax: Record<keyof Footprint, number> = { members: 0, tombstones: 0, versions: 0, ring: 0, news: 0 };
    const sampleTrail = async (): Promise<void> => {
      const memory = await sampleMemory();
      const anon = new Map<number, number>();
      sampleAnon(anon);
      for (const m of memory.values()) for (const k of Object.keys(footprintMax) as (keyof Footprint)[]) footprintMax[k] = Math.max(footprintMax[k], m.footprint[k]);
      memoryTrail.push({ minute: (Date.now() - startedAt) / 60_000, memory, anon });
    };
    const startedAt = Date.now();
    const endAt = startedAt + minutes * 60_000;
    let cycle = 0;
    let partitions = 0;
    let pauses = 0;
    const rssTrail: string[] = [];
    while (Date.now() + CYCLE_MS <= endAt) {
      const cycleStart = Date.now();
      if (cycle === Math.ceil(WARMUP_MS / CYCLE_MS)) {
        sampleRss(rssStart, false);
        sampleAnon(anonStart);
        memoryStart = await sampleMemory();
      }
      if (rssStart.size > 0) sampleRss(rssMax, true);
      // 3 kills at once (never the introducer: rejoins go through it), one short pause elsewhere.
      const ports = [...byPort.keys()].filter((p) => p !== basePort);
      const picked = pick(rng, ports, KILLS + 1);
      const victims = picked.slice(0, KILLS);
      const sleeper = picked[KILLS]!;
      const at = Date.now();
      const observers = new Set([...liveIds.entries()].filter(([p]) => !picked.includes(p)).map(([, id]) => id));
      for (const p of victims) {
        const id = liveIds.get(p)!;
        troubled.add(id);
        original.delete(p);
        kills.push({ id, at, observers, seen: new Map(), touched: new Set([...observers].filter((o) => excused(o, at))) });
        mark(`kill ${id}`);
        byPort.get(p)!.signal('SIGKILL');
      }
      cutUntil.set(liveIds.get(sleeper)!, Date.now() + PAUSE_MS + bound + config.tombstoneMs);
      mark(`pause ${liveIds.get(sleeper)!}`);
      byPort.get(sleeper)!.signal('SIGSTOP');
      pauses++;
      await sleep(PAUSE_MS);
      byPort.get(sleeper)!.signal('SIGCONT');
      if (cycle % PARTITION_EVERY === 2) {
        await sleep(PARTITION_AT_MS - (Date.now() - cycleStart));
        for (const id of liveIds.values()) cut.add(id);
        partitioned = true;
        partitions++;
        mark(`partition ${halves.map(([lo, hi]) => `${lo}-${hi}`).join(' | ')}`);
        if (iptables) for (const rule of partitionRules(halves)) execFileSync('iptables', ['-I', ...rule]);
        else await inAppPartition(byPort, halves, true);
      }
      await sleep(RESTART_AFTER_MS - (Date.now() - cycleStart));
      await Promise.all(victims.map(async (p) => {
        const node = group.start(p, { join: basePort });
        byPort.set(p, node);
        try {
          liveIds.set(p, await node.id(30_000));
          mark(`restarted ${liveIds.get(p)!}`);
          watch(node);
        } catch (err) {
          // Counted and reported; the soak goes on (the port's last id stays troubled).
          restartFailures.push(`${node.address}: ${(err as Error).message}; stderr: ${node.stderr.slice(-3).join(' | ')}`);
          console.error(`restart of ${node.address} failed: ${(err as Error).message}`);
        }
      }));
      if (partitioned) {
        await sleep(PARTITION_AT_MS + PARTITION_MS - (Date.now() - cycleStart));
        if (iptables) heal(true);
        else await inAppPartition(byPort, halves, false);
        mark('heal');
        // Fails across the cut reach everyone within the bound; their consequences last as long as their tombstones.
        await sleep(bound);
        for (const id of liveIds.values()) cut.add(id);
        for (const id of cut) cutUntil.set(id, Date.now() + config.tombstoneMs);
        cut.clear();
        partitioned = false;
        mark('partition window closed');
      }
      await sleep(CYCLE_MS - (Date.now() - cycleStart));
      cycle++;
      if (cycle % 3 === 0) {
        console.error(`${((Date.now() - startedAt) / 60_000).toFixed(1)} min: ${kills.length} kills, ${falseFails.length} false fails, ${events} events, load ${os.loadavg()[0]!.toFixed(1)}`);
        const now = new Map<number, number>();
        sampleRss(now, false);
        if (now.size > 0) rssTrail.push(`${Math.min(...now.values())}–${Math.max(...now.values())}`);
        if (rssStart.size > 0) await sampleTrail();
      }
    }
    await sleep(bound);
    sampleRss(rssMax, true);
    const rssEnd = new Map<number, number>();
    sampleRss(rssEnd, false);
    const anonEnd = new Map<number, number>();
    sampleAnon(anonEnd);
    const memoryEnd = await sampleMemory();
    report({ n, minutes: (Date.now() - startedAt) / 60_000, iptables, suspicion, bound, kills, falseFails, restarts, partitions, pauses, events, rssStart, rssEnd, rssMax, rssTrail, anonStart, anonEnd, memoryStart, memoryEnd, memoryTrail, footprintMax, ended });
    for (const line of restartFailures) console.log(`restart failed: ${line}`);
  } finally {
    await cleanup();
  }
}

function pick(rng: ReturnType<typeof createRng>, xs: number[], k: number): number[] {
  const pool = [...xs];
  for (let i = 0; i < k; i++) {
    const j = i + randomIndex(rng, pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k);
}

function canIptables(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('iptables', ['-L', 'INPUT', '-n'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** UDP between the two halves' port ranges dropped both ways (TCP — joins, control — still passes). */
function partitionRules(halves: readonly (readonly [number, number])[]): string[][] {
  const [a, b] = halves.map(([lo, hi]) => `${lo}:${hi}`);
  return [[a!, b!], [b!, a!]].map(([from, to]) => ['INPUT', '-i', 'lo', '-p', 'udp', '--sport', from!, '--dport', to!, '-j', 'DROP']);
}

async function inAppPartition(byPort: Map<number, NodeProcess>, halves: readonly (readonly [number, number])[], cut: boolean): Promise<void> {
  await Promise.all([...byPort.values()].map(async (node) => {
    const [lo, hi] = halves.find(([l, h]) => node.port >= l && node.port <= h)!;
    const others = [...byPort.keys()].filter((p) => p < lo || p > hi).map((p) => `127.0.0.1:${p}`);
    await controlRequest(node.address, cut ? 'partition' : 'heal', cut ? others : [], { timeoutMs: 3000 }).catch(() => undefined);
  }));
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function report(r: {
  n: number; minutes: number; iptables: boolean; suspicion: boolean; bound: number; kills: Kill[]; falseFails: string[];
  restarts: { declaredFailed: number }; partitions: number; pauses: number; events: number;
  rssStart: Map<number, number>; rssEnd: Map<number, number>; rssMax: Map<number, number>; rssTrail: string[];
  anonStart: Map<number, number>; anonEnd: Map<number, number>;
  memoryStart: Map<number, MemoryResult>; memoryEnd: Map<number, MemoryResult>; memoryTrail: MemorySample[];
  footprintMax: Record<keyof Footprint, number>; ended: Map<string, number>;
}): void {
  const first: number[] = [];
  const all: number[] = [];
  let missed = 0;
  let late = 0;
  // Why an observer never logged a kill: its own id ended soon after (a restart), or a partition had touched it.
  const why = { restarted: 0, touched: 0, untraced: [] as string[] };
  for (const k of r.kills) {
    const seen = [...k.seen.values()];
    missed += k.observers.size - k.seen.size;
    for (const o of k.observers) {
      if (k.seen.has(o)) continue;
      if ((r.ended.get(o) ?? Infinity) <= k.at + RESTARTED_WITHIN_MS) why.restarted++;
      else if (k.touched.has(o)) why.touched++;
      else why.untraced.push(`${new Date(k.at).toISOString()} ${o} never logged the kill of ${k.id}`);
    }
    late += seen.filter((ms) => ms > r.bound).length;
    if (seen.length > 0) {
      first.push(Math.min(...seen));
      all.push(Math.max(...seen));
    }
  }
  const driftOf = (from: Map<number, number>, to: Map<number, number>): number[] => [...from].filter(([p]) => to.has(p)).map(([p, start]) => (to.get(p)! - start) / start);
  const drift = driftOf(r.rssStart, r.rssEnd);
  const anonDrift = driftOf(r.anonStart, r.anonEnd);
  const s = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '–');
  console.log(`soak: ${r.n} nodes, ${r.minutes.toFixed(1)} min, suspicion ${r.suspicion ? 'on' : 'off'}, 10 % drop, partitions ${r.iptables ? 'iptables' : 'in-app'}; bound ${r.bound} ms`);
  console.log('| kills | detection first p50 / max | all p50 / p99 / max | (observer, kill) pairs missed / past the bound | false fails | rejoins (declared failed) | pauses | partitions | RSS drift (min / max) of never-killed nodes |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  console.log(`| ${r.kills.length} | ${s(percentile(first, 50))} / ${s(Math.max(...first))} | ${s(percentile(all, 50))} / ${s(percentile(all, 99))} / ${s(Math.max(...all))} | ${missed} / ${late} | ${r.falseFails.length} | ${r.restarts.declaredFailed} | ${r.pauses} | ${r.partitions} | ${drift.length ? `${(Math.min(...drift) * 100).toFixed(1)} % / ${(Math.max(...drift) * 100).toFixed(1)} %` : '–'} |`);
  // Who: a few observers failing many members points at stalled observers; many observers failing a few members at
  // members that went silent. When: the minute and the machine's load then.
  // By whom a superseded member had been declared failed: one name for many points at one observer's verdicts.
  const tally = (key: (line: string) => string | undefined): string => {
    const counts = new Map<string, number>();
    for (const line of r.falseFails) { const k = key(line); if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1); }
    return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, c]) => `${k} ×${c}`).join(', ') || '–';
  };
  if (r.falseFails.length > 0) {
    console.log(`false fails by observer: ${tally((l) => l.split(' ')[1])}; by member: ${tally((l) => l.split(' ')[3])}; ` +
      `by who had declared the member failed: ${tally((l) => /declared failed by (\S+)\)/.exec(l)?.[1])}; ` +
      `by minute (UTC): ${tally((l) => l.slice(11, 16))}`);
  }
  for (const line of r.falseFails.slice(0, 20)) console.log(`false fail: ${line}`);
  console.log(`missed (observer, kill) pairs: ${why.restarted} by an observer whose id ended within ${RESTARTED_WITHIN_MS / 1000} s of the kill (a restart), ` +
    `${why.touched} by one a partition or pause had touched (excused then), ${why.untraced.length} other`);
  for (const line of why.untraced.slice(0, 10)) console.log(`missed: ${line}`);
  console.log(`RSS of never-killed nodes (KiB, min–max over nodes) at each sample: ${r.rssTrail.join(' → ')}`);
  const pct = (xs: number[]): string => (xs.length ? `${(Math.min(...xs) * 100).toFixed(1)} % / ${(Math.max(...xs) * 100).toFixed(1)} %` : '–');
  console.log(`RSS drift (min / max over never-killed nodes): ${pct(drift)}; of it the processes' own (anonymous) memory: ${pct(anonDrift)}`);
  reportMemory(r);
}

/** Where a never-killed node's own memory goes: the live V8 heap (after a full GC) beside the anonymous memory, at
 *  the start and the end and their growth per minute over the first and the second half of the run (a plateau
 *  shows as a second half near zero), and the per-member structures (each bounded: their largest must not follow
 *  the ids that came and went). */
function reportMemory(r: {
  anonStart: Map<number, number>; anonEnd: Map<number, number>; memoryStart: Map<number, MemoryResult>;
  memoryEnd: Map<number, MemoryResult>; memoryTrail: MemorySample[]; footprintMax: Record<keyof Footprint, number>;
}): void {
  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(2);
  for (const [port, end] of r.memoryEnd) {
    const start = r.memoryStart.get(port);
    if (start === undefined) continue;
    console.log(`node ${port} (never killed): own memory ${mib(r.anonStart.get(port)! * 1024)} → ${mib(r.anonEnd.get(port)! * 1024)} MiB; ` +
      `live V8 heap (after a full GC) ${mib(start.heapUsed)} → ${mib(end.heapUsed)} MiB, V8 heap committed ${mib(start.heapTotal)} → ${mib(end.heapTotal)} MiB, ` +
      // What is left is native: malloc (its per-thread arenas hold what V8's compiler and GC threads used), stacks.
      `the rest of its own memory ${mib(r.anonStart.get(port)! * 1024 - start.heapTotal)} → ${mib(r.anonEnd.get(port)! * 1024 - end.heapTotal)} MiB; ` +
      `entries at the end: ${Object.entries(end.footprint).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  // Per minute, over the nodes still never killed at the end (the trail's earlier samples hold more nodes).
  const ports = [...r.memoryEnd.keys()];
  const trail = r.memoryTrail.filter((s) => ports.every((p) => s.memory.has(p) && s.anon.has(p)));
  if (trail.length >= 3) {
    const mid = trail[Math.floor(trail.length / 2)]!;
    const [first, last] = [trail[0]!, trail.at(-1)!];
    const slope = (f: (s: MemorySample, port: number) => number): string => {
      const per = (a: MemorySample, b: MemorySample): string => ports.map((p) => ((f(b, p) - f(a, p)) / 2 ** 20 / Math.max(b.minute - a.minute, 1e-9)).toFixed(3)).join(' / ');
      return `${per(first, mid)} → ${per(mid, last)} MiB/min`;
    };
    console.log(`growth per minute, minute ${first.minute.toFixed(0)}–${mid.minute.toFixed(0)} → ${mid.minute.toFixed(0)}–${last.minute.toFixed(0)} (per never-killed node): ` +
      `own memory ${slope((s, p) => s.anon.get(p)! * 1024)}; live V8 heap ${slope((s, p) => s.memory.get(p)!.heapUsed)}; ` +
      `V8 heap committed ${slope((s, p) => s.memory.get(p)!.heapTotal)}`);
    console.log(`live V8 heap after GC (MiB, per never-killed node) each minute: ${trail.map((s) => ports.map((p) => mib(s.memory.get(p)!.heapUsed)).join('/')).join(' → ')}`);
  }
  console.log(`largest per-member structures seen on any never-killed node: ${Object.entries(r.footprintMax).map(([k, n]) => `${k} ${n}`).join(', ')}`);
}

main().catch((err: Error) => {
  console.error(err instanceof UserError ? err.message : err.stack);
  process.exit(err instanceof UserError ? err.exitCode : 1);
});
