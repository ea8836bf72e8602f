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
  /** How far another member's clock may be ahead of this one's: a version (a start time) further in the future is
   *  not a real run, and every counter's plausible ceiling allows this much (plausibility.ts). */
  readonly maxClockSkewMs: number;
  /** At most this many members listed; a new one beyond is refused (and counted). */
  readonly maxMembers: number;
  /** At most this many removed ids remembered; past it the oldest is forgotten early (and counted). */
  readonly maxTombstones: number;
  /** New members one sender may introduce per second; more are refused (and counted). */
  readonly newMembersPerSenderPerSecond: number;
  /** Log lines: `join`s learned from one sender written at once, then logNewMembersPerSecond a second; the lines of
   *  members past them are not written (counted, summed up once a second; log/sender-line-limit.ts). */
  readonly logNewMembersBurst: number;
  readonly logNewMembersPerSecond: number;
  /** SWIM: a member probes one other member this often (stretched by the local health multiplier). */
  readonly probeIntervalMs: number;
  /** SWIM: no ack for this long after a ping → ask `indirectChecks` others to probe (stretched likewise). */
  readonly probeTimeoutMs: number;
  /** SWIM: k, how many members a ping-req goes to when the direct ping is not answered in time. */
  readonly indirectChecks: number;
  /** SWIM: λ, each piece of news is sent λ·⌈log10(N + 1)⌉ times. */
  readonly retransmitMult: number;
  /** Lifeguard: the shortest suspicion lasts suspicionMult · max(1, log10 N) probe intervals. */
  readonly suspicionMult: number;
  /** Lifeguard: an unconfirmed suspicion lasts this many times the shortest one. */
  readonly suspicionMaxTimeoutMult: number;
  /** Lifeguard: k, the independent suspecters beyond the first that bring a suspicion down to the shortest
   *  (memberlist ties it to suspicionMult − 2; at most N − 2 are possible). */
  readonly suspicionConfirmations: number;
  /** Lifeguard: the local health multiplier goes up to this (probe interval and timeout × 1..this). */
  readonly awarenessMaxMultiplier: number;
  /** SWIM anti-entropy: a full-state push-pull over TCP with one random member this often (scaled past 32 members). */
  readonly pushPullIntervalMs: number;
  /** New versions (restarts) one address may announce of itself per second while a version is listed there. */
  readonly newVersionsPerAddressPerSecond: number;
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
  // Limits against hostile input (issue 9). Each is counted when hit (`CoreCounters.limits`, `ctl bandwidth`).
  // Versions are epoch-ms start times: NTP keeps real clocks within well under a second; 10 minutes tolerates a
  // badly set machine, and a forged version inside it only lists a phantom (it never supersedes a member: merge.ts).
  maxClockSkewMs: 600_000,
  // 10× the largest group one machine runs (~1,000 embedded nodes); ~1 KiB each, so ≤ ~10 MiB per observer.
  maxMembers: 10_000,
  // A tombstone is one map entry (~100 B): 10,000 cover a full list's worth of restarts within tombstoneMs; phantom
  // floods beyond it only shorten the memory of the oldest removed ids.
  maxTombstones: 10_000,
  // A packet holds ~105 entries and a sender reaches one receiver a few times a second: even the start-up of 1,000
  // members (every entry new) stays under it, while one stranger can no longer list 4,500 phantoms a second.
  newMembersPerSenderPerSecond: 1000,
  // What a real sender can tell one member at once: a whole group (a restarted introducer relearns it by gossip;
  // the soak's busiest second was 49 of 50 new from one sender) — the member limit's tenth, as a group this large
  // is ten times any run here. A phantom flood fills it in a second, then writes 20 joins a second (60 lines with
  // their fail and remove), against 1,000 (3,000 lines) without it; a real group never adds members that fast for
  // long.
  logNewMembersBurst: 1000,
  logNewMembersPerSecond: 20,
  // SWIM (ping mode), chosen with the simulator (`scripts/sim-detection.ts --family ping`) and `npm run bench:peers`
  // against Serf's LAN profile (docs/protocol.md, "SWIM timings"; docs/benchmarks.md, "Peers").
  // Half memberlist's LAN 1 s: a crash is first probed ~2× sooner. Paid for by smaller messages (a ping 30 B, an ack
  // 24 B: codec.ts), so a member's ping and ack each period cost ~220 B/s on the wire (IP/UDP headers included).
  probeIntervalMs: 500,
  // memberlist's local profile: loopback and LAN round trips are well under it, and the ping-req still has the rest
  // of the period.
  probeTimeoutMs: 200,
  // memberlist's: three helpers; more helped little at 30 % loss in the simulator (4 hops each path) and cost more.
  indirectChecks: 3,
  // memberlist's λ: each piece of news 4·⌈log10(N + 1)⌉ times (8 at N = 10).
  retransmitMult: 4,
  // The shortest suspicion 2 · max(1, log10 N) periods (1 s at N = 10; memberlist's LAN 4 × 1 s): detection is
  // first probe + this + spread. It can be this short because a suspicion reaches it only with `suspicionConfirmations`
  // independent suspecters (a relayed one no longer counts) and every member that hears one probes the suspect next
  // (probe.ts): a crash gathers them within a period; a live suspect is told by each and refutes at once. With mult 2
  // and relays counted as confirmations the simulator failed live members at 30 % loss (29 per node-hour).
  suspicionMult: 2,
  // memberlist's: an unconfirmed suspicion (one lossy path, one slow prober) lasts 6 s to be refuted.
  suspicionMaxTimeoutMult: 6,
  // Three more suspecters bring a suspicion down to the shortest (memberlist: suspicionMult − 2 = 2). A crash has
  // all N − 2 others probe it within a period (probe.ts), so 3 cost no detection time; at 30 % loss those same
  // probes confirm a live member's false suspicion too, and with 2 the simulator failed live members at 30 % loss on
  // one seed of three (0.45 per node-hour); with 3, none in 90 node-hours over four seeds.
  suspicionConfirmations: 3,
  awarenessMaxMultiplier: 8,
  // memberlist's 30 s doubled: one exchange is a TCP handshake and teardown plus both full lists (~2.4 KB at N = 10,
  // ~80 B/s per node at 30 s: a quarter of the budget). In a small group every member probes every other each round
  // and news goes out 8 times, so push-pull only repairs what a partition or long loss left; 60 s still does that
  // within a minute.
  pushPullIntervalMs: 60_000,
  // A process start takes ~0.1 s at the least, and each new version fails the one before (superseded): a sender
  // speaking under a new version in every datagram filled lists with dead versions that crowded the packets' news.
  newVersionsPerAddressPerSecond: 2,
};

