// hearsay renderer entry. `pixi.js/unsafe-eval` comes first: the CSP forbids eval, and this swaps Pixi's generated
// shader/uniform code for precompiled paths.
//
// Stable data-testid attributes (the e2e specs are written against these):
//   top bar     shell-name, connection-status, mode-live, mode-replay, node-count-alive, node-count-suspect,
//               node-count-failed, node-count-total, progress
//   panel       cluster-panel, launch-nodes, launch-mode, launch-protocol, launch-preset, launch-drop,
//               launch-gossip-ms, launch-fanout, launch-fail-ms, launch-suspect-ms, launch-cleanup-ms, launch-effective,
//               launch-button, attach-address, attach-button, add-node, drop-rate, drop-apply, protocol-switch,
//               protocol-state, stop-cluster
//   feedback    feedback (the one message line, data-kind error|ok, placed beside the control it is about)
//   views       graph-canvas, matrix-canvas, observer-select, tooltip, latency-list, bandwidth
//   inspector   inspector, inspector-address, inspector-id, inspector-version, inspector-incarnation,
//               inspector-status, inspector-run, inspector-bandwidth, inspector-suspected-by, inspector-failed-by,
//               inspector-list, action-kill, action-pause, action-resume, action-leave, action-restart,
//               inspector-drop, inspector-drop-apply
//   replay      replay-root (the container replay mounts into)
//   experiments mode-experiments, experiments-root; the tab's own ids are listed in view/experiments-tab.ts
//
// Test hook: window.__hearsay, see view/test-hook.ts.
//
// Replay: in Replay mode `#replay-root` is shown and, once, `mountReplay(container, deps)` of ./view/replay-view.ts
// (loaded on first use, a chunk of its own) is called with ReplayDeps: the HostApi, a factory for the same ClusterView
// the live view uses, and the page's one frame loop and keyboard handler (view/frame-loop.ts, view/keyboard.ts).
import 'pixi.js/unsafe-eval';
import './style.css';
import { connectHost } from './host/connect.ts';
import { followView } from './host/follow-view.ts';
import type { SideMessage } from './host/follow-view.ts';
import { LiveStore } from './model/live-store.ts';
import { SampleWindow } from './model/sample-window.ts';
import { FrameLoop } from './view/frame-loop.ts';
import { Keyboard } from './view/keyboard.ts';
import { exposeTestHook } from './view/test-hook.ts';
import { isDown } from '../node-runtime/protocol/view-state.ts';
import { ClusterView } from './view/cluster-view.ts';
import { clusterPanel } from './view/cluster-panel.ts';
import { serfPanel } from './view/serf-panel.ts';
import { pairPanel } from './view/pair-panel.ts';
import { isPair, PairView, sideDetections, sideNodes } from './view/pair-view.ts';
import { Feedback } from './view/feedback.ts';
import { mountExperimentsTab } from './view/experiments-tab.ts';
import { Figures } from './view/figures.ts';
import { el } from './view/dom.ts';
import type { ReplayDeps } from './view/replay-view.ts';
import type { HostRequest, NodeAction } from '../electron/host/api.ts';

/** Per frame, at most this long is spent applying queued events; the rest waits for the next frame. */
const DRAIN_BUDGET_MS = 6;
const FIGURES_MS = 250;
const NO_COUNTS = { alive: 0, suspect: 0, failed: 0, left: 0, total: 0 };

const connection = connectHost(window);
const host = connection.api;
const feedback = new Feedback();
const request = (r: HostRequest): Promise<unknown> => host.request(r);
let showNotice = (_message: string): void => {};
const store = new LiveStore((message) => showNotice(message));
const frames = new FrameLoop();
const keyboard = new Keyboard(() => frames.mode);
const eventLatency = new SampleWindow(20000);
/** Per-phase times of each frame (ms), so the benchmark can say where the time goes. */
const phaseNames = ['drain', 'graphUpdate', 'matrixUpdate', 'graphRender', 'matrixRender', 'inspector'] as const;
const phaseTimes = Object.fromEntries(phaseNames.map((n) => [n, new SampleWindow(1200)])) as Record<(typeof phaseNames)[number], SampleWindow>;
let connectionStatus = 'connecting';

