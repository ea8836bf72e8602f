// Lays out the timeline's latency labels so none overlaps another: each goes, left to right, into the first lane
// where it fits; one that fits nowhere is folded into the nearest label on its left, which then says `+n` (so a dense
// burst of failures reads as one label with a count instead of an unreadable clump). Pure, for tests.

export interface LabelBox {
  /** Left edge, px from the track's start. */
  readonly x: number;
  readonly width: number;
}

export interface LabelPlace {
  /** The lane (row) of a shown label; undefined: folded into `into`. */
  readonly lane: number | undefined;
  /** Shown labels: how many were folded into this one. */
  readonly folded: number;
  /** Folded labels: the index of the label that counts them. */
  readonly into: number | undefined;
}

/** Width a `+n` suffix adds, px. */
export const FOLD_SUFFIX_PX = 22;

/** `boxes` in any order; the result is per box, in the same order. */
export function layoutLabels(boxes: readonly LabelBox[], lanes: number, gapPx = 6): LabelPlace[] {
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[a]!.x - boxes[b]!.x);
  const laneEnd = new Array<number>(lanes).fill(-Infinity);
  const lane = new Array<number | undefined>(boxes.length).fill(undefined);
  const folded = new Array<number>(boxes.length).fill(0);
  const into = new Array<number | undefined>(boxes.length).fill(undefined);
  let lastShown: number | undefined;
  for (const i of order) {
    const { x, width } = boxes[i]!;
    const free = laneEnd.findIndex((end) => end + gapPx <= x);
    if (free >= 0) {
      lane[i] = free;
      laneEnd[free] = x + width;
      lastShown = i;
    } else if (lastShown !== undefined) {
      into[i] = lastShown;
      const count = folded[lastShown]!;
      folded[lastShown] = count + 1;
      if (count === 0) {
        const l = lane[lastShown]!;
        laneEnd[l] = laneEnd[l]! + FOLD_SUFFIX_PX;
      }
    }
  }
  return boxes.map((_, i) => ({ lane: lane[i], folded: folded[i]!, into: into[i] }));
}
