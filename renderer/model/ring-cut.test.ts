import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutChord, slotsOnOneSide } from './ring-cut.ts';
import { ringLayout } from './ring-layout.ts';

test('a line dragged across the ring cuts off the slots on one side', () => {
  const layout = ringLayout(8, 400, 400);
  // Slots go clockwise from the top (0 north, 2 east, 4 south, 6 west); a line just east of north-south, and back.
  assert.deepEqual(slotsOnOneSide(layout, 201, 0, 201, 400), [1, 2, 3]);
  assert.deepEqual(slotsOnOneSide(layout, 201, 400, 201, 0), [0, 4, 5, 6, 7]);
  assert.deepEqual(slotsOnOneSide(layout, 0, 0, 400, 0), [], 'a line outside the ring cuts nothing off');
});

test('the cut of a contiguous side is a chord through its two end gaps; scattered sides get none', () => {
  const layout = ringLayout(8, 400, 400);
  const chord = cutChord(layout, new Set([5, 6, 7]))!;
  // The gaps after slot 4 (south-south-west) and after slot 7 (north-north-west): the chord runs on the west side.
  assert.ok(chord[0] < 200 && chord[2] < 200);
  assert.ok(chord[1] > 200 && chord[3] < 200);
  assert.equal(cutChord(layout, new Set([1, 5])), undefined);
  assert.equal(cutChord(layout, new Set()), undefined);
});
