// What an experiment runs: its settings (from the CLI or the app) and the schedule they expand to — one unit per
// (source, experiment, run, x, configuration), so both sources measure exactly the same points and a cancelled
// experiment keeps whole points. The simulator measures every unit on its own simulation; real processes measure a
// session of units on one running cluster (planSessions). The quick schedule fits ~2 minutes on a 2-core machine;
// `full` is the report-sized one.
import type { ProtocolConfig } from '../protocol/config.ts';
import type { ExperimentName, SourceName } from './results.ts';
import { runsOn } from './protocols.ts';
import type { ProtocolVariant } from './protocols.ts';
import type { Tuning } from './tuning.ts';

export interface ExperimentSettings {
  readonly experiments: readonly ExperimentName[];
  /** Also run the comparisons at equal detection bound and equal bandwidth. */
  readonly compare: boolean;
  readonly protocols: readonly ProtocolVariant[];
  readonly runs: number;
  readonly sources: readonly SourceName[];
  /** tiny (seconds: tests, a first look), quick (~2 minutes) or full (the report). */
  readonly schedule: ScheduleName;
  /** Leave out group sizes above this (the simulator's 1,000 takes minutes per run). */
  readonly maxNodes: number;
  readonly seed: number;
  /** Process clusters measured at once (each on its own port range). */
  readonly parallel: number;
  /** First port of the process clusters; slot i uses basePort + i × PORTS_PER_SLOT. */
  readonly basePort: number;
}

export const PORTS_PER_SLOT = 32;

export interface Schedule {
  /** Group sizes for bandwidth, per source (the simulator goes further). */
  readonly sizes: Readonly<Record<SourceName, readonly number[]>>;
  /** Drop rates (fractions) for false positives, per source. */
  readonly drops: Readonly<Record<SourceName, readonly number[]>>;
  /** Simultaneous failures (of `groupSize`) for detection, per source. */
  readonly failures: Readonly<Record<SourceName, readonly number[]>>;
  readonly groupSize: number;
  /** After every node lists every other: let start-up load pass before measuring (s); larger groups settle longer
   *  (settleFor). */
  readonly settleS: number;
  readonly bandwidthWindowS: number;
  /** False-positive observation per run (s): the simulator observes far longer, at no cost in wall time. */
  readonly fpWindowS: Readonly<Record<SourceName, number>>;
  /** The comparisons' points: bandwidth at groupSize, detection of this many failures, false positives at this drop. */
  readonly compareFailures: number;
  readonly compareDrop: number;
  /** The sources the comparisons run on. */
  readonly compareOn: readonly SourceName[];
}

const DROPS = [0, 0.01, 0.05, 0.1, 0.2, 0.3];

/** Quick: every point in the simulator; real processes at a few of them (each costs a group start-up, seconds on a
 *  loaded 2-core machine), and the comparisons in the simulator only. */
export const QUICK: Schedule = {
  sizes: { processes: [2, 10], simulator: [2, 5, 10, 20, 50, 100] },
  drops: { processes: [0.3], simulator: DROPS },
  failures: { processes: [3], simulator: [1, 2, 3, 4, 5] },
  groupSize: 10,
  settleS: 1,
  bandwidthWindowS: 2,
  fpWindowS: { processes: 3, simulator: 120 },
  compareFailures: 1,
  compareDrop: 0.3,
  compareOn: ['simulator'],
};

/** The report: every point on both sources. False positives are rare events: the simulator observes 30× longer. */
export const FULL: Schedule = {
  sizes: { processes: [2, 5, 10, 15, 20], simulator: [2, 5, 10, 15, 20, 50, 100, 200, 1000] },
  drops: { processes: DROPS, simulator: DROPS },
  failures: { processes: [1, 2, 3, 4, 5], simulator: [1, 2, 3, 4, 5] },
  groupSize: 10,
  settleS: 2,
  bandwidthWindowS: 5,
  fpWindowS: { processes: 20, simulator: 600 },
  compareFailures: 1,
  compareDrop: 0.3,
  compareOn: ['simulator', 'processes'],
};

