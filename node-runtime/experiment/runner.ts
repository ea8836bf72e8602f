// Runs an experiment: tunes the configurations for the comparisons (in the simulator), expands the schedule into
// units, runs the simulator's units one by one beside the processes' units (`parallel` at a time), appends every row to
// the result files as it arrives, and writes the report at the end — also when cancelled (the AbortSignal) or
// stopped by an error, with what finished. The CLI and the app's host both call it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeDir } from '../log/make-dir.ts';
import { UserError } from '../user-error.ts';
import { percentile } from './stats.ts';
import { planSessions, planUnits } from './plan.ts';
import type { ExperimentSettings, Unit } from './plan.ts';
import { PORTS_PER_SLOT, scheduleFor } from './plan.ts';
import { runProcessSession } from './process-source.ts';
import type { ProtocolVariant } from './protocols.ts';
import { csvHeader, csvRow, SOURCES } from './results.ts';
import type { ResultRow } from './results.ts';
import { writeReport } from './report.ts';
import { findChromium } from './png.ts';
import { simulateSession, simulateUnit } from './sim-source.ts';
import { expectedDuration, unitEstimates } from './duration.ts';
import type { ExpectedDuration } from './duration.ts';
import { TUNINGS, tune } from './tuning.ts';
import type { Tuning, TuningMeasurement, TuningResult } from './tuning.ts';
import { machineDescription, serializeSettings, serializeTuning, sourceCommit } from './result-files.ts';
import type { ResultsFile } from './result-files.ts';

export interface ExperimentProgress {
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
  /** Estimated time left; null until the first unit has finished. */
  readonly etaMs: number | null;
  /** What runs now, e.g. `processes detection gossip+s x=3 run 2/5`. */
  readonly current: string;
}

export interface RunHooks {
  readonly signal: AbortSignal;
  readonly onProgress?: (p: ExperimentProgress) => void;
  readonly onRow?: (row: ResultRow, p: ExperimentProgress) => void;
  readonly onTuning?: (t: TuningResult) => void;
  /** Before anything runs: what the whole experiment should take on an idle machine (the comparisons counted at
   *  the default timings: the tuning is not known yet). */
  readonly onPlanned?: (expected: ExpectedDuration, units: number) => void;
  /** Render PNG copies of the plots where Chromium is found (default true). */
  readonly png?: boolean;
}

export interface ExperimentOutcome {
  readonly dir: string;
  readonly rows: readonly ResultRow[];
  readonly status: 'finished' | 'cancelled' | 'failed';
  /** Why it stopped early (a cancel or the first error). */
  readonly reason?: string;
  readonly files: readonly string[];
}

/** The detection bound and bandwidth the tuning aims at, measured in the simulator at the comparisons' group size. */
function simulatorMeasure(settings: ExperimentSettings, signal: AbortSignal): (v: ProtocolVariant) => Promise<TuningMeasurement> {
  const s = scheduleFor(settings);
  const base = { source: 'simulator' as const, tuning: 'default' as const, nodes: s.groupSize, dropRate: 0, settleS: s.settleS };
  // Both tunings start from the same defaults: each configuration is measured once.
  const measured = new Map<string, Promise<TuningMeasurement>>();
  return (variant) => {
    const key = JSON.stringify(variant);
    const m = measured.get(key) ?? measureOnce(variant);
    measured.set(key, m);
    return m;
  };
  async function measureOnce(variant: ProtocolVariant): Promise<TuningMeasurement> {
    const bw = await simulateUnit({ ...base, variant, experiment: 'bandwidth', x: s.groupSize, run: 0, seed: settings.seed, failures: 0, windowS: 60 }, signal);
    const first: number[] = [];
    for (let run = 0; run < TUNING_KILLS; run++) {
      const d = await simulateUnit({ ...base, variant, experiment: 'detection', x: 1, run, seed: settings.seed + run, failures: 1, windowS: 20 }, signal);
      first.push(...d.firstMs);
    }
    return { detectionMs: percentile(first, 99), bytesPerSec: bw.bytesPerSecPerNode ?? Number.NaN };
  }
}

/** Tries of a process point whose group does not form before the point is left out. */
const FORM_ATTEMPTS = 2;

/** Simulated groups larger than this run after every other simulated unit. */
const LARGE_GROUP = 200;

