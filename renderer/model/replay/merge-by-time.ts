// Merges the files of a recording into one timeline. Each file is already in non-decreasing ts (the loader keeps file
// order and raises a backwards ts), so a k-way merge keeps every file's own order — and so every observer's own order
// of list changes — whatever the clocks of different hosts say. Ties go to the earlier file, then the earlier line.
// Files interleave event by event, so the merge first computes the order, then gathers each column once.
import { allocate } from './event-columns.ts';
import type { EventColumns } from './event-columns.ts';

/** `ranges[f] = [start, end)`: file f's events in `c`, files in ascending order. */
export function mergeByTime(c: EventColumns, ranges: readonly (readonly [number, number])[]): EventColumns {
  const ts = c.ts;
  const pos = new Int32Array(ranges.map((r) => r[0]));
  const end = new Int32Array(ranges.map((r) => r[1]));
  // Min-heap of file numbers ordered by (ts of the file's next event, file number).
  const heap = new Int32Array(ranges.length);
  /** ts of each file's next event (one lookup fewer per comparison). */
  const head = new Float64Array(ranges.length);
  for (let f = 0; f < ranges.length; f++) if (pos[f]! < end[f]!) head[f] = ts[pos[f]!]!;
  let size = 0;
  const before = (a: number, b: number): boolean => {
    const ta = head[a]!;
    const tb = head[b]!;
    return ta < tb || (ta === tb && a < b);
  };
  const siftDown = (i: number): void => {
    const f = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const child = r < size && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[child]!, f)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = f;
  };
  for (let f = 0; f < ranges.length; f++) if (pos[f]! < end[f]!) heap[size++] = f;
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i);

  const order = new Int32Array(c.length);
  let o = 0;
  while (size > 0) {
    const f = heap[0]!;
    // The runner-up is one of the root's children; take this file's events while they still come first.
    let g = -1;
    if (size > 1) g = size > 2 && before(heap[2]!, heap[1]!) ? heap[2]! : heap[1]!;
    const gTs = g < 0 ? Infinity : head[g]!;
    let p = pos[f]!;
    const e = end[f]!;
    do order[o++] = p++;
    while (p < e && (ts[p]! < gTs || (ts[p] === gTs && f < g)));
    pos[f] = p;
    if (p >= e) heap[0] = heap[--size]!;
    else head[f] = ts[p]!;
    if (size > 0) siftDown(0);
  }

  const out = allocate(c.length);
  for (let i = 0; i < order.length; i++) {
    const j = order[i]!;
    out.ts[i] = ts[j]!;
    out.observer[i] = c.observer[j]!;
    out.member[i] = c.member[j]!;
    out.kind[i] = c.kind[j]!;
    out.incarnation[i] = c.incarnation[j]!;
    out.reason[i] = c.reason[j]!;
    out.via[i] = c.via[j]!;
    out.file[i] = c.file[j]!;
    out.line[i] = c.line[j]!;
  }
  return { length: c.length, ...out };
}