/** Seconds: one point per experiment, small groups, for tests and a first look. */
export const TINY: Schedule = {
  sizes: { processes: [3], simulator: [3, 5] },
  drops: { processes: [0.3], simulator: [0, 0.3] },
  failures: { processes: [1], simulator: [1, 2] },
  groupSize: 4,
  settleS: 0.5,
  bandwidthWindowS: 1,
  fpWindowS: { processes: 1, simulator: 60 },
  compareFailures: 1,
  compareDrop: 0.3,
  compareOn: ['simulator'],
};

export const SCHEDULE_NAMES = ['tiny', 'quick', 'full'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];
const SCHEDULES: Record<ScheduleName, Schedule> = { tiny: TINY, quick: QUICK, full: FULL };

export function scheduleFor(settings: Pick<ExperimentSettings, 'schedule' | 'maxNodes'>): Schedule {
  const s = SCHEDULES[settings.schedule];
  const cap = (xs: readonly number[]): number[] => xs.filter((n) => n <= settings.maxNodes);
  return { ...s, sizes: { processes: cap(s.sizes.processes), simulator: cap(s.sizes.simulator) } };
}

export interface Unit {
  readonly experiment: ExperimentName;
  readonly source: SourceName;
  readonly variant: ProtocolVariant;
  readonly tuning: 'default' | Tuning;
  readonly x: number;
  readonly run: number;
  readonly seed: number;
  readonly nodes: number;
  readonly dropRate: number;
  readonly failures: number;
  /** Observation window (s): bandwidth and false positives measure over it, detection waits at most this long. */
  readonly windowS: number;
  readonly settleS: number;
}

/** A group's settle: the schedule's, and at least N / 50 s — a group of N has just spread N joins as
 *  news, and a simulated ping group of 1,000 still sent 8,897 B/s per node in the 2 s after it formed, 260 at 8–10 s
 *  and its steady 108 from 10 s on. The same rule for both sources. */
export function settleFor(s: Schedule, nodes: number): number {
  return Math.max(s.settleS, nodes / 50);
}

/** Common random numbers: every configuration and both sources get the same seed for the same run and point. */
function seedFor(base: number, experiment: ExperimentName, x: number, run: number): number {
  const e = ['bandwidth', 'false-positives', 'detection'].indexOf(experiment);
  return (base * 100_003 + e * 10_007 + Math.round(x * 100) * 101 + run) >>> 0;
}

/** Detection waits at least this long for every survivor to fail every victim. */
export const DETECTION_WINDOW_S = 20;

/** …and longer for slow timings (a tuned configuration): 4× the longest a detection can take by its timeouts. */
export function detectionWindowS(unit: Unit, config: ProtocolConfig): number {
  const lifeguardMs = config.suspicionMult * Math.max(1, Math.log10(unit.nodes)) * config.probeIntervalMs * config.suspicionMaxTimeoutMult;
  const longest = config.failTimeoutMs + config.suspectTimeoutMs + config.probeIntervalMs * config.awarenessMaxMultiplier + lifeguardMs;
  return Math.max(unit.windowS, (4 * longest) / 1000);
}

interface Point {
  readonly experiment: ExperimentName;
  readonly x: number;
  readonly nodes: number;
  readonly dropRate: number;
  readonly failures: number;
  readonly windowS: number;
}

function points(experiment: ExperimentName, s: Schedule, source: SourceName): Point[] {
  const base = { experiment, nodes: s.groupSize, dropRate: 0, failures: 0 };
  switch (experiment) {
    case 'bandwidth':
      return s.sizes[source].map((n) => ({ ...base, x: n, nodes: n, windowS: s.bandwidthWindowS }));
    case 'false-positives':
      return s.drops[source].map((d) => ({ ...base, x: d * 100, dropRate: d, windowS: s.fpWindowS[source] }));
    case 'detection':
      return s.failures[source].map((k) => ({ ...base, x: k, failures: k, windowS: DETECTION_WINDOW_S }));
  }
}

