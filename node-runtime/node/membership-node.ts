// The runtime around one protocol core (ARCHITECTURE.md §2): owns the UDP socket, the TCP listener, the log and the
// one timer, and pumps the core with `now`, datagrams and commands. What is served on the TCP listener (join, ctl,
// subscribe, grep) is registered from above (services/node-services.ts) through the typed API below. Used by `hearsay node` and embedded
// many-per-process by the app's host, so it never exits the process, writes to stdout or keeps global state
// (beyond the per-process version clock).
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MembershipCore } from '../protocol/core.ts';
import type { DeclaredFailed, Footprint, MemberView, Output, JoinSnapshot } from '../protocol/core.ts';
import { resolveConfig } from '../protocol/config.ts';
import type { ProtocolConfig } from '../protocol/config.ts';
import { createRng } from '../protocol/rng.ts';
import type { Rng } from '../protocol/rng.ts';
import type { MembershipEvent } from '../protocol/events.ts';
import type { Trace } from '../protocol/trace.ts';
import { formatAddress, formatMemberId, isIpLiteral, parseMemberId } from '../protocol/member-id.ts';
import type { Address, MemberId } from '../protocol/member-id.ts';
import { addHits, noHits } from '../protocol/plausibility.ts';
import type { LimitHits } from '../protocol/plausibility.ts';
import { UserError } from '../user-error.ts';
import { JsonlLog } from '../log/jsonl-log.ts';
import { SenderLineLimit } from '../log/sender-line-limit.ts';
import { TcpListener } from '../transport/tcp-listener.ts';
import { UdpTransport } from '../transport/udp-transport.ts';
import type { Keyring } from '../transport/keyring.ts';
import { requestJoin } from './tcp-join.ts';
import { RequestError } from '../transport/request-line.ts';
import { requestPushPull } from './tcp-push-pull.ts';
import type { ModeInfo, ProtocolFamily, ProtocolMode } from '../protocol/mode.ts';
import { nextVersion } from './version-clock.ts';

export interface MembershipNodeOptions {
  readonly host: string;
  readonly port: number;
  /** The introducer to join through; without it this node is the introducer. */
  readonly join?: Address;
  /** Where `<host>_<port>.jsonl` is appended (docs/log-format.md); no log without it. */
  readonly logDir?: string;
  readonly suspicion?: boolean;
  /** The protocol family to start in (default gossip); a joiner adopts the group's. */
  readonly family?: ProtocolFamily;
  readonly dropRate?: number;
  readonly config?: Partial<ProtocolConfig>;
  /** Accept control hellos (ctl, subscribe, grep) from any peer, not only loopback. */
  readonly controlOpen?: boolean;
  readonly seed?: number;
  /** How long `start` keeps retrying an unreachable introducer before it gives up (default 30 000). */
  readonly joinTimeoutMs?: number;
  /** Called after each failed join attempt that will be retried. */
  readonly onJoinRetry?: (info: JoinRetryInfo) => void;
  /** The cluster key ring: every datagram sealed, every TCP hello authenticated. Without it nothing is (loopback
   *  default; docs/protocol.md "Security"). */
  readonly keyring?: Keyring;
}

export interface JoinRetryInfo {
  readonly attempt: number;
  readonly error: string;
  readonly retryInMs: number;
}

