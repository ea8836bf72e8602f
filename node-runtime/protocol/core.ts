// The membership state machine, sans-IO (ARCHITECTURE.md §2): fed `now`, received bytes and commands; returns what to
// send, what changed, and when to be woken next. No sockets, timers, clocks or randomness of its own, so the same code
// runs under real UDP, embedded many-per-process, and in the deterministic simulator.
//
// CONTRACT (the runtime, host and simulator code against this; the implementation fills it in):
import type { MembershipEvent, MemberStatus } from './events.ts';
import type { Address, MemberId } from './member-id.ts';
import { addressOf } from './member-id.ts';
import type { ProtocolConfig } from './config.ts';
import { resolveConfig } from './config.ts';
import type { Rng } from './rng.ts';
import { decodeGossip } from './codec.ts';
import type { MessageKind } from './codec.ts';
import { MemberList } from './member-list.ts';
import type { CoreState, DeclaredFailed } from './state.ts';
import { emit, newEntry } from './state.ts';
import { deathNotice, expire, forgiveLostTime, isIsolated, isZombie } from './failure.ts';
import { buildPacket, gossipRound, introducerProbe } from './gossip.ts';
import { confirm, mergeEntry } from './merge.ts';
import type { LimitHits } from './plausibility.ts';
import { noHits, plausibleMember, plausibleMode } from './plausibility.ts';
import { NewMemberLimit } from './new-member-limit.ts';
import { hearMode, logProtocol, switchMode } from './mode.ts';
import type { ModeInfo, ProtocolMode } from './mode.ts';
import { admit, mergeSnapshot, snapshot } from './join.ts';
import { formGroup } from './formed-group.ts';
import type { Entry, Member } from './entry.ts';
import { leave } from './leave.ts';
import type { DropCause, News, Trace } from './trace.ts';
import { newsOf, piggybackedNews } from './trace.ts';
import { TimerTable } from './timers.ts';
import { BroadcastQueue } from './broadcast.ts';
import { Awareness } from './awareness.ts';
import { abandonProbes, answerProbe, newProbeState, startProbe, postponeLateStep, stepProbe, swimMessage, tickRelays } from './probe.ts';
import { armPushPull, followPushPull, joinSynced, pushPullDue } from './push-pull.ts';
import { followGroupSize } from './group-size.ts';

export type { DeclaredFailed };

export interface Send {
  readonly to: Address;
  readonly bytes: Uint8Array;
  /** What the datagram is (for the trace). */
  readonly kind: MessageKind;
  /** The news it carries, taken as it was built (SWIM messages): the trace uses it rather than decode the bytes a
   *  second time. Absent: the trace reads the bytes. */
  readonly news?: readonly News[];
}

export interface Output {
  readonly send: Send[];
  readonly events: MembershipEvent[];
  /** When `tick` must be called next at the latest (same clock as `now`). */
  readonly nextWakeAt: number;
  /** Set once, when this member learns the group declared it failed or removed: fail-stop, so it cannot refute;
   *  the runtime logs `stop` and rejoins under a new version. */
  readonly selfDeclaredFailed?: boolean;
  /** With `selfDeclaredFailed`: what told this member and who (for the runtime's `stop` line). */
  readonly declaredFailedBy?: DeclaredFailed;
  /** Only while tracing is on: one record per datagram sent (blocked ones included) or refused (trace.ts). */
  readonly trace?: Trace[];
  /** SWIM anti-entropy: exchange full state with this member over TCP (the runtime sends `snapshot()`, the peer
   *  answers with its own, and each side runs the `push-pull` command with what it got). */
  readonly pushPull?: Address;
}

export interface MemberView {
  readonly id: MemberId;
  readonly status: MemberStatus;
  readonly heartbeat: number;
  readonly incarnation: number;
  /** `now` at which this observer last saw the member's heartbeat increase. */
  readonly lastHeardAt: number;
}

