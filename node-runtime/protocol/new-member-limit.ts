// New members per sender, and new versions per address, per second (issue 9): one stranger listed 274,500 phantoms
// in a minute, or could speak under a new version in every datagram. Fixed one-second
// windows; the per-sender map is bounded too — past MAX_SENDERS distinct senders in one window, the rest share one
// count — and it is dropped at every window, so it never outlives a second.
import type { Address } from './member-id.ts';

const MAX_SENDERS = 4096;
const SHARED = '';

export class NewMemberLimit {
  private windowEnd = Number.NEGATIVE_INFINITY;
  private readonly counts = new Map<Address, number>();

  constructor(private readonly perSecond: number) {}

  /** Whether `sender` may introduce one more new member now (and counts it if so). */
  allow(now: number, sender: Address): boolean {
    if (now >= this.windowEnd) {
      this.counts.clear();
      this.windowEnd = now + 1000;
    }
    const key = this.counts.has(sender) || this.counts.size < MAX_SENDERS ? sender : SHARED;
    const count = this.counts.get(key) ?? 0;
    if (count >= this.perSecond) return false;
    this.counts.set(key, count + 1);
    return true;
  }
}
