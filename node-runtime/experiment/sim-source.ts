// One experiment unit in the deterministic simulator: the same steps as on real processes (start, every node lists
// every other, settle, then measure), on a virtual clock. Runs in slices that yield to the event loop, so the CLI's
// progress and Ctrl-C, and the app's host, stay responsive while a 1,000-node simulation runs.
import { setImmediate as yieldNow } from 'node:timers/promises';
import { configForGroupSize, resolveConfig } from '../protocol/config.ts';
import type { ProtocolConfig } from '../protocol/config.ts';
import type { MembershipEvent } from '../protocol/events.ts';
import { Simulation } from '../sim/simulation.ts';
import { detectionWindowS } from './plan.ts';
import type { Unit } from './plan.ts';
import type { ResultRow } from './results.ts';
import { chooseVictims, detectionTimes } from './victims.ts';

/** Start-up may take this long (virtual) before the unit counts as failed to form a group. */
const FORM_TIMEOUT_MS = 300_000;

export function unitConfig(unit: Unit): ProtocolConfig {
  return resolveConfig({ ...configForGroupSize(unit.nodes), ...unit.variant.timings });
}

export async function simulateUnit(unit: Unit, signal: AbortSignal): Promise<ResultRow> {
  const wallStart = performance.now();
  const events: MembershipEvent[] = [];
  let listening = false;
  const config = unitConfig(unit);
  const sim = new Simulation({
    nodes: unit.nodes, seed: unit.seed, config, suspicion: unit.variant.suspicion, family: unit.variant.family,
    joinSpacingMs: 10, recordEvents: false,
    onEvent: (e) => { if (listening) events.push(e); },
  });
  // Virtual time per slice: ~the same wall time per slice whatever the size (cost grows with N²).
  const slice = Math.min(1000, Math.max(10, Math.round(10_000 / unit.nodes)));
  const runTo = async (t: number, until?: () => boolean): Promise<boolean> => {
    while (sim.now < t) {
      signal.throwIfAborted();
      sim.runUntil(Math.min(t, sim.now + slice));
      if (until?.()) return true;
      await yieldNow();
    }
    return until?.() ?? false;
  };
  // Checking every list is O(N²): at most every 250 virtual ms.
  let checkedAt = Number.NEGATIVE_INFINITY;
  const formed = (): boolean => {
    if (sim.now - checkedAt < 250) return false;
    checkedAt = sim.now;
    for (let i = 0; i < sim.size; i++) {
      if (sim.view(i).filter((m) => m.status === 'alive').length < unit.nodes) return false;
    }
    return true;
  };
  if (!(await runTo(FORM_TIMEOUT_MS, formed))) throw new Error(`simulated group of ${unit.nodes} did not form`);
  // The drop rate starts once the group has formed (a group forming under 30 % loss is another experiment).
  if (unit.dropRate > 0) for (let i = 0; i < sim.size; i++) sim.command(i, { kind: 'set-drop', rate: unit.dropRate });
  await runTo(sim.now + unit.settleS * 1000);

  const row = {
    experiment: unit.experiment, source: unit.source, protocol: unit.variant.name, tuning: unit.tuning, x: unit.x,
    run: unit.run, seed: unit.seed, nodes: unit.nodes, dropRate: unit.dropRate,
    bytesPerSecPerNode: null, falseFails: null, nodeHours: null, firstMs: [], allMs: [], missed: 0,
  };
  const t0 = sim.now;
  switch (unit.experiment) {
    case 'bandwidth': {
      const before = totalBytes(sim);
      await runTo(t0 + unit.windowS * 1000);
      const seconds = (sim.now - t0) / 1000;
      return { ...row, seconds, bytesPerSecPerNode: (totalBytes(sim) - before) / unit.nodes / seconds, wallSeconds: wall(wallStart) };
    }
    case 'false-positives': {
      listening = true;
      await runTo(t0 + unit.windowS * 1000);
      const seconds = (sim.now - t0) / 1000;
      const falseFails = events.filter((e) => e.event === 'fail').length;
      return { ...row, seconds, falseFails, nodeHours: (unit.nodes * seconds) / 3600, wallSeconds: wall(wallStart) };
    }
    case 'detection': {
      const victims = chooseVictims(unit.seed, unit.nodes, unit.failures);
      const victimIds = victims.map((i) => sim.id(i));
      const survivors = new Set<string>();
      for (let i = 0; i < unit.nodes; i++) if (!victims.includes(i)) survivors.add(sim.id(i));
      const failAt = new Map<string, Map<string, number>>(victimIds.map((id) => [id, new Map()]));
      let pending = victimIds.length * survivors.size;
      listening = true;
      for (const v of victims) sim.crash(v);
      const record = (): boolean => {
        for (const e of events.splice(0)) {
          const seen = e.event === 'fail' ? failAt.get(e.member) : undefined;
          if (seen && survivors.has(e.node) && !seen.has(e.node)) {
            seen.set(e.node, e.ts - t0);
            pending--;
          }
        }
        return pending === 0;
      };
      await runTo(t0 + detectionWindowS(unit, config) * 1000, record);
      const seconds = (sim.now - t0) / 1000;
      return { ...row, seconds, ...detectionTimes(victimIds, survivors, failAt), wallSeconds: wall(wallStart) };
    }
  }
}

function totalBytes(sim: Simulation): number {
  let bytes = 0;
  for (let i = 0; i < sim.size; i++) bytes += sim.sent(i).bytes;
  return bytes;
}

function wall(start: number): number {
  return (performance.now() - start) / 1000;
}
