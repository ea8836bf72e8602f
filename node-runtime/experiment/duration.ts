// What an experiment should take on an idle machine, from its plan: the CLI prints it before anything runs (and the
// elapsed time after), and the progress's ETA starts from it. Real processes are mostly waiting (windows, settles,
// timeouts), so their sessions' seconds add up and divide by the clusters run at once — but not below the CPU their
// nodes use (each start, and every second each node runs) over the cores; the simulator is CPU, on the main thread
// beside them; the tuning runs first, alone. The constants were measured on the 2-core machine this was built on
// (docs/benchmarks.md, "Experiments, round four"); a loaded machine takes longer.
import { detectionWindowS, planSessions, scheduleFor } from './plan.ts';
import type { ExperimentSettings, Unit } from './plan.ts';
import { unitConfig } from './sim-source.ts';

/** A fresh group: the introducer and its first answer, then each node's start (the bundled CLI, ~0.1 s) and join. */
const GROUP_START_S = 0.8;
const PER_NODE_S = 0.12;
/** Every member lists every other again after a new drop rate (polled every 0.2 s), and the control round trips. */
const REFORM_S = 0.4;
/** Killing a cluster and removing its logs. */
const SESSION_END_S = 0.3;
/** CPU of one node process's start (the bundled CLI), and the share of a core each running node takes with the
 *  runner's polling: the quick default on processes and the simulator together took 59 s of CPU (200 starts, ~2,800
 *  node-seconds, ~16 s of it the simulator's). */
const NODE_START_CPU_S = 0.06;
const NODE_RUNNING_CPU = 0.011;
/** Simulator CPU per node and per node² per virtual second (heartbeat gossip's packets carry the whole list). */
const SIM_S_PER_NODE_S = 4e-5;
const SIM_S_PER_NODE2_S = 2.5e-6;
const SIM_FORM_S = 3;
/** The tuning: per configuration, 60 s of bandwidth and 30 crashes simulated at the defaults, then at the scaled
 *  timings, each crash in a group formed from nothing (four configurations took ~2.5 s of CPU). */
const TUNING_VIRTUAL_S = 900;
/** A PNG copy of a plot: one headless Chromium start (7.6–10.7 s each at load 138; an idle guess). */
const PNG_S_PER_PLOT = 1.5;

/** How long survivors take to fail every victim, roughly (the mean of the --full report's all-member detection). */
function detectionS(unit: Unit): number {
  const c = unitConfig(unit);
  if (unit.variant.family === 'gossip') return (c.failTimeoutMs + (unit.variant.suspicion ? c.suspectTimeoutMs : c.gossipIntervalMs)) / 1000;
  const suspicion = unit.variant.suspicion ? c.suspicionMult * Math.max(1, Math.log10(unit.nodes)) * c.probeIntervalMs : 0;
  return Math.min(detectionWindowS(unit, c), (c.probeIntervalMs * (1.5 + 0.35 * unit.failures) + suspicion) / 1000);
}

function simSeconds(unit: Unit, formed: boolean): number {
  const virtualS = (formed ? 0 : SIM_FORM_S + 0.01 * unit.nodes) + unit.settleS
    + (unit.experiment === 'detection' ? detectionS(unit) : unit.windowS);
  return simCpuS(unit.nodes, virtualS);
}

function simCpuS(nodes: number, virtualS: number): number {
  return (SIM_S_PER_NODE_S * nodes + SIM_S_PER_NODE2_S * nodes * nodes) * virtualS + 0.005;
}

export interface UnitEstimate {
  /** Wall seconds on an idle machine: a process unit's time on its one cluster (not divided by the clusters at once). */
  readonly seconds: number;
  /** CPU seconds: a simulated unit's are its seconds; a process unit's are its node starts and running nodes. */
  readonly cpuS: number;
}

/** What each unit should take on an idle machine, from its session: the first unit of a session pays the group's
 *  start, a larger size its joiners'. */
export function unitEstimates(units: readonly Unit[], groupSize: number): Map<Unit, UnitEstimate> {
  const out = new Map<Unit, UnitEstimate>();
  for (const session of planSessions(units, groupSize)) {
    let size = 0;
    for (const [i, unit] of session.entries()) {
      if (unit.source === 'simulator') {
        const s = simSeconds(unit, i > 0);
        out.set(unit, { seconds: s, cpuS: s });
        continue;
      }
      const starts = Math.max(0, unit.nodes - size);
      const grow = (size === 0 ? GROUP_START_S : REFORM_S) + PER_NODE_S * starts;
      size = Math.max(size, unit.nodes);
      const measure = unit.experiment === 'detection' ? detectionS(unit) : unit.windowS;
      const seconds = grow + unit.settleS + measure + (i === session.length - 1 ? SESSION_END_S : 0);
      out.set(unit, { seconds, cpuS: NODE_START_CPU_S * starts + NODE_RUNNING_CPU * size * seconds });
    }
  }
  return out;
}

export interface ExpectedDuration {
  readonly totalS: number;
  /** Real processes: every session's seconds over the clusters run at once. */
  readonly processesS: number;
  readonly simulatorS: number;
  /** Both sources' CPU seconds over the cores: the floor when the processes' CPU, not their waits, sets the pace. */
  readonly cpuBoundS: number;
  /** The tuning before anything else (comparisons only). */
  readonly tuningS: number;
  /** The report after everything else: PNG copies of the plots, where Chromium is found. */
  readonly reportS: number;
}

/** The whole experiment on an idle machine with `cores` cores: the tuning, the two sources side by side, the report
 *  (with `png`, a Chromium start per plot: detection has two). */
export function expectedDuration(settings: ExperimentSettings, units: readonly Unit[], cores: number, png: boolean): ExpectedDuration {
  const groupSize = scheduleFor(settings).groupSize;
  let processes = 0;
  let simulator = 0;
  let cpu = 0;
  for (const [unit, e] of unitEstimates(units, groupSize)) {
    if (unit.source === 'processes') processes += e.seconds;
    else simulator += e.seconds;
    cpu += e.cpuS;
  }
  const processesS = processes / settings.parallel;
  const cpuBoundS = cpu / cores;
  const tuningS = settings.compare ? settings.protocols.length * simCpuS(groupSize, TUNING_VIRTUAL_S) : 0;
  const plots = settings.experiments.reduce((n, e) => n + (e === 'detection' ? 2 : 1), 0);
  const reportS = png ? PNG_S_PER_PLOT * plots : 0;
  return { totalS: tuningS + Math.max(processesS, simulator, cpuBoundS) + reportS, processesS, simulatorS: simulator, cpuBoundS, tuningS, reportS };
}
