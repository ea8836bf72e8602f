// A deterministic discrete-event simulator for the membership core: N cores on a virtual clock, a network with delay,
// loss and partitions, and the fault model of the real runtime (crash, pause, resume, leave, restart as a new
// version). Pure like the core (imports only ../protocol), so property tests can drive thousands of schedules and
// the same seed always replays the same run.
import { MembershipCore } from '../protocol/core.ts';
import type { Command, MemberView, Output } from '../protocol/core.ts';
import { resolveConfig } from '../protocol/config.ts';
import type { ProtocolConfig } from '../protocol/config.ts';
import type { MembershipEvent } from '../protocol/events.ts';
import type { Trace } from '../protocol/trace.ts';
import { formatAddress, formatMemberId } from '../protocol/member-id.ts';
import type { Address, MemberId } from '../protocol/member-id.ts';
import { createRng } from '../protocol/rng.ts';
import type { Rng } from '../protocol/rng.ts';
import { EventQueue } from './event-queue.ts';
import { wireIds } from '../protocol/wire-ids.ts';
import { snapshotJsonLength } from './snapshot-bytes.ts';
import type { ProtocolFamily } from '../protocol/mode.ts';

export interface SimulationOptions {
  readonly nodes: number;
  readonly seed: number;
  readonly config?: Partial<ProtocolConfig>;
  readonly suspicion?: boolean;
  /** The protocol family every node starts in (default gossip). */
  readonly family?: ProtocolFamily;
  /** Network loss probability per datagram (the core's own receiver-side drop is `dropRate`). */
  readonly lossRate?: number;
  readonly dropRate?: number;
  /** One-way datagram delay, uniform in [min, max] ms (default [1, 5]). */
  readonly delayMs?: readonly [number, number];
  /** Node i starts at i × joinSpacingMs (default 0: all at once). */
  readonly joinSpacingMs?: number;
  /** `joins` (default): each node starts as above and joins through the introducer. `formed`: every node starts at
   *  once already listing every other, as a group that formed before the run (formed-group.ts): no joins, no join
   *  news, so a run measures what a steady group of this size costs, not the N² news of its start-up. */
  readonly start?: 'joins' | 'formed';
  /** A joiner retries an unreachable introducer this often (default 1000 ms). */
  readonly joinRetryMs?: number;
  /** Keep every event for `events()` (default true); long or large runs turn it off and use `onEvent`. */
  readonly recordEvents?: boolean;
  readonly onEvent?: (e: MembershipEvent) => void;
  /** With it, every core traces its datagrams, and the network adds what it lost (cause `loss`). */
  readonly onTrace?: (t: Trace, at: number) => void;
  /** Port of node 0; node i listens on basePort + i (default 10 000). */
  readonly basePort?: number;
  /** Where the virtual clock starts (default 0): a run that follows the wall clock (the app's demo) starts at
   *  Date.now(), so its timestamps and versions look like the runtime's. */
  readonly startAt?: number;
}

export type NodeState = 'up' | 'paused' | 'crashed' | 'left';

interface Slot {
  readonly index: number;
  readonly address: Address;
  readonly port: number;
  version: number;
  core: MembershipCore;
  state: NodeState;
  /** Bumped at every restart: wake-ups and joins of an older run are ignored. */
  gen: number;
  wakeAt: number;
  /** This run's wake-up, one object for all of them: a wake-up waits up to a probe period, long enough for a young
   *  one to be promoted, and at 10,000 nodes ~30,000 a second filled the old generation with garbage. */
  wake: Job;
  bytesSent: number;
  packetsSent: number;
  bytesReceived: number;
}

type Job =
  | { readonly kind: 'wake'; readonly slot: number; readonly gen: number }
  | { readonly kind: 'deliver'; readonly slot: number; readonly from: Address; readonly bytes: Uint8Array }
  | { readonly kind: 'join'; readonly slot: number; readonly gen: number }
  | { readonly kind: 'push-pull'; readonly slot: number; readonly gen: number; readonly peer: Address }
  | { readonly kind: 'start'; readonly slot: number };

const HOST = '127.0.0.1';
const BASE_PORT = 10_000;
/** Without `startAt`, the cores' clock is the virtual one plus this (an epoch-ms date), as the runtime's is
 *  epoch-aligned: versions are start times on it, so packet sizes match the real wire and the plausibility checks (a
 *  version from the future, a counter older than its member) see real numbers. Events are recorded back on the
 *  virtual clock. */