/** A full membership list, as the introducer returns it to a joiner over TCP (and SWIM's push-pull exchanges). */
export interface JoinSnapshot {
  readonly members: readonly { id: MemberId; heartbeat: number; incarnation: number; status: MemberStatus }[];
  readonly mode: ModeInfo;
}

export type Command =
  | { readonly kind: 'leave' }
  /** Cluster-wide: spreads on every datagram, a higher epoch wins (mode.ts). A field left out is kept. */
  | { readonly kind: 'set-mode'; readonly mode: Partial<ProtocolMode> }
  /** Cluster-wide, as set-mode with only `suspicion`. */
  | { readonly kind: 'set-suspicion'; readonly enabled: boolean }
  /** Local: the receiver-side drop probability, 0..1. */
  | { readonly kind: 'set-drop'; readonly rate: number }
  /** Local: cut this member off from these addresses, both ways (replaces the list; empty heals). */
  | { readonly kind: 'set-blocked'; readonly addresses: readonly Address[] }
  /** Local: whether outputs carry `trace`. */
  | { readonly kind: 'set-trace'; readonly enabled: boolean }
  /** Local: the runtime's timer fired `ms` later than asked (its process was starved). Lifeguard's evidence that this
   *  member is the slow one, which memberlist has to infer from missed nacks (awareness.ts). */
  | { readonly kind: 'woke-late'; readonly ms: number }
  /** Introducer side of a TCP join: add the joiner; `snapshot()` then gives the reply. `peer` is the joining
   *  connection's IP: one peer admits at most newMembersPerSenderPerSecond joiners a second, as one gossip sender. */
  | { readonly kind: 'admit'; readonly member: MemberId; readonly peer?: string }
  /** Joiner side: merge the introducer's reply. */
  | { readonly kind: 'joined'; readonly snapshot: JoinSnapshot }
  /** SWIM anti-entropy: merge a peer's full state (either side of a push-pull). `from`: the peer this member asked
   *  (its own push-pull), so the answer to its join sync is told from others (push-pull.ts). */
  | { readonly kind: 'push-pull'; readonly snapshot: JoinSnapshot; readonly from?: Address }
  /** The simulator's warm start (formed-group.ts): list these members as a group formed before the run. */
  | { readonly kind: 'formed'; readonly members: readonly Member[] };

export interface CoreOptions {
  readonly self: MemberId;
  readonly config: ProtocolConfig;
  readonly rng: Rng;
  readonly suspicion?: boolean;
  /** The protocol family to start in (default gossip); a joiner adopts the group's from the introducer. */
  readonly family?: ProtocolMode['family'];
  readonly dropRate?: number;
  readonly trace?: boolean;
  /** Address of the introducer this member joined through; re-announced to while no alive member lives there, so a
   *  restarted introducer relearns the group. */
  readonly introducer?: Address;
}

export interface CoreCounters {
  readonly received: number;
  readonly dropped: number;
  readonly malformed: number;
  readonly sent: number;
  /** Datagrams from, and to, addresses on the block list. */
  readonly blockedIn: number;
  readonly blockedOut: number;
  /** What each limit against hostile input refused (plausibility.ts). */
  readonly limits: Readonly<LimitHits>;
}

/** Entries held per structure keyed by member ids (MembershipCore.footprint). */
export interface Footprint {
  /** Listed members, self included: at most maxMembers. */
  readonly members: number;
  /** Removed ids remembered for tombstoneMs: at most maxTombstones. */
  readonly tombstones: number;
  /** The newest version of a member removed from an address, kept tombstoneMs past its removal: at most
   *  maxMembers + maxTombstones. */
  readonly versions: number;
  /** The probe ring: at most twice the members, plus a slack (probe.ts). */
  readonly ring: number;
  /** The news queue's slots: about listed members only (failure.ts), dead slots at most twice the live ones
   *  (broadcast.ts). */
  readonly news: number;
}

/** An inert core (left, or declared failed) still answers with a finite wake-up, so a runtime that arms a timer
 *  from `nextWakeAt` never spins. */
