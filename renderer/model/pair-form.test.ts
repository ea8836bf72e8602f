import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAIR_KINDS, parsePairCut, parsePairIndex, parsePairLaunch } from './pair-form.ts';

test('a pair: one size for both sides, each side its kind', () => {
  assert.deepEqual(parsePairLaunch('5', ['gossip+nosuspect', 'serf']), { ok: true, value: [
    { nodes: 5, mode: 'process', protocol: 'gossip', suspicion: false, dropRate: 0 },
    { nodes: 5, mode: 'serf', suspicion: true, dropRate: 0 },
  ] });
  assert.equal(parsePairLaunch('1', ['gossip+nosuspect', 'gossip+suspect']).ok, false);
  assert.equal(parsePairLaunch('33', ['serf', 'gossip+suspect']).ok, false, 'Serf caps the size of both');
  assert.equal(parsePairLaunch('5', ['serf', 'swim']).ok, false);
});

test('gossip vs ping + suspicion: each side its own family', () => {
  const r = parsePairLaunch('5', ['gossip+nosuspect', 'ping+suspect']);
  assert.ok(r.ok);
  assert.deepEqual(r.value.map((o) => [o.protocol, o.suspicion]), [['gossip', false], ['ping', true]]);
  assert.deepEqual(PAIR_KINDS.map((k) => k.value), ['gossip+nosuspect', 'gossip+suspect', 'ping+nosuspect', 'ping+suspect', 'serf']);
});

test('the k-th node of each, counted from 1', () => {
  assert.deepEqual(parsePairIndex('3', 5), { ok: true, value: 2 });
  for (const bad of ['0', '6', 'x', '1.5']) assert.equal(parsePairIndex(bad, 5).ok, false, bad);
});

test('a pair partition: launch positions k–m of each side, at least one node left on the other side', () => {
  assert.deepEqual(parsePairCut('1-2', 5), { ok: true, value: { from: 0, to: 1 } });
  assert.deepEqual(parsePairCut(' 3 ', 5), { ok: true, value: { from: 2, to: 2 } });
  assert.deepEqual(parsePairCut('2–4', 5), { ok: true, value: { from: 1, to: 3 } });
  for (const bad of ['0-1', '3-2', '1-5', '4-6', 'x', '1-', '']) assert.equal(parsePairCut(bad, 5).ok, false, bad);
});
