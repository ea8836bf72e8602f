// hearsay renderer entry. `pixi.js/unsafe-eval` comes first: the CSP forbids eval, and this swaps Pixi's generated
// shader/uniform code for precompiled paths.
//
// Stable data-testid attributes (the e2e specs are written against these):
//   top bar     shell-name, connection-status, mode-live, mode-replay, node-count-alive, node-count-suspect,
//               node-count-failed, node-count-total, progress
//   panel       cluster-panel, launch-nodes, launch-mode, launch-preset, launch-suspicion, launch-drop,
//               launch-gossip-ms, launch-fanout, launch-fail-ms, launch-suspect-ms, launch-cleanup-ms, launch-effective,
//               launch-button, attach-address, attach-button, add-node, drop-rate, drop-apply, suspicion-toggle,
//               suspicion-state, stop-cluster
//   feedback    feedback (the one message line, data-kind error|ok, placed beside the control it is about)
//   views       graph-canvas, matrix-canvas, observer-select, tooltip, latency-list, bandwidth
//   inspector   inspector, inspector-address, inspector-id, inspector-version, inspector-incarnation,
//               inspector-status, inspector-run, inspector-bandwidth, inspector-suspected-by, inspector-failed-by,
//               inspector-list, action-kill, action-pause, action-resume, action-leave, action-restart,
//               inspector-drop, inspector-drop-apply
//   replay      replay-root (the container replay mounts into)
//   experiments mode-experiments, experiments-root; the tab's own ids are listed in view/experiments-tab.ts
//
// Test hook (read-only), window.__hearsay:
//   state()       { nodes: { address, id, majority, tally: { alive, suspect, failed, left } }[], counts, backlog,
//                   rejected, shell, connection } — what the graph shows (majority = status most running observers
//                   give the node's current id; 'down' when none lists it and it does not run)
//   frameStats()  { frames, frameP50, frameP95, frameMax, eventToScreenP50, eventToScreenP95, eventToScreenMax,
//                   eventSamples, phasesP95 } over the last frames (ms; requestAnimationFrame deltas; event ts → after the
//                   render of the frame that applied it)
//                   sync: { seq, snapshots, resyncs } (the view contract: last delta taken in, snapshots received,
//                   gaps that asked for one), suspicion (the mode in force, as the nodes report it), slots
//                   ({ address, id, state }: the host's slots as the view has them)
//   lists()       [{ observer, members: [{ member, status }] }] for every slot whose current id runs: the membership
//                   lists the view holds (the matrix's rows), to compare with what the nodes answer to list_mem
//   dropConnection()  browser shell: drops the WebSocket as a network failure would (it reconnects)
//   resetFrameStats()
//   select(address)  selects a node as a click would
//   packets()     { onScreen, droppedOnScreen, seen, seenDropped, unsampled } — packets the graph draws
//
// Replay: in Replay mode `#replay-root` is shown and, once, `mountReplay(container, deps)` of ./view/replay-view.ts
// (loaded on first use, a chunk of its own) is called with ReplayDeps: the HostApi and
// a factory for the same ClusterView the live view uses.
import 'pixi.js/unsafe-eval';
import './style.css';
import { connectHost } from './host/connect.ts';
import { followView } from './host/follow-view.ts';
import type { SideMessage } from './host/follow-view.ts';
import { LiveStore } from './model/live-store.ts';
import { SampleWindow } from './model/sample-window.ts';
import { isDownRunState } from './model/node-status.ts';
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
import type { HostRequest } from '../electron/host/api.ts';

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
const frameTimes = new SampleWindow(1200);
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
document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement | null;
  if (e.ctrlKey || e.metaKey || e.altKey || target?.closest('input, select, textarea')) return;
  if (live.hidden) return; // replay has no live actions
  const slot = view.slots.find((s) => s.address === view.selected);
  if (e.key === 'j') return clusterPanelApi.addNode();
  if (e.key === 'Escape') return view.select(undefined);
  if (!slot) return;
  if (e.key === 'k') view.act('kill');
  else if (e.key === 'l') view.act('pause');
  else if (e.key === 'K') view.act(slot.run === 'paused' ? 'resume' : 'restart');
  else return;
  e.preventDefault();
});

