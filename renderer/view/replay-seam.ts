// The seam between the live app and replay (renderer/view/replay-view.ts, H6): main.ts shows `#replay-root` in Replay
// mode and, the first time, calls `mountReplay(container, deps)` from that file if it exists. Replay draws with the
// same ClusterView as the live view (graph, matrix, inspector over a MembershipState it folds itself), so it needs
// only the HostApi (open-recording / list-recordings) and a way to make that view.
import type { ClusterView, ClusterViewOptions } from './cluster-view.ts';
import type { HostApi } from '../../electron/host/api.ts';

export interface ReplayDeps {
  readonly host: HostApi;
  /** Builds graph + matrix + inspector inside `root` (give it a sized element; no action buttons without onAction). */
  readonly createClusterView: (root: HTMLElement, options?: ClusterViewOptions) => Promise<ClusterView>;
}

/** What replay-view.ts exports. It may return a cleanup function. */
export type MountReplay = (container: HTMLElement, deps: ReplayDeps) => void | (() => void) | Promise<void | (() => void)>;
