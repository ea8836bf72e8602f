// Which members a detection run crashes: k distinct non-introducers (a restarted node joins through the introducer,
// and the introducer's failure is its own scenario), drawn from the run's seed so both sources crash the same ones.
import { createRng } from '../protocol/rng.ts';

export function chooseVictims(seed: number, nodes: number, k: number): number[] {
  const rng = createRng(seed ^ 0x5bd1e995);
  const pool = Array.from({ length: nodes - 1 }, (_, i) => i + 1);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, Math.min(k, pool.length)).sort((a, b) => a - b);
}

/** Per victim, from the times (ms after the crash) at which each survivor failed it: first, last, or missed. */
export function detectionTimes(
  victims: readonly string[], survivors: ReadonlySet<string>, failAt: ReadonlyMap<string, ReadonlyMap<string, number>>,
): { firstMs: number[]; allMs: number[]; missed: number } {
  const firstMs: number[] = [];
  const allMs: number[] = [];
  let missed = 0;
  for (const victim of victims) {
    const times = [...(failAt.get(victim)?.entries() ?? [])].filter(([o]) => survivors.has(o)).map(([, t]) => Math.max(0, t));
    if (times.length > 0) firstMs.push(Math.min(...times));
    if (times.length === survivors.size) allMs.push(Math.max(...times));
    else missed++;
  }
  return { firstMs, allMs, missed };
}
