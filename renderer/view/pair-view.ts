// Side by side (the host's `launch-pair`): while the session's nodes come in two groups, a second ClusterView with
// its own figures stands beside the live one. Both fold from the one live state — the two clusters never list each
// other's members — and each side is given its group's nodes, so its graph, matrix, tallies, inspector, detection
// latencies and bandwidth are its own cluster's.
import { ClusterView } from './cluster-view.ts';
import type { ClusterFrame, ClusterViewOptions } from './cluster-view.ts';
import { Figures } from './figures.ts';
import { el } from './dom.ts';
import type { Detection } from '../model/detection-latency.ts';
import type { Address } from '../../node-runtime/protocol/member-id.ts';
import type { ClusterNode, NodeStats, Progress } from '../../electron/host/api.ts';

/** The nodes of side `group` (0 or 1); every node when the session is not a pair. */
export function sideNodes(nodes: readonly ClusterNode[], group: number): readonly ClusterNode[] {
  return isPair(nodes) ? nodes.filter((n) => (n.group ?? 0) === group) : nodes;
}

export function isPair(nodes: readonly ClusterNode[]): boolean {
  return nodes.some((n) => n.group === 1);
}

/** Detections (newest first) of members whose address is on the side. */
export function sideDetections(detections: readonly Detection[], side: readonly ClusterNode[]): readonly Detection[] {
  const addresses = new Set(side.map((n) => n.address));
  return detections.filter((d) => addresses.has(d.address));
}

export class PairView {
  private second: { view: ClusterView; figures: Figures } | undefined;
  private creating = false;
  /** The second side's container (`pair-side`), shown while the session is a pair. */
  readonly root = el('main', { class: 'live pair-side', testid: 'pair-side', hidden: '' });

  constructor(private readonly body: HTMLElement, private readonly options: ClusterViewOptions) {}

  get view(): ClusterView | undefined {
    return this.root.hidden ? undefined : this.second?.view;
  }

  /** Shows or hides the second side; it is created the first time a pair appears. */
  show(paired: boolean): void {
    this.root.hidden = !paired;
    if (this.body.classList.contains('paired') !== paired) {
      this.body.classList.toggle('paired', paired);
      // The first side's canvases size themselves to their hosts on a window resize (Pixi's resizeTo).
      requestAnimationFrame(() => window.dispatchEvent(new Event('resize')));
    }
    if (!paired || this.second || this.creating) return;
    this.creating = true;
    void ClusterView.create(this.root, this.options).then((view) => {
      this.second = { view, figures: new Figures(undefined, view.aside) };
    });
  }

  update(frame: ClusterFrame & { readonly nodes: readonly ClusterNode[] }): void {
    if (!this.root.hidden) this.second?.view.update(frame);
  }

  figures(progress: Progress | undefined, detections: readonly Detection[], stats: ReadonlyMap<Address, NodeStats>, nodes: readonly ClusterNode[]): void {
    if (!this.root.hidden) this.second?.figures.show(progress, sideDetections(detections, nodes), stats, nodes);
  }
}
