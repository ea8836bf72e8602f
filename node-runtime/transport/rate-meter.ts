// Bytes per second over a sliding window of one-second buckets: a rate that reacts within seconds but does not jump
// with every gossip round.

export class RateMeter {
  private readonly buckets: number[];
  private bucketSecond: number | undefined;
  private startMs: number | undefined;
  private total = 0;

  constructor(private readonly windowSeconds = 10) {
    this.buckets = new Array<number>(windowSeconds).fill(0);
  }

  add(bytes: number, nowMs: number): void {
    this.advance(nowMs);
    this.buckets[this.bucketSecond! % this.windowSeconds]! += bytes;
    this.total += bytes;
  }

  /** Average over the window (the current, partial second included), or over the time since the first call while
   *  the window is not yet full. */
  perSecond(nowMs: number): number {
    this.advance(nowMs);
    const covered = Math.min(this.windowSeconds - 1 + (nowMs % 1000) / 1000, (nowMs - this.startMs!) / 1000);
    const sum = this.buckets.reduce((a, b) => a + b, 0);
    return sum / Math.max(covered, 1);
  }

  get windowMs(): number {
    return this.windowSeconds * 1000;
  }

  /** Every byte ever counted. */
  get totalBytes(): number {
    return this.total;
  }

  private advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    if (this.bucketSecond === undefined) {
      this.bucketSecond = second;
      this.startMs = nowMs;
      return;
    }
    const gap = Math.min(second - this.bucketSecond, this.windowSeconds);
    for (let i = 1; i <= gap; i++) this.buckets[(this.bucketSecond + i) % this.windowSeconds] = 0;
    if (second > this.bucketSecond) this.bucketSecond = second;
  }
}