// Mode switch. The top bar's counts follow the view on screen: the replay's cluster view (the state at the cursor)
// in Replay mode, so the figures never contradict the graph. Side by side (live or replayed), both sides' counts.
let replayMounted = false;
let replayView: ClusterView | undefined;
/** A pair recording's second side (replay-pair.ts), undefined for any other recording. */
let replaySecond = (): ClusterView | undefined => undefined;
async function showReplay(on: boolean): Promise<void> {
  live.hidden = on;
  // The Live panel (launch, attach, stop) acts on the live cluster only: replay has none.
  panel.hidden = on;
  body.classList.toggle('replaying', on);
  replayRoot.hidden = !on;
  liveTab.classList.toggle('active', !on);
  replayTab.classList.toggle('active', on);
  if (!on || replayMounted) return;
  replayMounted = true;
  const deps: ReplayDeps = { host, createClusterView: async (root, options) => (replayView = await ClusterView.create(root, options)),
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

// The frame loop: apply what arrived (bounded), redraw what changed, measure.
let lastFrame = performance.now();
let figuresAt = 0;
function frame(now: number): void {
  frameTimes.push(now - lastFrame);
  lastFrame = now;
  const drainStart = performance.now();
  store.drain(() => performance.now(), DRAIN_BUDGET_MS);
  phaseTimes.drain.push(performance.now() - drainStart);
  const paired = !live.hidden && isPair(store.nodes);
  pair.show(paired);
  if (!live.hidden) {
    view.update({ state: store.state, nodes: sideNodes(store.nodes, 0), stats: store.stats, detections: store.detections, partition: store.partition ?? undefined, now });
    pair.update({ state: store.state, nodes: sideNodes(store.nodes, 1), stats: store.stats, detections: store.detections, partition: store.partition ?? undefined, now });
    for (const [name, ms] of Object.entries(view.phases)) phaseTimes[name as keyof typeof view.phases].push(ms);
  }
  if (store.drainedCount > 0) {
    const drawnAt = performance.timeOrigin + performance.now();
    for (let i = 0; i < store.drainedCount; i++) eventLatency.push(drawnAt - store.drainedTs[i]!);
  }
  figures.showCounts((live.hidden ? replayView : view)?.counts() ?? NO_COUNTS, (live.hidden ? replaySecond() : pair.view)?.counts());
  if (now - figuresAt >= FIGURES_MS) {
    figuresAt = now;
    const first = sideNodes(store.nodes, 0);
    figures.show(store.progress, paired ? sideDetections(store.latency.recent(), first) : store.latency.recent(), store.stats, first);
    pair.figures(store.progress, store.latency.recent(), store.stats, sideNodes(store.nodes, 1));
    // The suspicion switch as the nodes report it (snapshot and deltas), not as last asked for.
    clusterPanelApi.showSuspicion(store.suspicion);
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

const round = (x: number) => Math.round(x * 100) / 100;
(window as unknown as { __hearsay: unknown }).__hearsay = Object.freeze({
  state: () => ({
    nodes: view.snapshot(),
    /** Side by side: what the second cluster's graph shows (undefined when the session is not a pair). */
    pair: pair.view?.snapshot(),
    counts: view.counts(),
    backlog: store.backlog,
    rejected: { ...connection.rejected },
    shell: connection.shell,
    connection: connectionStatus,
    running: store.nodes.filter((n) => !isDownRunState(n.state)).length,
    sync: { seq: store.seq, snapshots: store.snapshots, resyncs: store.resyncs },
    slots: store.nodes.map(({ address, id, state }) => ({ address, id, state })),
    suspicion: store.suspicion,
  }),
  lists: () => store.nodes.flatMap((n) => (n.id !== undefined && store.state.isRunning(n.id)
    ? [{ observer: n.id, members: store.state.listOf(n.id).map(({ member, status }) => ({ member, status })) }]
    : [])),
  dropConnection: () => connection.dropConnection?.(),
  frameStats: () => ({
    frames: frameTimes.count,
    frameP50: round(frameTimes.percentile(50)),
    frameP95: round(frameTimes.percentile(95)),
    frameMax: round(frameTimes.max()),
    eventSamples: eventLatency.count,
    eventToScreenP50: round(eventLatency.percentile(50)),
    eventToScreenP95: round(eventLatency.percentile(95)),
    eventToScreenMax: round(eventLatency.max()),
    phasesP95: Object.fromEntries(phaseNames.map((n) => [n, round(phaseTimes[n].percentile(95))])),
  }),
  resetFrameStats: () => {
    frameTimes.clear();
    eventLatency.clear();
    for (const w of Object.values(phaseTimes)) w.clear();
  },
  select: (address: string) => view.select(address),
  packets: () => view.packetCounts(),
});

if (connection.demoNodes !== undefined) {
  feedback.run(panel, () => request({ type: 'launch', options: { nodes: connection.demoNodes!, mode: 'embedded', suspicion: false, dropRate: 0 } }));
}
