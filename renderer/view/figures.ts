// The live figures: majority counts in the top bar, start-up progress, detection latencies and each running node's
// bandwidth (a sparkline of bytes out over the last ~30 s) under the graph and matrix. The counts follow every frame;
// the rest is refreshed a few times a second.
import { el } from './dom.ts';
import { fmtBytes } from './inspector.ts';
import { BandwidthHistory } from '../model/bandwidth-history.ts';
import type { BandwidthRow } from '../model/bandwidth-history.ts';
import type { Detection } from '../model/detection-latency.ts';
import { compareAddresses } from '../model/node-slots.ts';
import { describeSides, sumCounts } from '../model/side-counts.ts';
import type { Counts } from '../model/side-counts.ts';
import type { Address } from '../../node-runtime/protocol/member-id.ts';
import type { ClusterNode, NodeStats, Progress } from '../../electron/host/api.ts';

/** Rows of the bandwidth list; beyond, a count (the inspector has every node's figure). */
const BANDWIDTH_ROWS = 40;
const SPARK_W = 64;
const SPARK_H = 14;
const SVG = 'http://www.w3.org/2000/svg';

export class Figures {
  private readonly alive = el('b', { testid: 'node-count-alive' }, '0');
  private readonly suspect = el('b', { testid: 'node-count-suspect' }, '0');
  private readonly failed = el('b', { testid: 'node-count-failed' }, '0');
  private readonly total = el('b', { testid: 'node-count-total' }, '0');
  /** Side by side: the counts per side (the counters hold both summed). */
  private readonly sides = el('span', { testid: 'node-count-sides', class: 'figure sides', hidden: '' });
  private readonly progress = el('span', { testid: 'progress', class: 'progress' });
  private readonly latency = el('ol', { testid: 'latency-list', class: 'latency' });
  private readonly bandwidth = el('div', { testid: 'bandwidth', class: 'bandwidth' });
  private readonly history = new BandwidthHistory();
  private latencyKey = '';

  /** `topBar` undefined: a second side's figures (side by side), which has no counts of its own in the top bar. */
  constructor(topBar: HTMLElement | undefined, aside: HTMLElement) {
    topBar?.append(
      el('span', { class: 'figure alive' }, this.alive, ' alive'),
      el('span', { class: 'figure suspect' }, this.suspect, ' suspected'),
      el('span', { class: 'figure failed' }, this.failed, ' failed'),
      el('span', { class: 'figure' }, 'of ', this.total),
      this.sides,
      this.progress,
    );
    aside.append(
      el('section', {}, el('h3', {}, 'Detection latency (kill → first → all)'), this.latency),
      el('section', {}, el('h3', {}, 'Bandwidth per running node (bytes out, last 30 s)'), this.bandwidth),
    );
  }

  /** The top bar's counts: cheap when nothing changed, so it runs every frame and never lags the graph. With a
   *  second side (a pair) the counters hold both sides summed and a line gives each side's. */
  showCounts(first: Counts, second?: Counts): void {
    const counts = second ? sumCounts(first, second) : first;
    this.sides.hidden = !second;
    if (second) setText(this.sides, `(${describeSides([first, second])})`);
    setText(this.alive, String(counts.alive));
    setText(this.suspect, String(counts.suspect));
    setText(this.failed, String(counts.failed));
    setText(this.total, String(counts.total));
  }

  show(progress: Progress | undefined, detections: readonly Detection[], stats: ReadonlyMap<Address, NodeStats>, nodes: readonly ClusterNode[]): void {
    setText(this.progress, progress ? `${progress.phase} ${progress.done}/${progress.total}` : '');
    // Rebuilt only when a line changed: every DOM change is a relayout, repaint and composite of the page.
    const lines = detections.map((d) =>
      `${d.address}: first ${d.firstMs === undefined ? '…' : `${(d.firstMs / 1000).toFixed(2)} s`}, all ${d.allMs === undefined ? '…' : `${(d.allMs / 1000).toFixed(2)} s`}`);
    const key = lines.join('\n');
    if (key !== this.latencyKey || !this.latency.hasChildNodes()) {
      this.latencyKey = key;
      this.latency.replaceChildren(...(lines.length === 0 ? [el('li', { class: 'hint' }, 'no kills yet')] : lines.map((l) => el('li', {}, l))));
    }
    const running = new Set(nodes.filter((n) => n.state === 'running').map((n) => n.address));
    if (!this.history.sample(stats, running) && this.bandwidth.hasChildNodes()) return;
    const rows = this.history.rows(compareAddresses);
    // Attached Serf agents send no bytes through RPC: only their telemetry (statsd) says, if the user pointed it here.
    const none = nodes.some((n) => n.kind === 'serf' && !n.managed)
      ? 'no bandwidth from attached Serf agents (attach with telemetry addresses for it)' : 'no running node has reported yet';
    this.bandwidth.replaceChildren(...bandwidthList(rows, none));
  }
}

/** The bandwidth list's rows (live, and replay's at the cursor), or `none` as a hint when there are none. */
export function bandwidthList(rows: readonly BandwidthRow[], none: string): HTMLElement[] {
  return rows.length === 0
    ? [el('p', { class: 'hint', testid: 'bandwidth-none' }, none)]
    : [...rows.slice(0, BANDWIDTH_ROWS).map(bandwidthRow),
      ...(rows.length > BANDWIDTH_ROWS ? [el('p', { class: 'hint' }, `+${rows.length - BANDWIDTH_ROWS} more (select a node: the inspector shows its bandwidth)`)] : [])];
}

function setText(e: HTMLElement, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}

/** `3001 ▁▂▅▃ 1.8 KB/s out · 1.7 KB/s in` */
function bandwidthRow(row: BandwidthRow): HTMLElement {
  const port = row.address.slice(row.address.lastIndexOf(':') + 1);
  const label = row.address.startsWith('127.0.0.1:') ? port : row.address;
  return el('div', { class: 'bw-row', testid: 'bandwidth-row', 'data-address': row.address },
    el('span', { class: 'bw-label' }, label), sparkline(row.outSeries),
    el('span', { class: 'bw-value' }, `${fmtBytes(row.outPerSec)}/s out · ${fmtBytes(row.inPerSec)}/s in`));
}

function sparkline(series: readonly number[]): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(SPARK_W));
  svg.setAttribute('height', String(SPARK_H));
  svg.setAttribute('class', 'spark');
  const max = Math.max(1, ...series);
  const step = SPARK_W / Math.max(1, series.length - 1);
  const points = series.map((v, i) => `${(i * step).toFixed(1)},${(SPARK_H - 1 - (v / max) * (SPARK_H - 2)).toFixed(1)}`);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', series.length === 1 ? `0,${points[0]!.split(',')[1]} ${SPARK_W},${points[0]!.split(',')[1]}` : points.join(' '));
  svg.append(line);
  return svg;
}
