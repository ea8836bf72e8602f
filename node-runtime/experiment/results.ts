// The raw results of an experiment: one row per run of one point (a configuration, a source, an x value), kept as
// results.json (with the settings) and results.csv. Rows are appended as runs finish, so a cancelled or crashed
// experiment keeps what it measured. Files read back (the app opens past results) are checked with this schema.
import * as v from 'valibot';

export const EXPERIMENTS = ['bandwidth', 'false-positives', 'detection'] as const;
export type ExperimentName = (typeof EXPERIMENTS)[number];
export const SOURCES = ['processes', 'simulator'] as const;
export type SourceName = (typeof SOURCES)[number];

const finite = v.pipe(v.number(), v.finite());
const nonNegative = v.pipe(finite, v.minValue(0));
const nullableMs = v.nullable(nonNegative);
const name = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

export const ResultRowSchema = v.strictObject({
  experiment: v.picklist(EXPERIMENTS),
  source: v.picklist(SOURCES),
  protocol: name,
  /** `default`, or the comparison the configuration was tuned for. */
  tuning: v.picklist(['default', 'equal-detection', 'equal-bandwidth']),
  /** The plotted variable: N (bandwidth), drop % (false positives), simultaneous failures (detection). */
  x: nonNegative,
  run: v.pipe(v.number(), v.integer(), v.minValue(0)),
  seed: v.pipe(v.number(), v.integer(), v.minValue(0)),
  nodes: v.pipe(v.number(), v.integer(), v.minValue(1)),
  dropRate: v.pipe(finite, v.minValue(0), v.maxValue(1)),
  /** Observation time (s; virtual for the simulator). */
  seconds: nonNegative,
  bytesPerSecPerNode: nullableMs,
  /** Every `fail` logged while nothing had failed (false positives), and the node-hours observed. */
  falseFails: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
  nodeHours: nullableMs,
  /** Per victim: when its first observer failed it, and when its last one did (ms after the kill). */
  firstMs: v.array(nonNegative),
  allMs: v.array(nonNegative),
  /** Victims some survivor never failed within the detection window. */
  missed: v.pipe(v.number(), v.integer(), v.minValue(0)),
  wallSeconds: nonNegative,
});
export type ResultRow = v.InferOutput<typeof ResultRowSchema>;

/** False positives per node-hour of a row (null where it does not measure them). */
export function fpRate(row: ResultRow): number | null {
  return row.falseFails === null || !row.nodeHours ? null : row.falseFails / row.nodeHours;
}

const CSV_COLUMNS = [
  'experiment', 'source', 'protocol', 'tuning', 'x', 'run', 'seed', 'nodes', 'dropRate', 'seconds',
  'bytesPerSecPerNode', 'falseFails', 'nodeHours', 'fpPerNodeHour', 'firstMs', 'allMs', 'missed', 'wallSeconds',
] as const;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((x) => String(Math.round(Number(x)))).join(' ');
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
  return String(value);
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',');
}

export function csvRow(row: ResultRow): string {
  const values: Record<string, unknown> = { ...row, fpPerNodeHour: fpRate(row) };
  return CSV_COLUMNS.map((c) => cell(values[c])).join(',');
}
