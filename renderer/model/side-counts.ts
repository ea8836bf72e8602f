// The top bar's counts for a view in two sides (a live pair, a pair recording in replay): the counters hold the
// whole view (both sides summed, so they mean the same as for one cluster), and one line splits them per side.

export interface Counts {
  readonly alive: number;
  readonly suspect: number;
  readonly failed: number;
  readonly left: number;
  readonly total: number;
}

export function sumCounts(a: Counts, b: Counts): Counts {
  return { alive: a.alive + b.alive, suspect: a.suspect + b.suspect, failed: a.failed + b.failed, left: a.left + b.left, total: a.total + b.total };
}

/** `left 3 alive · 1 failed of 4 | right 4 alive of 4`: suspected, failed and left only where there are any. */
export function describeSides(sides: readonly [Counts, Counts]): string {
  const one = (name: string, c: Counts): string => {
    const parts = [`${c.alive} alive`, ...(['suspect', 'failed', 'left'] as const).filter((k) => c[k] > 0)
      .map((k) => `${c[k]} ${k === 'suspect' ? 'suspected' : k}`)];
    return `${name} ${parts.join(' · ')} of ${c.total}`;
  };
  return `${one('left', sides[0])} | ${one('right', sides[1])}`;
}
