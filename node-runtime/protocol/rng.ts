// The core's only source of randomness (gossip targets, drop rolls, suspicion tie-breaks): seeded, so a simulation or
// a test replays exactly.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** mulberry32 (Tommy Ettinger): 32-bit state, passes PractRand to 2^32 — plenty for choosing gossip targets. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** An integer in [0, n). */
export function randomIndex(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}
