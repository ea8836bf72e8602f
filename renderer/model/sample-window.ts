// A fixed-size window of recent samples (frame times, event-to-screen latencies) and its percentiles: a ring buffer,
// so recording a sample never allocates.

export class SampleWindow {
  private readonly samples: Float64Array;
  private readonly scratch: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(capacity: number) {
    this.samples = new Float64Array(capacity);
    this.scratch = new Float64Array(capacity);
  }

  get count(): number {
    return this.filled;
  }

  push(value: number): void {
    this.samples[this.next] = value;
    this.next = (this.next + 1) % this.samples.length;
    if (this.filled < this.samples.length) this.filled++;
  }

  clear(): void {
    this.next = 0;
    this.filled = 0;
  }

  /** Nearest-rank percentile, p in [0, 100]; NaN when empty. */
  percentile(p: number): number {
    if (this.filled === 0) return NaN;
    const sorted = this.scratch.subarray(0, this.filled);
    sorted.set(this.samples.subarray(0, this.filled));
    sorted.sort();
    const rank = Math.min(this.filled - 1, Math.max(0, Math.ceil((p / 100) * this.filled) - 1));
    return sorted[rank]!;
  }

  /** Mean of the samples; NaN when empty. */
  mean(): number {
    let sum = 0;
    for (let i = 0; i < this.filled; i++) sum += this.samples[i]!;
    return this.filled === 0 ? NaN : sum / this.filled;
  }

  /** For frame times: how many samples span more than 1.5 `interval`s (frames that missed a vsync), and how many
   *  intervals passed with no new frame (a 33.3-ms delta at 60 Hz skipped one). */
  missedIntervals(interval: number): { frames: number; skipped: number } {
    let frames = 0;
    let skipped = 0;
    for (let i = 0; i < this.filled; i++) {
      const n = Math.round(this.samples[i]! / interval);
      if (n < 2) continue;
      frames++;
      skipped += n - 1;
    }
    return { frames, skipped };
  }

  max(): number {
    let m = -Infinity;
    for (let i = 0; i < this.filled; i++) m = Math.max(m, this.samples[i]!);
    return this.filled === 0 ? NaN : m;
  }
}