/** Counters for `bandwidth` and the host's live figures. Bytes are UDP (membership traffic) only. */
export interface NodeStats {
  readonly address: Address;
  readonly bytesInPerSec: number;
  readonly bytesOutPerSec: number;
  readonly windowMs: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Datagrams dropped by the receiver-side drop rate, plus those discarded while paused. */
  readonly dropped: number;
  /** Datagrams from, and to, addresses on the block list (a partition). */
  readonly blockedIn: number;
  readonly blockedOut: number;
  /** Malformed datagrams plus malformed TCP hellos. */
  readonly malformed: number;
  /** Keyed node: datagrams and TCP hellos that failed authentication (forged, unkeyed, another cluster's, replayed). */
  readonly unauthenticated: number;
  /** UDP sends that failed locally (socket error, unusable address): gossip tolerates the loss, so only counted. */
  readonly sendErrors: number;
  /** Why the log stopped (disk full, file removed…), or null while it is written (or there is none). */
  readonly logError: string | null;
  /** Log lines not written: members new from one sender past its log limit (log/sender-line-limit.ts). */
  readonly logSuppressed: number;
  /** What each limit against hostile input refused (protocol/plausibility.ts, config.ts), over every version. */
  readonly limits: LimitHits;
}

export type NodeState = 'running' | 'paused' | 'stopped' | 'crashed';

/** Registers the TCP services of a started node on its listener (services/node-services.ts). */
export type NodeServices = (node: MembershipNode, listener: TcpListener) => void;

type Listeners = {
  event: (e: MembershipEvent) => void;
  /** An event whose line the log writes: what a person reads (the console), held back with the log's lines about
   *  members new from one sender past its limit (a phantom flood would print 3,000 lines a second). */
  line: (e: MembershipEvent) => void;
  /** A human-readable line about the runtime itself (join retries, rejoin under a new version). */
  notice: (line: string) => void;
  /** Every datagram sent or refused (protocol/trace.ts); the core traces only while someone listens. */
  trace: (t: Trace) => void;
};

const JOIN_REQUEST_TIMEOUT_MS = 3000;
const LINE_SUMMARY_MS = 1000;
const PUSH_PULL_TIMEOUT_MS = 3000;
const JOIN_BACKOFF_FIRST_MS = 500;
const JOIN_BACKOFF_MAX_MS = 5000;
/** A timer firing later than this was held up by other work in the loop (a node's timers fire ~1 ms late). */
const LATE_TICK_MS = 10;

/** Epoch-aligned and monotonic: the core's clock. */
export function monotonicNow(): number {
  return performance.timeOrigin + performance.now();
}

export class MembershipNode {
  readonly address: Address;
  readonly introducer: Address | undefined;
  readonly config: ProtocolConfig;
  private core!: MembershipCore;
  private timer: NodeJS.Timeout | undefined;
  private armedAt = 0;
  private runState: NodeState = 'running';
  private readonly listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = { event: new Set(), line: new Set(), notice: new Set(), trace: new Set() };
  private readonly retired = { dropped: 0, malformed: 0, blockedIn: 0, blockedOut: 0, limits: noHits() };
  /** The log's bound on lines about members new from one sender (kept across rebirths, as the log is). */
  private readonly lineLimit: SenderLineLimit;
  /** Set while lines held back by the line limit wait to be summed up (a second after the first). */
  private lineSummary: NodeJS.Timeout | undefined;
  /** The block list (partition), kept across rebirths: it is this process's network, not one run's state. */
  private blockList: readonly Address[] = [];
  private pausedDiscarded = 0;
  private rejoining = false;
  /** Aborted by stop and crash: ends a join backoff at once. */
  private readonly stopping = new AbortController();

  private constructor(
    private readonly opts: MembershipNodeOptions,
    private readonly rng: Rng,
    private readonly udp: UdpTransport,
    private readonly tcp: TcpListener,
    private readonly log: JsonlLog | undefined,
    config: ProtocolConfig,
  ) {
    this.address = formatAddress(opts.host, opts.port);
    this.introducer = opts.join;
    this.config = config;
    this.lineLimit = new SenderLineLimit(config);
  }