const IDLE_WAKE_MS = 3_600_000;

export class MembershipCore {
  readonly self: MemberId;
  private readonly st: CoreState;
  private drop: number;
  private left = false;
  private reportedFailed = false;
  private nextWakeAt = 0;
  private readonly count = { received: 0, dropped: 0, malformed: 0, sent: 0, blockedIn: 0, blockedOut: 0 };
  private blocked: ReadonlySet<Address> = new Set();
  private tracing: boolean;
  private refused: Trace[] = [];

  /** Throws for a self id that is not a canonical `host:port@version` or a config out of range (programming errors:
   *  the runtime validates user input before). */
  constructor(opts: CoreOptions) {
    const self = newEntry({ id: opts.self, heartbeat: 0, incarnation: 0 });
    if (self === undefined) throw new Error(`invalid member id ${JSON.stringify(opts.self)}`);
    self.confirmed = true;
    const config = resolveConfig(opts.config);
    const hits = noHits();
    const list = new MemberList(config.maxTombstones, config.maxMembers + config.maxTombstones, hits);
    list.add(self);
    this.self = opts.self;
    this.st = {
      self,
      base: config,
      config,
      sizedFor: { n: 0, family: opts.family ?? 'gossip' },
      rng: opts.rng,
      list,
      introducer: opts.introducer,
      mode: { family: opts.family ?? 'gossip', enabled: opts.suspicion ?? false, epoch: 0, tie: 0 },
      events: [],
      via: undefined,
      refuteTo: [],
      declaredFailed: undefined,
      modeSince: Number.NEGATIVE_INFINITY,
      timers: new TimerTable(),
      broadcasts: new BroadcastQueue(),
      awareness: new Awareness(config.awarenessMaxMultiplier),
      // A random start, so acks meant for an earlier run at this address rarely match; below 2^21, so a seq takes 3
      // varint bytes for days of probing (it is in every ping and ack).
      probe: newProbeState(Math.floor(opts.rng.next() * 0x200000), self),
      wholeTooBig: Number.POSITIVE_INFINITY,
      rotation: 0,
      rotationUnconfirmed: 0,
      announce: false,
      unannounced: [],
      welcome: [],
      joinSyncAsked: false,
      pushPullArmedFor: 0,
      hits,
      newMembers: new NewMemberLimit(config.newMembersPerSenderPerSecond),
      newVersions: new NewMemberLimit(config.newVersionsPerAddressPerSecond),
    };
    this.drop = validRate(opts.dropRate ?? 0) ?? 0;
    this.tracing = opts.trace ?? false;
  }

  /** Emits `start` for self; the first gossip round and probe are one interval later (after the runtime's TCP
   *  join). Self is news: in ping mode it is how the group hears of the joiner. */
  start(now: number): Output {
    const st = this.st;
    st.self.lastHeardAt = st.self.statusSince = st.self.changedAt = now;
    st.timers.set('gossip', now + st.config.gossipIntervalMs);
    if (st.introducer !== undefined) st.timers.set('introducer', now + st.config.introducerProbeMs);
    st.broadcasts.enqueue(st.self);
    this.syncFamily(now);
    this.nextWakeAt = st.timers.next();
    emit(st, now, 'start', st.self);
    logProtocol(st, now);
    return this.finish(now, []);
  }

