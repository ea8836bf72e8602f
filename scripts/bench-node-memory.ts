// What grows in a long-running node under churn (issue 9's "RSS flat ±10 %"): three `hearsay node` processes that are
// never killed, in a group where the others are killed and restarted as new versions all the time (one every
// --churn ms), with 10 % drop, an in-app partition of the group in halves for 6 s every 60 s (the mass fail/rejoin
// the soak causes), and a subscriber on an event stream as the soak has. The three tell the parts of RSS apart:
// - plain: its RSS, exactly what the soak measures;
// - traced (--trace-gc): its V8 heap, used and committed, after every GC: RSS that grows with the committed heap is
//   V8 sizing its spaces (a plateau shows where it settles), RSS that grows beside a flat heap is outside V8's heap;
// - snapshotted (--heapsnapshot-signal): a heap snapshot every --sample seconds, taken after a full GC, so its size
//   is the live heap; what grew between the first and the last, by constructor, names a leak if there is one.
//   (A snapshot itself raises that process's RSS, so its RSS is not reported.)
//   npx tsx scripts/bench-node-memory.ts [--minutes 5] [--nodes 16] [--churn 2000] [--sample 30] [--base-port 28300]
// Run it in a private network namespace (/work/tools/nsrun). Prints a Markdown table (for docs/benchmarks.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { controlRequest, subscribe } from '../node-runtime/control/client.ts';
import { formatHelp, numberFlag, parseFlags, portFlag } from '../node-runtime/cli/flags.ts';
import type { FlagSpecs } from '../node-runtime/cli/flags.ts';
import { UserError } from '../node-runtime/user-error.ts';
import { NodeGroup } from '../node-runtime/node/testing/node-process.ts';
import type { NodeProcess } from '../node-runtime/node/testing/node-process.ts';
import { rssKiB, rssParts } from '../node-runtime/node/testing/rss.ts';
import { waitFor } from '../node-runtime/node/testing/wait-for.ts';
import { configForGroupSize, resolveConfig } from '../node-runtime/protocol/config.ts';
import { TIMING_FLAGS } from '../node-runtime/protocol/presets.ts';
import { createRng, randomIndex } from '../node-runtime/protocol/rng.ts';

const FLAGS: FlagSpecs = {
  minutes: { type: 'string', value: 'M', help: 'how long to run', default: '5' },
  nodes: { type: 'string', value: 'N', help: 'group size', default: '16' },
  churn: { type: 'string', value: 'MS', help: 'one kill (restarted at the next) every MS', default: '2000' },
  sample: { type: 'string', value: 'S', help: 'seconds between heap snapshots', default: '30' },
  'base-port': { type: 'string', value: 'PORT', help: 'first port', default: '28300' },
};

const PARTITION_EVERY_MS = 60_000;
const PARTITION_MS = 6000;

