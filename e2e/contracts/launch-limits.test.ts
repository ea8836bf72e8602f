// The launch panel's checks (renderer) and the host's request schema (electron) must agree: one set of limits, so a
// launch the panel accepts is never refused by the host as "malformed request", and the reverse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLaunchForm } from '../../renderer/model/launch-form.ts';
import type { LaunchFields } from '../../renderer/model/launch-form.ts';
import { parseHostRequest } from '../../electron/host/host-request-schema.ts';
import { nodeOptionsFromFlags } from '../../node-runtime/cli/node-flags.ts';
import { UserError } from '../../node-runtime/user-error.ts';
import { perTiming } from '../../node-runtime/protocol/presets.ts';

const base: LaunchFields = { nodes: '8', mode: 'process', preset: 'default', protocol: 'gossip+nosuspect', drop: '0', timings: perTiming(() => '') };
const timings = (t: Partial<LaunchFields['timings']>): LaunchFields['timings'] => ({ ...base.timings, ...t });

test('the panel\'s limits are the host\'s: what the form accepts the schema accepts, and the reverse', () => {
  const cases: Partial<LaunchFields>[] = [
    {}, { nodes: '200' }, { nodes: '201' }, { nodes: '201', mode: 'embedded' }, { nodes: '2000', mode: 'embedded' },
    { nodes: '2001', mode: 'embedded' }, { preset: 'watch' }, { timings: timings({ fanout: '16' }) }, { timings: timings({ fanout: '17' }) },
    { timings: timings({ suspectTimeoutMs: '100' }) }, { preset: 'watch', timings: timings({ suspectTimeoutMs: '900' }) },
    { timings: timings({ cleanupTimeoutMs: '3600000' }) },
  ];
  for (const c of cases) {
    const form = parseLaunchForm({ ...base, ...c });
    // What the form would have sent, had it accepted: the same values, unchecked.
    const options = form.ok ? form.value : {
      nodes: Number(c.nodes ?? 8), mode: c.mode ?? 'process', suspicion: false, dropRate: 0,
      ...(c.preset ? { preset: c.preset } : {}),
      ...(c.timings ? { timings: Object.fromEntries(Object.entries(c.timings).filter(([, v]) => v !== '').map(([k, v]) => [k, Number(v)])) } : {}),
    };
    assert.equal(parseHostRequest({ type: 'launch', options }) !== undefined, form.ok, JSON.stringify(c));
  }
});

test('a launch names its protocol family (default gossip), per side in a pair; nothing else passes', () => {
  const options = { nodes: 4, mode: 'process', suspicion: true, dropRate: 0 } as const;
  const launched = (o: object) => parseHostRequest({ type: 'launch', options: { ...options, ...o } });
  assert.equal(launched({})?.type, 'launch', 'without protocol: gossip, as before');
  for (const protocol of ['gossip', 'ping']) assert.deepEqual(launched({ protocol }), { type: 'launch', options: { ...options, protocol } });
  for (const protocol of ['swim', 'PING', 1, null]) assert.equal(launched({ protocol }), undefined, String(protocol));
  const pair = parseHostRequest({ type: 'launch-pair', options: [{ ...options, protocol: 'gossip', suspicion: false }, { ...options, protocol: 'ping' }] });
  assert.deepEqual(pair?.type === 'launch-pair' && pair.options.map((o) => `${o.protocol}/${o.suspicion}`), ['gossip/false', 'ping/true']);
});

test('the watch preset slows ping mode too, and the probe timings are one table for the CLI, the panel and the host', () => {
  const cli = nodeOptionsFromFlags({ preset: 'watch', protocol: 'ping' });
  assert.equal(cli.family, 'ping');
  assert.deepEqual([cli.config?.probeIntervalMs, cli.config?.probeTimeoutMs], [2000, 800]);
  assert.equal(nodeOptionsFromFlags({ 'probe-ms': '1000', 'suspicion-mult': '6' }).config?.suspicionMult, 6);
  assert.throws(() => nodeOptionsFromFlags({ 'probe-ms': '100', 'probe-timeout-ms': '200' }),
    (e) => e instanceof UserError && e.code === 'usage' && /^--probe-ms 100: probe interval \(100 ms\) must be at least the probe timeout \(200 ms\)$/.test(e.message));
  const form = parseLaunchForm({ ...base, protocol: 'ping+suspect', timings: timings({ probeIntervalMs: '100', probeTimeoutMs: '200' }) });
  assert.deepEqual(form, { ok: false, error: 'probe interval (100 ms) must be at least the probe timeout (200 ms)', field: 'probeIntervalMs' });
  const options = { nodes: 4, mode: 'process', protocol: 'ping', suspicion: true, dropRate: 0 } as const;
  assert.equal(parseHostRequest({ type: 'launch', options: { ...options, timings: { probeIntervalMs: 100, probeTimeoutMs: 200 } } }), undefined);
  assert.equal(parseHostRequest({ type: 'launch', options: { ...options, preset: 'watch', timings: { suspicionMult: 2 } } })?.type, 'launch');
  assert.equal(parseHostRequest({ type: 'launch', options: { ...options, timings: { suspicionMult: 65 } } }), undefined);
});
