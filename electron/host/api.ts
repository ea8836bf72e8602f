// The one typed API between the host core and the renderer (ARCHITECTURE.md §4). Electron carries it over IPC, the
// browser shell over WebSocket; the renderer cannot tell which. Types only: the renderer imports this file with
// `import type`, so it must stay free of runtime code and of node: imports.
import type { EventKind, MembershipEvent, MemberStatus } from '../../node-runtime/protocol/events.ts';
import type { Address, MemberId } from '../../node-runtime/protocol/member-id.ts';
import type { ModeInfo, ProtocolFamily, ProtocolMode } from '../../node-runtime/protocol/mode.ts';
import type { PresetName, Timings } from '../../node-runtime/protocol/presets.ts';
import type { Trace } from '../../node-runtime/protocol/trace.ts';
import type {
  ClusterMode, ClusterNode, HostActionRecord, NodeAction, NodeRunState, NodeStats, ObserverList, Progress, ProtocolInForce,
  ViewChange, ViewSnapshot,
} from '../../node-runtime/protocol/view-contract.ts';
import type { ExperimentMessage, ExperimentRequest, ExperimentResponses } from './experiment-api.ts';

export type { EventKind, MembershipEvent, MemberStatus, Address, MemberId, ModeInfo, PresetName, ProtocolFamily, ProtocolMode, Timings, Trace };
// The view contract's data lives below the host and the renderer (the pure protocol), with the state that builds it.
export type {
  ClusterMode, ClusterNode, HostActionRecord, NodeAction, NodeRunState, NodeStats, ObserverList, Progress, ProtocolInForce,
  ViewChange, ViewSnapshot,
};

export interface LaunchOptions {
  readonly nodes: number;
  /** `process`: one child process per node; `embedded`: all nodes in the host's process, each with its own UDP socket;
   *  `serf`: one `serf agent` per node (gossip on the node's port, RPC on the next; suspicion, drop and timings do
   *  not apply). */
  readonly mode: 'process' | 'embedded' | 'serf';
  /** The family the nodes start in: heartbeat gossip or SWIM probes + Lifeguard (`ping`); default gossip. With
   *  `suspicion`, the four configurations of the course (`switch gossip|ping suspect|nosuspect`). Serf ignores it. */
  readonly protocol?: ProtocolFamily;
  readonly suspicion: boolean;
  readonly dropRate: number;
  /** Named timings (node-runtime/protocol/presets.ts); default `default`, scaled to the group's size. */
  readonly preset?: PresetName;
  /** Over the preset: the protocol's own setting names and bounds (config.ts SETTINGS). */
  readonly timings?: Timings;
  /** Introducer port; nodes take the ports after it. Default 3000, or the first free range. */
  readonly basePort?: number;
  /** Cluster key (base64, `hearsay keygen`): the nodes seal their gossip and authenticate hellos with it. */
  readonly key?: string;
}

/** Watch running Serf agents through their RPC: `addresses` are RPC addresses (host:port); with `rpcPortOffset`,
 *  every member of the first agent is watched too, at its gossip IP and port + offset. */
export interface SerfAttachOptions {
  readonly addresses: Address[];
  readonly rpcPortOffset?: number;
  readonly authKey?: string;
  /** Where on this host the agents send their metrics (their `statsd_addr`), the i-th for the i-th RPC address: the
   *  host listens there and shows those agents' bandwidth. Without it attached agents show none. */
  readonly telemetry?: Address[];
}

export type HostRequest =
  | { readonly type: 'launch'; readonly options: LaunchOptions }
  | { readonly type: 'attach'; readonly address: Address; readonly key?: string }
  | { readonly type: 'attach-serf'; readonly options: SerfAttachOptions }
  /** Two clusters side by side on disjoint ports, one fault schedule for both (launch options' basePort ignored). */
  | { readonly type: 'launch-pair'; readonly options: [LaunchOptions, LaunchOptions] }
  /** The `index`-th node (launch order) of each side of a pair, at the same moment. */
  | { readonly type: 'pair-action'; readonly action: NodeAction; readonly index: number }
  /** The nodes at launch positions `from`..`to` (0-based, inclusive) of each side of a pair cut off from the rest of
   *  their side, at the same moment; `heal` heals both. Recorded once, as one `partition` naming both sides' nodes. */
  | { readonly type: 'pair-partition'; readonly from: number; readonly to: number }
  | { readonly type: 'stop-cluster' }
  | { readonly type: 'node-action'; readonly action: NodeAction; readonly address: Address }
  | { readonly type: 'add-node' }
  | { readonly type: 'set-drop'; readonly rate: number; readonly address?: Address }
  | { readonly type: 'set-suspicion'; readonly enabled: boolean }
  /** Switches the whole cluster to one of the four configurations: one node is told (`switch`), the switch spreads
   *  by gossip and the newest wins (a higher epoch), as the nodes' own `switch` does. Not for Serf. */
  | { readonly type: 'set-protocol'; readonly protocol: ProtocolFamily; readonly suspicion: boolean }
  /** Cuts the cluster in two: the nodes at `side` and all the others stop hearing each other (block lists, both ways). */
  | { readonly type: 'partition'; readonly side: readonly Address[] }
  | { readonly type: 'heal' }
  | { readonly type: 'open-recording'; readonly path: string }
  | { readonly type: 'list-recordings' }
  | ExperimentRequest;

