import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchConfig } from './launch-config.ts';
import { configForGroupSize } from '../../node-runtime/protocol/config.ts';

const base = { mode: 'embedded', suspicion: false, dropRate: 0 } as const;

test('a launch without timings gets the timings scaled to its size (the defaults for a small one)', () => {
  assert.deepEqual(launchConfig({ ...base, nodes: 8 }), {});
  assert.deepEqual(launchConfig({ ...base, nodes: 8, timings: {} }), {});
  assert.deepEqual(launchConfig({ ...base, nodes: 500 }), configForGroupSize(500));
  assert.ok((launchConfig({ ...base, nodes: 500 }).failTimeoutMs ?? 0) > 10_000);
});

test('timings the user gave are taken as given, with nothing scaled', () => {
  assert.deepEqual(launchConfig({ ...base, nodes: 500, timings: { failMs: 4000, fanout: 4 } }), { failTimeoutMs: 4000, fanout: 4 });
  assert.deepEqual(
    launchConfig({ ...base, nodes: 5, timings: { gossipMs: 100, failMs: 600, suspectMs: 400, cleanupMs: 2000 } }),
    { gossipIntervalMs: 100, failTimeoutMs: 600, suspectTimeoutMs: 400, cleanupTimeoutMs: 2000 },
  );
});
