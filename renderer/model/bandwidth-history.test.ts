import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BandwidthHistory, SAMPLES } from './bandwidth-history.ts';
import type { NodeStats } from '../../electron/host/api.ts';

const stat = (address: string, out: number): NodeStats => ({ address, bytesInPerSec: out / 2, bytesOutPerSec: out, dropped: 0, malformed: 0 });
const order = (a: string, b: string): number => a.localeCompare(b);

test('one sample per new report, the last SAMPLES kept, for running nodes only; a stopped node disappears', () => {
  const h = new BandwidthHistory();
  const a1 = stat('a', 100);
  const stats = new Map([['a', a1], ['b', stat('b', 50)], ['k', stat('k', 999)]]);
  assert.equal(h.sample(stats, new Set(['a', 'b'])), true);
  assert.equal(h.sample(stats, new Set(['a', 'b'])), false, 'the same reports again: no new sample');
  assert.deepEqual(h.rows(order).map((r) => [r.address, r.outSeries]), [['a', [100]], ['b', [50]]]);
  for (let i = 1; i <= SAMPLES + 5; i++) {
    stats.set('a', stat('a', i));
    h.sample(stats, new Set(['a', 'b']));
  }
  const a = h.rows(order)[0]!;
  assert.equal(a.outSeries.length, SAMPLES);
  assert.equal(a.outSeries.at(-1), SAMPLES + 5);
  assert.equal(a.inPerSec, (SAMPLES + 5) / 2);
  // b is killed: its last report stays in the host's map, but it is no longer shown.
  assert.equal(h.sample(stats, new Set(['a'])), true);
  assert.deepEqual(h.rows(order).map((r) => r.address), ['a']);
});
