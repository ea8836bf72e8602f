// Log lines about members new from one sender (issue 9): a sender may list up to newMembersPerSenderPerSecond
// (1,000) new members a second, and each phantom it invents is a `join`, then a `fail` and a `remove` in the log —
// 3,000 lines a second from one stranger. A token bucket per sender bounds the `join` lines learned from it
// (logNewMembersBurst at once, then logNewMembersPerSecond); a member whose `join` was not written has none of its
// later lines written either, up to its `remove`, so the log never shows a member it never introduced. What was not
// written is counted per sender and summed up once a second (`takeSummaries`: the runtime's notice line and
// `ctl bandwidth`). Every map here is bounded, and pruned by age.
import type { MembershipEvent } from '../protocol/events.ts';
import type { MemberId } from '../protocol/member-id.ts';

/** Senders with a bucket of their own; past it the rest share one (a full bucket is forgotten first: it is what a
 *  new one would be). */
const MAX_SENDERS = 1024;
/** Members whose lines are held back: a phantom is removed within T_fail + cleanup (seconds); past this count or
 *  age the oldest are forgotten, and their later lines (at most a `fail` and a `remove` each) written. */
const MAX_QUIET = 16_384;
const QUIET_MAX_AGE_MS = 600_000;
const SHARED = '';

export interface LineLimits {
  readonly logNewMembersBurst: number;
  readonly logNewMembersPerSecond: number;
}

/** Lines not written about members new from one sender since the last summary. */
export interface Suppressed {
  readonly sender: MemberId;
  readonly members: number;
  readonly lines: number;
}

export class SenderLineLimit {
  private readonly buckets = new Map<MemberId, { tokens: number; at: number }>();
  /** member → the sender it came from and when (insertion order is age order). */
  private readonly quiet = new Map<MemberId, { sender: MemberId; since: number }>();
  private readonly pending = new Map<MemberId, { members: number; lines: number }>();
  private prunedAt = Number.NEGATIVE_INFINITY;
  /** Lines not written, over the life of this log. */
  suppressed = 0;

  constructor(private readonly limits: LineLimits) {}

  /** Whether the line of `e` is written; counts it when not. */
  admit(e: MembershipEvent, now: number): boolean {
    this.forgetOld(now);
    const held = this.quiet.get(e.member);
    if (held !== undefined) {
      if (e.event === 'remove') this.quiet.delete(e.member);
      this.count(held.sender, 0);
      return false;
    }
    if (e.event !== 'join' || e.via === undefined || this.take(e.via, now)) return true;
    if (this.quiet.size >= MAX_QUIET) this.quiet.delete(this.quiet.keys().next().value!);
    this.quiet.set(e.member, { sender: e.via, since: now });
    this.count(e.via, 1);
    return false;
  }

  /** What was not written since the last call, by sender; empties the tally. */
  takeSummaries(): Suppressed[] {
    const out = [...this.pending].map(([sender, p]) => ({ sender, ...p }));
    this.pending.clear();
    return out;
  }

  /** Entries held, for the bounds test. */
  get sizes(): { buckets: number; quiet: number; pending: number } {
    return { buckets: this.buckets.size, quiet: this.quiet.size, pending: this.pending.size };
  }

  private take(sender: MemberId, now: number): boolean {
    const { logNewMembersBurst: burst, logNewMembersPerSecond: rate } = this.limits;
    let key = sender;
    if (!this.buckets.has(key) && this.buckets.size >= MAX_SENDERS) {
      // At most once a second, so a stream of new senders cannot make every line a scan.
      if (now - this.prunedAt >= 1000) {
        this.prunedAt = now;
        for (const [k, b] of this.buckets) if (b.tokens + ((now - b.at) * rate) / 1000 >= burst) this.buckets.delete(k);
      }
      if (this.buckets.size >= MAX_SENDERS) key = SHARED;
    }
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) * rate) / 1000);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private count(sender: MemberId, members: number): void {
    this.suppressed++;
    const key = this.pending.has(sender) || this.pending.size < MAX_SENDERS ? sender : SHARED;
    const p = this.pending.get(key) ?? { members: 0, lines: 0 };
    p.members += members;
    p.lines++;
    this.pending.set(key, p);
  }

  private forgetOld(now: number): void {
    for (const [member, q] of this.quiet) {
      if (now - q.since < QUIET_MAX_AGE_MS) break;
      this.quiet.delete(member);
    }
  }
}
