// The figures every plot rests on: mean, sample standard deviation, nearest-rank percentiles, and the tuning that
// brings configurations to an equal detection bound or an equal bandwidth.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mean, percentile, relativeDifference, stddev, summarize } from './stats.ts';
import { scaleTimings, variant } from './protocols.ts';
import type { ProtocolVariant } from './protocols.ts';
import { tune } from './tuning.ts';
import { resolveConfig } from '../protocol/config.ts';

describe('statistics', () => {
  it('mean and sample standard deviation', () => {
    assert.equal(mean([1, 2, 3, 4]), 2.5);
    // Sample (n − 1) deviation of 2,4,4,4,5,5,7,9: sum of squares 32 over 7.
    assert.ok(Math.abs(stddev([2, 4, 4, 4, 5, 5, 7, 9]) - Math.sqrt(32 / 7)) < 1e-12);
    assert.equal(stddev([5]), 0);
    assert.ok(Number.isNaN(mean([])) && Number.isNaN(stddev([])));
    assert.deepEqual(summarize([1, 3]), { n: 2, mean: 2, stddev: Math.SQRT2 });
  });

  it('nearest-rank percentiles are observed values, whatever the order', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    assert.equal(percentile(xs, 99), 99);
    assert.equal(percentile(xs, 50), 50);
    assert.equal(percentile(xs, 100), 100);
    assert.equal(percentile(xs, 0), 1);
    assert.equal(percentile([3, 1, 2], 99), 3);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 99)));
  });

  it('relative difference is against the first value and undefined against 0', () => {
    assert.equal(relativeDifference(100, 110), 0.1);
    assert.equal(relativeDifference(100, 95), -0.05);
    assert.ok(Number.isNaN(relativeDifference(0, 3)));
  });
});

describe('tuning', () => {
  // A model with the non-proportional parts the correction step is for: a fixed network delay in detection, a
  // fixed per-second overhead in bandwidth; suspicion adds T_suspect.
  const model = async (v: ProtocolVariant) => {
    const c = resolveConfig(v.timings);
    return {
      detectionMs: 30 + c.failTimeoutMs + (v.suspicion ? c.suspectTimeoutMs : 0),
      bytesPerSec: 50 + (v.suspicion ? 1.1 : 1) * 400_000 / c.gossipIntervalMs,
    };
  };
  const variants = [variant('gossip'), variant('gossip+s')];

  it('equal detection: every configuration within 2 % of the slowest default bound', async () => {
    const r = await tune('equal-detection', variants, model);
    assert.equal(r.target, 30 + 1500 + 1000);
    for (const t of r.variants) assert.ok(Math.abs(t.after.detectionMs / r.target - 1) < 0.02, `${t.variant.name}: ${t.after.detectionMs}`);
    const gossip = r.variants.find((t) => t.variant.name === 'gossip')!;
    assert.ok(gossip.factor > 1.5 && gossip.factor < 1.8, `gossip slowed by ${gossip.factor}`);
    assert.ok(gossip.after.bytesPerSec < gossip.before.bytesPerSec, 'slower timings spend fewer bytes');
  });

  it('equal bandwidth: every configuration within 2 % of the smallest default bandwidth', async () => {
    const r = await tune('equal-bandwidth', variants, model);
    assert.equal(r.target, 50 + 400_000 / 250);
    for (const t of r.variants) assert.ok(Math.abs(t.after.bytesPerSec / r.target - 1) < 0.02, `${t.variant.name}: ${t.after.bytesPerSec}`);
    assert.ok(r.variants.find((t) => t.variant.name === 'gossip+s')!.factor > 1.05, 'the dearer one is slowed');
  });

  it('scaling keeps the ratios between timings and stays valid', () => {
    const t = scaleTimings('gossip', {}, 2);
    const c = resolveConfig(t);
    assert.equal(c.gossipIntervalMs, 500);
    assert.equal(c.failTimeoutMs, 3000);
    assert.equal(c.suspectTimeoutMs, 2000);
    assert.equal(c.fanout, 3, 'only timings scale');
    assert.throws(() => scaleTimings('gossip', {}, 0.001), /invalid/);
    assert.equal(resolveConfig(scaleTimings('ping', {}, 2)).probeIntervalMs, 2 * resolveConfig({}).probeIntervalMs);
  });
});
