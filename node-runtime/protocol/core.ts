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
import type { CoreState } from './state.ts';
import { emit, newEntry } from './state.ts';
import { deathNotice, expire, forgiveLostTime, isZombie } from './failure.ts';
import { buildPacket, gossipRound } from './gossip.ts';
import { confirm, mergeEntry } from './merge.ts';
import type { LimitHits } from './plausibility.ts';
import { noHits, plausibleMember, plausibleMode } from './plausibility.ts';
import { NewMemberLimit } from './new-member-limit.ts';
import { hearMode, switchSuspicion } from './suspicion.ts';
import { admit, joined, snapshot } from './join.ts';
import { leave } from './leave.ts';
import type { DropCause, Trace } from './trace.ts';
import { newsOf } from './trace.ts';

export interface Send {
  readonly to: Address;
  readonly bytes: Uint8Array;
}

export interface Output {
  readonly send: Send[];
  readonly events: MembershipEvent[];
  /** When `tick` must be called next at the latest (same clock as `now`). */
  readonly nextWakeAt: number;
  /** Set once, when this member learns the group declared it failed or removed: fail-stop, so it cannot refute;
   *  the runtime logs `stop` and rejoins under a new version. */
  readonly selfDeclaredFailed?: boolean;
  /** Only while tracing is on: one record per datagram sent (blocked ones included) or refused (trace.ts). */
  readonly trace?: Trace[];
}

export interface MemberView {
  readonly id: MemberId;
  readonly status: MemberStatus;
  readonly heartbeat: number;
  readonly incarnation: number;
  /** `now` at which this observer last saw the member's heartbeat increase. */
  readonly lastHeardAt: number;
}

/** A full membership list, as the introducer returns it to a joiner over TCP. */
export interface JoinSnapshot {
  readonly members: readonly { id: MemberId; heartbeat: number; incarnation: number; status: MemberStatus }[];
  readonly suspicion: { enabled: boolean; epoch: number };
}

export type Command =
  | { readonly kind: 'leave' }
  /** Cluster-wide: spreads by gossip, a higher epoch wins (see suspicion.ts). */
  | { readonly kind: 'set-suspicion'; readonly enabled: boolean }
  /** Local: the receiver-side drop probability, 0..1. */
  | { readonly kind: 'set-drop'; readonly rate: number }
  /** Local: cut this member off from these addresses, both ways (replaces the list; empty heals). */
  | { readonly kind: 'set-blocked'; readonly addresses: readonly Address[] }
  /** Local: whether outputs carry `trace`. */
  | { readonly kind: 'set-trace'; readonly enabled: boolean }
  /** Introducer side of a TCP join: add the joiner; `snapshot()` then gives the reply. */
  | { readonly kind: 'admit'; readonly member: MemberId }
  /** Joiner side: merge the introducer's reply. */
  | { readonly kind: 'joined'; readonly snapshot: JoinSnapshot };

