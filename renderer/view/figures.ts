// The live figures: majority counts in the top bar, start-up progress, detection latencies and bandwidth beside the
// matrix. The counts follow every frame; the rest is refreshed a few times a second.
import { el } from './dom.ts';
import { fmtBytes } from './inspector.ts';
import type { Detection } from '../model/detection-latency.ts';
import type { Progress } from '../model/live-store.ts';
import type { Address } from '../../node-runtime/protocol/member-id.ts';
import type { NodeStats } from '../../electron/host/api.ts';

export class Figures {
  private readonly alive = el('b', { testid: 'node-count-alive' }, '0');
  private readonly suspect = el('b', { testid: 'node-count-suspect' }, '0');
  private readonly failed = el('b', { testid: 'node-count-failed' }, '0');
  private readonly total = el('b', { testid: 'node-count-total' }, '0');
  private readonly progress = el('span', { testid: 'progress', class: 'progress' });
  private readonly latency = el('ol', { testid: 'latency-list', class: 'latency' });
  private readonly bandwidth = el('p', { testid: 'bandwidth' }, '—');

  constructor(topBar: HTMLElement, aside: HTMLElement) {
    topBar.append(
      el('span', { class: 'figure alive' }, this.alive, ' alive'),
      el('span', { class: 'figure suspect' }, this.suspect, ' suspected'),
      el('span', { class: 'figure failed' }, this.failed, ' failed'),
      el('span', { class: 'figure' }, 'of ', this.total),
      this.progress,
    );
    aside.append(
      el('h3', {}, 'Detection latency (kill → first → all)'), this.latency,
      el('h3', {}, 'Bandwidth per node'), this.bandwidth,
    );
  }

  /** The top bar's counts: cheap when nothing changed, so it runs every frame and never lags the graph. */
  showCounts(counts: { alive: number; suspect: number; failed: number; total: number }): void {
    setText(this.alive, String(counts.alive));
    setText(this.suspect, String(counts.suspect));
    setText(this.failed, String(counts.failed));
    setText(this.total, String(counts.total));
  }

  show(progress: Progress | undefined, detections: readonly Detection[], stats: ReadonlyMap<Address, NodeStats>): void {
    this.progress.textContent = progress ? `${progress.phase} ${progress.done}/${progress.total}` : '';
    this.latency.replaceChildren(...(detections.length === 0
      ? [el('li', { class: 'hint' }, 'no kills yet')]
      : detections.map((d) => el('li', {},
        `${d.address}: first ${d.firstMs === undefined ? '…' : `${(d.firstMs / 1000).toFixed(2)} s`}, all ${d.allMs === undefined ? '…' : `${(d.allMs / 1000).toFixed(2)} s`}`))));
    let inSum = 0;
    let outSum = 0;
    for (const s of stats.values()) {
      inSum += s.bytesInPerSec;
      outSum += s.bytesOutPerSec;
    }
    const n = stats.size;
    this.bandwidth.textContent = n === 0 ? '—' : `mean ${fmtBytes(inSum / n)}/s in · ${fmtBytes(outSum / n)}/s out (${n} nodes)`;
  }
}

function setText(e: HTMLElement, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}
