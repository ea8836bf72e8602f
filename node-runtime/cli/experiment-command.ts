// `hearsay experiment`: the membership report's figures from one command (issue 11). Parses the settings, shows
// progress (runs done, ETA) on stderr, cancels on Ctrl-C keeping what finished, and prints where the results are.
import os from 'node:os';
import path from 'node:path';
import { prepareOutDir, runExperiment } from '../experiment/runner.ts';
import type { ExperimentProgress } from '../experiment/runner.ts';
import { settingsFromOptions } from '../experiment/settings.ts';
import type { TuningResult } from '../experiment/tuning.ts';
import type { ExpectedDuration } from '../experiment/duration.ts';
import { formatHelp, numberFlag, parseFlags, portFlag, stringFlag } from './flags.ts';
import type { FlagSpecs } from './flags.ts';
import { UserError } from '../user-error.ts';
import type { CliCommand } from './commands.ts';

const FLAGS: FlagSpecs = {
  protocols: { type: 'string', value: 'LIST', help: 'configurations: gossip, gossip+s, ping, ping+s (+s: suspicion)', default: 'all this build has' },
  runs: { type: 'string', value: 'N', help: 'runs per point (error bars: mean ± sd over them)', default: '5' },
  source: { type: 'string', value: 'WHERE', help: 'processes (real nodes on loopback), simulator, or both', default: 'both' },
  out: { type: 'string', value: 'DIR', help: 'write results, plots and report.md here', default: 'logs/experiments/<time>' },
  full: { type: 'boolean', help: 'the report-sized schedule (every point, longer windows; ~30 min without the 1,000-node simulations)' },
  tiny: { type: 'boolean', help: 'one point per experiment in small groups (seconds): a first look, and the tests' },
  'max-nodes': { type: 'string', value: 'N', help: 'leave out group sizes above N (a simulated 1,000 takes minutes per run)' },
  parallel: { type: 'string', value: 'K', help: 'process clusters measured at once, each on its own ports', default: '2 × cores' },
  'base-port': { type: 'string', value: 'PORT', help: 'first port for process clusters (32 per cluster)', default: '31000' },
  seed: { type: 'string', value: 'N', help: 'seed of the simulator and of the choice of victims', default: '1' },
};

const USAGE = 'hearsay experiment [bandwidth|false-positives|detection|compare|all] [flags]';
const DESCRIPTION = `Measures the membership protocols the way the course's report asks, on real processes and in the
simulator with the same schedule: bandwidth per node vs group size (no failures), false positives per node-hour vs
drop rate, detection time (first and all members, mean and p99) vs simultaneous failures of 10, and (compare) the
configurations tuned to an equal detection bound and to equal bandwidth. Writes results.json, results.csv, SVG (and
PNG) plots and report.md. Ctrl-C cancels and keeps what finished. Default: all, quick schedule.`;

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function progressLine(p: ExperimentProgress): string {
  const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
  const eta = p.etaMs === null ? 'ETA –' : `ETA ${duration(p.etaMs)}`;
  return `[${String(p.done).padStart(String(p.total).length)}/${p.total}] ${String(pct).padStart(3)} %  ${duration(p.elapsedMs)} elapsed, ${eta}  ${p.current}`;
}

function printExpected(e: ExpectedDuration, units: number, parallel: number): void {
  const [load] = os.loadavg();
  const parts = [
    ...(e.tuningS >= 0.5 ? [`tuning ${duration(e.tuningS * 1000)} first`] : []),
    ...(e.processesS > 0 ? [`processes ${duration(e.processesS * 1000)} at ${parallel} clusters at once`] : []),
    `simulator ${duration(e.simulatorS * 1000)}${e.processesS > 0 ? ' beside them' : ''}`,
    ...(e.reportS > 0 ? [`PNG plots ${duration(e.reportS * 1000)}`] : []),
  ];
  process.stderr.write(`${units} runs; expected ~${duration(e.totalS * 1000)} on an idle ${os.availableParallelism()}-core machine ` +
    `(${parts.join(', ')}); load average now ${load!.toFixed(1)}\n`);
}

