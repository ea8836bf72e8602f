// Checks what the host says about experiments (electron/host/experiment-api.ts) before the Experiments tab draws it:
// every plot, series and point, with bounded sizes. A malformed message is dropped and counted like any other.
import * as v from 'valibot';
import type { ExperimentListing, ExperimentResponses, ExperimentState } from '../../electron/host/experiment-api.ts';

const text = v.pipe(v.string(), v.maxLength(4096));
const short = v.pipe(v.string(), v.maxLength(200));
/** A missing value (NaN; null through JSON), drawn as a gap. */
const value = v.nullable(v.union([v.number(), v.nan()]));
const status = v.picklist(['running', 'finished', 'cancelled', 'failed']);

const point = v.pipe(
  v.object({ x: v.number(), mean: value, stddev: value, p99: v.optional(value), runs: v.number() }),
  v.transform((p) => ({
    x: p.x, mean: p.mean ?? Number.NaN, stddev: p.stddev ?? Number.NaN, runs: p.runs,
    ...(p.p99 !== undefined && { p99: p.p99 ?? Number.NaN }),
  })),
);

const plot = v.object({
  id: v.picklist(['bandwidth', 'false-positives', 'detection-first', 'detection-all']),
  experiment: v.picklist(['bandwidth', 'false-positives', 'detection']),
  title: short,
  xLabel: short,
  yLabel: short,
  logX: v.boolean(),
  series: v.pipe(v.array(v.object({
    protocol: short,
    source: v.picklist(['processes', 'simulator']),
    color: v.pipe(v.string(), v.regex(/^#[0-9a-f]{3,8}$/i)),
    points: v.pipe(v.array(point), v.maxLength(1000)),
  })), v.maxLength(32)),
});

export const experimentStateSchema: v.GenericSchema<unknown, ExperimentState> = v.object({
  name: short,
  status,
  reason: v.optional(text),
  summary: text,
  done: v.number(),
  total: v.number(),
  elapsedMs: v.number(),
  etaMs: v.nullable(v.number()),
  current: text,
  plots: v.pipe(v.array(plot), v.maxLength(16)),
});

const listing: v.GenericSchema<unknown, ExperimentListing> = v.object({ name: short, status, summary: text, rows: v.number() });

export const experimentResultSchemas: { [K in keyof ExperimentResponses]: v.GenericSchema<unknown, ExperimentResponses[K]> } = {
  'experiment-start': v.object({ name: short }),
  'experiment-cancel': v.record(v.string(), v.never()),
  'experiment-list': v.object({ experiments: v.pipe(v.array(listing), v.maxLength(10_000)) }),
  'experiment-open': v.object({ experiment: experimentStateSchema }),
};
