// One crash-wave trial (issue 9, item 3): a warmed-up group loses up to half its members at the same instant. The
// survivors must fail every crashed member (first within 3 s, all within 6 s) and never fail each other — neither by
// timeout nor through a failed-notice that would push a healthy member into a restart. Shared by the property test
// and scripts/sim-crash-wave.ts.
import { Simulation } from './simulation.ts';
import type { MembershipEvent } from '../protocol/events.ts';
import { createRng } from '../protocol/rng.ts';
import { randomIndex } from '../protocol/rng.ts';
import type { ProtocolFamily } from '../protocol/mode.ts';

export interface CrashWaveOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly suspicion: boolean;
  /** The protocol family (default gossip). */
  readonly family?: ProtocolFamily;
  readonly loss?: number;
  /** How many crash at once (default: a random 1..nodes/2). */
  readonly crash?: number;
}

export interface CrashWaveResult {
  /** Fail events by a survivor about a survivor. */
  readonly falseFails: number;
  /** Survivors pushed into a rejoin (declared failed by the group). */
  readonly restarts: number;
  /** (survivor, crashed) pairs not failed within the window. */
  readonly missed: number;
  /** Per crashed member: ms from the crash to its first / last fail among the survivors. */
  readonly firstMs: number[];
  readonly allMs: number[];
}

const WARM_MS = 5000;
/** Long enough for every survivor to fail every crashed member: gossip's T_fail + T_suspect with room; in ping mode
 *  probes slowed by Lifeguard's health (helpers among the crashed send no nacks, which the prober counts against
 *  itself, as memberlist does) plus its longest suspicion: 2,000 simulated waves took at most 14.6 s. */
const WINDOW_MS = { gossip: 8000, ping: 25_000 };

export function crashWaveTrial(opts: CrashWaveOptions): CrashWaveResult {
  const rng = createRng(opts.seed ^ 0x5bd1e995);
  const events: MembershipEvent[] = [];
  const sim = new Simulation({
    nodes: opts.nodes, seed: opts.seed, suspicion: opts.suspicion, family: opts.family, lossRate: opts.loss ?? 0, joinSpacingMs: 23,
    recordEvents: false, onEvent: (e) => events.push(e),
  });
  // Crash at a random phase of the gossip rounds.
  sim.runUntil(WARM_MS + rng.next() * 1000);
  const count = opts.crash ?? 1 + randomIndex(rng, Math.floor(opts.nodes / 2));
  const order = Array.from({ length: opts.nodes }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + randomIndex(rng, order.length - i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const crashed = new Set(order.slice(0, count).map((i) => sim.id(i)));
  const survivors = new Set(order.slice(count).map((i) => sim.id(i)));
  const t0 = sim.now;
  const from = events.length;
  for (const i of order.slice(0, count)) sim.crash(i);
  sim.runUntil(t0 + WINDOW_MS[opts.family ?? 'gossip']);

  let falseFails = 0;
  let restarts = 0;
  const fails = new Map<string, Map<string, number>>();
  for (const e of events.slice(from)) {
    if (!survivors.has(e.node)) continue;
    if (e.event === 'stop') restarts++;
    if (e.event !== 'fail') continue;
    if (survivors.has(e.member)) falseFails++;
    else if (crashed.has(e.member)) {
      const by = fails.get(e.member) ?? new Map<string, number>();
      if (!by.has(e.node)) by.set(e.node, e.ts - t0);
      fails.set(e.member, by);
    }
  }
  let missed = 0;
  const firstMs: number[] = [];
  const allMs: number[] = [];
  for (const id of crashed) {
    const by = fails.get(id) ?? new Map<string, number>();
    missed += survivors.size - by.size;
    if (by.size === 0) continue;
    firstMs.push(Math.round(Math.min(...by.values())));
    allMs.push(Math.round(Math.max(...by.values())));
  }
  return { falseFails, restarts, missed, firstMs, allMs };
}
