import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig, ConfigError, configForGroupSize, DEFAULT_CONFIG, resolveConfig } from './config.ts';

test('defaults are valid and partial settings override them', () => {
  assert.deepEqual(resolveConfig({}), DEFAULT_CONFIG);
  assert.equal(resolveConfig({ fanout: 3 }).fanout, 3);
  assert.ok(DEFAULT_CONFIG.tombstoneMs >= 10 * DEFAULT_CONFIG.cleanupTimeoutMs);
});

test('a bad setting is one clear line in the user\'s words, naming the setting to change', () => {
  const cases: [Record<string, number>, string, RegExp][] = [
    [{ fanout: 0 }, 'fanout', /^fanout must be a whole number from 1 to 16 \(got 0\)$/],
    [{ gossipIntervalMs: 12.5 }, 'gossipIntervalMs', /^gossip interval must be a whole number of ms from 10 to 60000 \(got 12.5\)$/],
    [{ maxPacketBytes: 70_000 }, 'maxPacketBytes', /^packet size must be a whole number from 256 to 65507/],
    [{ failTimeoutMs: 300, gossipIntervalMs: 250 }, 'failTimeoutMs', /^fail timeout \(300 ms\) must be at least 2 × the gossip interval \(250 ms\)$/],
    [{ suspectTimeoutMs: 100 }, 'suspectTimeoutMs', /^suspect timeout \(100 ms\) must be at least the gossip interval \(250 ms\)$/],
    [{ tombstoneMs: 100, cleanupTimeoutMs: 5000 }, 'tombstoneMs', /^tombstone time \(100 ms\) must be at least 2 × the cleanup time/],
    [{ bogus: 1 }, 'bogus', /^unknown protocol setting bogus$/],
    [{ fanout: Number.NaN }, 'fanout', /^fanout must be a whole number/],
  ];
  for (const [partial, setting, message] of cases) {
    assert.equal(checkConfig(partial)?.setting, setting, JSON.stringify(partial));
    assert.throws(() => resolveConfig(partial), (err: Error) =>
      err instanceof ConfigError && err.code === 'bad-setting' && message.test(err.message) && !err.message.includes('\n'));
  }
});

test('the tombstone and introducer probe follow slower timings unless given', () => {
  const slow = resolveConfig({ gossipIntervalMs: 1000, failTimeoutMs: 6000, cleanupTimeoutMs: 20_000 });
  assert.equal(slow.tombstoneMs, 240_000);
  assert.equal(slow.introducerProbeMs, 4000);
  assert.equal(resolveConfig({ cleanupTimeoutMs: 20_000, tombstoneMs: 50_000 }).tombstoneMs, 50_000);
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
    gossipIntervalMs: 380, failTimeoutMs: 19_400, suspectTimeoutMs: 6900, cleanupTimeoutMs: 19_400,
  });
  // The tombstone and the introducer probe follow: 12× cleanup, 4 rounds.
  const derived = resolveConfig(configForGroupSize(500));
  assert.equal(derived.tombstoneMs, 232_800);
  assert.equal(derived.introducerProbeMs, 1520);
});