  /** Binds UDP and TCP on host:port, opens the log, starts the core and, with `join`, joins through the introducer
   *  (retrying with backoff for `joinTimeoutMs`). Rejects with a UserError for a busy port, an unwritable log
   *  directory or an introducer that stayed unreachable. */
  static async start(opts: MembershipNodeOptions, services?: NodeServices): Promise<MembershipNode> {
    // Ids carry the host, and peers send to it: a name would have every peer resolve it (docs/protocol.md, "Trust").
    if (!isIpLiteral(opts.host)) {
      throw new UserError('usage', `--host ${opts.host} is not an IP address (names are not accepted: peers would resolve them); e.g. --host 127.0.0.1`);
    }
    if (opts.join !== undefined && opts.join === formatAddress(opts.host, opts.port)) {
      throw new UserError('usage', `--join ${opts.join} is this node's own address (leave --join out to be the introducer)`);
    }
    let config: ProtocolConfig;
    try {
      config = resolveConfig(opts.config ?? {});
    } catch (err) {
      throw new UserError('usage', `bad protocol settings: ${(err as Error).message}`);
    }
    if (opts.dropRate !== undefined && !(opts.dropRate >= 0 && opts.dropRate <= 1)) {
      throw new UserError('usage', `drop rate ${opts.dropRate} is not within 0..1`);
    }
    const tcp = await TcpListener.listen(opts.host, opts.port, { controlOpen: opts.controlOpen ?? false, keyring: opts.keyring })
      .catch((err: NodeJS.ErrnoException) => { throw bindError(err, 'TCP', opts.host, opts.port); });
    let udp: UdpTransport;
    // Datagrams can arrive before the node object exists; they go nowhere until it does.
    const target: { node?: MembershipNode } = {};
    try {
      udp = await UdpTransport.bind(
        opts.host, opts.port, (from, bytes) => target.node?.onDatagram(from, bytes), monotonicNow, opts.keyring);
    } catch (err) {
      await tcp.close();
      throw bindError(err as NodeJS.ErrnoException, 'UDP', opts.host, opts.port);
    }
    let log: JsonlLog | undefined;
    try {
      log = opts.logDir === undefined ? undefined : JsonlLog.open(opts.logDir, formatAddress(opts.host, opts.port));
    } catch (err) {
      await Promise.all([udp.close(), tcp.close()]);
      throw err instanceof UserError ? err : new UserError('file', `cannot write the log in ${opts.logDir}: ${(err as Error).message}`);
    }
    const seed = opts.seed ?? crypto.randomInt(0, 2 ** 31);
    const node = new MembershipNode(opts, createRng(seed), udp, tcp, log, config);
    target.node = node;
    services?.(node, tcp);
    node.boot({ family: opts.family ?? 'gossip', suspicion: opts.suspicion ?? false }, opts.dropRate);
    if (opts.join !== undefined) {
      try {
        await node.joinWithRetry(opts.joinTimeoutMs ?? 30_000, opts.onJoinRetry);
      } catch (err) {
        await node.stop();
        throw err;
      }
    }
    return node;
  }

  /** The current member id (`host:port@version`); changes when the node rejoins under a new version. */
  get id(): MemberId {
    return this.core.self;
  }

  get state(): NodeState {
    return this.runState;
  }

  on<K extends keyof Listeners>(type: K, listener: Listeners[K]): () => void {
    this.listeners[type].add(listener);
    if (type === 'trace' && this.listeners.trace.size === 1) this.pump(this.core.command(monotonicNow(), { kind: 'set-trace', enabled: true }));
    return () => this.off(type, listener);
  }

  off<K extends keyof Listeners>(type: K, listener: Listeners[K]): void {
    if (!this.listeners[type].delete(listener)) return;
    if (type === 'trace' && this.listeners.trace.size === 0) this.pump(this.core.command(monotonicNow(), { kind: 'set-trace', enabled: false }));
  }

  /** Cuts this node off from these addresses, both ways (replaces the list; empty heals). */
  setBlocked(addresses: readonly Address[]): void {
    this.blockList = [...new Set(addresses)];
    this.pump(this.core.command(monotonicNow(), { kind: 'set-blocked', addresses: this.blockList }));
  }

  blocked(): readonly Address[] {
    return this.blockList;
  }

