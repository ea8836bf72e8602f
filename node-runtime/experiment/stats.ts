// The statistics every experiment reports: mean, sample standard deviation (the error bars) and nearest-rank
// percentiles (p99 of detection times). NaN for an empty sample, so a missing point shows as a gap, not as zero.

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Sample standard deviation (n − 1): the spread between runs, of which there are few. 0 for one value. */
export function stddev(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  if (xs.length === 1) return 0;
  const m = mean(xs);
  let sq = 0;
  for (const x of xs) sq += (x - m) ** 2;
  return Math.sqrt(sq / (xs.length - 1));
}

/** Nearest-rank percentile (p in 0..100): always one of the observed values, never an interpolation. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly stddev: number;
}

export function summarize(xs: readonly number[]): Summary {
  return { n: xs.length, mean: mean(xs), stddev: stddev(xs) };
}

/** Relative difference of b from a, as a fraction of a (NaN when a is 0 or either is missing). */
export function relativeDifference(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0) return Number.NaN;
  return (b - a) / a;
}
