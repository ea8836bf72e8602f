import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SampleWindow } from './sample-window.ts';

test('percentiles over the last samples only', () => {
  const w = new SampleWindow(100);
  assert.ok(Number.isNaN(w.percentile(95)));
  for (let i = 1; i <= 100; i++) w.push(i);
  assert.equal(w.percentile(95), 95);
  assert.equal(w.percentile(50), 50);
  assert.equal(w.percentile(100), 100);
  for (let i = 0; i < 100; i++) w.push(1);
  assert.equal(w.percentile(95), 1, 'old samples are overwritten');
  assert.equal(w.max(), 1);
  w.clear();
  assert.equal(w.count, 0);
});

test('frames that missed a vsync, and the intervals they skipped', () => {
  const w = new SampleWindow(10);
  for (const d of [16.6, 16.7, 16.8, 24, 33.3, 50.1, 16.7]) w.push(d);
  // 24 ms is 1.44 intervals: a late frame, not a skipped vsync; 33.3 skipped one, 50.1 two.
  assert.deepEqual(w.missedIntervals(1000 / 60), { frames: 2, skipped: 3 });
  assert.ok(Math.abs(w.mean() - 174.2 / 7) < 1e-9);
  w.clear();
  assert.deepEqual(w.missedIntervals(1000 / 60), { frames: 0, skipped: 0 });
  assert.ok(Number.isNaN(w.mean()));
});
