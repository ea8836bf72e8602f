// Where each slot sits on the ring and which slot a pointer is over. Pure geometry, so hit-testing needs no
// per-node display objects and costs O(1) at 1,000 nodes.

export interface RingLayout {
  readonly count: number;
  readonly cx: number;
  readonly cy: number;
  readonly radius: number;
  /** Radius of a node's disc; its status ring is drawn just outside it. */
  readonly nodeRadius: number;
  /** x, y of slot i at [2i], [2i+1]. */
  readonly positions: Float32Array;
  /** Whether there is room for a text label per node. */
  readonly labels: boolean;
}

const LABEL_LIMIT = 64;

export function ringLayout(count: number, width: number, height: number): RingLayout {
  const labels = count <= LABEL_LIMIT;
  // Labels run outwards from the disc: beside the ring they need a label's width (`23701·617`), above and below
  // only its height.
  const marginX = labels ? 84 : 18;
  const marginY = labels ? 44 : 18;
  const radius = Math.max(10, Math.min(width / 2 - marginX, height / 2 - marginY));
  const spacing = count > 0 ? (2 * Math.PI * radius) / count : radius;
  const nodeRadius = Math.max(1.5, Math.min(16, spacing * 0.32));
  const positions = new Float32Array(count * 2);
  const cx = width / 2;
  const cy = height / 2;
  for (let i = 0; i < count; i++) {
    const a = angleOf(i, count);
    positions[2 * i] = cx + radius * Math.cos(a);
    positions[2 * i + 1] = cy + radius * Math.sin(a);
  }
  return { count, cx, cy, radius, nodeRadius, positions, labels };
}

/** Slot i's angle: clockwise from the top. */
export function angleOf(i: number, count: number): number {
  return -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, count);
}

/** Distance from the centre where slot labels start (they extend outwards from there). */
export function labelRadius(layout: RingLayout): number {
  return layout.radius + layout.nodeRadius + 10;
}

/** How far a label reaches out from labelRadius (and sideways), for hit-testing: a click on it selects its node. */
const LABEL_REACH = 48;

/** The slot under (x, y), or -1: the slot nearest by angle, if the point is on its disc or its label. */
export function slotAt(layout: RingLayout, x: number, y: number): number {
  const n = layout.count;
  if (n === 0) return -1;
  const dx = x - layout.cx;
  const dy = y - layout.cy;
  const d = Math.hypot(dx, dy);
  const turn = (((Math.atan2(dy, dx) + Math.PI / 2) / (2 * Math.PI)) % 1 + 1) % 1;
  const i = Math.round(turn * n) % n;
  let off = Math.abs(turn * n - Math.round(turn * n)) / n * 2 * Math.PI;
  if (off > Math.PI) off = 2 * Math.PI - off;
  const reach = Math.max(layout.nodeRadius * 1.6, 6);
  const onLabel = layout.labels && d >= labelRadius(layout) - 4;
  const outer = layout.labels ? labelRadius(layout) + LABEL_REACH : layout.radius + reach;
  if (d < layout.radius - reach || d > outer) return -1;
  const sideways = d * Math.sin(off);
  return sideways <= (onLabel ? Math.min(LABEL_REACH / 2, (Math.PI * layout.radius) / n) : reach) ? i : -1;
}
