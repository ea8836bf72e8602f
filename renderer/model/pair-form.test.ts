import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePairIndex, parsePairLaunch } from './pair-form.ts';

test('a pair: one size for both sides, each side its kind', () => {
  assert.deepEqual(parsePairLaunch('5', ['hearsay-gossip', 'serf']), { ok: true, value: [
    { nodes: 5, mode: 'process', suspicion: false, dropRate: 0 },
    { nodes: 5, mode: 'serf', suspicion: true, dropRate: 0 },
  ] });
  assert.equal(parsePairLaunch('1', ['hearsay-gossip', 'hearsay-suspicion']).ok, false);
  assert.equal(parsePairLaunch('33', ['serf', 'hearsay-suspicion']).ok, false, 'Serf caps the size of both');
});

test('the k-th node of each, counted from 1', () => {
  assert.deepEqual(parsePairIndex('3', 5), { ok: true, value: 2 });
  for (const bad of ['0', '6', 'x', '1.5']) assert.equal(parsePairIndex(bad, 5).ok, false, bad);
});
