// SWIM's dissemination (memberlist's TransmitLimitedQueue): every change of a member's status or incarnation is
// news, piggybacked on the probe messages and news gossip, fewest-sent first, and retransmitted λ·⌈log10(N + 1)⌉
// times. One slot per member: newer news about a member replaces the older.
import type { MemberId } from './member-id.ts';

/** memberlist's retransmitLimit: enough copies that news reaches every member with high probability. */
export function retransmitLimit(mult: number, n: number): number {
  return mult * Math.ceil(Math.log10(n + 1));
}

export class BroadcastQueue {
  /** buckets[k]: ids sent k times so far. */
  private readonly buckets: Set<MemberId>[] = [new Set()];
  private readonly sends = new Map<MemberId, number>();

  get size(): number {
    return this.sends.size;
  }

  enqueue(id: MemberId): void {
    this.remove(id);
    this.sends.set(id, 0);
    this.buckets[0]!.add(id);
  }

  remove(id: MemberId): void {
    const k = this.sends.get(id);
    if (k === undefined) return;
    this.sends.delete(id);
    this.buckets[k]!.delete(id);
  }

  /**
   * Offers news fewest-sent first to `take`, which answers true (added), false (the message is full: stop) or
   * undefined (the member is gone: forget it). Each one added counts a send; after `limit` sends it is dropped.
   */
  fill(limit: number, take: (id: MemberId) => boolean | undefined): void {
    if (this.sends.size === 0) return;
    const taken: MemberId[] = [];
    const gone: MemberId[] = [];
    scan: for (const bucket of this.buckets) {
      for (const id of bucket) {
        const ok = take(id);
        if (ok === false) break scan;
        (ok ? taken : gone).push(id);
      }
    }
    for (const id of gone) this.remove(id);
    for (const id of taken) {
      const k = this.sends.get(id)!;
      this.buckets[k]!.delete(id);
      if (k + 1 >= limit) {
        this.sends.delete(id);
        continue;
      }
      this.sends.set(id, k + 1);
      (this.buckets[k + 1] ??= new Set()).add(id);
    }
  }
}