  members(): MemberView[] {
    return this.core.members();
  }

  suspects(): MemberId[] {
    return this.core.suspects();
  }

  suspicion(): { enabled: boolean; epoch: number } {
    return this.core.suspicion();
  }

  dropRate(): number {
    return this.core.dropRate();
  }

  hasLeft(): boolean {
    return this.core.hasLeft();
  }

  /** The key ring of a keyed cluster (changed in place by install/use/remove), else undefined. */
  keyring(): Keyring | undefined {
    return this.opts.keyring;
  }

  /** The protocol in force at this node: family, suspicion, and the epoch of the switch that set them. */
  mode(): ModeInfo {
    return this.core.mode();
  }

  /** Lifeguard's local health multiplier (0 = healthy). */
  health(): number {
    return this.core.health();
  }

  /** Cluster-wide: the change spreads by gossip. */
  setSuspicion(enabled: boolean): void {
    this.pump(this.core.command(monotonicNow(), { kind: 'set-suspicion', enabled }));
  }

  /** Cluster-wide switch between the four configurations; a field left out is kept. */
  setMode(mode: Partial<ProtocolMode>): void {
    this.pump(this.core.command(monotonicNow(), { kind: 'set-mode', mode }));
  }

  /** Receiver-side drop probability 0..1, local to this node. */
  setDropRate(rate: number): void {
    this.pump(this.core.command(monotonicNow(), { kind: 'set-drop', rate }));
  }

  /** Introducer side of a join: adds `id` and returns the list to send it, or why it was refused. `peer`: the joining
   *  connection's IP, which the core rate-limits like a gossip sender. */
  admit(id: MemberId, peer?: string): JoinSnapshot | { error: string } {
    if (this.runState !== 'running') return { error: `introducer ${this.address} is ${this.runState}` };
    if (this.core.hasLeft()) return { error: `introducer ${this.address} has left the group` };
    const joiner = parseMemberId(id);
    if (joiner && formatAddress(joiner.host, joiner.port) === this.address) return { error: 'a node cannot join itself' };
    this.pump(this.core.command(monotonicNow(), { kind: 'admit', member: id, ...(peer !== undefined && { peer }) }));
    return this.core.snapshot();
  }

  /** Joins through the introducer, once. After a leave (or on the introducer itself after a leave) the node first
   *  restarts under a new version. Rejects with a UserError when the introducer cannot be reached. */
  async join(): Promise<{ members: number }> {
    this.assertLive();
    if (this.core.hasLeft()) this.rebirth('rejoin after leave');
    else if (this.introducer === undefined) throw new UserError('state', 'this node is the introducer (it was started without --join)');
    if (this.introducer !== undefined) await this.joinOnce(JOIN_REQUEST_TIMEOUT_MS);
    return { members: this.core.members().length };
  }