/** Each setting in the words a user knows (the CLI's errors and help, the launch panel's labels and messages all use
 *  these, never the field names) and its bounds: the one range every entry point checks against. */
export interface SettingSpec {
  readonly label: string;
  readonly unit: 'ms' | 'bytes' | 'members' | 'times';
  readonly min: number;
  readonly max: number;
}

export const SETTINGS: { readonly [K in keyof ProtocolConfig]: SettingSpec } = {
  gossipIntervalMs: { label: 'gossip interval', unit: 'ms', min: 10, max: 60_000 },
  fanout: { label: 'fanout', unit: 'members', min: 1, max: 16 },
  failTimeoutMs: { label: 'fail timeout', unit: 'ms', min: 20, max: 600_000 },
  suspectTimeoutMs: { label: 'suspect timeout', unit: 'ms', min: 10, max: 600_000 },
  cleanupTimeoutMs: { label: 'cleanup time', unit: 'ms', min: 10, max: 3_600_000 },
  tombstoneMs: { label: 'tombstone time', unit: 'ms', min: 20, max: 86_400_000 },
  maxPacketBytes: { label: 'packet size', unit: 'bytes', min: 256, max: 65_507 },
  introducerProbeMs: { label: 'introducer probe interval', unit: 'ms', min: 10, max: 600_000 },
  leaveFanout: { label: 'leave fanout', unit: 'members', min: 1, max: 1024 },
  maxClockSkewMs: { label: 'clock skew allowed', unit: 'ms', min: 0, max: 86_400_000 },
  maxMembers: { label: 'member limit', unit: 'members', min: 2, max: 1_000_000 },
  maxTombstones: { label: 'tombstone limit', unit: 'members', min: 16, max: 1_000_000 },
  newMembersPerSenderPerSecond: { label: 'new members per sender per second', unit: 'members', min: 1, max: 1_000_000 },
  logNewMembersBurst: { label: 'logged new members per sender at once', unit: 'members', min: 1, max: 1_000_000 },
  logNewMembersPerSecond: { label: 'logged new members per sender per second', unit: 'members', min: 1, max: 1_000_000 },
  probeIntervalMs: { label: 'probe interval', unit: 'ms', min: 20, max: 60_000 },
  probeTimeoutMs: { label: 'probe timeout', unit: 'ms', min: 5, max: 60_000 },
  indirectChecks: { label: 'indirect checks', unit: 'members', min: 0, max: 16 },
  retransmitMult: { label: 'retransmit multiplier', unit: 'times', min: 1, max: 64 },
  suspicionMult: { label: 'suspicion multiplier', unit: 'times', min: 1, max: 64 },
  suspicionMaxTimeoutMult: { label: 'suspicion max multiplier', unit: 'times', min: 1, max: 64 },
  suspicionConfirmations: { label: 'suspicion confirmations', unit: 'members', min: 0, max: 64 },
  awarenessMaxMultiplier: { label: 'health multiplier max', unit: 'times', min: 1, max: 64 },
  pushPullIntervalMs: { label: 'push-pull interval', unit: 'ms', min: 100, max: 3_600_000 },
  newVersionsPerAddressPerSecond: { label: 'restarts per address per second', unit: 'members', min: 1, max: 1000 },
};

