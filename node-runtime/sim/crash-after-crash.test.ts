// A crash soon after another is probed at once (protocol/probe.ts `nextTarget`): members used to take a dead member
// off their probe ring when their turn came to it, which shifted each one's places in step with the turns, and after
// one crash a second member could go unprobed for a whole round (300 members: first probed 42 s after it crashed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from './simulation.ts';

test('300 ping members: crashes 36 s apart are each failed by every other member within 3 s', () => {
  const fails = new Map<string, number[]>();
  const sim = new Simulation({
    nodes: 300, seed: 1, family: 'ping', start: 'formed', recordEvents: false,
    onEvent: (e) => { if (e.event === 'fail') fails.set(e.member, [...(fails.get(e.member) ?? []), e.ts]); },
  });
  const crashes = [[12_000, 120], [48_000, 181], [84_000, 158]] as const;
  for (const [at, victim] of crashes) {
    sim.runUntil(at);
    sim.crash(victim);
  }
  sim.runUntil(100_000);
  crashes.forEach(([at, victim], k) => {
    const times = fails.get(sim.id(victim)) ?? [];
    assert.equal(times.length, 299 - k, `crash of ${victim}: failed by every member up`);
    assert.ok(Math.max(...times) - at < 3_000, `crash of ${victim}: last failed it ${Math.max(...times) - at} ms after`);
  });
  assert.deepEqual([...fails.keys()].sort(), crashes.map(([, v]) => sim.id(v)).sort(), 'nobody else failed');
});
