// The one typed API between the host core and the renderer (ARCHITECTURE.md §4). Electron carries it over IPC, the
// browser shell over WebSocket; the renderer cannot tell which. Types only: the renderer imports this file with
// `import type`, so it must stay free of runtime code and of node: imports.
import type { EventKind, MembershipEvent, MemberStatus } from '../../node-runtime/protocol/events.ts';
import type { Address, MemberId } from '../../node-runtime/protocol/member-id.ts';
import type { ModeInfo, ProtocolFamily, ProtocolMode } from '../../node-runtime/protocol/mode.ts';
import type { PresetName, Timings } from '../../node-runtime/protocol/presets.ts';
import type { Trace } from '../../node-runtime/protocol/trace.ts';
import type { ExperimentMessage, ExperimentRequest, ExperimentResponses } from './experiment-api.ts';

export type { EventKind, MembershipEvent, MemberStatus, Address, MemberId, ModeInfo, PresetName, ProtocolFamily, ProtocolMode, Timings, Trace };

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

/** Where a node's process is, as the host manages it (not what the protocol thinks of it). */
/** How the session's cluster runs: launched hearsay processes or embedded nodes, attached hearsay nodes, or Serf
 *  agents (launched: `serf`; attached: `serf-attached`). */
export type ClusterMode = 'process' | 'embedded' | 'attached' | 'serf' | 'serf-attached' | 'pair';

export type NodeRunState = 'starting' | 'running' | 'paused' | 'killed' | 'left' | 'stopped';

export interface ClusterNode {
  /** Stable across restarts: a node slot is its address; its member id changes with every restart. */
  readonly address: Address;
  readonly id: MemberId | undefined;
  readonly state: NodeRunState;
  /** Launched by this host (kill/pause/restart possible) or only attached to (leave, drop, protocol switch). */
  readonly managed: boolean;
  readonly pid?: number;
  /** A Serf agent (launched or attached) rather than a hearsay node: it offers Serf's actions (force-leave). */
  readonly kind?: 'serf';
  /** Side by side (`launch-pair`): which of the two clusters the node is in, 0 or 1. */
  readonly group?: number;
}

export interface NodeStats {
  readonly address: Address;
  readonly bytesInPerSec: number;
  readonly bytesOutPerSec: number;
  readonly dropped: number;
  readonly malformed: number;
  /** Datagrams refused from, and held back to, blocked peers (a partition); absent where there is no block list. */
  readonly blockedIn?: number;
  readonly blockedOut?: number;
  /** The protocol the node runs as it last reported it (family, suspicion, epoch of the switch; absent from nodes that
   *  do not say, such as Serf agents). */
  readonly protocol?: ModeInfo;
}

/** A host action on a node, recorded beside the nodes' logs (`actions.jsonl`) so replays can mark kills and
 *  measure detection latency from the kill, not from the first detection. */
export interface HostActionRecord {
  readonly ts: number;
  readonly action: NodeAction | 'add' | 'set-drop' | 'set-suspicion' | 'set-protocol' | 'partition' | 'heal';
  /** The node acted on, or `*` for every node (set-drop without an address, set-suspicion, set-protocol). */
  readonly address: Address | '*';
  /** The member id the action hit (before a restart: the old id). */
  readonly member?: MemberId;
  /** set-drop: the rate; set-suspicion and set-protocol: suspicion on or off. */
  readonly value?: number | boolean;
  /** `set-protocol`: the family switched to. */
  readonly protocol?: ProtocolFamily;
  /** `partition`: the nodes cut off from the rest (address `*`). */
  readonly side?: readonly Address[];
}

/** `force-leave`: Serf only — a running agent marks the (failed) agent at the address `left`. */
export type NodeAction = 'kill' | 'pause' | 'resume' | 'leave' | 'restart' | 'force-leave';

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

/** The protocol in force as the running nodes report it (each node's family, suspicion and epoch; the highest epoch
 *  wins, as gossip makes it). `settled`: every running node that reported has that epoch. */
export interface ProtocolInForce extends ModeInfo {
  readonly settled: boolean;
  /** Side by side: each side's own (left, right), which may differ; the fields above are the first side's. */
  readonly sides?: readonly ModeInfo[];
}

export interface Progress {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
}

/** One observer's membership list as it stands. `entries` is flat, four numbers per member: `member` (an index into
 *  `ViewSnapshot.ids`), `status` (alive 1, suspect 2, failed 3, left 4: the renderer's matrix cell codes),
 *  `incarnation`, and `ts`, when the observer logged that status (its clock, epoch ms). */
export interface ObserverList {
  readonly observer: number;
  /** Logged `start` and not `stop`: its list is live and votes in the view's tallies. */
  readonly running: boolean;
  readonly entries: readonly number[];
}

/** Everything the view shows, as it stands after delta `seq`: compact current state, not history (the recording
 *  under logs/<session>/ has the full history, for replay). */
export interface ViewSnapshot {
  /** Recording folder under logs/ (null before any launch or attach, and after a stop). */
  readonly session: string | null;
  readonly mode: ClusterMode | null;
  /** Null before any node reported (and for Serf, which has no such switch). */
  readonly protocol: ProtocolInForce | null;
  /** Every node slot, with its current member id and run state. */
  readonly nodes: readonly ClusterNode[];
  /** Member ids referred to by `lists` (interned: a 1,000-node snapshot names each id once). */
  readonly ids: readonly MemberId[];
  /** Every observer that runs or lists anyone. */
  readonly lists: readonly ObserverList[];
  /** The last stats of each node. */
  readonly stats: readonly NodeStats[];
  /** Start-up progress while a launch runs. */
  readonly progress: Progress | null;
  /** The last host actions (kills, restarts…), oldest first, at most a few dozen: with the entries' times they give
   *  a late subscriber the recent detection latencies. */
  readonly actions: readonly HostActionRecord[];
  /** The nodes the current partition cuts off from the rest; null when none is in force (never, or healed). */
  readonly partition: readonly Address[] | null;
}

/** One change to the view state. Applied in sequence order to a snapshot, they give the host's state at their seq. */
export type ViewChange =
  /** Membership events, as the nodes logged them (plus `stop` for a node the host saw go down: `reason: "host"`). */
  | { readonly type: 'events'; readonly events: readonly MembershipEvent[] }
  /** Slots added or changed (run state, member id, pid), and slots gone (`removed`, by address): every identity
   *  change (restart, rejoin under a new version, supersede, add, remove) arrives as one of these. Slots are
   *  replaced whole, matched by address. */
  | { readonly type: 'nodes'; readonly nodes: readonly ClusterNode[]; readonly removed?: readonly Address[] }
  | { readonly type: 'stats'; readonly stats: readonly NodeStats[] }
  | { readonly type: 'action'; readonly record: HostActionRecord }
  | { readonly type: 'progress'; readonly progress: Progress | null }
  | { readonly type: 'protocol'; readonly protocol: ProtocolInForce | null };

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
