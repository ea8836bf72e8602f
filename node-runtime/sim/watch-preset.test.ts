// The `watch` preset at human speed, in both families (simulator, 8 members, suspicion on): a paused member is
// suspected within seconds, the suspicion reaches most of the group, and a person has several seconds between the
// first suspicion and the first failure to resume it — then it refutes, and nobody fails it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from './simulation.ts';
import { launchConfig } from '../protocol/presets.ts';
import type { ProtocolFamily } from '../protocol/mode.ts';

const NODES = 8;
/** What "watchable" asks of each step: seen within this long after the pause, and at least this long to act (the
 *  gossip watch preset gives 6 s). */
const SUSPECTED_WITHIN_MS = 12_000;
const TIME_TO_ACT_MS = 5000;

function paused(family: ProtocolFamily): { s: Simulation; victim: string; t0: number } {
  const s = new Simulation({ nodes: NODES, seed: 11, joinSpacingMs: 50, family, suspicion: true, config: launchConfig('watch', {}, NODES) });
  s.runUntil(30_000);
  const victim = s.id(3);
  const t0 = s.now;
  s.pause(3);
  return { s, victim, t0 };
}

const first = (s: Simulation, member: string, kind: string, from: number): number | undefined =>
  s.events().find((e) => e.member === member && e.event === kind && e.ts >= from)?.ts;

for (const family of ['gossip', 'ping'] as const) {
  test(`watch preset, ${family} + suspicion: suspected within seconds, seconds left to resume, then refuted`, () => {
    // Left paused: when is it first suspected, and how long until anyone fails it?
    const left = paused(family);
    left.s.runFor(90_000);
    const suspectedAt = first(left.s, left.victim, 'suspect', left.t0);
    const failedAt = first(left.s, left.victim, 'fail', left.t0);
    assert.ok(suspectedAt !== undefined && failedAt !== undefined, 'suspected, then failed while paused');
    assert.ok(suspectedAt - left.t0 <= SUSPECTED_WITHIN_MS, `suspected after ${suspectedAt - left.t0} ms`);
    assert.ok(failedAt - suspectedAt >= TIME_TO_ACT_MS, `failed ${failedAt - suspectedAt} ms after the first suspicion`);
    const suspecters = new Set(left.s.events().filter((e) => e.member === left.victim && e.event === 'suspect' && e.ts < failedAt).map((e) => e.node));
    assert.ok(suspecters.size >= NODES / 2, `${suspecters.size} members suspected it before anyone failed it`);

    // Resumed 3 s after the first suspicion (a person's reaction): refuted, never failed.
    const resumed = paused(family);
    resumed.s.runUntil(suspectedAt + 3000);
    resumed.s.resume(3);
    resumed.s.runFor(30_000);
    assert.equal(first(resumed.s, resumed.victim, 'fail', resumed.t0), undefined);
    assert.ok(resumed.s.events().some((e) => e.member === resumed.victim && e.event === 'alive' && e.reason === 'refuted'));
    for (let i = 0; i < NODES; i++) assert.equal(resumed.s.view(i).find((m) => m.id === resumed.victim)?.status, 'alive');
  });
}
