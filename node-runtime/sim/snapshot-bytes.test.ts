import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotJsonLength } from './snapshot-bytes.ts';
import { Simulation } from './simulation.ts';

test('a snapshot\'s JSON length is counted exactly as JSON.stringify would build it', () => {
  const empty = { members: [], mode: { family: 'ping' as const, suspicion: false, epoch: 0 } };
  assert.equal(snapshotJsonLength(empty), JSON.stringify(empty).length);
  const sim = new Simulation({ nodes: 12, seed: 3, family: 'ping', suspicion: true, joinSpacingMs: 10, recordEvents: false });
  sim.runUntil(5_000);
  sim.command(4, { kind: 'set-suspicion', enabled: false });
  sim.runUntil(8_000);
  for (let i = 0; i < sim.size; i++) {
    const snap = sim.core(i).snapshot();
    assert.ok(snap.members.length > 1);
    assert.equal(snapshotJsonLength(snap), JSON.stringify(snap).length);
  }
  const odd = { members: [{ id: '[::1]:65535@1700000000123', heartbeat: 123456789, incarnation: 10, status: 'suspect' as const }], mode: { family: 'gossip' as const, suspicion: true, epoch: 1234 } };
  assert.equal(snapshotJsonLength(odd), JSON.stringify(odd).length);
});