  /** Voluntary leave: peers record `leave`, not `fail`. The node keeps its sockets (it can `join` again). */
  async leave(): Promise<void> {
    this.assertLive();
    if (!this.core.hasLeft()) this.pump(this.core.command(monotonicNow(), { kind: 'leave' }));
    // Give the leave datagrams a turn of the event loop to reach the socket before a caller stops or exits.
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Abrupt end, as kill -9 would be: sockets closed, no leave, no `stop` line. What was logged stays. Takes effect
   *  at once; the promise resolves when the port can be bound again (for a restart on the same address). */
  crash(): Promise<void> {
    if (this.runState === 'stopped' || this.runState === 'crashed') return Promise.resolve();
    this.runState = 'crashed';
    return this.shutdown();
  }

  /** Freeze as SIGSTOP would: no ticks, and datagrams arriving meanwhile are discarded (a stopped process would find
   *  some in its socket buffer, the rest lost; we model all of them lost). TCP join and control still answer. */
  pause(): void {
    if (this.runState !== 'running') return;
    this.runState = 'paused';
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  resume(): void {
    if (this.runState !== 'paused') return;
    this.runState = 'running';
    this.pump(this.core.tick(monotonicNow()));
  }

  /** Graceful shutdown: logs `stop`, closes everything; no leave (use `leave()` first for that). */
  async stop(): Promise<void> {
    if (this.runState === 'stopped' || this.runState === 'crashed') return;
    // After a leave the core has already logged this member's `stop`.
    if (!this.core.hasLeft()) this.emit(this.selfEvent('stop', 'shutdown'));
    this.runState = 'stopped';
    await this.shutdown();
  }

  /** Entries held per structure keyed by member ids (protocol/core.ts). */
  footprint(): Footprint {
    return this.core.footprint();
  }

  stats(): NodeStats {
    const now = monotonicNow();
    const counters = this.core.counters();
    return {
      address: this.address,
      bytesInPerSec: Math.round(this.udp.bytesIn.perSecond(now)),
      bytesOutPerSec: Math.round(this.udp.bytesOut.perSecond(now)),
      windowMs: this.udp.bytesIn.windowMs,
      bytesIn: this.udp.bytesIn.totalBytes,
      bytesOut: this.udp.bytesOut.totalBytes,
      dropped: this.retired.dropped + counters.dropped + this.pausedDiscarded,
      blockedIn: this.retired.blockedIn + counters.blockedIn,
      blockedOut: this.retired.blockedOut + counters.blockedOut,
      malformed: this.retired.malformed + counters.malformed + this.tcp.counters().malformed,
      unauthenticated: this.udp.rejected + this.tcp.counters().unauthenticated,
      sendErrors: this.udp.sendErrors,
      logError: this.log?.error?.message ?? null,
      logSuppressed: this.lineLimit.suppressed,
      limits: addHits(this.retired.limits, counters.limits),
    };
  }

  /** A fresh core under a new version, started. */
  private boot(mode: ProtocolMode, dropRate: number | undefined): void {
    this.core = new MembershipCore({
      self: formatMemberId(this.opts.host, this.opts.port, nextVersion()),
      config: this.config,
      rng: this.rng,
      suspicion: mode.suspicion,
      family: mode.family,
      dropRate,
      introducer: this.introducer,
      trace: this.listeners.trace.size > 0,
    });
    if (this.blockList.length > 0) this.core.command(monotonicNow(), { kind: 'set-blocked', addresses: this.blockList });
    this.pump(this.core.start(monotonicNow()));
  }

  /** Fail-stop: this member was declared failed (or it left and joins again), so it ends and a new version starts. */
  private rebirth(reason: string, by?: DeclaredFailed): void {
    const old = this.core;
    if (!old.hasLeft()) this.emit(this.selfEvent('stop', reason, by?.via));
    const counters = old.counters();
    this.retired.dropped += counters.dropped;
    this.retired.malformed += counters.malformed;
    this.retired.blockedIn += counters.blockedIn;
    this.retired.blockedOut += counters.blockedOut;
    Object.assign(this.retired.limits, addHits(this.retired.limits, counters.limits));
    this.boot(old.mode(), old.dropRate());
    const cause = by === undefined ? '' : ` (${by.cause}${by.via === undefined ? '' : ` from ${by.via}`})`;
    this.notify(`${old.self} ${reason}: restarted as ${this.core.self}${cause}`);
  }

  /** Push-pull, peer side: merge the initiator's state, answer with ours. */
  exchangeState(remote: JoinSnapshot): JoinSnapshot | { error: string } {
    if (this.runState !== 'running' || this.core.hasLeft()) return { error: `${this.address} is not taking part` };
    const ours = this.core.snapshot();
    this.pump(this.core.command(monotonicNow(), { kind: 'push-pull', snapshot: remote }));
    return ours;
  }

  /** Push-pull, initiator side. A failure is not reported: the next one goes to another member. */
  private pushPull(peer: Address): void {
    const core = this.core;
    requestPushPull(peer, core.snapshot(), PUSH_PULL_TIMEOUT_MS, this.opts.keyring).then(
      (snapshot) => {
        if (this.runState === 'running' && this.core === core) this.pump(core.command(monotonicNow(), { kind: 'push-pull', snapshot, from: peer }));
      },
      () => undefined,
    );
  }

  private async joinOnce(timeoutMs: number): Promise<void> {
    const introducer = this.introducer!;
    const self = this.core.self;
    let snapshot: JoinSnapshot;
    try {
      snapshot = await requestJoin(introducer, self, timeoutMs, this.opts.keyring);
    } catch (err) {
      const refused = err instanceof RequestError && (err.code === 'refused' || err.code === 'malformed');
      const reason = err instanceof RequestError ? err.detail : (err as Error).message;
      throw new UserError(refused ? 'refused' : 'unreachable', `cannot join through ${introducer}: ${reason}`);
    }
    // The node may have been stopped or reborn while the request was in flight.
    if (this.runState === 'stopped' || this.runState === 'crashed' || this.core.self !== self) return;
    this.pump(this.core.command(monotonicNow(), { kind: 'joined', snapshot }));
  }

  /** Retries with exponential backoff until joined or `timeoutMs` has passed (then rejects with the last error, of
   *  its kind). A stop or crash ends the wait at once: nothing keeps a stopping process alive. */
  private async joinWithRetry(timeoutMs: number, onRetry?: (info: JoinRetryInfo) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let backoff = JOIN_BACKOFF_FIRST_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.joinOnce(Math.min(JOIN_REQUEST_TIMEOUT_MS, Math.max(deadline - Date.now(), 100)));
        return;
      } catch (err) {
        const code = err instanceof UserError ? err.code : 'unreachable';
        if (this.stopping.signal.aborted) throw new UserError('state', `node ${this.address} stopped while joining`);
        const retryInMs = Math.min(backoff, deadline - Date.now());
        if (retryInMs <= 0) {
          throw new UserError(code, `${(err as Error).message}; gave up after ${attempt} attempt(s) in ${Math.round(timeoutMs / 1000)} s`);
        }
        onRetry?.({ attempt, error: (err as Error).message, retryInMs });
        try {
          await sleep(retryInMs, undefined, { signal: this.stopping.signal });
        } catch {
          throw new UserError('state', `node ${this.address} stopped while joining`);
        }
        backoff = Math.min(backoff * 2, JOIN_BACKOFF_MAX_MS);
      }
    }
  }