// Layout: top bar; panel | live (graph, matrix, inspector) or replay.
const statusEl = el('span', { testid: 'connection-status', class: 'conn' }, 'connecting');
// Inert until the live view exists and the tabs are wired (a click before that would be lost).
const liveTab = el('button', { testid: 'mode-live', class: 'tab active', disabled: '' }, 'Live');
const replayTab = el('button', { testid: 'mode-replay', class: 'tab', disabled: '', title: 'starting…' }, 'Replay');
const experimentsTab = el('button', { testid: 'mode-experiments', class: 'tab' }, 'Experiments');
const topFigures = el('span', { class: 'figures' });
const topBar = el('header', { class: 'top-bar' },
  el('h1', {}, 'hearsay'),
  el('span', { testid: 'shell-name', class: 'shell' }, connection.shell === 'demo' ? 'demo (simulated)' : `${connection.shell} shell`),
  statusEl,
  el('span', { class: 'tabs' }, liveTab, replayTab, experimentsTab),
  topFigures,
);
const panel = el('nav', { class: 'panel', testid: 'cluster-panel' });
const live = el('main', { class: 'live' });
const replayRoot = el('main', { id: 'replay-root', testid: 'replay-root', class: 'replay', hidden: '' });
const experimentsRoot = el('main', { testid: 'experiments-root', class: 'experiments', hidden: '' });
const body = el('div', { class: 'body' }, panel, live, replayRoot, experimentsRoot);
document.body.append(topBar, body);
const clusterPanelApi = clusterPanel(panel, request, feedback);
serfPanel(panel, request, feedback);
pairPanel(panel, request, feedback);
// What the host says about the cluster as a whole (a node died on its own, …) goes to the same one line.
showNotice = (message) => feedback.error(message, clusterPanelApi.clusterAnchor);
// Follow the host's view before anything async: the snapshot is asked for, not pushed, so it cannot be missed.
// Traces are sampled, not state: those that come before the graph exists are not drawn. The Experiments tab's state
// comes whole with every change, and on subscribe.
let drawTraces = (_m: Extract<SideMessage, { type: 'traces' }>): void => {};
let showExperiment = (_m: Extract<SideMessage, { type: 'experiment' }>): void => {};
followView(host, store, (m) => (m.type === 'traces' ? drawTraces(m) : showExperiment(m)));

const view = await ClusterView.create(live, { live: { request, feedback } });
const figures = new Figures(topFigures, view.aside);
// Side by side: the second cluster of a pair, beside the first.
const pair = new PairView(body, { live: { request, feedback } });
live.after(pair.root);

connection.onStatus((status) => {
  connectionStatus = status;
  statusEl.textContent = status;
  statusEl.dataset.status = status;
});
// Traces are a second, sampled stream: they go straight to the graph and never into the membership fold.
const experiments = mountExperimentsTab(experimentsRoot, host, feedback);
drawTraces = (m) => view.traces(m.traces, m.unsampled, performance.now());
showExperiment = (m) => experiments.receive(m.state);

// Keyboard, like ringpop's tick-cluster, on the selected node.
const slotSelected = () => view.slots.find((s) => s.address === view.selected);
const act = (action: NodeAction) => (): boolean => {
  if (!slotSelected()) return false;
  view.act(action);
  return true;
};
keyboard.register('live', {
  j: () => void clusterPanelApi.addNode(),
  Escape: () => view.select(undefined),
  k: act('kill'),
  l: act('pause'),
  K: () => {
    const slot = slotSelected();
    return slot !== undefined && act(slot.run === 'paused' ? 'resume' : 'restart')();
  },
});

// Mode switch. The top bar's counts follow the view on screen: the replay's cluster view (the state at the cursor)
// in Replay mode, so the figures never contradict the graph. Side by side (live or replayed), both sides' counts.
let replayMounted = false;
let replayView: ClusterView | undefined;
/** A pair recording's second side (replay-pair.ts), undefined for any other recording. */
let replaySecond = (): ClusterView | undefined => undefined;
async function showReplay(on: boolean): Promise<void> {
  live.hidden = on;
  frames.mode = on ? 'replay' : 'live';
  // The Live panel (launch, attach, stop) acts on the live cluster only: replay has none.
  panel.hidden = on;
  body.classList.toggle('replaying', on);
  replayRoot.hidden = !on;
  liveTab.classList.toggle('active', !on);
  replayTab.classList.toggle('active', on);
  if (!on || replayMounted) return;
  replayMounted = true;
  const deps: ReplayDeps = { host, frames, keyboard, createClusterView: async (root, options) => (replayView = await ClusterView.create(root, options)),
    secondSide: (side) => { replaySecond = side; } };
  try {
    const { mountReplay } = await import('./view/replay-view.ts');
    await mountReplay(replayRoot, deps);
  } catch (e) {
    const anchor = el('span');
    replayRoot.prepend(anchor);
    feedback.error(`replay failed to start: ${e instanceof Error ? e.message : String(e)}`, anchor);
  }
}
/** The Experiments tab covers the body; leaving it returns to Live or Replay as they were. */
function showExperiments(on: boolean): void {
  experimentsRoot.hidden = !on;
  experimentsTab.classList.toggle('active', on);
  if (!on) return;
  frames.mode = 'experiments';
  live.hidden = replayRoot.hidden = panel.hidden = true;
  liveTab.classList.remove('active');
  replayTab.classList.remove('active');
  experiments.shown();
}
liveTab.addEventListener('click', () => { showExperiments(false); void showReplay(false); });
replayTab.addEventListener('click', () => { showExperiments(false); void showReplay(true); });
experimentsTab.addEventListener('click', () => showExperiments(true));
liveTab.disabled = replayTab.disabled = false;
replayTab.title = '';
// `npm start -- --replay DIR` loads the page with ?replay=<path>: start in Replay mode (replay-view.ts opens it).
if (new URLSearchParams(location.search).has('replay')) void showReplay(true);