interface Gc { readonly used: number; readonly committed: number }
interface Sample { readonly minute: number; readonly rss: number; readonly anon: number; readonly file: number; readonly tracedRss: number; readonly gc: Gc | undefined; readonly heap: HeapSummary; readonly load: number }
interface HeapSummary { readonly total: number; readonly byKind: Map<string, { count: number; size: number }> }

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms)); // the schedule, not synchronisation

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), FLAGS);
  if (values.help) {
    process.stdout.write(`${formatHelp('npx tsx scripts/bench-node-memory.ts [flags]', 'Memory of one long-running node under churn: RSS and live heap over time.', FLAGS)}\n`);
    return;
  }
  const minutes = numberFlag(values, 'minutes', { min: 0.5, max: 240 }) ?? 5;
  const n = numberFlag(values, 'nodes', { min: 4, max: 100, integer: true }) ?? 16;
  const churnMs = numberFlag(values, 'churn', { min: 200, max: 60_000, integer: true }) ?? 2000;
  const sampleS = numberFlag(values, 'sample', { min: 5, max: 3600 }) ?? 30;
  const basePort = portFlag(values, 'base-port') ?? 28300;
  const config = resolveConfig(configForGroupSize(n));
  const timingArgs = (['gossipIntervalMs', 'failTimeoutMs', 'suspectTimeoutMs', 'cleanupTimeoutMs'] as const)
    .flatMap((k) => [`--${TIMING_FLAGS[k].flag}`, String(config[k])]);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-memory-'));
  const snapDir = path.join(root, 'snapshots');
  fs.mkdirSync(snapDir);
  const group = new NodeGroup(path.join(root, 'logs'), ['--drop', '0.1', ...timingArgs]);
  const rng = createRng(7);
  const subs: { close(): void }[] = [];
  let events = 0;
  try {
    const intro = group.start(basePort);
    await intro.id(60_000);
    const plain = group.start(basePort + 1, { join: basePort });
    const traced = group.start(basePort + 2, { join: basePort, execArgv: ['--trace-gc'] });
    const snapped = group.start(basePort + 3, { join: basePort, execArgv: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapDir}`] });
    const byPort = new Map<number, NodeProcess>([[basePort, intro], [plain.port, plain], [traced.port, traced], [snapped.port, snapped]]);
    for (let p = basePort + 4; p < basePort + n; p++) byPort.set(p, group.start(p, { join: basePort }));
    await Promise.all([...byPort.values()].map((node) => node.id(120_000)));
    subs.push(subscribe(plain.address, { onMessage: (m) => { if (m.type === 'event') events++; } }));
    console.error(`${n} nodes up; churn every ${churnMs} ms, a partition every ${PARTITION_EVERY_MS / 1000} s, ${minutes} min`);

    const startedAt = Date.now();
    const endAt = startedAt + minutes * 60_000;
    const samples: Sample[] = [];
    let nextSample = startedAt;
    let nextPartition = startedAt + PARTITION_EVERY_MS / 2;
    let healAt = Number.POSITIVE_INFINITY;
    let kills = 0;
    let down: number | undefined;
    const churnable = [...byPort.keys()].filter((p) => p > basePort + 3);
    while (Date.now() < endAt) {
      const now = Date.now();
      if (now >= nextSample) {
        nextSample += sampleS * 1000;
        const parts = rssParts(plain.proc.pid!);
        const rss = parts.total * 1024;
        const gc = lastGc(traced);
        const heap = await snapshot(snapped, snapDir);
        const sample: Sample = { minute: (now - startedAt) / 60_000, rss, anon: parts.anon * 1024, file: parts.file * 1024, tracedRss: rssKiB(traced.proc.pid!) * 1024, gc, heap, load: os.loadavg()[0]! };
        samples.push(sample);
        console.error(`${sample.minute.toFixed(1)} min: RSS ${mib(rss)} (anon ${mib(sample.anon)}, file ${mib(sample.file)}), traced: RSS ${mib(sample.tracedRss)} heap ${gc ? `${mib(gc.used)} of ${mib(gc.committed)}` : '–'}, live heap ${mib(heap.total)}, ${kills} kills, ${events} events, load ${sample.load.toFixed(1)}`);
      }
      if (now >= nextPartition) {
        nextPartition += PARTITION_EVERY_MS;
        healAt = now + PARTITION_MS;
        await partition(byPort, basePort + Math.floor(n / 2), true);
      } else if (now >= healAt) {
        healAt = Number.POSITIVE_INFINITY;
        await partition(byPort, basePort + Math.floor(n / 2), false);
      }
      // The one killed last round comes back as a new version; another goes.
      if (down !== undefined) byPort.set(down, group.start(down, { join: basePort }));
      down = churnable[randomIndex(rng, churnable.length)]!;
      byPort.get(down)!.signal('SIGKILL');
      kills++;
      await sleep(churnMs);
    }
    report(samples, { n, minutes, churnMs, kills, events });
  } finally {
    for (const s of subs) s.close();
    await group.killAll();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** V8's heap after the node's last GC, from its --trace-gc lines: `Scavenge 5.2 (8.1) -> 4.3 (8.6) MB` is used
 *  (committed) before -> after. Lines read are dropped, so the list stays short. */
function lastGc(node: NodeProcess): Gc | undefined {
  let gc: Gc | undefined;
  for (const line of node.stdout.splice(0)) {
    const m = /(?:Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Sweep)\b.*?[\d.]+ \([\d.]+\) -> ([\d.]+) \(([\d.]+)\) MB/.exec(line);
    if (m) gc = { used: Number(m[1]) * 2 ** 20, committed: Number(m[2]) * 2 ** 20 };
  }
  if (gc === undefined) return lastGcSeen.get(node);
  lastGcSeen.set(node, gc);
  return gc;
}
const lastGcSeen = new WeakMap<NodeProcess, Gc>();

/** Asks a node for a heap snapshot and summarises it (then deletes it: they are tens of MB). */
async function snapshot(node: NodeProcess, dir: string): Promise<HeapSummary> {
  const before = new Set(fs.readdirSync(dir));
  node.signal('SIGUSR2');
  // Written once complete: the file appears, then stops growing.
  const file = await waitFor(() => fs.readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot')), { timeoutMs: 60_000, intervalMs: 100, what: 'a heap snapshot' });
  const full = path.join(dir, file);
  let size = -1;
  await waitFor(() => {
    const now = fs.statSync(full).size;
    const done = now > 0 && now === size;
    size = now;
    return done && tryParse(full) !== undefined;
  }, { timeoutMs: 120_000, intervalMs: 500, what: 'the heap snapshot to be written' });
  const summary = summarise(tryParse(full)!);
  fs.rmSync(full);
  return summary;
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

function tryParse(file: string): HeapSnapshot | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as HeapSnapshot;
  } catch {
    return undefined;
  }
}

/** Self size by kind: objects by constructor name, everything else (strings, code, arrays, …) by node type. */
function summarise(snap: HeapSnapshot): HeapSummary {
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const byKind = new Map<string, { count: number; size: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const size = snap.nodes[i + sizeAt]!;
    const kind = type === 'object' || type === 'closure' ? `${type} ${snap.strings[snap.nodes[i + nameAt]!]}` : `(${type})`;
    const k = byKind.get(kind) ?? { count: 0, size: 0 };
    k.count++;
    k.size += size;
    byKind.set(kind, k);
    total += size;
  }
  return { total, byKind };
}

async function partition(byPort: Map<number, NodeProcess>, split: number, cut: boolean): Promise<void> {
  await Promise.all([...byPort.values()].map(async (node) => {
    const others = [...byPort.keys()].filter((p) => (p < split) !== (node.port < split)).map((p) => `127.0.0.1:${p}`);
    await controlRequest(node.address, cut ? 'partition' : 'heal', cut ? others : [], { timeoutMs: 3000 }).catch(() => undefined);
  }));
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function report(samples: readonly Sample[], r: { n: number; minutes: number; churnMs: number; kills: number; events: number }): void {
  console.log(`node memory under churn: ${r.n} nodes, ${r.minutes} min, a kill every ${r.churnMs} ms (${r.kills} kills), a 6-s partition every minute, 10 % drop; ${r.events} events streamed to a subscriber`);
  console.log('| minute | RSS (plain) | of it anon / file | RSS (traced) | V8 heap used / committed after the last GC (traced) | live heap (snapshotted) | load |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of samples) {
    console.log(`| ${s.minute.toFixed(1)} | ${mib(s.rss)} | ${mib(s.anon)} / ${mib(s.file)} | ${mib(s.tracedRss)} | ${s.gc ? `${mib(s.gc.used)} / ${mib(s.gc.committed)}` : '–'} | ${mib(s.heap.total)} | ${s.load.toFixed(1)} |`);
  }
  if (samples.length < 3) return;
  // From the second sample on (the first is start-up), growth per minute over the first and the second half: a
  // plateau shows as a second half near zero.
  const later = samples.slice(1);
  const mid = later[Math.floor(later.length / 2)]!;
  const [first, last] = [later[0]!, later.at(-1)!];
  const slope = (f: (s: Sample) => number): string => {
    const per = (a: Sample, b: Sample): string => `${((f(b) - f(a)) / 2 ** 20 / Math.max(b.minute - a.minute, 1e-9)).toFixed(2)}`;
    return `${per(first, mid)} → ${per(mid, last)} MiB/min`;
  };
  console.log(`growth, first half → second half: RSS ${slope((s) => s.rss)} (anon ${slope((s) => s.anon)}, file ${slope((s) => s.file)}); traced RSS ${slope((s) => s.tracedRss)}; ` +
    `V8 committed ${slope((s) => s.gc?.committed ?? Number.NaN)}; live heap ${slope((s) => s.heap.total)}`);
  const grew = [...last.heap.byKind].map(([kind, k]) => {
    const was = first.heap.byKind.get(kind) ?? { count: 0, size: 0 };
    return { kind, size: k.size - was.size, count: k.count - was.count };
  }).sort((a, b) => b.size - a.size).slice(0, 8);
  console.log(`live heap by kind, minute ${first.minute.toFixed(1)} → ${last.minute.toFixed(1)}, largest growth: ${grew.map((g) => `${g.kind} ${g.size >= 0 ? '+' : ''}${(g.size / 1024).toFixed(0)} KiB (${g.count >= 0 ? '+' : ''}${g.count})`).join('; ')}`);
}

main().catch((err: Error) => {
  console.error(err instanceof UserError ? err.message : err.stack);
  process.exit(err instanceof UserError ? err.exitCode : 1);
});
