// A host Plot as uPlot wants it: one shared, sorted x array and, per series, values aligned to it (null where the
// series has no point, so uPlot draws a gap), plus the error bars and p99 aligned the same way for the draw hook.
import type { Plot } from '../../electron/host/experiment-api.ts';

export interface AlignedSeries {
  readonly label: string;
  readonly color: string;
  readonly dashed: boolean;
  readonly mean: (number | null)[];
  readonly stddev: (number | null)[];
  readonly p99: (number | null)[];
}

export interface AlignedPlot {
  readonly xs: number[];
  readonly series: AlignedSeries[];
  /** Changes when the series (not their values) change: the chart must be rebuilt, not just given new data. */
  readonly shape: string;
}

const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

export function alignPlot(plot: Plot): AlignedPlot {
  const xs = [...new Set(plot.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const series = plot.series.map((s) => {
    const at = new Map(s.points.map((p) => [p.x, p]));
    return {
      label: `${s.protocol}, ${s.source}`,
      color: s.color,
      dashed: s.source === 'simulator',
      mean: xs.map((x) => finite(at.get(x)?.mean)),
      stddev: xs.map((x) => finite(at.get(x)?.stddev)),
      p99: xs.map((x) => finite(at.get(x)?.p99)),
    };
  });
  return { xs, series, shape: `${plot.logX}|${series.map((s) => s.label).join(';')}` };
}