  /** Runs every timer that is due (the members' timers, gossip, probes, relays, push-pull, introducer). */
  tick(now: number): Output {
    if (this.inert) return this.finish(now, []);
    const st = this.st;
    const t = st.timers;
    const late = now - this.nextWakeAt;
    if (late > Math.min(st.config.gossipIntervalMs, st.config.probeIntervalMs)) forgiveLostTime(st, now, late);
    // Under a millisecond is the runtime's timer resolution (and the simulator's rounding), not a busy loop.
    else if (late >= 1) postponeLateStep(st, now, late);
    this.syncFamily(now);
    this.expireMembers(now);
    st.list.expireTombstones(now, st.config.tombstoneMs);
    const send: Send[] = [];
    if (t.due('gossip', now)) send.push(...gossipRound(st, now));
    if (t.due('introducer', now)) send.push(...introducerProbe(st, now));
    if (t.due('relay', now)) send.push(...tickRelays(st, now));
    if (t.due('probeStep', now)) send.push(...stepProbe(st, now));
    if (t.due('probe', now)) send.push(...startProbe(st, now));
    const pushPull = pushPullDue(st, now);
    // Again if a verdict above (a probe's) pulled the members' timers in to now.
    this.expireMembers(now);
    this.nextWakeAt = t.next();
    return this.finish(now, send, pushPull);
  }

  /** Rolls the receiver-side drop, then decodes, validates and merges one datagram. */
  receive(now: number, from: Address, bytes: Uint8Array): Output {
    if (this.inert) return this.finish(now, []);
    const st = this.st;
    this.count.received++;
    if (this.blocked.has(from)) {
      this.count.blockedIn++;
      return this.refuse(now, from, bytes, 'blocked');
    }
    if (this.drop > 0 && st.rng.next() < this.drop) {
      this.count.dropped++;
      return this.refuse(now, from, bytes, 'drop');
    }
    const decoded = decodeGossip(bytes);
    if (!decoded.ok) {
      this.count.malformed++;
      return this.finish(now, []);
    }
    const { kind, sender, mode, entries, probe } = decoded.msg;
    // A sender speaks only for the address it sends from: a datagram naming another (a forged or replayed packet) is
    // dropped, so a stranger can neither act as a member nor have an answer sent elsewhere.
    if (addressOf(sender.id) !== from) {
      st.hits.spoofed++;
      return this.finish(now, []);
    }
    if (!plausibleMember(st.config, now, sender)) {
      st.hits.implausible++;
      return this.finish(now, []);
    }
    if (kind === 'failed-notice') {
      // Not gossip but the sender's own verdict, told to us directly: fail-stop, whatever our incarnation. Only from a
      // member this one has known: a stranger's notice would force a restart with one datagram.
      const known = st.list.get(sender.id) !== undefined || st.list.isTombstoned(sender.id);
      if (known && entries.some((w) => w.id === st.self.id && w.status === 'failed')) st.declaredFailed = { cause: 'failed-notice', via: sender.id };
      return this.finish(now, []);
    }
    // The sender's entry, looked up once for the zombie check and its confirmation below: in a list of thousands
    // the lookup is a cache miss or more, on every datagram. Merging never replaces a listed entry.
    const listed = st.list.get(sender.id);
    if (isZombie(st, sender, listed)) {
      if (!isIsolated(st)) return this.finish(now, [{ to: from, bytes: deathNotice(st, sender), kind: 'failed-notice' }]);
      st.declaredFailed = { cause: 'isolated', via: sender.id };
      return this.finish(now, []);
    }
    st.via = sender.id;
    if (plausibleMode(st.config, now, mode, st.mode.epoch)) hearMode(st, now, mode);
    else st.hits.implausible++;
    // The datagram came from the sender's own address: it exists (confirmed as soon as its entry, which comes first,
    // is merged; a SWIM message may not list it, so it is confirmed after the loop too). The introducer gossips only
    // members it has confirmed (gossip.ts), as its join snapshot does: what it lists exists too.
    const vouched = from === st.introducer;
    const src = { reason: 'gossip', from, sender: sender.id };
    for (const w of entries) {
      mergeEntry(st, now, w, src);
      if (st.declaredFailed) break;
      if (vouched || w.id === sender.id) confirmListed(st, now, w.id, w.id === sender.id ? listed : undefined);
    }
    st.via = undefined;
    if (st.declaredFailed) return this.finish(now, []);
    confirmListed(st, now, sender.id, listed);
    this.syncFamily(now);
    const send = probe === undefined ? [] : answerProbe(st, now, kind, probe, from);
    if (st.refuteTo.length > 0) {
      const refutation = st.mode.family === 'gossip' ? { bytes: buildPacket(st, now) } : swimMessage(st, 'gossip', undefined, st.self);
      for (const to of new Set(st.refuteTo)) send.push({ to, ...refutation, kind: 'gossip' });
    }
    this.nextWakeAt = Math.min(this.nextWakeAt, st.timers.next());
    return this.finish(now, send);
  }