// Live's frame step: apply what arrived (bounded; also while live is not on screen), redraw what changed, measure.
let figuresAt = 0;
frames.register('live', (now, active) => {
  const drainStart = performance.now();
  store.drain(() => performance.now(), DRAIN_BUDGET_MS);
  phaseTimes.drain.push(performance.now() - drainStart);
  const paired = active && isPair(store.nodes);
  pair.show(paired);
  if (active) {
    view.update({ state: store.state, nodes: sideNodes(store.nodes, 0), stats: store.stats, detections: store.detections, partition: store.partition ?? undefined, now });
    pair.update({ state: store.state, nodes: sideNodes(store.nodes, 1), stats: store.stats, detections: store.detections, partition: store.partition ?? undefined, now });
    for (const [name, ms] of Object.entries(view.phases)) phaseTimes[name as keyof typeof view.phases].push(ms);
  }
  if (store.drainedCount > 0) {
    const drawnAt = performance.timeOrigin + performance.now();
    for (let i = 0; i < store.drainedCount; i++) eventLatency.push(drawnAt - store.drainedTs[i]!);
  }
  figures.showCounts((active ? view : replayView)?.counts() ?? NO_COUNTS, (active ? pair.view : replaySecond())?.counts());
  if (now - figuresAt >= FIGURES_MS) {
    figuresAt = now;
    const first = sideNodes(store.nodes, 0);
    figures.show(store.progress, paired ? sideDetections(store.latency.recent(), first) : store.latency.recent(), store.stats, first);
    pair.figures(store.progress, store.latency.recent(), store.stats, sideNodes(store.nodes, 1));
    // The protocol in force as the nodes report it (snapshot and deltas), not as last asked for.
    clusterPanelApi.showProtocol(store.protocol, store.session.mode);
  }
});

const round = (x: number) => Math.round(x * 100) / 100;
exposeTestHook({
  state: () => ({
    nodes: view.snapshot(),
    /** Side by side: what the second cluster's graph shows (undefined when the session is not a pair). */
    pair: pair.view?.snapshot(),
    counts: view.counts(),
    backlog: store.backlog,
    rejected: { ...connection.rejected },
    shell: connection.shell,
    connection: connectionStatus,
    running: store.nodes.filter((n) => !isDown(n.state)).length,
    sync: { seq: store.seq, snapshots: store.snapshots, resyncs: store.resyncs },
    slots: store.nodes.map(({ address, id, state }) => ({ address, id, state })),
    protocol: store.protocol,
  }),
  lists: () => store.lists(),
  dropConnection: () => connection.dropConnection?.(),
  frameStats: () => ({
    frames: frames.frameTimes.count,
    frameP50: round(frames.frameTimes.percentile(50)),
    frameP95: round(frames.frameTimes.percentile(95)),
    frameMax: round(frames.frameTimes.max()),
    // The vsync interval as the page sees it: the 10th percentile of the deltas (a page that keeps up even one frame
    // in ten shows it). The timestamps are coarsened to 0.1 ms, so a 16.67-ms interval reads 16.6, 16.7 or 16.8.
    vsyncMs: round(frames.frameTimes.percentile(10)),
    missedVsync: frames.frameTimes.missedIntervals(frames.frameTimes.percentile(10)),
    eventSamples: eventLatency.count,
    eventToScreenP50: round(eventLatency.percentile(50)),
    eventToScreenP95: round(eventLatency.percentile(95)),
    eventToScreenMax: round(eventLatency.max()),
    phasesP95: Object.fromEntries(phaseNames.map((n) => [n, round(phaseTimes[n].percentile(95))])),
    /** Means too: a phase that runs on few frames (the matrix redraws on a change only) has p95 0 but a cost. */
    phasesMean: Object.fromEntries(phaseNames.map((n) => [n, round(phaseTimes[n].mean())])),
  }),
  resetFrameStats: () => {
    frames.frameTimes.clear();
    eventLatency.clear();
    for (const w of Object.values(phaseTimes)) w.clear();
  },
  select: (address: string) => view.select(address),
  packets: () => view.packetCounts(),
});

if (connection.demoNodes !== undefined) {
  feedback.run(panel, () => request({ type: 'launch', options: { nodes: connection.demoNodes!, mode: 'embedded', suspicion: false, dropRate: 0 } }));
}
