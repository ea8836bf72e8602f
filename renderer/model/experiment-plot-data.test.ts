import assert from 'node:assert/strict';
import { it } from 'node:test';
import { alignPlot } from './experiment-plot-data.ts';

it('aligns series on one x array with gaps, keeping error bars and p99 beside their means', () => {
  const aligned = alignPlot({
    id: 'detection-first', experiment: 'detection', title: 't', xLabel: 'x', yLabel: 'y', logX: false,
    series: [
      { protocol: 'gossip', source: 'processes', color: '#111', points: [{ x: 3, mean: 1.4, stddev: 0.1, p99: 1.6, runs: 5 }] },
      { protocol: 'gossip', source: 'simulator', color: '#111', points: [
        { x: 1, mean: 1.3, stddev: 0, p99: 1.3, runs: 5 }, { x: 3, mean: Number.NaN, stddev: Number.NaN, runs: 0 },
      ] },
    ],
  });
  assert.deepEqual(aligned.xs, [1, 3]);
  assert.deepEqual(aligned.series[0]!.mean, [null, 1.4]);
  assert.deepEqual(aligned.series[0]!.p99, [null, 1.6]);
  assert.deepEqual(aligned.series[1]!.mean, [1.3, null], 'NaN is a gap');
  assert.equal(aligned.series[1]!.dashed, true);
  assert.equal(aligned.shape, 'false|gossip, processes;gossip, simulator');
});
