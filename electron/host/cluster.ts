// What the host needs from a running cluster, whichever way it runs: child processes (process-cluster.ts), nodes in
// this process (embedded-cluster.ts), or nodes someone else started (attach.ts). The host owns batching, history and
// recording; a cluster only reports what happens through its sink and carries out actions.
import type { Address, ClusterMode, ClusterNode, MembershipEvent, NodeAction, NodeStats, ProtocolFamily, Trace } from './api.ts';

/** A cluster-wide switch: suspicion on or off, and with `family` the family too (one of the four configurations). */
export interface ModeChange {
  readonly suspicion: boolean;
  readonly family?: ProtocolFamily;
}

/** Why a Serf cluster (launched or attached) refuses a switch. */
export const SERF_RUNS_ITS_OWN = 'Serf runs its own protocol (SWIM with Lifeguard, suspicion always on): it cannot be switched';

/** The node's own ctl command for a switch (`switch ping suspect`, or `enable_sus` when only suspicion changes): the
 *  app goes through the same door as an operator, so the switch spreads and wins the same way. */
export function switchCommand(change: ModeChange): [command: string, args: string[]] {
  if (change.family === undefined) return [change.suspicion ? 'enable_sus' : 'disable_sus', []];
  return ['switch', [change.family, change.suspicion ? 'suspect' : 'nosuspect']];
}

export interface ClusterSink {
  /** Validated events, in the order they were received from each node. */
  events(events: readonly MembershipEvent[]): void;
  /** A slot was added or changed what the view shows of it (run state, member id, pid). Clusters report every such
   *  change here; the host forwards it as a delta (api.ts), so the view never shows an old id or state. */
  node(node: ClusterNode): void;
  /** A slot is gone (a row re-keyed under another address, an attach that failed). */
  nodeRemoved(address: Address): void;
  stats(stats: NodeStats): void;
  /** Message traces (sampled or not; `unsampled` counts what was left out before): a second stream, never recorded. */
  traces(traces: readonly Trace[], unsampled: number): void;
  progress(phase: string, done: number, total: number): void;
  /** Something the user should see (a node died on its own, a control channel refused…). One line. */
  error(message: string): void;
  /** A message from a node or control channel failed validation and was dropped. */
  malformed(): void;
}

export interface Cluster {
  readonly mode: ClusterMode;
  /** Starts (or attaches to) the nodes; resolves once every node answers. On failure the host calls `stop()`. */
  start(): Promise<void>;
  /** The slots as they are now (for request replies; the view learns of them through `sink.node`). */
  nodes(): ClusterNode[];
  action(action: NodeAction, address: string): Promise<ClusterNode>;
  add(): Promise<ClusterNode>;
  setDrop(rate: number, address?: string): Promise<void>;
  /** Tells one running node; the switch spreads by gossip (a higher epoch wins). */
  setMode(change: ModeChange): Promise<void>;
  /** Sets each listed node's block list (a partition; empty lists heal). Nodes not running are skipped. */
  setBlocked(lists: ReadonlyMap<Address, readonly Address[]>): Promise<void>;
  /** Stops (launched) or detaches from (attached) every node; resolves when nothing of it runs any more. */
  stop(): Promise<void>;
}

export interface ClusterContext {
  readonly sink: ClusterSink;
  /** Where the node at `address` writes its own log (`--log-dir`). */
  readonly logDir: (address: Address) => string;
  /** Without a launch's basePort, nodes take the first free range from here up. */
  readonly firstPort: number;
}
