// SWIM's dissemination (memberlist's TransmitLimitedQueue): every change of a member's status or incarnation is
// news, piggybacked on the probe messages and news gossip, fewest-sent first, and retransmitted λ·⌈log10(N + 1)⌉
// times. One slot per member: newer news about a member replaces the older. Held as list entries, not ids: a message
// takes its news without a lookup per item (at start-up every message of a large group is full of join news), and
// an entry leaves the queue when it leaves the list (failure.ts).
import type { Entry } from './entry.ts';

/** memberlist's retransmitLimit: enough copies that news reaches every member with high probability. */
export function retransmitLimit(mult: number, n: number): number {
  return mult * Math.ceil(Math.log10(n + 1));
}

/** One member's news in the queue: in bucket `k`, at the place pushed with `stamp` (−1 once dropped). Reused as it
 *  moves from bucket to bucket, so a send allocates nothing. */
interface Slot {
  readonly e: Entry;
  k: number;
  stamp: number;
}

/** Entries sent k times so far, in the order they came, from `head` on: a FIFO of (slot, stamp) where a slot whose
 *  stamp moved on has been sent on, replaced or removed and is skipped (and dropped from the front). Not a Set: news
 *  is taken from the front and a Set's deleted slots stayed there until a rehash, so every message walked them
 *  (~17 % of a 1,000-node start-up). */
interface Bucket {
  slots: Slot[];
  stamps: number[];
  head: number;
}

export class BroadcastQueue {
  private readonly buckets: Bucket[] = [];
  private readonly sends = new Map<Entry, Slot>();
  private stamps = 0;

  get size(): number {
    return this.sends.size;
  }

  /** Slots the buckets hold, dead ones included (MembershipCore.footprint): what the queue costs. */
  get held(): number {
    let n = 0;
    for (const b of this.buckets) n += b.slots.length - b.head;
    return n;
  }

  enqueue(e: Entry): void {
    this.remove(e);
    const slot = { e, k: 0, stamp: -1 };
    this.sends.set(e, slot);
    this.put(slot, 0);
  }

  remove(e: Entry): void {
    const slot = this.sends.get(e);
    if (slot === undefined) return;
    slot.stamp = -1;
    this.sends.delete(e);
  }

  /**
   * Offers news fewest-sent first to `take`, which answers true (added) or false (the message is full: stop). Each
   * one added counts a send; after `limit` sends it is dropped.
   */
  fill(limit: number, take: (e: Entry) => boolean): void {
    if (this.sends.size === 0) return;
    const taken: Slot[] = [];
    scan: for (const bucket of this.buckets) {
      const { slots, stamps } = bucket;
      for (let i = bucket.head; i < slots.length; i++) {
        const slot = slots[i]!;
        if (slot.stamp !== stamps[i]) continue;
        if (!take(slot.e)) break scan;
        taken.push(slot);
      }
    }
    for (const slot of taken) {
      if (slot.k + 1 < limit) {
        this.put(slot, slot.k + 1);
      } else {
        slot.stamp = -1;
        this.sends.delete(slot.e);
      }
    }
    for (const bucket of this.buckets) compact(bucket);
  }

  private put(slot: Slot, k: number): void {
    slot.k = k;
    slot.stamp = this.stamps++;
    const bucket = (this.buckets[k] ??= { slots: [], stamps: [], head: 0 });
    // Gossip mode never takes news (fill), so nothing else drops the dead slots its changes leave (each holding
    // an entry): without this the queue grew by one slot per change for the core's life (issue 9's soak).
    if (bucket.slots.length - bucket.head > 2 * this.sends.size + DEAD_SLACK) dropDead(bucket);
    bucket.slots.push(slot);
    bucket.stamps.push(slot.stamp);
  }
}

/** Dead slots a bucket may hold beyond twice the live news before they are dropped (amortises the pass). */
const DEAD_SLACK = 64;

/** Keeps a bucket's live slots only, in order. */
function dropDead(bucket: Bucket): void {
  const { slots, stamps } = bucket;
  let kept = 0;
  for (let i = bucket.head; i < slots.length; i++) {
    if (slots[i]!.stamp !== stamps[i]) continue;
    slots[kept] = slots[i]!;
    stamps[kept++] = stamps[i]!;
  }
  slots.length = kept;
  stamps.length = kept;
  bucket.head = 0;
}

/** Skips the dead slots at the front; drops them once they are half the array. */
function compact(bucket: Bucket): void {
  const { slots, stamps } = bucket;
  while (bucket.head < slots.length && slots[bucket.head]!.stamp !== stamps[bucket.head]) bucket.head++;
  if (bucket.head === slots.length) {
    slots.length = 0;
    stamps.length = 0;
    bucket.head = 0;
  } else if (bucket.head > 32 && 2 * bucket.head > slots.length) {
    bucket.slots = slots.slice(bucket.head);
    bucket.stamps = stamps.slice(bucket.head);
    bucket.head = 0;
  }
}
