import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configForGroupSize, DEFAULT_CONFIG, resolveConfig } from './config.ts';
import { FAMILY_TIMINGS, launchConfig, PRESET_NAMES, PRESETS, TIMING_KEYS } from './presets.ts';

test('every preset is valid, and "watch" is about 4× the defaults', () => {
  for (const name of PRESET_NAMES) resolveConfig(launchConfig(name, {}));
  const watch = resolveConfig(launchConfig('watch', {}));
  for (const key of ['gossipIntervalMs', 'failTimeoutMs', 'suspectTimeoutMs', 'cleanupTimeoutMs', 'probeIntervalMs', 'probeTimeoutMs'] as const) {
    const factor = watch[key] / DEFAULT_CONFIG[key];
    assert.ok(factor >= 4 && factor <= 6, `${key} ×${factor}`);
  }
  for (const name of PRESET_NAMES) {
    for (const key of Object.keys(PRESETS[name].timings)) assert.ok((TIMING_KEYS as readonly string[]).includes(key), key);
  }
});

test('each family\'s timings are user timings, and every user timing belongs to a family', () => {
  assert.deepEqual(new Set([...FAMILY_TIMINGS.gossip, ...FAMILY_TIMINGS.ping]), new Set(TIMING_KEYS));
  assert.deepEqual(FAMILY_TIMINGS.ping, ['probeIntervalMs', 'probeTimeoutMs', 'suspicionMult', 'cleanupTimeoutMs']);
});

test('a launch: the preset, then the user\'s timings; the default preset scales to the group', () => {
  assert.deepEqual(launchConfig('default', {}, 8), {});
  assert.deepEqual(launchConfig('default', {}, 500), configForGroupSize(500));
  assert.deepEqual(launchConfig('default', { failTimeoutMs: 40_000, fanout: 4 }, 500), { ...configForGroupSize(500), failTimeoutMs: 40_000, fanout: 4 });
  assert.deepEqual(launchConfig('watch', { suspectTimeoutMs: 9000, fanout: undefined }, 500), { ...PRESETS.watch.timings, suspectTimeoutMs: 9000 });
});
