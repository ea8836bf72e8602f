// The view contract's data (docs/app.md, "View contract"): what the host tells a view — node slots, stats, host
// actions, and the snapshot-then-numbered-deltas of every observer's list. Types only. They sit in the pure protocol,
// below both the host and the renderer, so that the one state that builds them (view-state.ts) may run in either:
// in the host for the live view, in the page for the demo. electron/host/api.ts re-exports them with the requests.
import type { MembershipEvent } from './events.ts';
import type { Address, MemberId } from './member-id.ts';
import type { ModeInfo, ProtocolFamily } from './mode.ts';

/** How the session's cluster runs: launched hearsay processes or embedded nodes, attached hearsay nodes, or Serf
 *  agents (launched: `serf`; attached: `serf-attached`). */
export type ClusterMode = 'process' | 'embedded' | 'attached' | 'serf' | 'serf-attached' | 'pair';

/** Where a node's process is, as the host manages it (not what the protocol thinks of it). */
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
