// Issue 9's unworkable launch (`failMs: 1` used to end in "stopped watching"): refused up front, in the setting's own
// words, by the launch panel, the host's schema and the CLI alike (the limits themselves are config.ts's SETTINGS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLaunchForm } from '../../renderer/model/launch-form.ts';
import { parseHostRequest } from '../../electron/host/host-request-schema.ts';
import { nodeOptionsFromFlags } from '../../node-runtime/cli/node-flags.ts';
import { perTiming } from '../../node-runtime/protocol/presets.ts';
import { UserError } from '../../node-runtime/user-error.ts';

test('a fail timeout of 1 ms, or one shorter than two gossip rounds, is refused before anything starts', () => {
  const base = { nodes: '8', mode: 'process' as const, preset: 'default' as const, protocol: 'gossip+nosuspect', drop: '0', timings: perTiming(() => '') };
  const form = parseLaunchForm({ ...base, timings: { ...base.timings, failTimeoutMs: '1' } });
  assert.deepEqual(form, { ok: false, error: 'fail timeout must be a whole number of ms from 20 to 600000 (got 1)', field: 'failTimeoutMs' });
  const options = { nodes: 8, mode: 'process' as const, suspicion: false, dropRate: 0 };
  assert.equal(parseHostRequest({ type: 'launch', options: { ...options, timings: { failTimeoutMs: 1 } } }), undefined);
  assert.equal(parseHostRequest({ type: 'launch', options: { ...options, timings: { failTimeoutMs: 100, gossipIntervalMs: 100 } } }), undefined);
  assert.throws(() => nodeOptionsFromFlags({ 'fail-ms': '1' }),
    (e) => e instanceof UserError && e.code === 'usage' && /^--fail-ms 1: fail timeout must be/.test(e.message));
  assert.throws(() => nodeOptionsFromFlags({ 'fail-ms': '100', 'gossip-ms': '100' }),
    (e) => e instanceof UserError && /fail timeout \(100 ms\) must be at least 2 × the gossip interval/.test(e.message));
});
