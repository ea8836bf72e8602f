// Detection latency of the last failures: from the host's kill of a node to the first observer that marks it failed,
// and to the last running observer that does (the moment the whole cluster knows). Fed the same records live and in
// replay: host `action` records (kill times) and membership events.
import { addressOf } from '../../node-runtime/protocol/member-id.ts';
import type { Address, MemberId } from '../../node-runtime/protocol/member-id.ts';
import type { MembershipEvent } from '../../node-runtime/protocol/events.ts';
import type { HostActionRecord } from '../../electron/host/api.ts';

export interface Detection {
  readonly address: Address;
  readonly member: MemberId;
  readonly killedAt: number;
  /** Kill → first observer marks it failed (ms); undefined until then. */
  firstMs: number | undefined;
  /** Kill → every running observer marks it failed (ms). */
  allMs: number | undefined;
}

export class DetectionLatencyTracker {
  private readonly running = new Set<MemberId>();
  private readonly newestAt = new Map<Address, MemberId>();
  /** Open detections by member: the observers running at the kill (a node started later may never have listed
   *  it), and those of them that have marked it failed. */
  private readonly open = new Map<MemberId, { detection: Detection; marked: Set<MemberId>; expected: Set<MemberId> }>();
  private readonly done: Detection[] = [];
  /** Union-find over "observer has an event about member": two clusters side by side (or any two groups that never
   *  heard of each other) are separate sets, and only the victim's own cluster is waited for. O(ids) memory. */
  private readonly parent = new Map<MemberId, MemberId>();

  constructor(private readonly keep = 5) {}

  action(record: HostActionRecord): void {
    if (record.action !== 'kill') return;
    const member = record.member ?? this.newestAt.get(record.address);
    if (member === undefined || this.open.has(member)) return;
    const detection: Detection = { address: record.address, member, killedAt: record.ts, firstMs: undefined, allMs: undefined };
    const group = this.find(member);
    const others = [...this.running].filter((o) => o !== member);
    const mates = others.filter((o) => this.find(o) === group);
    // No events linking it to anyone yet: every running observer, as before there were pairs.
    const expected = new Set(mates.length > 0 ? mates : others);
    this.open.set(member, { detection, marked: new Set(), expected });
    // A kill nobody ever detects (a one-node cluster) must not hold memory forever.
    if (this.open.size > this.keep * 8) this.open.delete(this.open.keys().next().value!);
    this.done.unshift(detection);
    this.done.length = Math.min(this.done.length, this.keep);
  }

  event(e: MembershipEvent): void {
    if (e.node !== e.member) this.parent.set(this.find(e.node), this.find(e.member));
    if (e.event === 'start') {
      this.running.add(e.node);
      this.newestAt.set(addressOf(e.node), e.node);
    } else if (e.event === 'stop') {
      this.running.delete(e.node);
    }
    const entry = this.open.get(e.member);
    if (entry && e.event === 'fail' && e.node !== e.member) {
      entry.marked.add(e.node);
      entry.detection.firstMs ??= Math.max(0, e.ts - entry.detection.killedAt);
      this.complete(e.member, e.ts);
    } else if (e.event === 'stop') {
      // An observer that stops before marking it no longer holds the detection open.
      for (const member of this.open.keys()) this.complete(member, e.ts);
    }
  }

  private complete(member: MemberId, ts: number): void {
    const entry = this.open.get(member);
    if (!entry || entry.detection.firstMs === undefined) return;
    for (const o of entry.expected) if (this.running.has(o) && !entry.marked.has(o)) return;
    entry.detection.allMs = Math.max(entry.detection.firstMs, ts - entry.detection.killedAt);
    this.open.delete(member);
  }

  private find(id: MemberId): MemberId {
    let x = id;
    for (let p = this.parent.get(x); p !== undefined && p !== x; p = this.parent.get(x)) {
      const grand = this.parent.get(p) ?? p;
      this.parent.set(x, grand); // path halving
      x = grand;
    }
    return x;
  }

  /** Newest first. */
  recent(): readonly Detection[] {
    return this.done;
  }
}