/** One file of a recording, fetched by the renderer from `url` (served by the shell: HTTP in the browser shell, the
 *  app's custom protocol in Electron) and stream-parsed there. */
export interface RecordingFile {
  readonly name: string;
  readonly url: string;
  readonly bytes: number;
}

export interface RecordingInfo {
  /** The folder or single file as the user named it. */
  readonly path: string;
  readonly files: readonly RecordingFile[];
  readonly bytes: number;
}

export interface HostResponses extends ExperimentResponses {
  launch: { session: string; nodes: ClusterNode[] };
  attach: { nodes: ClusterNode[] };
  'attach-serf': { nodes: ClusterNode[] };
  'launch-pair': { session: string; nodes: ClusterNode[] };
  'pair-action': { nodes: ClusterNode[] };
  /** The nodes cut off (both sides', or one side's when the other refused: a notice says why). */
  'pair-partition': { side: Address[] };
  'stop-cluster': Record<string, never>;
  'node-action': { node: ClusterNode };
  'add-node': { node: ClusterNode };
  'set-drop': Record<string, never>;
  'set-suspicion': Record<string, never>;
  'set-protocol': Record<string, never>;
  partition: Record<string, never>;
  heal: Record<string, never>;
  'open-recording': { recording: RecordingInfo };
  'list-recordings': { recordings: RecordingInfo[] };
}

export type HostResponse<R extends HostRequest> = HostResponses[R['type']];

/**
 * Pushed from host to renderer: the view-state contract (docs/app.md, "View contract").
 *
 * - `snapshot` first, on every subscribe (so on every page load, reload and reconnect), and to every subscriber when
 *   a session starts or ends (launch, attach, stop): replace the whole view with it. `seq` is the last delta it
 *   includes.
 * - `delta` after it, one change each, `seq` counting up by exactly one. A subscriber that sees any other number
 *   (a delta lost, or dropped as malformed) must not guess: it unsubscribes and subscribes again, which brings a
 *   fresh snapshot. Deltas with `seq` ≤ its snapshot's are old and ignored.
 * - Outside the sequence (never part of the state, so a lost one costs nothing): `notice`, a one-line message for the
 *   user (a node died on its own, a control channel refused…). Sampled streams beside the state — such as message
 *   traces — go here too, as their own unsequenced types: they may be dropped or thinned, the state may not.
 */
export type HostMessage =
  | { readonly type: 'snapshot'; readonly seq: number; readonly view: ViewSnapshot }
  | { readonly type: 'delta'; readonly seq: number; readonly change: ViewChange }
  | { readonly type: 'notice'; readonly message: string }
  /** Message traces, a second stream beside the state (ARCHITECTURE.md §5): datagrams sent or refused since the last
   *  batch, sampled; `unsampled` counts those left out. Unsequenced: nothing in the view's state depends on them. */
  | { readonly type: 'traces'; readonly traces: readonly Trace[]; readonly unsampled: number }
  /** The Experiments tab's run (experiment-api.ts): its own state, sent whole on each change and on subscribe. */
  | ExperimentMessage;

export interface HostApi {
  request<R extends HostRequest>(request: R): Promise<HostResponse<R>>;
  /** Returns the unsubscribe function. A new subscriber first receives a `snapshot` of the current view, then the
   *  sequenced deltas after it (see HostMessage). Subscribing again is how a renderer asks for a fresh snapshot. */
  subscribe(listener: (message: HostMessage) => void): () => void;
}