const EPOCH = 1_700_000_000_000;
/** Slot 0 is the introducer. */
const INTRODUCER = 0;

export class Simulation {
  private clock: number;
  private readonly queue = new EventQueue<Job>();
  private readonly slots: Slot[] = [];
  private readonly byAddress = new Map<Address, Slot>();
  private readonly net: Rng;
  private readonly config: ProtocolConfig;
  private readonly log: MembershipEvent[] = [];
  private loss: number;
  /** JSON bytes carried by push-pulls over TCP (both directions), not in `sent`. */
  pushPullBytes = 0;
  /** Push-pulls carried out (join syncs included). */
  pushPulls = 0;
  /** Scheduled steps run so far: datagrams delivered, wake-ups, joins, push-pulls (what a run's pace is counted in). */
  steps = 0;
  private groups: Map<number, number> | undefined;
  private readonly strayCounts = new Map<Address, number>();
  /** The cores' clock minus the virtual one: EPOCH, or 0 for a run that starts on the wall clock. */
  private readonly offset: number;

  constructor(private readonly opts: SimulationOptions) {
    this.clock = opts.startAt ?? 0;
    this.offset = opts.startAt === undefined ? EPOCH : 0;
    this.config = resolveConfig(opts.config ?? {});
    this.net = createRng(mix(opts.seed, 0x9e3779b9));
    this.loss = opts.lossRate ?? 0;
    if (opts.start === 'formed') this.form(opts.nodes);
    else for (let i = 0; i < opts.nodes; i++) this.addNode(i * (opts.joinSpacingMs ?? 0));
  }

