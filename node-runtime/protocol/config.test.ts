import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, resolveConfig } from './config.ts';

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
