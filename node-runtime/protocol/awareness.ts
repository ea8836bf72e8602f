// Lifeguard's local health multiplier (Dadgar et al. 2018; memberlist's awareness.go): a member that misses acks
// and nacks it should have had is probably the slow one (starved CPU, full socket buffer), so it stretches its own
// probe interval and timeout instead of suspecting healthy peers.
export class Awareness {
  private score = 0;

  constructor(private readonly max: number) {}

  /** 0 (healthy) .. max − 1. */
  get health(): number {
    return this.score;
  }

  apply(delta: number): void {
    this.score = Math.min(this.max - 1, Math.max(0, this.score + delta));
  }

  /** A timeout stretched by the current health: × (score + 1). */
  scale(ms: number): number {
    return ms * (this.score + 1);
  }
}
