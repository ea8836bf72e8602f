// Replay's bandwidth list, one per side: each node's bytes/s at the cursor from the recording's samples
// (model/replay/bandwidth-at.ts), drawn like the live list. Recordings without samples say so.
import { el } from './dom.ts';
import { bandwidthList } from './figures.ts';
import { bandwidthAt } from '../model/replay/bandwidth-at.ts';
import { compareAddresses } from '../model/node-slots.ts';
import type { StatsSeries } from '../model/replay/recording-loader.ts';
import type { Address } from '../../node-runtime/protocol/member-id.ts';

export class ReplayBandwidth {
  private readonly list = el('div', { class: 'bandwidth', testid: 'replay-bandwidth' });
  readonly root = el('section', {}, el('h3', {}, 'Bandwidth per node at the cursor (bytes out, the minute before)'), this.list);
  /** What the list shows, to redraw only when it changes. */
  private shown = '';

  update(stats: ReadonlyMap<Address, StatsSeries>, t: number, only: ReadonlySet<Address> | undefined): void {
    const rows = bandwidthAt(stats, t, only, compareAddresses);
    const key = stats.size === 0 ? 'none' : rows.map((r) => `${r.address} ${r.outPerSec} ${r.inPerSec} ${r.outSeries.length}`).join('|');
    if (key === this.shown) return;
    this.shown = key;
    this.list.replaceChildren(...bandwidthList(rows, stats.size === 0
      ? 'this recording holds no bandwidth samples (older recordings, or files picked without stats.jsonl)'
      : 'no node was reporting at this moment'));
  }
}