/** Crashes simulated per measurement of a detection bound. */
const TUNING_KILLS = 30;

function describe(unit: Unit, runs: number): string {
  const tuned = unit.tuning === 'default' ? '' : ` (${unit.tuning})`;
  return `${unit.source} ${unit.experiment} ${unit.variant.name}${tuned} x=${unit.x} run ${unit.run + 1}/${runs}`;
}

/** A fresh output folder: an unwritable one, or one that already holds results, is a UserError before anything runs. */
export function prepareOutDir(outDir: string): void {
  if (fs.existsSync(path.join(outDir, 'results.json'))) {
    throw new UserError('file', `${outDir} already holds experiment results (choose another --out)`);
  }
  makeDir(outDir);
  try {
    fs.accessSync(outDir, fs.constants.W_OK);
  } catch {
    throw new UserError('file', `cannot write to ${outDir}: permission denied`);
  }
}

export async function runExperiment(settings: ExperimentSettings, outDir: string, hooks: RunHooks): Promise<ExperimentOutcome> {
  prepareOutDir(outDir);
  const startedAt = new Date();
  const started = performance.now();
  const rows: ResultRow[] = [];
  const tunings: TuningResult[] = [];
  const skipped: string[] = [];
  let status: ExperimentOutcome['status'] = 'finished';
  let reason: string | undefined;
  let units: Unit[] = [];
  const jsonFile = path.join(outDir, 'results.json');
  const csvFile = path.join(outDir, 'results.csv');
  const load = [os.loadavg()[0]!];
  const commit = sourceCommit();
  const save = (finishedAt: Date | null): void => {
    if (finishedAt) load[1] = os.loadavg()[0]!;
    const file: ResultsFile = {
      version: 1, startedAt: startedAt.toISOString(), finishedAt: finishedAt?.toISOString() ?? null,
      status: finishedAt ? status : 'running', ...(reason !== undefined && { reason }),
      settings: serializeSettings(settings), schedule: { ...scheduleFor(settings) }, machine: machineDescription(load),
      ...(commit !== undefined && { commit }),
      units: units.length, tunings: tunings.map(serializeTuning), skipped, rows,
    };
    fs.writeFileSync(`${jsonFile}.tmp`, `${JSON.stringify(file, null, 1)}\n`);
    fs.renameSync(`${jsonFile}.tmp`, jsonFile);
  };
  fs.writeFileSync(csvFile, `${csvHeader()}\n`);
  save(null);

  // Per source (they run side by side): estimated seconds done and in all; the ETA is the later source's.
  const estDone = { simulator: 0, processes: 0 };
  const estTotal = { simulator: 0, processes: 0 };
  let done = 0;
  let unitsStarted = 0;
  const progress = (current: string): ExperimentProgress => {
    const elapsedMs = performance.now() - unitsStarted;
    let etaMs: number | null = 0;
    for (const src of SOURCES) {
      if (estTotal[src] === estDone[src]) continue;
      etaMs = estDone[src] > 0 && etaMs !== null ? Math.max(etaMs, (estTotal[src] - estDone[src]) * (elapsedMs / estDone[src])) : null;
    }
    return { done, total: units.length, elapsedMs: performance.now() - started, etaMs, current };
  };

  try {
    const untuned = planUnits(settings, new Map(settings.compare ? TUNINGS.map((t) => [t, settings.protocols]) : []));
    const png = (hooks.png ?? true) && findChromium() !== undefined;
    hooks.onPlanned?.(expectedDuration(settings, untuned, os.availableParallelism(), png), untuned.length);
    const tuned = new Map<Tuning, readonly ProtocolVariant[]>();
    if (settings.compare) {
      hooks.onProgress?.({ done: 0, total: 0, elapsedMs: 0, etaMs: null, current: 'tuning the configurations (simulator)' });
      const measure = simulatorMeasure(settings, hooks.signal);
      for (const t of TUNINGS) {
        const result = await tune(t, settings.protocols, measure);
        tunings.push(result);
        tuned.set(t, result.variants.map((x) => x.variant));
        hooks.onTuning?.(result);
      }
    }
    units = planUnits(settings, tuned);
    const groupSize = scheduleFor(settings).groupSize;
    const estimates = new Map([...unitEstimates(units, groupSize)].map(([u, e]) => [u, u.source === 'processes' ? e.seconds / settings.parallel : e.seconds]));
    for (const [u, e] of estimates) estTotal[u.source] += e;

    unitsStarted = performance.now();
    save(null);
    const finish = (unit: Unit, row: ResultRow): void => {
      rows.push(row);
      done++;
      estDone[unit.source] += estimates.get(unit)!;
      fs.appendFileSync(csvFile, `${csvRow(row)}\n`);
      save(null);
      hooks.onRow?.(row, progress(describe(unit, settings.runs)));
    };

    // The simulator's units run beside the processes' (sliced, they leave the event loop free between slices): the
    // processes' measurements come from the nodes' own clocks and counters, not from this loop's timing.
    // A failing task stops the others (they see the abort), and the first error is the one reported.
    const stop = new AbortController();
    const onAbort = (): void => stop.abort(hooks.signal.reason);
    hooks.signal.addEventListener('abort', onAbort, { once: true });
    const logRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-experiment-'));
    const guard = (task: Promise<void>): Promise<void> => task.catch((err: unknown) => {
      if (!stop.signal.aborted) stop.abort(err);
      throw err;
    });
    // Simulated groups above LARGE_GROUP take minutes each (the cost grows with N²): they run last, so a cancel or a
    // slow machine still has every other point.
    const simSessions = planSessions(units.filter((u) => u.source === 'simulator'), groupSize);
    const simQueue = simSessions.filter((x) => x[0]!.nodes <= LARGE_GROUP).concat(simSessions.filter((x) => x[0]!.nodes > LARGE_GROUP));
    const simTask = async (): Promise<void> => {
      for (const session of simQueue) {
        stop.signal.throwIfAborted();
        let left = session;
        hooks.onProgress?.(progress(describe(session[0]!, settings.runs)));
        try {
          await simulateSession(session, stop.signal, (unit, row) => {
            finish(unit, row);
            left = left.slice(1);
          });
        } catch (err) {
          if (!(err instanceof UserError && err.code === 'unreachable') || stop.signal.aborted) throw err;
          // Deterministic: trying again would do the same.
          for (const unit of left) skipped.push(`${describe(unit, settings.runs)}: ${err.message}`);
          done += left.length;
        }
      }
    };
    const queue = planSessions(units.filter((u) => u.source === 'processes'), groupSize);
    let next = 0;
    const worker = async (slot: number): Promise<void> => {
      while (next < queue.length) {
        stop.signal.throwIfAborted();
        let left = queue[next++]!;
        const where = { basePort: settings.basePort + slot * PORTS_PER_SLOT, logDir: path.join(logRoot, `slot-${slot}`) };
        // A group that does not form in time (a starved machine) is tried again on a fresh cluster, then that point
        // is left out and reported, and the session goes on with its next point; anything else (a busy port, a
        // cancel) stops the experiment.
        let attempt = 1;
        while (left.length > 0) {
          hooks.onProgress?.(progress(describe(left[0]!, settings.runs)));
          try {
            await runProcessSession(left, where, stop.signal, (unit, row) => {
              finish(unit, row);
              left = left.slice(1);
              attempt = 1;
            });
          } catch (err) {
            if (!(err instanceof UserError && err.code === 'unreachable') || stop.signal.aborted) throw err;
            if (attempt < FORM_ATTEMPTS) {
              attempt++;
            } else {
              skipped.push(`${describe(left[0]!, settings.runs)}: ${err.message}`);
              done++;
              left = left.slice(1);
              attempt = 1;
            }
          }
        }
      }
    };
    try {
      const results = await Promise.allSettled([
        guard(simTask()),
        ...Array.from({ length: Math.min(settings.parallel, queue.length) }, (_, i) => guard(worker(i))),
      ]);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw stop.signal.reason ?? failed.reason;
    } finally {
      hooks.signal.removeEventListener('abort', onAbort);
      fs.rmSync(logRoot, { recursive: true, force: true });
    }
  } catch (err) {
    if (hooks.signal.aborted) {
      status = 'cancelled';
      reason = 'cancelled';
    } else {
      status = 'failed';
      reason = err instanceof Error ? err.message : String(err);
    }
  }
  save(new Date());
  const files = await writeReport(outDir, { png: hooks.png ?? true });
  return { dir: outDir, rows, status, ...(reason !== undefined && { reason }), files };
}
