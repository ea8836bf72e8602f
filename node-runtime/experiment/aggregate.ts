// From rows to what is plotted and tabled: per configuration, source and x, the mean and standard deviation over
// runs (and the p99 over every sample, for detection); the points both sources cover, with their difference; the
// comparisons of tuned configurations. The report and the app's plots (through the host) use the same figures.
import { mean, percentile, relativeDifference, stddev } from './stats.ts';
import { fpRate } from './results.ts';
import type { ExperimentName, ResultRow, SourceName } from './results.ts';

export interface PlotPoint {
  readonly x: number;
  readonly mean: number;
  readonly stddev: number;
  /** p99 over every sample of every run (detection only). */
  readonly p99?: number;
  readonly runs: number;
  /** False positives: the smallest rate the runs can show — one false failure, which all N − 1 peers log, over all
   *  their node-hours; below it a mean of 0 means little. */
  readonly resolution?: number;
}

export interface PlotSeries {
  readonly protocol: string;
  readonly source: SourceName;
  /** The configuration's colour, the same in the report's SVG and the app's plots. */
  readonly color: string;
  readonly points: readonly PlotPoint[];
}

export type PlotId = 'bandwidth' | 'false-positives' | 'detection-first' | 'detection-all';

export interface Plot {
  readonly id: PlotId;
  readonly experiment: ExperimentName;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logX: boolean;
  readonly series: readonly PlotSeries[];
}

interface PlotSpec {
  readonly id: PlotId;
  readonly experiment: ExperimentName;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** The run's value (null: not measured), and its samples for the p99. */
  readonly value: (r: ResultRow) => number | null;
  readonly samples?: (r: ResultRow) => readonly number[];
  readonly resolution?: (rows: readonly ResultRow[]) => number;
}

const PLOTS: readonly PlotSpec[] = [
  { id: 'bandwidth', experiment: 'bandwidth', title: 'Bandwidth per node, no failures', xLabel: 'group size N',
    yLabel: 'bytes/s sent per node (UDP payload)', value: (r) => r.bytesPerSecPerNode },
  { id: 'false-positives', experiment: 'false-positives', title: 'False positives vs message drop rate',
    xLabel: 'drop rate (%)', yLabel: 'false failures per node-hour', value: fpRate,
    resolution: (rows) => (rows[0]!.nodes - 1) / rows.reduce((sum, r) => sum + (r.nodeHours ?? 0), 0) },
  { id: 'detection-first', experiment: 'detection', title: 'Detection time, first member',
    xLabel: 'simultaneous failures', yLabel: 'seconds after the crash',
    value: (r) => (r.firstMs.length ? mean(r.firstMs) / 1000 : null), samples: (r) => r.firstMs.map((x) => x / 1000) },
  { id: 'detection-all', experiment: 'detection', title: 'Detection time, all members',
    xLabel: 'simultaneous failures', yLabel: 'seconds after the crash',
    value: (r) => (r.allMs.length ? mean(r.allMs) / 1000 : null), samples: (r) => r.allMs.map((x) => x / 1000) },
];

const COLORS: Readonly<Record<string, string>> = { gossip: '#1f77b4', 'gossip+s': '#ff7f0e', ping: '#2ca02c', 'ping+s': '#d62728' };