  /** After a rebirth, join in the background until it works: the node is alive meanwhile and the introducer's
   *  absence is only visible as notices. */
  private rejoinInBackground(): void {
    if (this.introducer === undefined || this.rejoining) return;
    this.rejoining = true;
    void this.joinWithRetry(Number.POSITIVE_INFINITY, ({ attempt, error, retryInMs }) =>
      this.notify(`join attempt ${attempt} failed: ${error}; retrying in ${(retryInMs / 1000).toFixed(1)} s`))
      .then(() => this.notify(`${this.core.self} joined through ${this.introducer}`))
      .catch((err: Error) => { if (!this.stopping.signal.aborted) this.notify(`rejoin abandoned: ${err.message}`); })
      .finally(() => { this.rejoining = false; });
  }

  private onDatagram(from: Address, bytes: Uint8Array): void {
    if (this.runState === 'paused') {
      this.pausedDiscarded++;
      return;
    }
    if (this.runState !== 'running') return;
    this.pump(this.core.receive(monotonicNow(), from, bytes));
  }

  private pump(out: Output): void {
    if (this.runState === 'stopped' || this.runState === 'crashed') return;
    for (const s of out.send) this.udp.send(s.to, s.bytes);
    for (const e of out.events) this.emit(e);
    if (out.trace !== undefined) for (const t of out.trace) for (const listener of this.listeners.trace) listener(t);
    if (out.pushPull !== undefined) this.pushPull(out.pushPull);
    if (out.selfDeclaredFailed) {
      // Deferred so the output being pumped finishes before the core is replaced.
      setImmediate(() => {
        if (this.runState !== 'running' && this.runState !== 'paused') return;
        this.rebirth('declared failed by the group', out.declaredFailedBy);
        this.rejoinInBackground();
      });
    }
    this.arm(out.nextWakeAt);
  }