/** A setting out of its bounds or inconsistent with another; `setting` names the one to change (the launch panel
 *  shows the message beside that field, the CLI after that flag). The message is in the user's words. */
export class ConfigError extends Error {
  readonly code = 'bad-setting';
  constructor(readonly setting: keyof ProtocolConfig, message: string) {
    super(message);
  }
}

/** "gossip interval must be a whole number of ms from 10 to 60000": a setting's bounds in words. */
export function rangeMessage(key: keyof ProtocolConfig): string {
  const spec = SETTINGS[key];
  return `${spec.label} must be a whole number${spec.unit === 'ms' ? ' of ms' : ''} from ${spec.min} to ${spec.max}`;
}

/** A setting's value as people read it: `250 ms`, `1.5 s`, `3`, `1400 bytes`. */
export function formatSetting(key: keyof ProtocolConfig, value: number): string {
  const unit = SETTINGS[key].unit;
  if (unit === 'bytes') return `${value} bytes`;
  if (unit !== 'ms') return String(value);
  return value < 1000 ? `${value} ms` : `${+(value / 1000).toFixed(2)} s`;
}

const quantity = (key: keyof ProtocolConfig, value: number): string =>
  `${SETTINGS[key].label} (${value}${SETTINGS[key].unit === 'ms' ? ' ms' : ''})`;

/** Timings that must exceed another by a factor: the core only wakes once per round for receive-side changes (see
 *  core.ts), so a fail timeout shorter than two rounds would fail members between two of their heartbeats; the
 *  others are per-round checks; a tombstone shorter than two cleanups could let a removed id back in. */
const AT_LEAST: readonly [key: keyof ProtocolConfig, times: number, of: keyof ProtocolConfig][] = [
  ['failTimeoutMs', 2, 'gossipIntervalMs'],
  ['suspectTimeoutMs', 1, 'gossipIntervalMs'],
  ['cleanupTimeoutMs', 1, 'gossipIntervalMs'],
  ['introducerProbeMs', 1, 'gossipIntervalMs'],
  ['tombstoneMs', 2, 'cleanupTimeoutMs'],
  ['probeIntervalMs', 1, 'probeTimeoutMs'],
];

