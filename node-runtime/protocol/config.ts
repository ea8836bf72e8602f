// Every timing and size of the protocol, with its default and the reason for it (memberlist's config.go is the model).
// The defaults were chosen with the simulator (`npx tsx scripts/sim-detection.ts`); docs/protocol.md has the table.

export interface ProtocolConfig {
  /** T_gossip: how often a member bumps its heartbeat and gossips its list. */
  readonly gossipIntervalMs: number;
  /** b: how many random live members each round goes to. */
  readonly fanout: number;
  /** T_fail: no heartbeat increase for this long → failed (suspicion off) or suspect (suspicion on). */
  readonly failTimeoutMs: number;
  /** T_suspect: an unrefuted suspicion becomes a failure after this long. */
  readonly suspectTimeoutMs: number;
  /** T_cleanup: a failed or left member stays listed (and gossiped as such) this long, then is removed. */
  readonly cleanupTimeoutMs: number;
  /** How long a removed id is remembered so stale gossip cannot resurrect it. */
  readonly tombstoneMs: number;
  /** Upper bound of one gossip datagram; a list that does not fit is sent in part (see gossip.ts). */
  readonly maxPacketBytes: number;
  /** While no live member lives at the introducer's address, gossip also goes there this often. */
  readonly introducerProbeMs: number;
  /** A leaving member announces itself to at most this many live members (all of them in a small group). */
  readonly leaveFanout: number;
}

export const DEFAULT_CONFIG: ProtocolConfig = {
  // 4 rounds a second: T_fail then spans 6 rounds. With fanout 3 a 10-member list (~170 B) costs ~1.8 KB/s per node,
  // under the 2 KiB/s budget; 8 rounds a second would need fanout 1 and spread news more slowly per hop.
  gossipIntervalMs: 250,
  // 3 targets: a heartbeat reaches all of 10 members in ~2–3 rounds. With fanout 2 the freshest heartbeat lags up to
  // 5 rounds behind at some member, and the simulator saw false failures (then cascades of rejoins) even at 0 % loss
  // with T_fail = 1250 ms; fanout 3 buys that margin for 50 % more bandwidth, still within budget.
  fanout: 3,
  // 6 rounds without a newer heartbeat. Simulated (N = 10): first detection p99 ~1.5 s and all p99 ~2.0 s after a
  // crash (targets ≤ 2 s / ≤ 3 s), no false failure in hours at 0 % and 10 % loss; at 30 % loss without suspicion
  // ~3 per node-hour, which is what suspicion is for.
  failTimeoutMs: 1500,
  // 4 rounds: the suspect hears of its suspicion and its refutation spreads back in 2–3 rounds even at 30 % loss (no
  // false failure simulated at 30 % with suspicion on). A crash is then failed by the first member at
  // T_fail + T_suspect ≈ 2.5 s and by all ~0.2 s later, since a gossiped failure is adopted at once (≤ 3 s / ≤ 6 s).
  suspectTimeoutMs: 1000,
  // 20 rounds: the failure or leave reaches every member by gossip well before it is forgotten, and a zombie (a
  // paused member) that comes back within it is told it failed while its entry still exists.
  cleanupTimeoutMs: 5000,
  // 12× cleanup: ids are unique per process run, so a tombstone costs one map entry, and a long one outlives any
  // member that still gossips the id (a slow or partitioned one).
  tombstoneMs: 60_000,
  // One unfragmented datagram on Ethernet (1500 MTU − IP/UDP headers, with room for tunnels).
  maxPacketBytes: 1400,
  // 4 rounds: a restarted introducer relearns the group within a second, for ~1 small packet a second per member,
  // and only while no live member is known at the introducer's address.
  introducerProbeMs: 1000,
  // A group of up to 32 hears a leave directly; a larger one gets it by gossip from 32 first-hand witnesses.
  leaveFanout: 32,
};

type Bounds = { readonly [K in keyof ProtocolConfig]: readonly [min: number, max: number] };

const BOUNDS: Bounds = {
  gossipIntervalMs: [10, 60_000],
  fanout: [1, 16],
  failTimeoutMs: [20, 600_000],
  suspectTimeoutMs: [10, 600_000],
  cleanupTimeoutMs: [10, 3_600_000],
  tombstoneMs: [20, 86_400_000],
  maxPacketBytes: [256, 65_507],
  introducerProbeMs: [10, 600_000],
  leaveFanout: [1, 1024],
};

