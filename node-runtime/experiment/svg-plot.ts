// A plot as a standalone SVG file (no library in Node draws SVG charts; the app draws the same data with uPlot):
// one colour per configuration, solid lines and circles for real processes, dashed lines and squares for the
// simulator, mean ± standard deviation as error bars, p99 as hollow triangles where the plot has it.
import type { Plot, PlotSeries } from './aggregate.ts';

const W = 760;
const H = 440;
const M = { left: 72, right: 180, top: 40, bottom: 56 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 1-2-5 ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function label(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) >= 1000) return `${Number((x / 1000).toPrecision(3))}k`;
  return String(Number(x.toPrecision(3)));
}

export function renderSvg(plot: Plot): string {
  const all = plot.series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.flatMap((p) => [p.mean + (Number.isFinite(p.stddev) ? p.stddev : 0), p.p99 ?? 0]).filter(Number.isFinite);
  const xMin = Math.min(...xs, plot.logX ? 1 : 0);
  const xMax = Math.max(...xs, xMin + 1);
  const yMax = Math.max(...ys, 0) * 1.08 || 1;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const lx = (x: number): number => (plot.logX ? Math.log10(Math.max(x, 1)) : x);
  const sx = (x: number): number => M.left + ((lx(x) - lx(xMin)) / (lx(xMax) - lx(xMin) || 1)) * pw;
  const sy = (y: number): number => M.top + ph - (y / yMax) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="22" font-size="15" font-weight="bold">${esc(plot.title)}</text>`,
  ];
  const xTicks = plot.logX
    ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000].filter((t) => t >= xMin && t <= xMax)
    : [...new Set([...niceTicks(xMin, xMax), ...(xs.length <= 8 ? xs : [])])].sort((a, b) => a - b);
  for (const t of xTicks) {
    out.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${M.top}" y2="${M.top + ph}" stroke="#eee"/>`,
      `<text x="${sx(t)}" y="${M.top + ph + 18}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of niceTicks(0, yMax)) {
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`,
      `<text x="${M.left - 6}" y="${sy(t) + 4}" text-anchor="end">${label(t)}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`,
    `<text x="${M.left + pw / 2}" y="${H - 14}" text-anchor="middle">${esc(plot.xLabel)}${plot.logX ? ' (log scale)' : ''}</text>`,
    `<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(plot.yLabel)}</text>`);
  plot.series.forEach((s, i) => out.push(...drawSeries(s, sx, sy), ...legend(s, i, plot.series.some((x) => x.points.some((p) => p.p99 !== undefined)))));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function drawSeries(s: PlotSeries, sx: (x: number) => number, sy: (y: number) => number): string[] {
  const color = s.color;
  const sim = s.source === 'simulator';
  const pts = s.points.filter((p) => Number.isFinite(p.mean));
  const out: string[] = [];
  if (pts.length > 1) {
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${sim ? ' stroke-dasharray="6 4"' : ''} points="${pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.mean).toFixed(1)}`).join(' ')}"/>`);
  }
  for (const p of pts) {
    const x = sx(p.x);
    const y = sy(p.mean);
    if (p.stddev > 0) {
      const y0 = sy(Math.max(0, p.mean - p.stddev));
      const y1 = sy(p.mean + p.stddev);
      out.push(`<path d="M${x} ${y0}V${y1}M${x - 4} ${y0}h8M${x - 4} ${y1}h8" stroke="${color}" fill="none"/>`);
    }
    out.push(sim
      ? `<rect x="${x - 4}" y="${y - 4}" width="8" height="8" fill="${color}"><title>${esc(`${s.protocol} ${s.source} x=${p.x}: ${p.mean.toFixed(3)} ± ${p.stddev.toFixed(3)}`)}</title></rect>`
      : `<circle cx="${x}" cy="${y}" r="4.5" fill="${color}"><title>${esc(`${s.protocol} ${s.source} x=${p.x}: ${p.mean.toFixed(3)} ± ${p.stddev.toFixed(3)}`)}</title></circle>`);
    if (p.p99 !== undefined && Number.isFinite(p.p99)) {
      const py = sy(p.p99);
      out.push(`<path d="M${x} ${py - 5}l5 8h-10z" fill="none" stroke="${color}"/>`);
    }
  }
  return out;
}

function legend(s: PlotSeries, i: number, withP99: boolean): string[] {
  const x = W - M.right + 16;
  const y = M.top + 12 + i * 20;
  const color = s.color;
  const out = [
    `<line x1="${x}" x2="${x + 26}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"${s.source === 'simulator' ? ' stroke-dasharray="6 4"' : ''}/>`,
    `<text x="${x + 32}" y="${y + 4}">${esc(`${s.protocol}, ${s.source}`)}</text>`,
  ];
  if (withP99 && i === 0) {
    out.push(`<text x="${x}" y="${H - M.bottom - 8}" font-size="11">△ p99; bars ± 1 sd over runs</text>`);
  } else if (!withP99 && i === 0) {
    out.push(`<text x="${x}" y="${H - M.bottom - 8}" font-size="11">bars ± 1 sd over runs</text>`);
  }
  return out;
}