  command(now: number, cmd: Command): Output {
    const st = this.st;
    if (cmd.kind === 'woke-late') {
      // Later than a probe timeout: an ack due meanwhile could not have been read, so this member slows its probing
      // (interval and timeout × health + 1) until acks come back in time. In a process running 1,000 members, all of
      // them starved at once, this is what keeps a stall of the loop from turning into a storm of suspicions.
      if (st.mode.family === 'ping' && cmd.ms > st.config.probeTimeoutMs) st.awareness.apply(1);
      return this.finish(now, []);
    }
    if (cmd.kind === 'set-drop') {
      // An out-of-range rate is ignored: the runtime reports it to the user.
      this.drop = validRate(cmd.rate) ?? this.drop;
      return this.finish(now, []);
    }
    if (cmd.kind === 'set-blocked') {
      this.blocked = new Set(cmd.addresses);
      return this.finish(now, []);
    }
    if (cmd.kind === 'set-trace') {
      this.tracing = cmd.enabled;
      return this.finish(now, []);
    }
    if (this.inert) return this.finish(now, []);
    switch (cmd.kind) {
      case 'leave': {
        const send = leave(st, now);
        this.left = true;
        return this.finish(now, send);
      }
      case 'set-mode':
        switchMode(st, now, cmd.mode);
        break;
      case 'set-suspicion':
        switchMode(st, now, { suspicion: cmd.enabled });
        break;
      case 'admit':
        admit(st, now, cmd.member, cmd.peer);
        break;
      case 'joined':
        mergeSnapshot(st, now, cmd.snapshot, 'join');
        break;
      case 'push-pull':
        mergeSnapshot(st, now, cmd.snapshot, joinSynced(st, cmd.from) ? 'sync' : 'push-pull');
        break;
      case 'formed':
        formGroup(st, now, cmd.members);
        break;
    }
    this.syncFamily(now);
    this.nextWakeAt = Math.min(this.nextWakeAt, st.timers.next());
    return this.finish(now, []);
  }

  members(): MemberView[] {
    return [...this.st.list.values()].map((e) => ({
      id: e.id,
      status: e.status,
      heartbeat: e.heartbeat,
      incarnation: e.incarnation,
      lastHeardAt: e.lastHeardAt,
    }));
  }

  suspects(): MemberId[] {
    return [...this.st.list.values()].filter((e) => e.status === 'suspect').map((e) => e.id);
  }

  snapshot(): JoinSnapshot {
    return snapshot(this.st);
  }

  suspicion(): { enabled: boolean; epoch: number } {
    return { enabled: this.st.mode.enabled, epoch: this.st.mode.epoch };
  }

  /** The protocol in force here: family, suspicion and the epoch of the switch that set them. */
  mode(): ModeInfo {
    return { family: this.st.mode.family, suspicion: this.st.mode.enabled, epoch: this.st.mode.epoch };
  }

  /** Lifeguard's local health: 0 (healthy) up to awarenessMaxMultiplier − 1. */
  health(): number {
    return this.st.awareness.health;
  }

  dropRate(): number {
    return this.drop;
  }

  blockedAddresses(): Address[] {
    return [...this.blocked];
  }

  counters(): CoreCounters {
    return { ...this.count, limits: { ...this.st.hits } };
  }

  /** How many entries each structure keyed by member ids holds now: each must stay within a bound however many ids
   *  come and go (issue 9; `ctl memory`, the soak). */
  footprint(): Footprint {
    const st = this.st;
    return {
      members: st.list.size, tombstones: st.list.tombstoneCount, versions: st.list.versionCount,
      ring: st.probe.ring.length, news: st.broadcasts.held,
    };
  }