/** Settings that follow others unless given (memberlist-style derived defaults), so slower timings never need
 *  settings of their own: the tombstone 12× the cleanup time and the introducer probe 4 rounds, each at least its
 *  default. */
function withDerived(partial: Partial<ProtocolConfig>): ProtocolConfig {
  const config: { -readonly [K in keyof ProtocolConfig]: number } = { ...DEFAULT_CONFIG, ...partial };
  const derive = (key: 'tombstoneMs' | 'introducerProbeMs', times: number, of: keyof ProtocolConfig): void => {
    if (partial[key] === undefined && Number.isFinite(config[of])) {
      config[key] = Math.min(SETTINGS[key].max, Math.max(DEFAULT_CONFIG[key], times * config[of]));
    }
  };
  derive('tombstoneMs', 12, 'cleanupTimeoutMs');
  derive('introducerProbeMs', 4, 'gossipIntervalMs');
  return config;
}

/** The first problem with these settings (after defaults), or undefined. */
export function checkConfig(partial: Partial<ProtocolConfig>): ConfigError | undefined {
  const config = withDerived(partial);
  for (const key of Object.keys(config) as (keyof ProtocolConfig)[]) {
    const spec = SETTINGS[key];
    if (spec === undefined) return new ConfigError(key, `unknown protocol setting ${key}`);
    const value = config[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
      return new ConfigError(key, `${rangeMessage(key)} (got ${String(value)})`);
    }
  }
  for (const [key, times, of] of AT_LEAST) {
    if (config[key] < times * config[of]) {
      return new ConfigError(key, `${quantity(key, config[key])} must be at least ${times === 1 ? '' : `${times} × `}the ${quantity(of, config[of])}`);
    }
  }
  return undefined;
}

