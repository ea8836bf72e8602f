// Every timer of one core in one table, and the core's wake-up is their minimum (quinn-proto's TimerTable). A timer
// that is not armed is at Infinity.
export const TIMERS = [
  /** Heartbeat gossip round (gossip mode), or news gossip (ping mode). */
  'gossip',
  /** SWIM: the next probe period starts. */
  'probe',
  /** SWIM: the open probe's next step (ping-req after the direct timeout, the verdict at the period's end). */
  'probeStep',
  /** SWIM: a ping-req relay owes a nack, or expires. */
  'relay',
  /** A lower bound on the members' timers (fail, suspect, cleanup): the list is scanned only from then. */
  'expiry',
  /** SWIM anti-entropy: the next push-pull of full state. */
  'pushPull',
  /** SWIM: a joiner's one push-pull with the introducer, a few rounds after the join (push-pull.ts). */
  'joinSync',
  /** Re-announce to the introducer's address while no live member is known there. */
  'introducer',
] as const;
export type TimerName = (typeof TIMERS)[number];

export class TimerTable {
  /** A plain record, not a Map: the core reads its timers several times per datagram (a Map's string hashing was
   *  ~7 % of a 1,000-node simulation). */
  private readonly at: Record<TimerName, number> = Object.fromEntries(TIMERS.map((t) => [t, Number.POSITIVE_INFINITY])) as Record<TimerName, number>;

  get(t: TimerName): number {
    return this.at[t];
  }

  set(t: TimerName, when: number): void {
    this.at[t] = when;
  }

  /** Arms `t` no later than `when` (keeps an earlier deadline). */
  pull(t: TimerName, when: number): void {
    if (when < this.at[t]) this.at[t] = when;
  }

  stop(t: TimerName): void {
    this.at[t] = Number.POSITIVE_INFINITY;
  }

  due(t: TimerName, now: number): boolean {
    return now >= this.at[t];
  }

  /** The earliest armed timer: the core's `nextWakeAt`. */
  next(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const t of TIMERS) if (this.at[t] < min) min = this.at[t];
    return min;
  }
}
