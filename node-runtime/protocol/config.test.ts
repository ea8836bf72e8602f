import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configForGroupSize, DEFAULT_CONFIG, resolveConfig } from './config.ts';

test('defaults are valid and partial settings override them', () => {
  assert.deepEqual(resolveConfig({}), DEFAULT_CONFIG);
  assert.equal(resolveConfig({ fanout: 3 }).fanout, 3);
  assert.ok(DEFAULT_CONFIG.tombstoneMs >= 10 * DEFAULT_CONFIG.cleanupTimeoutMs);
});

test('a bad setting is one clear line naming it', () => {
  const cases: [Record<string, number>, RegExp][] = [
    [{ fanout: 0 }, /^fanout must be an integer from 1 to 16 \(got 0\)$/],
    [{ gossipIntervalMs: 12.5 }, /^gossipIntervalMs must be an integer/],
    [{ maxPacketBytes: 70_000 }, /^maxPacketBytes must be an integer from 256 to 65507/],
    [{ failTimeoutMs: 300, gossipIntervalMs: 250 }, /^failTimeoutMs \(300\) must be at least 2 × gossipIntervalMs \(250\)$/],
    [{ tombstoneMs: 100, cleanupTimeoutMs: 5000 }, /^tombstoneMs \(100\) must be at least 2 × cleanupTimeoutMs/],
    [{ bogus: 1 }, /^unknown protocol setting bogus$/],
    [{ fanout: Number.NaN }, /^fanout must be an integer/],
  ];
  for (const [partial, message] of cases) {
    assert.throws(() => resolveConfig(partial), (err: Error) => message.test(err.message) && !err.message.includes('\n'));
  }
});

test('configForGroupSize keeps the defaults for small groups and scales valid timings beyond', () => {
  for (const n of [0, 1, 2, 10, 32, Number.NaN]) assert.deepEqual(configForGroupSize(n), {}, `n = ${n}`);
  let previous = resolveConfig({});
  for (const n of [33, 64, 100, 200, 300, 500, 1000, 2000, 5000]) {
    const config = resolveConfig(configForGroupSize(n));
    assert.ok(config.failTimeoutMs >= previous.failTimeoutMs && config.gossipIntervalMs >= previous.gossipIntervalMs, `n = ${n}`);
    assert.equal(config.fanout, DEFAULT_CONFIG.fanout);
    assert.equal(config.maxPacketBytes, DEFAULT_CONFIG.maxPacketBytes);
    // The whole group on one machine stays within its datagram budget.
    assert.ok((n * config.fanout * 1000) / config.gossipIntervalMs <= 4000, `n = ${n}`);
    previous = config;
  }
  assert.deepEqual(configForGroupSize(500), {
    gossipIntervalMs: 380, failTimeoutMs: 19_400, suspectTimeoutMs: 6900, cleanupTimeoutMs: 19_400, tombstoneMs: 232_800,
    introducerProbeMs: 1520,
  });
});