  get now(): number {
    return this.clock;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Adds a node that starts (and joins through the introducer) `delay` ms from now; returns its index. */
  addNode(delay = 0): number {
    const index = this.newSlot();
    this.queue.push(this.clock + delay, { kind: 'start', slot: index });
    return index;
  }

  /** `nodes` nodes up now, each listing all the others (SimulationOptions.start). */
  private form(nodes: number): void {
    for (let i = 0; i < nodes; i++) this.boot(this.slots[this.newSlot()]!, undefined, false);
    const members = this.slots.map((s) => wireIds.member(HOST, s.port, s.version));
    for (const s of this.slots) this.pump(s, s.core.command(this.offset + this.clock, { kind: 'formed', members }));
  }

  private newSlot(): number {
    const index = this.slots.length;
    const port = (this.opts.basePort ?? BASE_PORT) + index;
    const slot: Slot = {
      index, port, address: formatAddress(HOST, port), version: 0, core: undefined as unknown as MembershipCore,
      state: 'crashed', gen: 0, wakeAt: Number.POSITIVE_INFINITY, wake: { kind: 'wake', slot: index, gen: 0 }, bytesSent: 0, packetsSent: 0, bytesReceived: 0,
    };
    this.slots.push(slot);
    this.byAddress.set(slot.address, slot);
    // All the cores share the process's id cache: it must hold every member's id (wire-ids.ts).
    wireIds.reserve(this.slots.length);
    return index;
  }

  runUntil(t: number): void {
    while (this.queue.peekTime() <= t) {
      const { at, value } = this.queue.pop()!;
      this.clock = at;
      this.steps++;
      this.dispatch(value);
    }
    this.clock = Math.max(this.clock, t);
  }

  runFor(ms: number): void {
    this.runUntil(this.clock + ms);
  }

  id(i: number): MemberId {
    return formatMemberId(HOST, this.slot(i).port, this.slot(i).version);
  }

  address(i: number): Address {
    return this.slot(i).address;
  }

  state(i: number): NodeState {
    return this.slot(i).state;
  }

  /** Whether node i has booted (a node added with a delay has not, until then). */
  started(i: number): boolean {
    return this.slot(i).gen > 0;
  }

  core(i: number): MembershipCore {
    return this.slot(i).core;
  }

  view(i: number): MemberView[] {
    return this.slot(i).core.members();
  }

  events(): readonly MembershipEvent[] {
    return this.log;
  }

  /** Payload bytes and datagrams node i has sent, over all its runs. */
  sent(i: number): { bytes: number; packets: number } {
    return { bytes: this.slot(i).bytesSent, packets: this.slot(i).packetsSent };
  }

  /** Payload bytes delivered to node i while it was up (what its socket read, before its drop rate and block list). */
  received(i: number): number {
    return this.slot(i).bytesReceived;
  }

  /** kill -9: no more ticks, datagrams to it are lost. */
  crash(i: number): void {
    this.slot(i).state = 'crashed';
  }

  /** SIGSTOP: like a crash, but `resume` continues the same run (same id). */
  pause(i: number): void {
    const s = this.slot(i);
    if (s.state === 'up') s.state = 'paused';
  }

  resume(i: number): void {
    const s = this.slot(i);
    if (s.state !== 'paused') return;
    s.state = 'up';
    this.wakeAt(s, this.clock);
  }

  leave(i: number): void {
    const s = this.slot(i);
    if (s.state !== 'up') return;
    this.pump(s, s.core.command(this.offset + this.clock, { kind: 'leave' }));
    s.state = 'left';
  }

  /** A new process on the same address: a new version, which joins through the introducer (slot 0 just starts). */
  restart(i: number): void {
    this.boot(this.slot(i));
  }

  command(i: number, cmd: Command): void {
    const s = this.slot(i);
    if (s.state === 'up') this.pump(s, s.core.command(this.offset + this.clock, cmd));
  }

  /** Hands `bytes` to node i as if `from` had sent them (hostile input: tests of issue 9). */
  inject(i: number, from: Address, bytes: Uint8Array): void {
    this.queue.push(this.clock, { kind: 'deliver', slot: i, from, bytes });
  }

  /** Datagrams sent to addresses where no node of the simulation lives, per address: a reflector would show here. */
  strays(): ReadonlyMap<Address, number> {
    return this.strayCounts;
  }

  /** Datagrams between different groups are lost; nodes in no group form one more group together. */
  partition(groups: readonly (readonly number[])[]): void {
    this.groups = new Map(groups.flatMap((g, k) => g.map((i) => [i, k] as const)));
  }

  heal(): void {
    this.groups = undefined;
  }

  setLoss(rate: number): void {
    this.loss = rate;
  }

  private slot(i: number): Slot {
    const s = this.slots[i];
    if (s === undefined) throw new Error(`no node ${i}`);
    return s;
  }

  private dispatch(job: Job): void {
    const s = this.slots[job.slot]!;
    switch (job.kind) {
      case 'start':
        this.boot(s);
        return;
      case 'wake':
        if (job.gen !== s.gen || this.clock !== s.wakeAt) return;
        s.wakeAt = Number.POSITIVE_INFINITY;
        if (s.state === 'up') this.pump(s, s.core.tick(this.offset + this.clock));
        return;
      case 'deliver':
        if (s.state !== 'up') return;
        s.bytesReceived += job.bytes.length;
        this.pump(s, s.core.receive(this.offset + this.clock, job.from, job.bytes));
        return;
      case 'join':
        if (job.gen === s.gen && s.state === 'up') this.join(s);
        return;
      case 'push-pull':
        if (job.gen === s.gen && s.state === 'up') this.pushPull(s, job.peer);
    }
  }

  /** A fresh core under a new version. A member declared failed passes its old core (`rebirth`): as the runtime's
   *  rebirth, the new one keeps the protocol in force, the drop rate and the block list — the same process goes on. */
  private boot(s: Slot, rebirth?: MembershipCore, join = true): void {
    s.gen++;
    s.wake = { kind: 'wake', slot: s.index, gen: s.gen };
    s.version = Math.max(s.version + 1, Math.floor(this.offset + this.clock));
    const intro = s.index === INTRODUCER ? undefined : this.slots[INTRODUCER]!.address;
    const mode = rebirth?.mode();
    s.core = new MembershipCore({
      self: formatMemberId(HOST, s.port, s.version),
      config: this.config,
      rng: createRng(mix(this.opts.seed, s.index * 7919 + s.gen)),
      suspicion: mode?.suspicion ?? this.opts.suspicion ?? false,
      family: mode?.family ?? this.opts.family ?? 'gossip',
      dropRate: rebirth?.dropRate() ?? this.opts.dropRate ?? 0,
      trace: this.opts.onTrace !== undefined,
      ...(intro === undefined ? {} : { introducer: intro }),
    });
    s.state = 'up';
    s.wakeAt = Number.POSITIVE_INFINITY;
    const blocked = rebirth?.blockedAddresses() ?? [];
    if (blocked.length > 0) s.core.command(this.offset + this.clock, { kind: 'set-blocked', addresses: blocked });
    this.pump(s, s.core.start(this.offset + this.clock));
    if (intro !== undefined && join) this.queue.push(this.clock + this.delay(), { kind: 'join', slot: s.index, gen: s.gen });
  }

  /** The runtime's TCP join, as one instant exchange: admit on the introducer, merge its snapshot. */
  private join(s: Slot): void {
    const intro = this.slots[INTRODUCER]!;
    if (intro.state !== 'up' || this.cut(s.index, INTRODUCER)) {
      this.queue.push(this.clock + (this.opts.joinRetryMs ?? 1000), { kind: 'join', slot: s.index, gen: s.gen });
      return;
    }
    this.pump(intro, intro.core.command(this.offset + this.clock, { kind: 'admit', member: s.core.self }));
    this.pump(s, s.core.command(this.offset + this.clock, { kind: 'joined', snapshot: intro.core.snapshot() }));
  }

  /** The runtime's TCP push-pull, as one instant exchange (TCP: no loss, but not across a partition). */
  private pushPull(s: Slot, peer: Address): void {
    const p = this.byAddress.get(peer);
    if (p === undefined || p.state !== 'up' || this.cut(s.index, p.index)) return;
    const ours = s.core.snapshot();
    const theirs = p.core.snapshot();
    this.pushPulls++;
    this.pushPullBytes += snapshotJsonLength(ours) + snapshotJsonLength(theirs);
    this.pump(p, p.core.command(this.offset + this.clock, { kind: 'push-pull', snapshot: ours }));
    this.pump(s, s.core.command(this.offset + this.clock, { kind: 'push-pull', snapshot: theirs, from: peer }));
  }

  private pump(s: Slot, out: Output): void {
    for (const e of out.events) this.record(this.offset === 0 ? e : { ...e, ts: e.ts - this.offset });
    const onTrace = this.opts.onTrace;
    if (onTrace !== undefined) for (const t of out.trace ?? []) onTrace(t, this.clock);
    if (out.pushPull !== undefined) this.queue.push(this.clock + this.delay(), { kind: 'push-pull', slot: s.index, gen: s.gen, peer: out.pushPull });
    for (const { to, bytes } of out.send) {
      s.bytesSent += bytes.length;
      s.packetsSent++;
      const target = this.byAddress.get(to);
      if (target === undefined) this.strayCounts.set(to, (this.strayCounts.get(to) ?? 0) + 1);
      if (target === undefined || this.cut(s.index, target.index) || this.net.next() < this.loss) {
        onTrace?.({ type: 'drop', from: s.address, to, bytes: bytes.length, cause: 'loss' }, this.clock);
        continue;
      }
      this.queue.push(this.clock + this.delay(), { kind: 'deliver', slot: target.index, from: s.address, bytes });
    }
    if (out.selfDeclaredFailed) {
      // As the runtime does: log `stop` for the old id and rejoin under a new version.
      this.record({ ts: Math.round(this.clock), node: s.core.self, event: 'stop', member: s.core.self, reason: 'declared-failed' });
      this.boot(s, s.core);
      return;
    }
    if (s.state !== 'left') this.wakeAt(s, out.nextWakeAt - this.offset);
  }

  private wakeAt(s: Slot, at: number): void {
    const t = Math.max(at, this.clock);
    if (t >= s.wakeAt) return;
    s.wakeAt = t;
    this.queue.push(t, s.wake);
  }

  private record(e: MembershipEvent): void {
    if (this.opts.recordEvents ?? true) this.log.push(e);
    this.opts.onEvent?.(e);
  }

  private cut(a: number, b: number): boolean {
    return this.groups !== undefined && (this.groups.get(a) ?? -1) !== (this.groups.get(b) ?? -1);
  }

  private delay(): number {
    const [min, max] = this.opts.delayMs ?? [1, 5];
    return min + this.net.next() * (max - min);
  }
}

/** Derives independent seeds (for each node, the network) from the run's seed. */
function mix(seed: number, salt: number): number {
  let h = Math.imul(seed ^ salt, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
