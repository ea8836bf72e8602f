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
