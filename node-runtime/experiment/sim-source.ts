// Experiment units in the deterministic simulator: the same steps as on real processes (start, every node lists
// every other, settle, then measure), on a virtual clock. A session (plan.ts) measures its units one after the other
// on one simulation, seeded by its first unit. Runs in slices that yield to the event loop, so the CLI's
// progress and Ctrl-C, and the app's host, stay responsive while a 1,000-node simulation runs.
import { setImmediate as yieldNow } from 'node:timers/promises';
import { configForGroupSize, resolveConfig } from '../protocol/config.ts';
import type { ProtocolConfig } from '../protocol/config.ts';
import type { MembershipEvent } from '../protocol/events.ts';
import { Simulation } from '../sim/simulation.ts';
import { UserError } from '../user-error.ts';
import { detectionWindowS } from './plan.ts';
import type { Unit } from './plan.ts';
import type { ResultRow } from './results.ts';
import { chooseVictims, detectionTimes } from './victims.ts';

/** Start-up may take this long (virtual) before the unit counts as failed to form a group: a gossip group of 1,000
 *  forms in ~80 s. */
const FORM_TIMEOUT_MS = 150_000;

export function unitConfig(unit: Unit): ProtocolConfig {
  return resolveConfig({ ...configForGroupSize(unit.nodes), ...unit.variant.timings });
}

/** One unit on its own simulation. */
export async function simulateUnit(unit: Unit, signal: AbortSignal): Promise<ResultRow> {
  let out: ResultRow | undefined;
  await simulateSession([unit], signal, (_u, row) => { out = row; });
  return out!;
}

/** Runs a session's units in order on one simulation, handing each row over as it is measured. */
export async function simulateSession(
  units: readonly Unit[], signal: AbortSignal, onRow: (unit: Unit, row: ResultRow) => void,
): Promise<void> {
  const first = units[0]!;
  const events: MembershipEvent[] = [];
  let listening = false;
  const config = unitConfig(first);
  // Starts spread over at least one probe period: real processes start at unrelated moments, so their probe (and
  // gossip) timers run out of phase. Ten nodes 10 ms apart probed nearly in step, and a crash waited less for its
  // next probe than on processes (ping, first detection of one crash over 20 runs: 0.76 s, spread 1.00 s; the
  // processes' --full report 1.01 s).
  const sim = new Simulation({
    nodes: first.nodes, seed: first.seed, config, suspicion: first.variant.suspicion, family: first.variant.family,
    joinSpacingMs: Math.max(10, Math.round(config.probeIntervalMs / first.nodes)), recordEvents: false,
    onEvent: (e) => { if (listening) events.push(e); },
  });
  // Virtual time per slice: ~the same wall time per slice whatever the size (cost grows with N²).
  const slice = Math.min(1000, Math.max(10, Math.round(10_000 / first.nodes)));
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
      if (sim.view(i).filter((m) => m.status === 'alive').length < first.nodes) return false;
    }
    return true;
  };
  let wallStart = performance.now();
  if (!(await runTo(FORM_TIMEOUT_MS, formed))) throw new UserError('unreachable', `a simulated group of ${first.nodes} did not form within ${FORM_TIMEOUT_MS / 1000} s (virtual)`);
  let dropRate = 0;
  for (const unit of units) {
    checkedAt = Number.NEGATIVE_INFINITY;
    if (!(await runTo(sim.now + FORM_TIMEOUT_MS, formed))) throw new UserError('unreachable', `a simulated group of ${unit.nodes} did not form again within ${FORM_TIMEOUT_MS / 1000} s (virtual)`);
    // The drop rate starts once the group has formed (a group forming under 30 % loss is another experiment).
    if (unit.dropRate !== dropRate) for (let i = 0; i < sim.size; i++) sim.command(i, { kind: 'set-drop', rate: unit.dropRate });
    dropRate = unit.dropRate;
    await runTo(sim.now + unit.settleS * 1000);
    onRow(unit, { ...(await measure(unit, sim)), wallSeconds: wall(wallStart) });
    wallStart = performance.now();
  }

  async function measure(unit: Unit, s: Simulation): Promise<Omit<ResultRow, 'wallSeconds'>> {
    const row = {
      experiment: unit.experiment, source: unit.source, protocol: unit.variant.name, tuning: unit.tuning, x: unit.x,
      run: unit.run, seed: first.seed, nodes: unit.nodes, dropRate: unit.dropRate,
      bytesPerSecPerNode: null, falseFails: null, nodeHours: null, firstMs: [], allMs: [], missed: 0,
    };
    const t0 = s.now;
    switch (unit.experiment) {
      case 'bandwidth': {
        const before = totalBytes(s);
        await runTo(t0 + unit.windowS * 1000);
        const seconds = (s.now - t0) / 1000;
        return { ...row, seconds, bytesPerSecPerNode: (totalBytes(s) - before) / unit.nodes / seconds };
      }
      case 'false-positives': {
        events.length = 0;
        listening = true;
        await runTo(t0 + unit.windowS * 1000);
        listening = false;
        const seconds = (s.now - t0) / 1000;
        const falseFails = events.filter((e) => e.event === 'fail').length;
        return { ...row, seconds, falseFails, nodeHours: (unit.nodes * seconds) / 3600 };
      }
      case 'detection': {
        const victims = chooseVictims(unit.seed, unit.nodes, unit.failures);
        const victimIds = victims.map((i) => s.id(i));
        const survivors = new Set<string>();
        for (let i = 0; i < unit.nodes; i++) if (!victims.includes(i)) survivors.add(s.id(i));
        const failAt = new Map<string, Map<string, number>>(victimIds.map((id) => [id, new Map()]));
        let pending = victimIds.length * survivors.size;
        events.length = 0;
        listening = true;
        for (const v of victims) s.crash(v);
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
        listening = false;
        const seconds = (s.now - t0) / 1000;
        return { ...row, seconds, ...detectionTimes(victimIds, survivors, failAt) };
      }
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
