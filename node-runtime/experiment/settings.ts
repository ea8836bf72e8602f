// Experiment settings from what a user gave (CLI flags, or the app's form through the host): every mistake is one
// UserError naming the setting, before anything starts.
import os from 'node:os';
import { UserError } from '../user-error.ts';
import type { ExperimentSettings } from './plan.ts';
import { PORTS_PER_SLOT, SCHEDULE_NAMES } from './plan.ts';
import type { ScheduleName } from './plan.ts';
import { defaultProtocols, parseProtocols, runsOn } from './protocols.ts';
import { EXPERIMENTS } from './results.ts';
import type { ExperimentName, SourceName } from './results.ts';

export const EXPERIMENT_CHOICES = [...EXPERIMENTS, 'compare', 'all'] as const;
export type ExperimentChoice = (typeof EXPERIMENT_CHOICES)[number];
export const SOURCE_CHOICES = ['processes', 'simulator', 'both'] as const;

export interface ExperimentOptions {
  readonly experiment: string;
  readonly protocols?: string | undefined;
  readonly runs?: number | undefined;
  readonly source?: string | undefined;
  readonly schedule?: string | undefined;
  readonly maxNodes?: number | undefined;
  readonly parallel?: number | undefined;
  readonly basePort?: number | undefined;
  readonly seed?: number | undefined;
}

/** Process clusters at once: two per core. A cluster mostly waits (windows, settles, timeouts): in the quick
 *  default its nodes and their starts took ~30 s of CPU in ~1.5 min on 2 cores (duration.ts), so 4 clusters keep it
 *  under 2 minutes with the cores mostly idle; `--full` reports were run with 3. */
const defaultParallel = (): number => Math.min(8, 2 * os.availableParallelism());

export const DEFAULTS = { runs: 5, basePort: 31_000, seed: 1 } as const;

export function settingsFromOptions(o: ExperimentOptions): ExperimentSettings {
  if (!(EXPERIMENT_CHOICES as readonly string[]).includes(o.experiment)) {
    throw new UserError('usage', `unknown experiment '${o.experiment}' (expected ${EXPERIMENT_CHOICES.join(', ')})`);
  }
  const source = o.source ?? 'both';
  if (!(SOURCE_CHOICES as readonly string[]).includes(source)) {
    throw new UserError('usage', `--source ${source}: expected processes, simulator or both`);
  }
  const schedule = o.schedule ?? 'quick';
  if (!(SCHEDULE_NAMES as readonly string[]).includes(schedule)) {
    throw new UserError('usage', `schedule '${schedule}': expected ${SCHEDULE_NAMES.join(', ')}`);
  }
  const parallel = o.parallel ?? defaultParallel();
  const basePort = o.basePort ?? DEFAULTS.basePort;
  if (basePort < 1024 || basePort + parallel * PORTS_PER_SLOT - 1 > 65535) {
    throw new UserError('usage', `--base-port ${basePort}: ${parallel} clusters need ports ${basePort}..${basePort + parallel * PORTS_PER_SLOT - 1}, within 1024..65535`);
  }
  const protocols = o.protocols === undefined ? defaultProtocols() : parseProtocols(o.protocols);
  if (source === 'processes' && !protocols.some((p) => runsOn(p, 'processes'))) {
    throw new UserError('usage', `${protocols.map((p) => p.name).join(', ')} run in the simulator only (hearsay node cannot start in the ping family yet): use --source simulator or both`);
  }
  const choice = o.experiment as ExperimentChoice;
  const experiments: ExperimentName[] = choice === 'all' ? [...EXPERIMENTS] : choice === 'compare' ? [] : [choice];
  return {
    experiments,
    compare: choice === 'all' || choice === 'compare',
    protocols,
    runs: o.runs ?? DEFAULTS.runs,
    sources: (source === 'both' ? ['simulator', 'processes'] : [source]) as SourceName[],
    schedule: schedule as ScheduleName,
    maxNodes: o.maxNodes ?? Number.MAX_SAFE_INTEGER,
    seed: o.seed ?? DEFAULTS.seed,
    parallel,
    basePort,
  };
}