/** The comparisons: each tuned configuration at one point of each experiment. */
function comparePoints(s: Schedule, source: SourceName): Point[] {
  const pick = (experiment: ExperimentName, x: number): Point => points(experiment, s, source).find((p) => p.x === x)
    ?? { experiment, x, nodes: s.groupSize, dropRate: experiment === 'false-positives' ? x / 100 : 0,
      failures: experiment === 'detection' ? x : 0,
      windowS: experiment === 'bandwidth' ? s.bandwidthWindowS : experiment === 'detection' ? DETECTION_WINDOW_S : s.fpWindowS[source] };
  return [pick('bandwidth', s.groupSize), pick('detection', s.compareFailures), pick('false-positives', s.compareDrop * 100)];
}

/**
 * Units grouped into sessions, each measured on one running group, in the order they were planned. Only start-up is
 * shared: before each point a session waits until every member lists every other again, sets the point's drop rate,
 * and settles, as a fresh group would.
 * - Processes: a configuration's run of bandwidth is one group grown through the sizes up to `groupSize` (smallest
 *   first), then crashed for its first detection point — a detection kills members, so it comes last and every other
 *   detection point is a fresh group; sizes above `groupSize` grow a second group (a group cannot shrink back). Its run
 *   of false positives is one group stepped through the drop rates, lowest first: never followed by a detection, as
 *   loss leaves Lifeguard's local health raised for seconds (probe periods stretched up to 8×: slower detection).
 * - Simulator: a configuration's bandwidth at one size is one simulation, its runs consecutive windows (forming a
 *   group of 1,000 takes ~80 virtual seconds, minutes of wall time; a simulation cannot grow). Every other simulated
 *   unit is its own simulation.
 */
export function planSessions(units: readonly Unit[], groupSize: number): Unit[][] {
  const sessions = new Map<string, Unit[]>();
  for (const [i, u] of units.entries()) {
    const config = `${u.source} ${u.variant.name} ${JSON.stringify(u.variant.timings)} ${u.tuning}`;
    let key: string;
    if (u.source === 'simulator') key = u.experiment === 'bandwidth' ? `${config} bandwidth x ${u.x}` : `unit ${i}`;
    else if (u.experiment === 'bandwidth' && u.nodes > groupSize) key = `${config} run ${u.run} larger`;
    else if (u.experiment === 'false-positives') key = `${config} run ${u.run} drops`;
    else key = `${config} run ${u.run}`;
    const list = sessions.get(key);
    if (u.experiment === 'detection' && list?.some((x) => x.experiment === 'detection')) sessions.set(`unit ${i}`, [u]);
    else if (list) list.push(u);
    else sessions.set(key, [u]);
  }
  const stage = { bandwidth: 0, 'false-positives': 0, detection: 1 } as const;
  const order = (u: Unit): number => (u.source === 'simulator' ? u.run
    : stage[u.experiment] * 1e6 + (u.experiment === 'bandwidth' ? u.nodes : u.dropRate * 1000));
  return [...sessions.values()].map((list) => list.sort((a, b) => order(a) - order(b)));
}

/**
 * Every unit, in the order each source runs them (the two sources run side by side); within a source run by run,
 * each run across every experiment, point and configuration, so a cancelled experiment still has every point, with
 * fewer repetitions.
 */
export function planUnits(settings: ExperimentSettings, tuned: ReadonlyMap<Tuning, readonly ProtocolVariant[]>): Unit[] {
  const s = scheduleFor(settings);
  const units: Unit[] = [];
  const sources = [...settings.sources].sort((a, b) => Number(b === 'simulator') - Number(a === 'simulator'));
  for (const source of sources) {
    const groups: { tuning: 'default' | Tuning; variants: readonly ProtocolVariant[]; points: Point[] }[] =
      settings.experiments.map((e) => ({ tuning: 'default' as const, variants: settings.protocols, points: points(e, s, source) }));
    if (s.compareOn.includes(source)) for (const [tuning, variants] of tuned) groups.push({ tuning, variants, points: comparePoints(s, source) });
    for (let run = 0; run < settings.runs; run++) {
      for (const group of groups) {
        for (const p of group.points) {
          for (const variant of group.variants.filter((v) => runsOn(v, source))) {
            units.push({
              ...p, source, variant, tuning: group.tuning, run, settleS: settleFor(s, p.nodes),
              seed: seedFor(settings.seed, p.experiment, p.x, run),
            });
          }
        }
      }
    }
  }
  return units;
}
