// The Experiments tab: pick an experiment and its settings, run it on the host (the same runner as `hearsay
// experiment`), watch the progress bar and the points arrive on uPlot charts, cancel, and open past results from
// logs/experiments/. Everything drawn comes from the host's `experiment` messages, each a complete state.
//
// data-testid: experiment-select, experiment-protocol-<name>, experiment-runs, experiment-source,
// experiment-schedule, experiment-run, experiment-cancel, experiment-progress, experiment-status,
// experiment-plot-<plot id>, experiment-past, experiment-open, experiment-refresh
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './experiments-tab.css';
import type { HostApi, HostRequest, HostResponse } from '../../electron/host/api.ts';
import type { ExperimentForm, ExperimentState, Plot } from '../../electron/host/experiment-api.ts';
import { alignPlot } from '../model/experiment-plot-data.ts';
import type { AlignedPlot } from '../model/experiment-plot-data.ts';
import { el } from './dom.ts';
import type { Feedback } from './feedback.ts';

const PROTOCOLS = ['gossip', 'gossip+s', 'ping', 'ping+s'] as const;
const PLOT_SIZE = { width: 540, height: 300 };

function select<T extends string>(testid: string, options: readonly T[], value: T): HTMLSelectElement {
  const s = el('select', { testid }, ...options.map((o) => el('option', { value: o }, o)));
  s.value = value;
  return s;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Error bars (± 1 sd) and p99 triangles, drawn over uPlot's own lines and points. */
function errorBars(aligned: () => AlignedPlot): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx } = u;
        const a = aligned();
        const px = devicePixelRatio;
        ctx.save();
        ctx.lineWidth = px;
        a.series.forEach((s, si) => {
          if (!u.series[si + 1]?.show) return;
          ctx.strokeStyle = s.color;
          a.xs.forEach((x, i) => {
            const m = s.mean[i];
            if (m === null || m === undefined) return;
            const cx = u.valToPos(x, 'x', true);
            const sd = s.stddev[i];
            if (sd !== null && sd !== undefined && sd > 0) {
              const y0 = u.valToPos(Math.max(0, m - sd), 'y', true);
              const y1 = u.valToPos(m + sd, 'y', true);
              ctx.beginPath();
              ctx.moveTo(cx, y0); ctx.lineTo(cx, y1);
              ctx.moveTo(cx - 4 * px, y0); ctx.lineTo(cx + 4 * px, y0);
              ctx.moveTo(cx - 4 * px, y1); ctx.lineTo(cx + 4 * px, y1);
              ctx.stroke();
            }
            const p = s.p99[i];
            if (p !== null && p !== undefined) {
              const py = u.valToPos(p, 'y', true);
              ctx.beginPath();
              ctx.moveTo(cx, py - 5 * px); ctx.lineTo(cx + 5 * px, py + 3 * px); ctx.lineTo(cx - 5 * px, py + 3 * px);
              ctx.closePath();
              ctx.stroke();
            }
          });
        });
        ctx.restore();
      },
    },
  };
}

/** One chart per plot id, rebuilt when its series change, else given the new data. */
class PlotView {
  private chart: uPlot | undefined;
  private aligned: AlignedPlot;
  readonly element: HTMLElement;

  constructor(plot: Plot) {
    this.element = el('div', { class: 'plot', testid: `experiment-plot-${plot.id}` });
    this.aligned = alignPlot(plot);
    this.build(plot);
  }

  update(plot: Plot): void {
    const next = alignPlot(plot);
    const rebuild = next.shape !== this.aligned.shape;
    this.aligned = next;
    if (rebuild) this.build(plot);
    else this.chart?.setData(this.data());
  }

  destroy(): void {
    this.chart?.destroy();
  }

  private data(): uPlot.AlignedData {
    return [this.aligned.xs, ...this.aligned.series.map((s) => s.mean)];
  }

  private build(plot: Plot): void {
    this.chart?.destroy();
    this.element.replaceChildren();
    const p99 = plot.series.some((s) => s.points.some((pt) => pt.p99 !== undefined));
    this.chart = new uPlot({
      ...PLOT_SIZE,
      title: plot.title,
      scales: { x: { time: false, ...(plot.logX && { distr: 3 }) }, y: { range: (_u, _min, max) => [0, Math.max(max * 1.15, 1)] } },
      axes: [{ label: `${plot.xLabel}${plot.logX ? ' (log)' : ''}` }, { label: `${plot.yLabel}${p99 ? ' (△ p99)' : ''}`, size: 60 }],
      series: [{ label: plot.xLabel }, ...this.aligned.series.map((s) => ({
        label: s.label, stroke: s.color, width: 2, spanGaps: true,
        ...(s.dashed && { dash: [6, 4] }),
        points: { show: true, size: 7, fill: s.dashed ? '#fff' : s.color, stroke: s.color },
      }))],
      plugins: [errorBars(() => this.aligned)],
    }, this.data(), this.element);
  }
}

export interface ExperimentsTab {
  /** Feed every host message of type `experiment`. */
  receive(state: ExperimentState): void;
  /** The tab became visible: refresh the list of past results. */
  shown(): void;
}

