import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSides, sumCounts } from './side-counts.ts';

test('two sides: summed counters and a per-side line naming only the statuses present', () => {
  const left = { alive: 3, suspect: 0, failed: 1, left: 0, total: 4 };
  const right = { alive: 2, suspect: 1, failed: 0, left: 1, total: 4 };
  assert.deepEqual(sumCounts(left, right), { alive: 5, suspect: 1, failed: 1, left: 1, total: 8 });
  assert.equal(describeSides([left, right]), 'left 3 alive · 1 failed of 4 | right 2 alive · 1 suspected · 1 left of 4');
});
