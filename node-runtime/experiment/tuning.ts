// The course's two fair comparisons: every configuration tuned to the same detection bound, and to the same
// bandwidth. Scaling all of a configuration's timings by f keeps its number of rounds per timeout (so its behaviour
// under loss), multiplies its detection time by ~f and divides its bandwidth by ~f. The factor is computed from a
// measurement of the configuration at its defaults, then corrected once from a measurement at the scaled timings
// (packet sizes and network delay make the relation only roughly proportional).
import { scaleTimings } from './protocols.ts';
import type { ProtocolVariant } from './protocols.ts';

export type Tuning = 'equal-detection' | 'equal-bandwidth';
export const TUNINGS: readonly Tuning[] = ['equal-detection', 'equal-bandwidth'];

export interface TuningMeasurement {
  /** The detection bound: p99 of the first detection of a crash (ms). */
  readonly detectionMs: number;
  /** Payload bytes per second sent per node. */
  readonly bytesPerSec: number;
}

export type Measure = (v: ProtocolVariant) => Promise<TuningMeasurement>;

export interface TunedVariant {
  readonly tuning: Tuning;
  readonly variant: ProtocolVariant;
  readonly factor: number;
  readonly before: TuningMeasurement;
  readonly after: TuningMeasurement;
}

export interface TuningResult {
  readonly tuning: Tuning;
  /** The common target: ms for equal-detection, B/s per node for equal-bandwidth. */
  readonly target: number;
  readonly variants: readonly TunedVariant[];
}

/** The factor that brings `measured` to `target`: timings scale detection up and bandwidth down. */
function factorFor(tuning: Tuning, m: TuningMeasurement, target: number): number {
  return tuning === 'equal-detection' ? target / m.detectionMs : m.bytesPerSec / target;
}

/**
 * Tunes every variant to a common target: the slowest default detection bound (no configuration is made to detect
 * faster than its defaults were chosen for) or the smallest default bandwidth (none spends more than it does now).
 */
export async function tune(tuning: Tuning, variants: readonly ProtocolVariant[], measure: Measure): Promise<TuningResult> {
  const before: TuningMeasurement[] = [];
  for (const v of variants) before.push(await measure(v));
  const target = tuning === 'equal-detection'
    ? Math.max(...before.map((m) => m.detectionMs))
    : Math.min(...before.map((m) => m.bytesPerSec));
  const tuned: TunedVariant[] = [];
  for (const [i, v] of variants.entries()) {
    const first = factorFor(tuning, before[i]!, target);
    const trial = { ...v, timings: scaleTimings(v.family, v.timings, first) };
    const corrected = first * factorFor(tuning, await measure(trial), target);
    const variant = { ...v, timings: scaleTimings(v.family, v.timings, corrected) };
    tuned.push({ tuning, variant, factor: corrected, before: before[i]!, after: await measure(variant) });
  }
  return { tuning, target, variants: tuned };
}