export function mountExperimentsTab(root: HTMLElement, host: HostApi, feedback: Feedback): ExperimentsTab {
  const request = <R extends HostRequest>(r: R): Promise<HostResponse<R>> => host.request(r);
  const experiment = select('experiment-select', ['all', 'bandwidth', 'false-positives', 'detection', 'compare'] as const, 'all');
  const protocolBoxes = PROTOCOLS.map((p) => {
    const box = el('input', { type: 'checkbox', testid: `experiment-protocol-${p}` });
    box.checked = !p.startsWith('ping');
    return { name: p, box };
  });
  const runs = el('input', { type: 'number', min: '1', max: '100', value: '5', testid: 'experiment-runs' });
  const source = select('experiment-source', ['both', 'simulator', 'processes'] as const, 'both');
  const schedule = select('experiment-schedule', ['quick', 'tiny', 'full'] as const, 'quick');
  const runButton = el('button', { class: 'primary', testid: 'experiment-run' }, 'Run');
  const cancelButton = el('button', { class: 'danger', testid: 'experiment-cancel', disabled: '' }, 'Cancel');
  const progress = el('progress', { testid: 'experiment-progress', max: '1', value: '0' });
  const status = el('span', { class: 'status', testid: 'experiment-status' }, 'No experiment yet.');
  const plotsEl = el('div', { class: 'plots' });
  const past = el('select', { testid: 'experiment-past' });
  const openButton = el('button', { testid: 'experiment-open' }, 'Open');
  const refreshButton = el('button', { testid: 'experiment-refresh' }, 'Refresh');
  root.append(
    el('h2', {}, 'Experiment'),
    el('div', { class: 'form' },
      el('label', {}, 'measure', experiment),
      el('span', {}, 'configurations'),
      ...protocolBoxes.map(({ name, box }) => el('label', {}, box, name)),
      el('label', {}, 'runs', runs),
      el('label', {}, 'source', source),
      el('label', {}, 'schedule', schedule),
      runButton, cancelButton),
    el('div', { class: 'run-line' }, progress, status),
    plotsEl,
    el('h2', {}, 'Past results (logs/experiments/)'),
    el('div', { class: 'past' }, past, openButton, refreshButton),
  );

  const views = new Map<string, PlotView>();
  let shownName: string | undefined;
  const show = (state: ExperimentState): void => {
    if (state.name !== shownName) {
      for (const v of views.values()) v.destroy();
      views.clear();
      plotsEl.replaceChildren();
      shownName = state.name;
    }
    for (const plot of state.plots) {
      const view = views.get(plot.id);
      if (view) view.update(plot);
      else {
        const created = new PlotView(plot);
        views.set(plot.id, created);
        plotsEl.append(created.element);
      }
    }
    progress.max = Math.max(1, state.total);
    progress.value = state.done;
    const eta = state.status === 'running' && state.etaMs !== null ? `, ETA ${duration(state.etaMs)}` : '';
    const why = state.reason ? ` (${state.reason})` : '';
    status.textContent = `${state.name}: ${state.status}${why} · ${state.done}/${state.total} runs${eta} · ${state.summary}` +
      `${state.status === 'running' ? ` · ${state.current}` : ''}`;
    status.dataset.status = state.status;
  };

  let running: string | undefined;
  const refresh = (): void => {
    feedback.run(past, async () => {
      const { experiments } = await request({ type: 'experiment-list' });
      const keep = past.value;
      past.replaceChildren(...experiments.map((e) =>
        el('option', { value: e.name }, `${e.name} · ${e.status} · ${e.rows} runs · ${e.summary}`)));
      if (experiments.some((e) => e.name === keep)) past.value = keep;
      openButton.disabled = experiments.length === 0;
    });
  };

  runButton.addEventListener('click', () => {
    const form: ExperimentForm = {
      experiment: experiment.value as ExperimentForm['experiment'],
      protocols: protocolBoxes.filter((p) => p.box.checked).map((p) => p.name),
      runs: Number(runs.value),
      source: source.value as ExperimentForm['source'],
      schedule: schedule.value as ExperimentForm['schedule'],
    };
    if (form.protocols.length === 0) return feedback.error('pick at least one configuration', runButton);
    if (!Number.isInteger(form.runs) || form.runs < 1 || form.runs > 100) return feedback.error('runs: a whole number from 1 to 100', runs);
    feedback.run(runButton, () => request({ type: 'experiment-start', form }));
  });
  cancelButton.addEventListener('click', () => feedback.run(cancelButton, () => request({ type: 'experiment-cancel' }), () => 'cancelled'));
  refreshButton.addEventListener('click', refresh);
  openButton.addEventListener('click', () => {
    if (!past.value) return;
    feedback.run(openButton, async () => show((await request({ type: 'experiment-open', name: past.value })).experiment));
  });

  return {
    receive: (state) => {
      const wasRunning = running;
      running = state.status === 'running' ? state.name : undefined;
      runButton.disabled = running !== undefined;
      cancelButton.disabled = running === undefined;
      show(state);
      if (wasRunning && !running) refresh();
    },
    shown: refresh,
  };
}