/** Fills in defaults and validates: throws a ConfigError with a one-line message naming the first bad setting. */
export function resolveConfig(partial: Partial<ProtocolConfig>): ProtocolConfig {
  const error = checkConfig(partial);
  if (error) throw error;
  return withDerived(partial);
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
/** The largest group the app runs on one machine, by how it runs. A Node process per member costs its memory and a
 *  start-up each: ~50 MiB RSS from the bundled CLI (`npm run build:cli`; ~92 MiB through tsx), so 200 need ~10 GiB,
 *  what a workstation can spare, and start 4 at a time. Embedded members cost sockets only, and the datagram budget
 *  above holds to ~2,000. The app's launch panel, its host's request schema, `npm start` and `hearsay cluster` all
 *  check against these. Serf agents (a Go process each, two ports) are capped lower: the pair view draws them beside
 *  a hearsay cluster. */
export const MAX_LOCAL_GROUP = { process: 200, embedded: 2000, serf: 32 } as const;
/** Timeouts are this many times the expected spread: the simulated maximum staleness of a heartbeat over minutes
 *  was ~3× the expected spread (N = 300), and a false failure costs a rejoin. */
const SPREAD_MARGIN = 4;

function ceilTo(step: number, value: number): number {
  return Math.ceil(value / step) * step;
}

/**
 * The timings in force in a group whose list holds `n` members (self included), from the `base` timings (the given
 * ones, or the defaults): the core re-derives them whenever its list grows or shrinks (group-size.ts), so a group
 * that grows by joins never outgrows its timeouts, whatever it was started with. Up to SMALL_GROUP the base holds,
 * unchanged (the whole list fits one packet and the defaults were simulated for it). Beyond, three things no longer
 * hold (docs/protocol.md, "Large groups"), and each timing becomes the larger of its base and:
 * - Packet coverage: a packet holds ~105 entries, so a member's heartbeat rides in a fraction c = 105 / (n − 1) of
 *   the packets and spreads by a factor 1 + fanout·c per round instead of 1 + fanout.
 * - Epidemic rounds: reaching all n takes ~ln n / ln(1 + fanout·c) rounds; T_fail is SPREAD_MARGIN times that (the
 *   default's 6 rounds for 10 members is ~4× its spread), T_suspect the same for news (which goes first in a packet,
 *   at full fanout). Cleanup follows T_fail (a failure must reach everyone before it is forgotten), the tombstone
 *   12× cleanup and the introducer probe 4 rounds (as resolveConfig derives them).
 * - CPU budget: heartbeat gossip sends n·fanout / T_gossip datagrams a second from the group; T_gossip grows so that
 *   stays within GROUP_PACKETS_PER_SECOND (from ~330 members). Not in ping mode: there a round sends only news, and
 *   only when there is some (memberlist keeps its gossip interval whatever N), so a quiet group costs nothing and
 *   a failure spreads at the base pace; its size-dependent timings (suspicion, retransmits, push-pull) follow N in
 *   their own formulas (suspicion.ts, broadcast.ts, push-pull.ts).
 * Never lower than the base, so a longer timing given by hand is kept; always valid for resolveConfig: a timing
 * past its bound is cut to it (beyond ~2,000 members on one machine, where the budget cannot hold anyway).
 */
export function configForSize(base: ProtocolConfig, n: number, family: 'gossip' | 'ping'): ProtocolConfig {
  if (!(n > SMALL_GROUP)) return base;
  const at = (key: keyof ProtocolConfig, value: number): number => Math.max(base[key], Math.min(value, SETTINGS[key].max));
  const budget = ceilTo(10, (n * base.fanout * 1000) / GROUP_PACKETS_PER_SECOND);
  const gossipIntervalMs = family === 'gossip' ? at('gossipIntervalMs', budget) : base.gossipIntervalMs;
  // Heartbeats in gossip mode, at the heartbeat gossip's pace even in ping mode: T_fail there only times out members
  // that have not heard of a switch to ping yet (gossip.ts `gossipsHeartbeat`), and they still gossip at that pace.
  const heartbeatPace = at('gossipIntervalMs', budget);
  const perPacket = Math.floor((base.maxPacketBytes - HEADER_BYTES) / ENTRY_BYTES);
  const coverage = Math.min(1, perPacket / (n - 1));
  const heartbeatRounds = Math.log(n) / Math.log(1 + base.fanout * coverage);
  const newsRounds = Math.log(n) / Math.log(1 + base.fanout);
  const failTimeoutMs = at('failTimeoutMs', ceilTo(100, SPREAD_MARGIN * heartbeatRounds * heartbeatPace));
  const cleanupTimeoutMs = at('cleanupTimeoutMs', failTimeoutMs);
  return {
    ...base,
    gossipIntervalMs,
    failTimeoutMs,
    suspectTimeoutMs: at('suspectTimeoutMs', ceilTo(100, SPREAD_MARGIN * newsRounds * gossipIntervalMs)),
    cleanupTimeoutMs,
    tombstoneMs: at('tombstoneMs', 12 * cleanupTimeoutMs),
    introducerProbeMs: at('introducerProbeMs', 4 * gossipIntervalMs),
  };
}

/** The timings a launch of `n` members starts with (the default preset of a large launch, presets.ts): the defaults
 *  as configForSize scales them, so the first rounds, before every member has heard of every other, already run at
 *  the group's pace. */
export function configForGroupSize(n: number): Partial<ProtocolConfig> {
  if (!(n > SMALL_GROUP)) return {};
  const { gossipIntervalMs, failTimeoutMs, suspectTimeoutMs, cleanupTimeoutMs } = configForSize(DEFAULT_CONFIG, n, 'gossip');
  return { gossipIntervalMs, failTimeoutMs, suspectTimeoutMs, cleanupTimeoutMs };
}

/** The shortest round any valid config gossips at: a member's heartbeat cannot grow faster (plausibility.ts). */
export const MIN_GOSSIP_INTERVAL_MS = SETTINGS.gossipIntervalMs.min;

/** How far a suspicion epoch heard by gossip may run ahead of the receiver's (plausibility.ts): switches are user
 *  commands that reach every member within seconds, so a member is never 1,000 switches behind; a forged epoch can
 *  still switch the mode once, but the next real switch (epoch + 1) overrules it. */
export const MAX_EPOCH_STEP = 1000;