  hasLeft(): boolean {
    return this.left;
  }

  private get inert(): boolean {
    return this.left || this.st.declaredFailed !== undefined;
  }

  private refuse(now: number, from: Address, bytes: Uint8Array, cause: DropCause): Output {
    if (this.tracing) this.refused.push({ type: 'drop', from, to: this.st.self.address, bytes: bytes.length, cause });
    return this.finish(now, []);
  }

  /** The members' own timers (first, so a gossip round carries what they decided), when any can be due. */
  private expireMembers(now: number): void {
    const st = this.st;
    if (!st.timers.due('expiry', now)) return;
    let next = Number.POSITIVE_INFINITY;
    for (const e of st.list.values()) if (e !== st.self) next = Math.min(next, expire(st, now, e));
    st.timers.set('expiry', next);
  }

  /** Arms or disarms the ping-mode timers to match the family in force (a switch may arrive on any path), and
   *  derives the timings for the group's size and family (both may change on any path). */
  private syncFamily(now: number): void {
    const st = this.st;
    const t = st.timers;
    followGroupSize(st, now);
    if (st.mode.family === 'ping') {
      // The first probe at a random point of the period, so members do not probe in lockstep.
      if (t.get('probe') === Number.POSITIVE_INFINITY) t.set('probe', now + st.rng.next() * st.config.probeIntervalMs);
      if (t.get('pushPull') === Number.POSITIVE_INFINITY) armPushPull(st, now, st.rng.next());
      else followPushPull(st, now);
    } else if (t.get('probe') !== Number.POSITIVE_INFINITY) {
      t.stop('probe');
      t.stop('pushPull');
      t.stop('joinSync');
      abandonProbes(st);
    }
  }

  /** Holds back what goes to blocked addresses, and traces what is sent. */
  private finish(now: number, all: Send[], pushPull?: Address): Output {
    const st = this.st;
    const events = st.events;
    st.events = [];
    st.refuteTo = [];
    const send = this.blocked.size === 0 ? all : all.filter((s) => !this.blocked.has(s.to));
    this.count.blockedOut += all.length - send.length;
    this.count.sent += send.length;
    const base: Output = { send, events, nextWakeAt: this.inert ? now + IDLE_WAKE_MS : this.nextWakeAt };
    const traced = this.tracing ? { ...base, trace: this.traceOf(now, all) } : base;
    const out: Output = pushPull === undefined || this.inert ? traced : { ...traced, pushPull };
    if (st.declaredFailed === undefined || this.reportedFailed) return out;
    this.reportedFailed = true;
    return { ...out, send: [], selfDeclaredFailed: true, declaredFailedBy: st.declaredFailed };
  }

  private traceOf(now: number, sent: Send[]): Trace[] {
    const trace = this.refused;
    this.refused = [];
    if (sent.length === 0) return trace;
    const from = this.st.self.address;
    // A heartbeat gossip packet carries the whole list: its news is what changed lately; any other message carries
    // only news (piggybacked), read back from its bytes.
    let listNews: News[] | undefined;
    for (const { to, bytes, kind, news: carried } of sent) {
      const news = kind === 'gossip' && this.st.mode.family === 'gossip' ? (listNews ??= newsOf(this.st, now)) : carried ?? piggybackedNews(bytes);
      const t: Trace = { type: 'send', kind, from, to, bytes: bytes.length, news };
      trace.push(this.blocked.has(to) ? { ...t, dropped: 'blocked' } : t);
    }
    return trace;
  }
}

/** Confirms the entry listed for `id` (`listed`, when the caller has it). */
function confirmListed(st: CoreState, now: number, id: MemberId, listed?: Entry): void {
  const e = listed ?? st.list.get(id);
  if (e !== undefined) confirm(st, now, e);
}

function validRate(rate: number): number | undefined {
  return rate >= 0 && rate <= 1 ? rate : undefined;
}
