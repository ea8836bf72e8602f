import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FOLD_SUFFIX_PX, layoutLabels } from './label-layout.ts';

test('labels apart stay in lane 0; close ones take the next lane; beyond the lanes they fold into a count', () => {
  const places = layoutLabels([{ x: 0, width: 50 }, { x: 200, width: 50 }, { x: 20, width: 50 }, { x: 30, width: 50 }, { x: 40, width: 50 }], 2);
  assert.deepEqual(places.map((p) => [p.lane, p.folded, p.into]), [
    [0, 0, undefined], [0, 0, undefined], [1, 2, undefined], [undefined, 0, 2], [undefined, 0, 2],
  ]);
});

test('no two shown labels overlap (suffix included), and every label is shown or counted exactly once', () => {
  fc.assert(fc.property(
    fc.array(fc.record({ x: fc.integer({ min: 0, max: 1000 }), width: fc.integer({ min: 10, max: 120 }) }), { maxLength: 80 }),
    fc.integer({ min: 1, max: 3 }),
    (boxes, lanes) => {
      const places = layoutLabels(boxes, lanes);
      const shown = places.flatMap((p, i) => (p.lane === undefined ? [] : [{ i, lane: p.lane, x: boxes[i]!.x, end: boxes[i]!.x + boxes[i]!.width + (p.folded > 0 ? FOLD_SUFFIX_PX : 0) }]));
      for (const a of shown) {
        for (const b of shown) {
          if (a.i !== b.i && a.lane === b.lane) assert.ok(a.end <= b.x || b.end <= a.x, `labels ${a.i} and ${b.i} overlap`);
        }
      }
      const counted = shown.length + places.reduce((n, p) => n + p.folded, 0);
      assert.equal(counted, boxes.length);
      for (const p of places) if (p.lane === undefined) assert.notEqual(places[p.into!]!.lane, undefined);
    },
  ), { numRuns: 300 });
});
