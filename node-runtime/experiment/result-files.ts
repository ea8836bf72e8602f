// results.json: the settings, schedule, machine, tuning and every row of one experiment. Written by the runner,
// read back by the report writer and the app (past results under logs/experiments/), so reading checks the schema:
// a malformed or foreign file is a UserError, never a crash.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { UserError } from '../user-error.ts';
import { SCHEDULE_NAMES } from './plan.ts';
import type { ExperimentSettings } from './plan.ts';
import { EXPERIMENTS, ResultRowSchema, SOURCES } from './results.ts';
import { PROTOCOL_NAMES } from './protocols.ts';
import type { ProtocolVariant } from './protocols.ts';
import type { TuningResult } from './tuning.ts';

const finite = v.pipe(v.number(), v.finite());
const text = v.pipe(v.string(), v.maxLength(1000));
const timings = v.record(v.pipe(v.string(), v.maxLength(64)), finite);
const VariantSchema = v.object({
  name: v.picklist(PROTOCOL_NAMES), family: v.picklist(['gossip', 'ping']), suspicion: v.boolean(), timings,
});

const SettingsSchema = v.object({
  experiments: v.array(v.picklist(EXPERIMENTS)),
  compare: v.boolean(),
  protocols: v.array(VariantSchema),
  runs: v.pipe(v.number(), v.integer(), v.minValue(1)),
  sources: v.array(v.picklist(SOURCES)),
  schedule: v.picklist(SCHEDULE_NAMES),
  maxNodes: v.pipe(v.number(), v.integer(), v.minValue(1)),
  seed: v.pipe(v.number(), v.integer(), v.minValue(0)),
  parallel: v.pipe(v.number(), v.integer(), v.minValue(1)),
  basePort: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)),
});

// NaN (nothing detected in the window) is written as null.
const MeasurementSchema = v.object({ detectionMs: v.nullable(v.number()), bytesPerSec: v.nullable(v.number()) });
const TuningSchema = v.object({
  tuning: v.picklist(['equal-detection', 'equal-bandwidth']),
  target: v.number(),
  variants: v.array(v.object({
    tuning: v.picklist(['equal-detection', 'equal-bandwidth']), variant: VariantSchema, factor: finite,
    before: MeasurementSchema, after: MeasurementSchema,
  })),
});

const perSource = <T extends v.GenericSchema>(item: T) => v.object({ processes: item, simulator: item });
const numbers = v.pipe(v.array(finite), v.readonly());
const ScheduleSchema = v.object({
  sizes: perSource(numbers), drops: perSource(numbers), failures: perSource(numbers),
  groupSize: finite, settleS: finite, bandwidthWindowS: finite, fpWindowS: perSource(finite),
  compareFailures: finite, compareDrop: finite, compareOn: v.pipe(v.array(v.picklist(SOURCES)), v.readonly()),
});

export const ResultsFileSchema = v.object({
  version: v.literal(1),
  startedAt: text,
  finishedAt: v.nullable(text),
  status: v.picklist(['running', 'finished', 'cancelled', 'failed']),
  reason: v.optional(text),
  settings: SettingsSchema,
  schedule: ScheduleSchema,
  /** `load`: the 1-minute load average at the start and (once finished) at the end: a busy machine delays real timers. */
  machine: v.object({ cpus: text, cores: v.number(), memoryGiB: v.number(), os: text, node: text, host: text, load: v.array(v.number()) }),
  /** The commit the experiment ran from (`+dirty` when node-runtime had uncommitted changes); absent: unknown. */
  commit: v.optional(text),
  units: v.pipe(v.number(), v.integer(), v.minValue(0)),
  tunings: v.array(TuningSchema),
  /** Units left out because their group did not form (twice), with why. */
  skipped: v.optional(v.array(text), []),
  rows: v.array(ResultRowSchema),
});
export type ResultsFile = v.InferOutput<typeof ResultsFileSchema>;

type VariantJson = ResultsFile['settings']['protocols'][number];

function variantJson(p: ProtocolVariant): VariantJson {
  return { ...p, timings: { ...p.timings } as Record<string, number> };
}

export function serializeSettings(s: ExperimentSettings): ResultsFile['settings'] {
  return { ...s, experiments: [...s.experiments], sources: [...s.sources], protocols: s.protocols.map(variantJson) };
}

export function serializeTuning(t: TuningResult): ResultsFile['tunings'][number] {
  return { ...t, variants: t.variants.map((v) => ({ ...v, variant: variantJson(v.variant) })) };
}

export function machineDescription(load: number[]): ResultsFile['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length, memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`, node: process.version, host: os.hostname(), load,
  };
}

/** The git commit of this checkout, `+dirty` when node-runtime/ differs from it; undefined outside a git checkout. */
export function sourceCommit(): string | undefined {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const git = (...args: string[]): string | undefined => {
    const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const head = git('rev-parse', 'HEAD');
  if (head === undefined) return undefined;
  return git('status', '--porcelain', '--', 'node-runtime') === '' ? head : `${head}+dirty`;
}

/** Reads and checks `<dir>/results.json`; a missing or malformed file is a UserError naming it. */
export function readResults(dir: string): ResultsFile {
  const file = path.join(dir, 'results.json');
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError('file', code === 'ENOENT' ? `${file}: no such file` : `${file}: not JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = v.safeParse(ResultsFileSchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new UserError('file', `${file}: not an experiment result (${v.getDotPath(issue) ?? 'root'}: ${issue.message})`);
  }
  return parsed.output;
}

/** Experiment folders under `root` (logs/experiments), newest first: those holding a results.json. */
export function listResults(root: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  return names.filter((n) => fs.existsSync(path.join(root, n, 'results.json'))).sort().reverse();
}

/** One line naming what an experiment measured: for lists and headings. */
export function settingsSummary(s: ResultsFile['settings']): string {
  const what = [...s.experiments, ...(s.compare ? ['compare'] : [])].join(', ');
  return `${what} · ${s.protocols.map((p) => p.name).join(', ')} · ${s.sources.join(' + ')} · ${s.schedule}, ${s.runs} run${s.runs === 1 ? '' : 's'}`;
}
