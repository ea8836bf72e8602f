// Partitions on the ring: which slots a line dragged across the ring cuts off, and where to draw the cut of a side
// (a contiguous arc, as a dragged line makes: a chord through the two gaps at its ends). Pure geometry.
import { angleOf } from './ring-layout.ts';
import type { RingLayout } from './ring-layout.ts';

/** The slots on one side of the line (x1, y1) → (x2, y2) (clockwise of it, screen y pointing down); the rest are on
 *  the other side or on it. */
export function slotsOnOneSide(layout: RingLayout, x1: number, y1: number, x2: number, y2: number): number[] {
  const left: number[] = [];
  for (let i = 0; i < layout.count; i++) {
    const cross = (x2 - x1) * (layout.positions[2 * i + 1]! - y1) - (y2 - y1) * (layout.positions[2 * i]! - x1);
    if (cross < 0) left.push(i);
  }
  return left;
}

/** The chord to draw between a side and the rest, reaching a little beyond the ring; undefined unless the side is
 *  one contiguous arc (a cut made by selecting scattered nodes is shown on the nodes instead). */
export function cutChord(layout: RingLayout, side: ReadonlySet<number>): [number, number, number, number] | undefined {
  const n = layout.count;
  if (side.size === 0 || side.size >= n) return undefined;
  const gaps: number[] = [];
  for (let i = 0; i < n; i++) if (side.has(i) !== side.has((i + 1) % n)) gaps.push(i);
  if (gaps.length !== 2) return undefined;
  const r = layout.radius + layout.nodeRadius * 2 + 12;
  const [a, b] = gaps.map((i) => angleOf(i + 0.5, n)) as [number, number];
  return [layout.cx + r * Math.cos(a), layout.cy + r * Math.sin(a), layout.cx + r * Math.cos(b), layout.cy + r * Math.sin(b)];
}