  /** Every receive answers with a wake-up, nearly always the one already armed or a later one: the timer is only
   *  re-armed to wake earlier (an early tick does what is due and arms the next), so a node re-arms about once per
   *  round, not once per datagram. */
  private arm(at: number): void {
    if (this.runState !== 'running') return;
    if (this.timer !== undefined && this.armedAt <= at) return;
    clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Woken late (a starved loop): the loop runs timers before it reads sockets, so the datagrams that arrived
      // meanwhile (an ack that beat its probe's timeout) are read first, in this turn's poll phase, and the tick
      // runs after them.
      // The core hears how late (Lifeguard's local health).
      const late = monotonicNow() - at;
      if (late > LATE_TICK_MS) setImmediate(() => this.wake(late));
      else this.wake(0);
    }, Math.max(0, at - monotonicNow()));
  }

  private wake(late: number): void {
    if (this.runState !== 'running') return;
    this.pump(this.core.tick(monotonicNow()));
    // After the tick, whose output arms the next wake-up (this one's would be the late one's, already past).
    if (late > 0) this.pump(this.core.command(monotonicNow(), { kind: 'woke-late', ms: late }));
  }

  private emit(e: MembershipEvent): void {
    if (this.lineLimit.admit(e, e.ts)) {
      this.log?.append(e);
      for (const listener of this.listeners.line) listener(e);
    } else this.summariseHeldLines();
    for (const listener of this.listeners.event) listener(e);
  }

  /** A second after a line is held back: one notice per sender whose members' lines were (the log has no line kind
   *  for it, and readers would skip one they do not know), so at most one notice per sender a second. */
  private summariseHeldLines(): void {
    this.lineSummary ??= setTimeout(() => {
      this.lineSummary = undefined;
      for (const s of this.lineLimit.takeSummaries()) {
        this.notify(`log: ${s.lines} line(s) about ${s.members} member(s) new from ${s.sender || 'other senders'} not written ` +
          `(over ${this.config.logNewMembersPerSecond}/s after ${this.config.logNewMembersBurst}; counted in bandwidth as logSuppressed)`);
      }
    }, LINE_SUMMARY_MS);
  }

  private notify(line: string): void {
    for (const listener of this.listeners.notice) listener(line);
  }

  private selfEvent(event: 'stop', reason: string, via?: MemberId): MembershipEvent {
    const e = { ts: Math.round(monotonicNow()), node: this.core.self, event, member: this.core.self, reason };
    return via === undefined ? e : { ...e, via };
  }

  private assertLive(): void {
    if (this.runState === 'stopped' || this.runState === 'crashed') throw new UserError('state', `node ${this.address} is ${this.runState}`);
  }

  private async shutdown(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    clearTimeout(this.lineSummary);
    await Promise.all([this.udp.close(), this.tcp.close(), this.log?.close()]);
  }
}

function bindError(err: NodeJS.ErrnoException, proto: 'UDP' | 'TCP', host: string, port: number): Error {
  const where = `${formatAddress(host, port)} (${proto})`;
  if (err.code === 'EADDRINUSE') return new UserError('busy', `port ${port} is busy: ${where} is already in use`);
  if (err.code === 'EADDRNOTAVAIL') return new UserError('usage', `cannot bind ${where}: address not available on this machine`);
  if (err.code === 'EACCES') return new UserError('usage', `cannot bind ${where}: permission denied`);
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return new UserError('usage', `cannot bind ${where}: unknown host`);
  return err;
}