export interface CoreOptions {
  readonly self: MemberId;
  readonly config: ProtocolConfig;
  readonly rng: Rng;
  readonly suspicion?: boolean;
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
    const self = newEntry({ id: opts.self, heartbeat: 0, incarnation: 0 }, 0);
    if (self === undefined) throw new Error(`invalid member id ${JSON.stringify(opts.self)}`);
    self.confirmed = true;
    const config = resolveConfig(opts.config);
    const hits = noHits();
    const list = new MemberList(config.maxTombstones, config.maxMembers + config.maxTombstones, hits);
    list.add(self);
    this.self = opts.self;
    this.st = {
      self,
      config,
      rng: opts.rng,
      list,
      introducer: opts.introducer,
      mode: { enabled: opts.suspicion ?? false, epoch: 0, tie: 0 },
      events: [],
      via: undefined,
      refuteTo: [],
      declaredFailed: false,
      nextGossipAt: 0,
      nextProbeAt: 0,
      nextExpiryAt: 0,
      wholeTooBig: Number.POSITIVE_INFINITY,
      rotation: 0,
      announce: false,
      hits,
      newMembers: new NewMemberLimit(config.newMembersPerSenderPerSecond),
    };
    this.drop = validRate(opts.dropRate ?? 0) ?? 0;
    this.tracing = opts.trace ?? false;
  }

  /** Emits `start` for self; the first gossip round is one interval later (after the runtime's TCP join). */
  start(now: number): Output {
    const st = this.st;
    st.self.lastHeardAt = st.self.statusSince = st.self.changedAt = now;
    st.list.noteVersion(st.self.address, st.self.version, now, now + st.config.tombstoneMs);
    st.nextGossipAt = this.nextWakeAt = now + st.config.gossipIntervalMs;
    st.nextProbeAt = now + st.config.introducerProbeMs;
    emit(st, now, 'start', st.self);
    return this.finish(now, []);
  }

  /** Runs the timers that are due (fail/suspect/cleanup) and, when due, a gossip round. */
  tick(now: number): Output {
    if (this.inert) return this.finish(now, []);
    const st = this.st;
    const late = now - this.nextWakeAt;
    if (late > st.config.gossipIntervalMs) forgiveLostTime(st, now, late);
    if (now >= st.nextExpiryAt) {
      let next = Number.POSITIVE_INFINITY;
      for (const e of st.list.values()) if (e !== st.self) next = Math.min(next, expire(st, now, e));
      st.nextExpiryAt = next;
    }
    st.list.expireTombstones(now);
    const send = now >= st.nextGossipAt ? gossipRound(st, now) : [];
    this.nextWakeAt = Math.min(st.nextExpiryAt, st.nextGossipAt);
    return this.finish(now, send);
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
    const { kind, sender, mode, entries } = decoded.msg;
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
      // Only from a member this one has known: a stranger's notice would force a restart with one datagram.
      const known = st.list.get(sender.id) !== undefined || st.list.isTombstoned(sender.id);
      if (known && entries.some((w) => w.id === st.self.id && w.status === 'failed')) st.declaredFailed = true;
      return this.finish(now, []);
    }
    if (isZombie(st, sender)) return this.finish(now, [{ to: from, bytes: deathNotice(st, sender) }], 'failed-notice');
    st.via = sender.id;
    if (plausibleMode(st.config, now, mode)) hearMode(st, now, mode);
    else st.hits.implausible++;
    // The datagram came from the sender's own address: it exists (confirmed as soon as its entry, which comes first,
    // is merged). The introducer gossips only members it has confirmed (gossip.ts), as its join snapshot does: what
    // it lists exists too.
    const vouched = from === st.introducer;
    for (const w of entries) {
      mergeEntry(st, now, w, 'gossip', from);
      if (st.declaredFailed) break;
      if (vouched || w.id === sender.id) confirmListed(st, now, w.id);
    }
    st.via = undefined;
    if (st.refuteTo.length === 0 || st.declaredFailed) return this.finish(now, []);
    const refutation = buildPacket(st, now);
    return this.finish(now, [...new Set(st.refuteTo)].map((to) => ({ to, bytes: refutation })));
  }

  command(now: number, cmd: Command): Output {
    const st = this.st;
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
      case 'set-suspicion':
        switchSuspicion(st, now, cmd.enabled);
        break;
      case 'admit':
        admit(st, now, cmd.member);
        break;
      case 'joined':
        joined(st, now, cmd.snapshot);
        break;
    }
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

  dropRate(): number {
    return this.drop;
  }

  blockedAddresses(): Address[] {
    return [...this.blocked];
  }

  counters(): CoreCounters {
    return { ...this.count, limits: { ...this.st.hits } };
  }

  hasLeft(): boolean {
    return this.left;
  }

  private get inert(): boolean {
    return this.left || this.st.declaredFailed;
  }

  private refuse(now: number, from: Address, bytes: Uint8Array, cause: DropCause): Output {
    if (this.tracing) this.refused.push({ type: 'drop', from, to: this.st.self.address, bytes: bytes.length, cause });
    return this.finish(now, []);
  }

  /** Holds back what goes to blocked addresses, and traces what is sent (`kind`: what the sends are). */
  private finish(now: number, all: Send[], kind: MessageKind = 'gossip'): Output {
    const st = this.st;
    const events = st.events;
    st.events = [];
    st.refuteTo = [];
    const send = this.blocked.size === 0 ? all : all.filter((s) => !this.blocked.has(s.to));
    this.count.blockedOut += all.length - send.length;
    this.count.sent += send.length;
    const base: Output = { send, events, nextWakeAt: this.inert ? now + IDLE_WAKE_MS : this.nextWakeAt };
    const out = this.tracing ? { ...base, trace: this.traceOf(now, all, kind) } : base;
    if (!st.declaredFailed || this.reportedFailed) return out;
    this.reportedFailed = true;
    return { ...out, send: [], selfDeclaredFailed: true };
  }

  private traceOf(now: number, sent: Send[], kind: MessageKind): Trace[] {
    const trace = this.refused;
    this.refused = [];
    if (sent.length === 0) return trace;
    const from = this.st.self.address;
    const news = kind === 'gossip' ? newsOf(this.st, now) : [];
    for (const { to, bytes } of sent) {
      const t: Trace = { type: 'send', kind, from, to, bytes: bytes.length, news };
      trace.push(this.blocked.has(to) ? { ...t, dropped: 'blocked' } : t);
    }
    return trace;
  }
}

function confirmListed(st: CoreState, now: number, id: MemberId): void {
  const e = st.list.get(id);
  if (e !== undefined) confirm(st, now, e);
}

function validRate(rate: number): number | undefined {
  return rate >= 0 && rate <= 1 ? rate : undefined;
}