function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function point(spec: PlotSpec, x: number, rows: readonly ResultRow[]): PlotPoint {
  const values = rows.map(spec.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const samples = spec.samples ? rows.flatMap(spec.samples) : undefined;
  return {
    x, mean: mean(values), stddev: stddev(values), runs: values.length,
    ...(samples && { p99: percentile(samples, 99) }),
    ...(spec.resolution && { resolution: spec.resolution(rows) }),
  };
}

/** The plots of the default configurations, in a stable order (protocols as they first appear, processes first). */
export function buildPlots(rows: readonly ResultRow[]): Plot[] {
  const plain = rows.filter((r) => r.tuning === 'default');
  return PLOTS.flatMap((spec) => {
    const mine = plain.filter((r) => r.experiment === spec.experiment);
    if (mine.length === 0) return [];
    const series = [...groupBy(mine, (r) => `${r.protocol}\u0000${r.source}`).values()].map((list) => ({
      protocol: list[0]!.protocol,
      source: list[0]!.source,
      color: COLORS[list[0]!.protocol] ?? '#555',
      points: [...groupBy(list, (r) => r.x)].sort(([a], [b]) => a - b).map(([x, rs]) => point(spec, x, rs)),
    }));
    const xs = mine.map((r) => r.x).filter((x) => x > 0);
    const logX = spec.experiment === 'bandwidth' && xs.length > 0 && Math.max(...xs) / Math.min(...xs) >= 50;
    // The group size is the schedule's (10 in quick and full): named in the title where it is fixed.
    const title = spec.experiment === 'bandwidth' ? spec.title : `${spec.title} (N = ${mine[0]!.nodes})`;
    return [{ id: spec.id, experiment: spec.experiment, title, xLabel: spec.xLabel, yLabel: spec.yLabel, logX, series }];
  });
}

export interface Agreement {
  readonly plot: PlotId;
  readonly protocol: string;
  readonly x: number;
  readonly processes: number;
  readonly simulator: number;
  /** (simulator − processes) / processes. NaN when processes is 0. */
  readonly difference: number;
  /** Two standard errors of the difference of the two means (sd / √runs each, at least a false-positive point's
   *  resolution): a difference below it is one the runs cannot tell from chance. */
  readonly noise: number;
}

/** Every point both sources measured, with the simulator's relative difference from the processes. */
export function agreements(plots: readonly Plot[]): Agreement[] {
  const out: Agreement[] = [];
  for (const plot of plots) {
    for (const proc of plot.series.filter((s) => s.source === 'processes')) {
      const sim = plot.series.find((s) => s.source === 'simulator' && s.protocol === proc.protocol);
      for (const p of proc.points) {
        const q = sim?.points.find((x) => x.x === p.x);
        if (!q) continue;
        const se = (m: PlotPoint): number => Math.max(m.stddev / Math.sqrt(m.runs), m.resolution ?? 0);
        const noise = 2 * Math.hypot(se(p), se(q));
        out.push({ plot: plot.id, protocol: proc.protocol, x: p.x, processes: p.mean, simulator: q.mean, difference: relativeDifference(p.mean, q.mean), noise });
      }
    }
  }
  return out;
}

export interface ComparisonRow {
  readonly tuning: string;
  readonly protocol: string;
  readonly source: SourceName;
  readonly bandwidth: number;
  readonly firstMean: number;
  readonly firstP99: number;
  readonly allMean: number;
  readonly allP99: number;
  readonly fpPerNodeHour: number;
  readonly fpDrop: number;
}

/** The comparisons: every tuned configuration's bandwidth, detection and false positives, per source. */
export function comparisons(rows: readonly ResultRow[]): ComparisonRow[] {
  const tuned = rows.filter((r) => r.tuning !== 'default');
  return [...groupBy(tuned, (r) => `${r.tuning}\u0000${r.protocol}\u0000${r.source}`).values()].map((list) => {
    const of = (e: ExperimentName): ResultRow[] => list.filter((r) => r.experiment === e);
    const det = of('detection');
    const fp = of('false-positives');
    const first = det.flatMap((r) => r.firstMs);
    const all = det.flatMap((r) => r.allMs);
    return {
      tuning: list[0]!.tuning, protocol: list[0]!.protocol, source: list[0]!.source,
      bandwidth: mean(of('bandwidth').map((r) => r.bytesPerSecPerNode ?? Number.NaN)),
      firstMean: mean(first) / 1000, firstP99: percentile(first, 99) / 1000,
      allMean: mean(all) / 1000, allP99: percentile(all, 99) / 1000,
      fpPerNodeHour: mean(fp.map((r) => fpRate(r) ?? Number.NaN)), fpDrop: (fp[0]?.dropRate ?? Number.NaN) * 100,
    };
  });
}
