// Paces the joins of a large embedded launch by this process's own load. The nodes, their introducer and the host
// share one event loop: joins admitted faster than it can serve them (each costs every member an event, the
// introducer a full list and the joiner a merge of it) make every turn of the loop longer, acks then wait past the
// probe timeout, members suspect and fail each other, rebirths rejoin through the starved introducer, and joiners
// give up (docs/benchmarks.md, "Embedded clusters, round five"). So a join starts only after a window in which the
// loop had room to spare.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventLoopUtilization, IntervalHistogram } from 'node:perf_hooks';

/** One window of the loop's utilisation and delay; a calm one lets one join start. */
const WINDOW_MS = 50;
/** Busy at most this share of a window: the rest is room for the turns a join adds (its reply, merge and news). */
const MAX_UTILISATION = 0.85;
/** No turn in the window late by more than this: an ack waits at most a turn or two, and the probe timeout is 200 ms. */
const MAX_DELAY_MS = 50;
/** A join waits at most this long: a machine busy with other work still gets its cluster, only more slowly (still
 *  one join a window: after a stall of seconds every waiter is overdue, and letting them all in at once is the burst
 *  this is here to prevent). */
const MAX_WAIT_MS = 3000;

export class LoopPacer {
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private used: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly timer: NodeJS.Timeout;
  private waiters: { readonly resolve: () => void; readonly deadline: number }[] = [];

  constructor() {
    this.delay.enable();
    this.timer = setInterval(() => this.endWindow(), WINDOW_MS);
  }

  /** Resolves at the end of a window with room to spare, or past MAX_WAIT_MS, when this join is the first waiting:
   *  one join a window (joins let in together would land their replies, merges and news in the same turns). */
  room(): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ resolve, deadline: performance.now() + MAX_WAIT_MS }));
  }

  stop(): void {
    clearInterval(this.timer);
    this.delay.disable();
    this.release(this.waiters.length);
  }

  private endWindow(): void {
    const window = performance.eventLoopUtilization(this.used);
    this.used = performance.eventLoopUtilization();
    const calm = window.utilization <= MAX_UTILISATION && this.delay.max / 1e6 <= MAX_DELAY_MS;
    this.delay.reset();
    if (calm || (this.waiters[0]?.deadline ?? Infinity) <= performance.now()) this.release(1);
  }

  /** The first `n` waiters (the oldest). */
  private release(n: number): void {
    for (const { resolve } of this.waiters.splice(0, n)) resolve();
  }
}
