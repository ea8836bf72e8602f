// The app's side of experiments: one at a time, run by the same runner as `hearsay experiment` (node-runtime/
// experiment) into logs/experiments/<time>/, its whole state pushed to subscribers as it changes (at most every
// PUBLISH_MS, and at once when it ends), and past results listed and opened from the same folder.
import path from 'node:path';
import { buildPlots } from '../../node-runtime/experiment/aggregate.ts';
import { runExperiment } from '../../node-runtime/experiment/runner.ts';
import type { ExperimentProgress } from '../../node-runtime/experiment/runner.ts';
import { listResults, readResults, serializeSettings, settingsSummary } from '../../node-runtime/experiment/result-files.ts';
import type { ResultRow } from '../../node-runtime/experiment/results.ts';
import { settingsFromOptions } from '../../node-runtime/experiment/settings.ts';
import { UserError } from '../../node-runtime/user-error.ts';
import type {
  ExperimentForm, ExperimentListing, ExperimentMessage, ExperimentRequest, ExperimentResponses, ExperimentState,
} from './experiment-api.ts';

const PUBLISH_MS = 250;

export interface ExperimentServiceOptions {
  /** logs/experiments. */
  readonly root: string;
  readonly publish: (message: ExperimentMessage) => void;
  /** First port of process clusters (default: the CLI's). */
  readonly basePort?: number;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

export class ExperimentService {
  private running: { controller: AbortController; done: Promise<void> } | undefined;
  private state: ExperimentState | undefined;
  private publishTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ExperimentServiceOptions) {}

  /** The current or last experiment of this session, for a new subscriber. */
  current(): ExperimentMessage | undefined {
    return this.state && { type: 'experiment', state: this.state };
  }

  start(form: ExperimentForm): { name: string } {
    if (this.running) throw new UserError('state', 'an experiment is already running: cancel it first');
    const settings = settingsFromOptions({
      experiment: form.experiment, protocols: form.protocols.join(','), runs: form.runs, source: form.source,
      schedule: form.schedule, basePort: this.opts.basePort,
    });
    let name = timestamp();
    if (listResults(this.opts.root).includes(name)) name = `${name}-${process.hrtime.bigint() % 1000n}`;
    const rows: ResultRow[] = [];
    const summary = settingsSummary(serializeSettings(settings));
    this.state = { name, status: 'running', summary, done: 0, total: 0, elapsedMs: 0, etaMs: null, current: 'starting', plots: [] };
    this.publishNow();
    const update = (p: ExperimentProgress, plots = this.state!.plots): void => {
      this.state = { ...this.state!, ...p, plots };
      this.schedulePublish();
    };
    const controller = new AbortController();
    const done = runExperiment(settings, path.join(this.opts.root, name), {
      signal: controller.signal,
      onProgress: (p) => update(p),
      onRow: (row, p) => {
        rows.push(row);
        update(p, buildPlots(rows));
      },
    }).then(
      (outcome) => ({ status: outcome.status, reason: outcome.reason }),
      (err: unknown) => ({ status: 'failed' as const, reason: err instanceof Error ? err.message : String(err) }),
    ).then(({ status, reason }) => {
      this.running = undefined;
      this.state = { ...this.state!, status, ...(reason !== undefined && { reason }), plots: buildPlots(rows), etaMs: 0 };
      this.publishNow();
    });
    this.running = { controller, done };
    return { name };
  }

  async cancel(): Promise<void> {
    const running = this.running;
    if (!running) throw new UserError('state', 'no experiment is running');
    running.controller.abort();
    await running.done;
  }

  list(): ExperimentListing[] {
    return listResults(this.opts.root).flatMap((name) => {
      try {
        const file = readResults(path.join(this.opts.root, name));
        return [{ name, status: file.status, summary: settingsSummary(file.settings), rows: file.rows.length }];
      } catch {
        return []; // not an experiment of ours (or half-written): not listed
      }
    });
  }

  open(name: string): ExperimentState {
    if (!listResults(this.opts.root).includes(name)) throw new UserError('file', `no experiment '${name}' under ${this.opts.root}`);
    const file = readResults(path.join(this.opts.root, name));
    const rows = file.rows;
    const last = rows.at(-1);
    return {
      name, status: file.status, ...(file.reason !== undefined && { reason: file.reason }), summary: settingsSummary(file.settings),
      done: rows.length, total: file.units, elapsedMs: Date.parse(file.finishedAt ?? file.startedAt) - Date.parse(file.startedAt),
      etaMs: null, current: last ? `${last.source} ${last.experiment}` : '', plots: buildPlots(rows),
    };
  }

  /** Cancels a running experiment and waits for its report. */
  async close(): Promise<void> {
    clearTimeout(this.publishTimer);
    if (this.running) await this.cancel();
  }

  private schedulePublish(): void {
    this.publishTimer ??= setTimeout(() => this.publishNow(), PUBLISH_MS);
  }

  private publishNow(): void {
    clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
    const message = this.current();
    if (message) this.opts.publish(message);
  }
}

const EXPERIMENT_REQUESTS: readonly string[] = ['experiment-start', 'experiment-cancel', 'experiment-list', 'experiment-open'] satisfies ExperimentRequest['type'][];

export function isExperimentRequest(r: { readonly type: string }): r is ExperimentRequest {
  return EXPERIMENT_REQUESTS.includes(r.type);
}

/** Answers one of the tab's requests (the host hands them over unqueued: they never touch the cluster). */
export async function answerExperiment(
  service: ExperimentService, request: ExperimentRequest,
): Promise<ExperimentResponses[ExperimentRequest['type']]> {
  switch (request.type) {
    case 'experiment-start':
      return service.start(request.form);
    case 'experiment-cancel':
      await service.cancel();
      return {};
    case 'experiment-list':
      return { experiments: service.list() };
    case 'experiment-open':
      return { experiment: service.open(request.name) };
  }
}
