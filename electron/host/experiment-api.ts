// The Experiments tab's part of the HostApi (api.ts joins it in): requests to start, cancel, list and open
// experiments, and the one message that carries an experiment's whole state. Types only, like api.ts: the renderer
// imports them with `import type`. Every `experiment` message is complete (progress and every plot so far), so a
// late subscriber or a reconnect needs nothing else.
import type { Plot, PlotPoint, PlotSeries } from '../../node-runtime/experiment/aggregate.ts';

export type { Plot, PlotPoint, PlotSeries };

/** What the tab's form sets; the host turns it into full settings (node-runtime/experiment/settings.ts). */
export interface ExperimentForm {
  readonly experiment: 'bandwidth' | 'false-positives' | 'detection' | 'compare' | 'all';
  readonly protocols: readonly ('gossip' | 'gossip+s' | 'ping' | 'ping+s')[];
  readonly runs: number;
  readonly source: 'processes' | 'simulator' | 'both';
  readonly schedule: 'tiny' | 'quick' | 'full';
}

export type ExperimentStatus = 'running' | 'finished' | 'cancelled' | 'failed';

export interface ExperimentState {
  /** The folder under logs/experiments/. */
  readonly name: string;
  readonly status: ExperimentStatus;
  readonly reason?: string;
  /** One line: experiments, configurations, sources, schedule, runs. */
  readonly summary: string;
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
  readonly etaMs: number | null;
  readonly current: string;
  readonly plots: readonly Plot[];
}

export interface ExperimentListing {
  readonly name: string;
  readonly status: ExperimentStatus;
  readonly summary: string;
  readonly rows: number;
}

export type ExperimentRequest =
  | { readonly type: 'experiment-start'; readonly form: ExperimentForm }
  | { readonly type: 'experiment-cancel' }
  | { readonly type: 'experiment-list' }
  | { readonly type: 'experiment-open'; readonly name: string };

export interface ExperimentResponses {
  'experiment-start': { name: string };
  'experiment-cancel': Record<string, never>;
  'experiment-list': { experiments: ExperimentListing[] };
  'experiment-open': { experiment: ExperimentState };
}

export type ExperimentMessage = { readonly type: 'experiment'; readonly state: ExperimentState };
