import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandwidthAt } from './bandwidth-at.ts';
import { compareAddresses } from '../node-slots.ts';

const series = (points: [number, number, number][]) => ({ ts: points.map((p) => p[0]), in: points.map((p) => p[1]), out: points.map((p) => p[2]) });
const stats = new Map([
  ['127.0.0.1:3001', series([[1000, 10, 20], [3000, 11, 21], [5000, 12, 22]])],
  ['127.0.0.1:3000', series([[1000, 1, 2], [3000, 3, 4]])],
  ['127.0.0.1:3020', series([[2000, 7, 8]])],
]);

test('each node\'s figure at the cursor is its last sample before it, with the minute before for the sparkline', () => {
  assert.deepEqual(bandwidthAt(stats, 4000, undefined, compareAddresses), [
    { address: '127.0.0.1:3000', inPerSec: 3, outPerSec: 4, outSeries: [2, 4] },
    { address: '127.0.0.1:3001', inPerSec: 11, outPerSec: 21, outSeries: [20, 21] },
    { address: '127.0.0.1:3020', inPerSec: 7, outPerSec: 8, outSeries: [8] },
  ]);
  // Before any sample, nothing; a side gets its own nodes only.
  assert.deepEqual(bandwidthAt(stats, 500, undefined, compareAddresses), []);
  assert.deepEqual(bandwidthAt(stats, 5000, new Set(['127.0.0.1:3000', '127.0.0.1:3001']), compareAddresses).map((r) => [r.address, r.outPerSec]),
    [['127.0.0.1:3000', 4], ['127.0.0.1:3001', 22]]);
});

test('a node that stopped reporting drops out once its last sample is stale', () => {
  assert.deepEqual(bandwidthAt(stats, 9000, undefined, compareAddresses).map((r) => r.address), ['127.0.0.1:3001']);
  assert.deepEqual(bandwidthAt(stats, 20_000, undefined, compareAddresses), []);
});
