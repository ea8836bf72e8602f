import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIGURATIONS, effectiveConfig, effectiveTimings, parseAttachAddress, parseDropPercent, parseLaunchForm } from './launch-form.ts';
import type { LaunchFields } from './launch-form.ts';
import { DEFAULT_CONFIG } from '../../node-runtime/protocol/config.ts';
import { perTiming } from '../../node-runtime/protocol/presets.ts';

const base: LaunchFields = { nodes: '8', mode: 'process', preset: 'default', protocol: 'gossip+nosuspect', drop: '0', timings: perTiming(() => '') };
const timings = (t: Partial<LaunchFields['timings']>): LaunchFields['timings'] => ({ ...base.timings, ...t });

test('accepts the defaults and converts percent to a rate', () => {
  assert.deepEqual(parseLaunchForm(base), { ok: true, value: { nodes: 8, mode: 'process', protocol: 'gossip', suspicion: false, dropRate: 0 } });
  const r = parseLaunchForm({ ...base, mode: 'embedded', preset: 'watch', protocol: 'ping+suspect', drop: '12.5', timings: timings({ gossipIntervalMs: '200', failTimeoutMs: '2000' }) });
  assert.deepEqual(r, { ok: true, value: { nodes: 8, mode: 'embedded', protocol: 'ping', suspicion: true, dropRate: 0.125, preset: 'watch', timings: { gossipIntervalMs: 200, failTimeoutMs: 2000 } } });
});

test('one clear message per mistake, in the protocol\'s words, naming its field', () => {
  const err = (f: Partial<LaunchFields>) => { const r = parseLaunchForm({ ...base, ...f }); return r.ok ? '' : `${r.field}: ${r.error}`; };
  assert.equal(err({ nodes: 'x' }), 'nodes: nodes must be a whole number from 1 to 200 in process mode');
  assert.equal(err({ nodes: '201' }), 'nodes: nodes must be a whole number from 1 to 200 in process mode');
  assert.equal(err({ nodes: '2001', mode: 'embedded' }), 'nodes: nodes must be a whole number from 1 to 2000 in embedded mode');
  assert.match(err({ nodes: '3.5' }), /whole number/);
  assert.match(err({ mode: 'threads' }), /^mode: /);
  assert.match(err({ protocol: 'swim' }), /^protocol: /);
  assert.match(err({ drop: '101' }), /^drop: .*percentage/);
  assert.match(err({ drop: '' }), /percentage/);
  assert.equal(err({ timings: timings({ gossipIntervalMs: '-1' }) }), 'gossipIntervalMs: gossip interval must be a whole number of ms from 10 to 60000');
  assert.equal(err({ timings: timings({ gossipIntervalMs: '5' }) }), 'gossipIntervalMs: gossip interval must be a whole number of ms from 10 to 60000 (got 5)');
  assert.equal(err({ timings: timings({ gossipIntervalMs: '500', failTimeoutMs: '400' }) }),
    'failTimeoutMs: fail timeout (400 ms) must be at least 2 × the gossip interval (500 ms)');
  // A clash with the preset's own value blames the field the user set last... the one the rule names.
  assert.equal(err({ preset: 'watch', timings: timings({ failTimeoutMs: '1500' }) }),
    'failTimeoutMs: fail timeout (1500 ms) must be at least 2 × the gossip interval (1000 ms)');
  assert.deepEqual(parseDropPercent('5'), { ok: true, value: 0.05 });
});

test('the four configurations, in the course\'s words, each launches as itself', () => {
  assert.deepEqual(CONFIGURATIONS.map((c) => c.label), ['gossip', 'gossip + suspicion', 'ping', 'ping + suspicion']);
  const launched = CONFIGURATIONS.map((c) => {
    const r = parseLaunchForm({ ...base, protocol: c.value });
    return r.ok ? `${r.value.protocol}/${r.value.suspicion}` : r.error;
  });
  assert.deepEqual(launched, ['gossip/false', 'gossip/true', 'ping/false', 'ping/true']);
});

test('the effective timings: the preset\'s, the group size\'s, then the fields', () => {
  assert.equal(effectiveConfig(base)?.gossipIntervalMs, DEFAULT_CONFIG.gossipIntervalMs);
  assert.equal(effectiveConfig({ ...base, preset: 'watch' })?.failTimeoutMs, 6000);
  assert.equal(effectiveConfig({ ...base, preset: 'watch', timings: timings({ failTimeoutMs: '8000' }) })?.failTimeoutMs, 8000);
  assert.ok(effectiveConfig({ ...base, nodes: '500', mode: 'embedded' })!.failTimeoutMs > DEFAULT_CONFIG.failTimeoutMs);
  assert.equal(effectiveConfig({ ...base, timings: timings({ failTimeoutMs: '10' }) }), undefined);
});

test('the "runs with" line: the chosen family\'s timings, and Lifeguard\'s suspicion for ping + suspicion', () => {
  assert.equal(effectiveTimings(base), 'gossip interval 250 ms · fanout 3 · fail timeout 1.5 s · suspect timeout 1 s · cleanup time 5 s');
  const d = DEFAULT_CONFIG;
  assert.equal(effectiveTimings({ ...base, protocol: 'ping+nosuspect' }),
    `probe interval ${d.probeIntervalMs} ms · probe timeout ${d.probeTimeoutMs} ms · suspicion multiplier ${d.suspicionMult} · cleanup time 5 s`);
  // 8 members: 3 × max(1, log10 8) × 2 s = 6 s when others confirm it, suspicionMaxTimeoutMult × that unconfirmed.
  assert.equal(effectiveTimings({ ...base, preset: 'watch', protocol: 'ping+suspect' }),
    `probe interval 2 s · probe timeout 800 ms · suspicion multiplier 3 · cleanup time 20 s · suspicion 6 s–${6 * d.suspicionMaxTimeoutMult} s`);
  assert.equal(effectiveTimings({ ...base, protocol: 'ping+suspect', timings: timings({ probeIntervalMs: '100', probeTimeoutMs: '200' }) }), undefined);
  assert.deepEqual(parseLaunchForm({ ...base, protocol: 'ping+suspect', timings: timings({ probeIntervalMs: '1000' }) }),
    { ok: true, value: { nodes: 8, mode: 'process', protocol: 'ping', suspicion: true, dropRate: 0, timings: { probeIntervalMs: 1000 } } });
});

test('attach address must be host:port', () => {
  assert.deepEqual(parseAttachAddress(' 127.0.0.1:3000 '), { ok: true, value: '127.0.0.1:3000' });
  assert.equal(parseAttachAddress('localhost').ok, false);
  assert.equal(parseAttachAddress('h:70000').ok, false);
});
