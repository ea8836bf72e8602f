// A burst of joins in ping mode: members that join within the same second learn of each other promptly (the join
// sync with the introducer, protocol/push-pull.ts), though a joiner no longer re-spreads the list it was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from './simulation.ts';

/** The first whole second at which every node lists all n as alive or suspect (NaN if not by `until`). */
function fullAt(sim: Simulation, n: number, until: number): number {
  for (let t = 1000; t <= until; t += 1000) {
    sim.runUntil(t);
    // The current ids (a node's version is its start time).
    const ids = new Set(Array.from({ length: n }, (_, i) => sim.id(i)));
    const full = Array.from({ length: n }, (_, i) => i).every((i) =>
      sim.view(i).filter((m) => ids.has(m.id) && (m.status === 'alive' || m.status === 'suspect')).length === n);
    if (full) return t;
  }
  return Number.NaN;
}

for (const suspicion of [true, false]) {
  test(`200 ping joins within 1 s (suspicion ${suspicion ? 'on' : 'off'}): full membership within 10 s, nobody failed`, () => {
    for (const seed of [1, 2, 3]) {
      const bad: string[] = [];
      const sim = new Simulation({
        nodes: 200, seed, family: 'ping', suspicion, joinSpacingMs: 5, recordEvents: false,
        onEvent: (e) => { if (e.event === 'fail' || e.event === 'stop') bad.push(`${e.node} ${e.event} ${e.member}`); },
      });
      const at = fullAt(sim, 200, 10_000);
      assert.ok(at <= 10_000, `seed ${seed}: full membership by 10 s (got ${at})`);
      sim.runUntil(20_000);
      assert.deepEqual(bad, [], `seed ${seed}: no false failure or restart`);
    }
  });
}

test('push-pull follows the group it grew into: 200 members started together are not all due within the base interval', () => {
  // Each member arms its push-pull when it starts (a list of 1: the base 60 s); the list then grows to 200, whose
  // interval is 4× that (push-pull.ts), and what is left of the wait stretches with it. Unstretched, every member's
  // first push-pull fell within the first 60 s: 200 whole lists exchanged, beside the 199 join syncs.
  const sim = new Simulation({ nodes: 200, seed: 1, family: 'ping', joinSpacingMs: 5, recordEvents: false });
  sim.runUntil(60_000);
  const periodic = sim.pushPulls - 199;
  assert.ok(periodic > 0 && periodic < 120, `periodic push-pulls in the first 60 s: ${periodic} (~50 expected, 200 unstretched)`);
});
