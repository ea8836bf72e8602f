// Replay of a pair recording (model/replay/pair-sides.ts): like the live split view (pair-view.ts), a second
// ClusterView beside the first, each given its side's addresses, both folded from the one replay state under one
// timeline. For any other recording the second side stays hidden and the first view shows every node, as before.
import { ClusterView } from './cluster-view.ts';
import type { ClusterFrame } from './cluster-view.ts';
import { el } from './dom.ts';
import { ReplayBandwidth } from './replay-bandwidth.ts';
import type { StatsSeries } from '../model/replay/recording-loader.ts';
import { pairSides } from '../model/replay/pair-sides.ts';
import type { Recording } from '../model/replay/recording.ts';
import type { Address } from '../../node-runtime/protocol/member-id.ts';

export class ReplayPair {
  private second: ClusterView | undefined;
  private readonly bandwidth = new ReplayBandwidth();
  private sides: readonly [ReadonlySet<Address>, ReadonlySet<Address>] | undefined;
  /** The second side's container (`replay-pair-side`), shown while the recording is a pair. */
  readonly root = el('div', { class: 'replay-side', testid: 'replay-pair-side', hidden: '' });

  /** `cluster`: the element holding both sides (it gets `paired`, which lays each side out narrow). */
  constructor(private readonly cluster: HTMLElement) {}

  async open(recording: Recording): Promise<void> {
    this.sides = pairSides(recording.columns, recording.interner, recording.sides);
    const paired = this.sides !== undefined;
    this.root.hidden = !paired;
    if (this.cluster.classList.contains('paired') !== paired) {
      this.cluster.classList.toggle('paired', paired);
      // The first side's canvases size themselves to their hosts on a window resize (Pixi's resizeTo).
      requestAnimationFrame(() => window.dispatchEvent(new Event('resize')));
    }
    if (paired && !this.second) {
      this.second = await ClusterView.create(this.root);
      this.second.aside.append(this.bandwidth.root);
    }
    this.second?.select(undefined);
  }

  /** The first side's addresses (undefined: not a pair, the first view shows every node). */
  get first(): ReadonlySet<Address> | undefined {
    return this.sides?.[0];
  }

  /** The second side's view while the recording is a pair. */
  get view(): ClusterView | undefined {
    return this.sides ? this.second : undefined;
  }

  update(frame: ClusterFrame, stats: ReadonlyMap<Address, StatsSeries>, time: number): void {
    if (!this.sides) return;
    this.second?.update({ ...frame, only: this.sides[1] });
    this.bandwidth.update(stats, time, this.sides[1]);
  }
}