function printTuning(t: TuningResult): void {
  const unit = t.tuning === 'equal-detection' ? 'ms detection bound (first, p99)' : 'B/s per node';
  process.stderr.write(`tuning ${t.tuning}: target ${Math.round(t.target)} ${unit}\n`);
  for (const v of t.variants) {
    const timings = Object.entries(v.variant.timings).map(([k, x]) => `${k}=${String(x)}`).join(' ');
    process.stderr.write(`  ${v.variant.name.padEnd(9)} × ${v.factor.toFixed(2)}  ${timings}  ` +
      `(bound ${Math.round(v.before.detectionMs)} → ${Math.round(v.after.detectionMs)} ms, ` +
      `${Math.round(v.before.bytesPerSec)} → ${Math.round(v.after.bytesPerSec)} B/s)\n`);
  }
}

export const experimentCommand: CliCommand = {
  summary: 'measure bandwidth, false positives and detection time (report, plots, CSV)',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, FLAGS, { positionals: true });
    if (values.help) {
      process.stdout.write(`${formatHelp(USAGE, DESCRIPTION, FLAGS)}\n`);
      return 0;
    }
    if (values.full === true && values.tiny === true) throw new UserError('usage', '--full and --tiny exclude each other');
    if (positionals.length > 1) throw new UserError('usage', `one experiment at a time (got ${positionals.join(' ')}; see --help)`);
    const settings = settingsFromOptions({
      experiment: positionals[0] ?? 'all',
      protocols: stringFlag(values, 'protocols'),
      runs: numberFlag(values, 'runs', { min: 1, max: 1000, integer: true }),
      source: stringFlag(values, 'source'),
      schedule: values.full === true ? 'full' : values.tiny === true ? 'tiny' : 'quick',
      maxNodes: numberFlag(values, 'max-nodes', { min: 2, max: 100_000, integer: true }),
      parallel: numberFlag(values, 'parallel', { min: 1, max: 16, integer: true }),
      basePort: portFlag(values, 'base-port'),
      seed: numberFlag(values, 'seed', { min: 0, max: 2 ** 31 - 1, integer: true }),
    });
    const out = stringFlag(values, 'out') ?? path.join('logs', 'experiments', timestamp());

    const tty = process.stderr.isTTY;
    let lastPrint = 0;
    const show = (p: ExperimentProgress, force = false): void => {
      const now = Date.now();
      if (!force && now - lastPrint < (tty ? 200 : 5000)) return;
      lastPrint = now;
      process.stderr.write(tty ? `\r\x1b[2K${progressLine(p).slice(0, process.stderr.columns - 1)}` : `${progressLine(p)}\n`);
    };
    const controller = new AbortController();
    const cancel = (): void => {
      if (controller.signal.aborted) return;
      process.stderr.write(`${tty ? '\n' : ''}cancelling: stopping the running clusters, keeping what finished…\n`);
      controller.abort();
    };
    process.once('SIGINT', cancel);
    process.once('SIGTERM', cancel);
    prepareOutDir(out);
    process.stderr.write(`hearsay experiment: writing to ${out}\n`);
    // bin/hearsay.mjs runs the sources through tsx when the bundle is older than them, and so does every node started.
    if (import.meta.url.endsWith('.ts')) process.stderr.write('note: running from the TypeScript sources (bin/hearsay.mjs does while dist/cli is older than them): every node starts through tsx, ~3× the CPU; npm run build:cli first for timings\n');
    const started = Date.now();
    let expected: ExpectedDuration | undefined;
    const outcome = await runExperiment(settings, out, {
      signal: controller.signal,
      onPlanned: (e, units) => {
        expected = e;
        printExpected(e, units, settings.parallel);
      },
      onProgress: (p) => show(p),
      onRow: (_row, p) => show(p, p.done === p.total),
      onTuning: (t) => {
        if (tty) process.stderr.write('\r\x1b[2K');
        printTuning(t);
      },
    });
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    if (tty) process.stderr.write('\n');
    const took = `${duration(Date.now() - started)}${expected ? ` (expected ~${duration(expected.totalS * 1000)})` : ''}, load average now ${os.loadavg()[0]!.toFixed(1)}`;
    const where = `${outcome.rows.length} runs in ${took}; results, plots and report in ${path.join(outcome.dir, 'report.md')}`;
    if (outcome.status === 'finished') {
      process.stdout.write(`${where}\n`);
      return 0;
    }
    if (outcome.status === 'cancelled') {
      process.stdout.write(`cancelled after ${where}\n`);
      return 130;
    }
    throw new UserError('state', `experiment stopped: ${outcome.reason ?? 'unknown error'} (${where})`, 1);
  },
};
