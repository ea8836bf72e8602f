// Packets in flight on the graph, folded from message traces (node-runtime/protocol/trace.ts): each datagram travels
// from its sender's slot to its receiver's along the chord, coloured by the most serious news it carries; one that was
// dropped (drop rate, block list, lost) stops and fades mid-way. Bounded: at most `capacity` on screen; beyond it
// plain heartbeats are left out first (counted), so news is never hidden by chatter. Pure: the graph only draws it.
import type { News, Trace } from '../../node-runtime/protocol/trace.ts';
import type { Address } from '../../node-runtime/protocol/member-id.ts';

/** What a packet is coloured by: plain heartbeats (faint), or its most serious news. */
export const TONE = { plain: 0, refute: 1, leave: 2, suspect: 3, fail: 4 } as const;
export type Tone = (typeof TONE)[keyof typeof TONE];

/** How long a packet takes to cross (ms of screen time, not the network's: a real hop takes a few ms). */
export const FLIGHT_MS = 700;
/** A dropped packet stops at half-way and has faded out by this fraction of the flight. */
export const DROP_END = 0.6;
export const DEFAULT_CAPACITY = 3000;

export function toneOf(news: readonly News[]): Tone {
  let tone: Tone = TONE.plain;
  for (const n of news) {
    const t = n.status === 'failed' ? TONE.fail : n.status === 'suspect' ? TONE.suspect : n.status === 'left' ? TONE.leave : TONE.refute;
    if (t > tone) tone = t;
  }
  return tone;
}

export class PacketFlights {
  /** Packets on screen: from and to slot, start time, tone, and whether it was dropped (1) — parallel arrays. */
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly startedAt: Float64Array;
  readonly tone: Uint8Array;
  readonly dropped: Uint8Array;
  count = 0;
  /** Traces received but not drawn (left out here or, per the host, before sending), since the last reset. */
  unsampled = 0;
  /** Traced datagrams seen in all (drawn or not), and of them dropped ones. */
  seen = 0;
  seenDropped = 0;
  /** Per (from, to) pair: the index of its newest undropped packet, so a receiver's drop trace marks it. */
  private readonly newest = new Map<number, number>();

  constructor(readonly capacity = DEFAULT_CAPACITY) {
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
    this.startedAt = new Float64Array(capacity);
    this.tone = new Uint8Array(capacity);
    this.dropped = new Uint8Array(capacity);
  }

  /** Adds a batch of traces at `now`; `slotOf` places an address on the ring (undefined: not shown, skipped). */
  add(traces: readonly Trace[], unsampledBefore: number, now: number, slotOf: (a: Address) => number | undefined): void {
    this.unsampled += unsampledBefore;
    for (const t of traces) {
      const from = slotOf(t.from);
      const to = slotOf(t.to);
      this.seen++;
      if (t.type === 'drop' || t.dropped !== undefined) this.seenDropped++;
      if (from === undefined || to === undefined || from === to) continue;
      const key = from * 65536 + to;
      if (t.type === 'drop') {
        // The receiver refused a datagram whose send is (normally) already flying: that one fades mid-way.
        const i = this.newest.get(key);
        if (i !== undefined && this.from[i] === from && this.to[i] === to && this.dropped[i] === 0 && now - this.startedAt[i]! < FLIGHT_MS / 2) {
          this.dropped[i] = 1;
          this.newest.delete(key);
          continue;
        }
        this.push(from, to, now, TONE.plain, 1, key);
      } else {
        this.push(from, to, now, toneOf(t.news), t.dropped === undefined ? 0 : 1, key);
      }
    }
  }

  /** Forgets packets that have arrived or faded by `now`. */
  step(now: number): void {
    let live = 0;
    for (let i = 0; i < this.count; i++) {
      const age = (now - this.startedAt[i]!) / FLIGHT_MS;
      if (age >= (this.dropped[i] ? DROP_END : 1)) continue;
      if (live !== i) this.move(i, live);
      live++;
    }
    if (live !== this.count) this.reindex(live);
  }

  /** Drops everything (the ring's layout changed: slot numbers mean other nodes). */
  clear(): void {
    this.count = 0;
    this.newest.clear();
  }

  private push(from: number, to: number, now: number, tone: Tone, dropped: number, key: number): void {
    let i = this.count;
    if (i >= this.capacity) {
      // Full: a plain heartbeat is left out; news takes the place of the oldest plain packet, if there is one.
      const victim = tone === TONE.plain ? -1 : this.tone.indexOf(TONE.plain);
      if (victim < 0 || victim >= this.count) {
        this.unsampled++;
        return;
      }
      i = victim;
      this.unsampled++;
    } else {
      this.count++;
    }
    this.from[i] = from;
    this.to[i] = to;
    this.startedAt[i] = now;
    this.tone[i] = tone;
    this.dropped[i] = dropped;
    if (dropped === 0) this.newest.set(key, i);
  }

  private move(i: number, j: number): void {
    this.from[j] = this.from[i]!;
    this.to[j] = this.to[i]!;
    this.startedAt[j] = this.startedAt[i]!;
    this.tone[j] = this.tone[i]!;
    this.dropped[j] = this.dropped[i]!;
  }

  private reindex(live: number): void {
    this.count = live;
    this.newest.clear();
    for (let i = 0; i < live; i++) if (this.dropped[i] === 0) this.newest.set(this.from[i]! * 65536 + this.to[i]!, i);
  }
}
