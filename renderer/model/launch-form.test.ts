import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAttachAddress, parseDropPercent, parseLaunchForm } from './launch-form.ts';
import type { LaunchFields } from './launch-form.ts';

const base: LaunchFields = { nodes: '8', mode: 'process', suspicion: false, drop: '0', gossipMs: '', failMs: '', suspectMs: '' };

test('accepts the defaults and converts percent to a rate', () => {
  assert.deepEqual(parseLaunchForm(base), { ok: true, value: { nodes: 8, mode: 'process', suspicion: false, dropRate: 0 } });
  const r = parseLaunchForm({ ...base, mode: 'embedded', suspicion: true, drop: '12.5', gossipMs: '200', failMs: '2000' });
  assert.deepEqual(r, { ok: true, value: { nodes: 8, mode: 'embedded', suspicion: true, dropRate: 0.125, timings: { gossipMs: 200, failMs: 2000 } } });
});

test('one clear message per mistake', () => {
  const err = (f: Partial<LaunchFields>) => { const r = parseLaunchForm({ ...base, ...f }); return r.ok ? '' : r.error; };
  assert.match(err({ nodes: 'x' }), /nodes must be a whole number/);
  assert.match(err({ nodes: '0' }), /between 1 and/);
  assert.match(err({ nodes: '3.5' }), /whole number/);
  assert.match(err({ mode: 'threads' }), /mode/);
  assert.match(err({ drop: '101' }), /percentage/);
  assert.match(err({ drop: '' }), /percentage/);
  assert.match(err({ gossipMs: '-1' }), /gossip ms/);
  assert.match(err({ gossipMs: '500', failMs: '400' }), /longer than gossip/);
  assert.deepEqual(parseDropPercent('5'), { ok: true, value: 0.05 });
});

test('attach address must be host:port', () => {
  assert.deepEqual(parseAttachAddress(' 127.0.0.1:3000 '), { ok: true, value: '127.0.0.1:3000' });
  assert.equal(parseAttachAddress('localhost').ok, false);
  assert.equal(parseAttachAddress('h:70000').ok, false);
});
