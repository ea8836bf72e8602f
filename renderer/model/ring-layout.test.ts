import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ringLayout, slotAt, labelRadius } from './ring-layout.ts';

test('places slot 0 at the top and goes clockwise', () => {
  const l = ringLayout(4, 400, 400);
  assert.ok(Math.abs(l.positions[0]! - 200) < 1e-3);
  assert.ok(l.positions[1]! < 200);
  assert.ok(l.positions[2]! > 200, 'slot 1 on the right');
});

test('hit-tests discs and labels, and misses the middle', () => {
  for (const n of [1, 5, 8, 64, 1000]) {
    const l = ringLayout(n, 800, 600);
    for (const i of [0, Math.floor(n / 3), n - 1]) {
      assert.equal(slotAt(l, l.positions[2 * i]!, l.positions[2 * i + 1]!), i, `n=${n} i=${i}`);
    }
    assert.equal(slotAt(l, l.cx, l.cy), -1);
  }
  const l = ringLayout(8, 800, 600);
  const i = 2;
  const ux = (l.positions[2 * i]! - l.cx) / l.radius;
  const uy = (l.positions[2 * i + 1]! - l.cy) / l.radius;
  const r = labelRadius(l) + 20;
  assert.equal(slotAt(l, l.cx + ux * r, l.cy + uy * r), i, 'label');
});

test('node discs shrink with count but stay visible', () => {
  assert.ok(ringLayout(8, 800, 600).nodeRadius > ringLayout(1000, 800, 600).nodeRadius);
  assert.ok(ringLayout(1000, 300, 300).nodeRadius >= 1.5);
  assert.equal(ringLayout(8, 800, 600).labels, true);
  assert.equal(ringLayout(500, 800, 600).labels, false);
});