/** Fills in defaults and validates: throws an Error with a one-line message naming the first bad setting. */
export function resolveConfig(partial: Partial<ProtocolConfig>): ProtocolConfig {
  const config: ProtocolConfig = { ...DEFAULT_CONFIG, ...partial };
  for (const key of Object.keys(config) as (keyof ProtocolConfig)[]) {
    const bounds = BOUNDS[key];
    if (bounds === undefined) throw new Error(`unknown protocol setting ${key}`);
    const value = config[key];
    const [min, max] = bounds;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${key} must be an integer from ${min} to ${max} (got ${String(value)})`);
    }
  }
  // The core only wakes once per round for receive-side changes (see core.ts), and a timeout shorter than two
  // rounds would fail members between two of their heartbeats.
  if (config.failTimeoutMs < 2 * config.gossipIntervalMs) {
    throw new Error(`failTimeoutMs (${config.failTimeoutMs}) must be at least 2 × gossipIntervalMs (${config.gossipIntervalMs})`);
  }
  for (const key of ['suspectTimeoutMs', 'cleanupTimeoutMs', 'introducerProbeMs'] as const) {
    if (config[key] < config.gossipIntervalMs) {
      throw new Error(`${key} (${config[key]}) must be at least gossipIntervalMs (${config.gossipIntervalMs})`);
    }
  }
  if (config.tombstoneMs < 2 * config.cleanupTimeoutMs) {
    throw new Error(`tombstoneMs (${config.tombstoneMs}) must be at least 2 × cleanupTimeoutMs (${config.cleanupTimeoutMs})`);
  }
  return config;
}

/** Up to this many members the defaults hold: the whole list fits one packet and they were simulated for it. */
export const SMALL_GROUP = 32;
/** Wire bytes of one entry with an epoch-ms version (tag 1, port 2, version 6, heartbeat 3, incarnation 1) and of
 *  the packet's header, host table and sender: what a packet of maxPacketBytes holds (~105 entries at 1400 B). */
const ENTRY_BYTES = 13;
const HEADER_BYTES = 30;
/** Datagrams per second the whole group may send when it runs on one machine (the app's embedded and process
 *  clusters): each costs a send, a receive and ~100 entry merges, ~0.1 ms of one core after receive. */
const GROUP_PACKETS_PER_SECOND = 4000;
/** Timeouts are this many times the expected spread: the simulated maximum staleness of a heartbeat over minutes
 *  was ~3× the expected spread (N = 300), and a false failure costs a rejoin. */
const SPREAD_MARGIN = 4;

function ceilTo(step: number, value: number): number {
  return Math.ceil(value / step) * step;
}

/**
 * Timings for a group of `n` members (the host uses them when a large launch gives no timings). N ≤ SMALL_GROUP:
 * the defaults, unchanged. Beyond, three things no longer hold (docs/protocol.md, "Large groups"):
 * - Packet coverage: a packet holds ~105 entries, so a member's heartbeat rides in a fraction c = 105 / (n − 1) of
 *   the packets and spreads by a factor 1 + fanout·c per round instead of 1 + fanout.
 * - Epidemic rounds: reaching all n takes ~ln n / ln(1 + fanout·c) rounds; T_fail is SPREAD_MARGIN times that (the
 *   default's 6 rounds for 10 members is ~4× its spread), T_suspect the same for news (which goes first in a packet,
 *   at full fanout). Cleanup and tombstones follow T_fail.
 * - CPU budget: a group on one machine sends n·fanout / T_gossip datagrams a second; T_gossip grows so that stays
 *   within GROUP_PACKETS_PER_SECOND (from ~330 members).
 * Always valid for resolveConfig: a timeout past its bound is cut to it (beyond ~2,000 members on one machine,
 * where the budget cannot hold anyway).
 */
export function configForGroupSize(n: number): Partial<ProtocolConfig> {
  if (!(n > SMALL_GROUP)) return {};
  const d = DEFAULT_CONFIG;
  const gossipIntervalMs = Math.max(d.gossipIntervalMs, ceilTo(10, (n * d.fanout * 1000) / GROUP_PACKETS_PER_SECOND));
  const perPacket = Math.floor((d.maxPacketBytes - HEADER_BYTES) / ENTRY_BYTES);
  const coverage = Math.min(1, perPacket / (n - 1));
  const heartbeatRounds = Math.log(n) / Math.log(1 + d.fanout * coverage);
  const newsRounds = Math.log(n) / Math.log(1 + d.fanout);
  const at = (key: keyof ProtocolConfig, value: number): number => Math.min(value, BOUNDS[key][1]);
  const failTimeoutMs = at('failTimeoutMs', Math.max(d.failTimeoutMs, ceilTo(100, SPREAD_MARGIN * heartbeatRounds * gossipIntervalMs)));
  const cleanupTimeoutMs = Math.max(d.cleanupTimeoutMs, failTimeoutMs);
  return {
    gossipIntervalMs,
    failTimeoutMs,
    suspectTimeoutMs: at('suspectTimeoutMs', Math.max(d.suspectTimeoutMs, ceilTo(100, SPREAD_MARGIN * newsRounds * gossipIntervalMs))),
    cleanupTimeoutMs,
    tombstoneMs: at('tombstoneMs', Math.max(d.tombstoneMs, 12 * cleanupTimeoutMs)),
    introducerProbeMs: Math.max(d.introducerProbeMs, 4 * gossipIntervalMs),
  };
}
