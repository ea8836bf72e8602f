// Paces the joins of a large embedded launch by this process's own load. The nodes, their introducer and the host
// share one event loop: joins admitted faster than it can serve them (each costs every member an event, the
// introducer a full list and the joiner a merge of it) make every turn of the loop longer, acks then wait past the
// probe timeout, members suspect and fail each other, rebirths rejoin through the starved introducer, and joiners
// give up (docs/benchmarks.md, "Embedded clusters, round five"). So a join starts only after a window in which the
// loop had room to spare.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventLoopUtilization, IntervalHistogram } from 'node:perf_hooks';

/** One window of the loop's utilisation and delay. */
const WINDOW_MS = 100;
/** Busy at most this share of a window: the rest is room for the turns a join adds (its reply, merge and news). */
const MAX_UTILISATION = 0.7;
/** No turn in the window late by more than this: an ack waits at most a turn or two, and the probe timeout is 200 ms. */
const MAX_DELAY_MS = 50;
/** A join waits at most this long: a machine busy with other work still gets its cluster, only more slowly. */
const MAX_WAIT_MS = 5000;

export class LoopPacer {
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private used: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly timer: NodeJS.Timeout;
  private calm = true;
  private waiters: (() => void)[] = [];

  constructor() {
    this.delay.enable();
    this.timer = setInterval(() => this.endWindow(), WINDOW_MS);
  }

  /** Resolves at the end of the first window with room to spare (at once if the last one had), or after MAX_WAIT_MS. */
  async room(): Promise<void> {
    const deadline = performance.now() + MAX_WAIT_MS;
    while (!this.calm && performance.now() < deadline) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    clearInterval(this.timer);
    this.delay.disable();
    this.calm = true;
    this.release();
  }

  private endWindow(): void {
    const window = performance.eventLoopUtilization(this.used);
    this.used = performance.eventLoopUtilization();
    this.calm = window.utilization <= MAX_UTILISATION && this.delay.max / 1e6 <= MAX_DELAY_MS;
    this.delay.reset();
    this.release();
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
