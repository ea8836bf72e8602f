// Replay mode: open a recording (a path the host resolves, a picked folder or files, or a drop), stream it into the
// replay model with a progress bar, then draw it with the live view's own ClusterView (graph, matrix, inspector)
// under a timeline. `?replay=<path>` (npm start -- --replay DIR) opens that path at start. Its frame step, key map
// and test hook part (window.__hearsay.replay, see test-hook.ts) go to the page's one frame loop, keyboard handler and
// hook; for a pair recording the hook's state().pair is the second side.
import './replay-view.css';
import { el } from './dom.ts';
import { describeFailure, Timeline } from './timeline.ts';
import type { ClusterView, ClusterViewOptions } from './cluster-view.ts';
import type { FrameLoop, FrameStep } from './frame-loop.ts';
import type { Keyboard, KeyMap } from './keyboard.ts';
import { exposeTestHook } from './test-hook.ts';
import { openRecording } from '../model/replay/recording.ts';
import type { Recording } from '../model/replay/recording.ts';
import { isRecordingFile } from '../model/replay/recording-loader.ts';
import type { RecordingSource } from '../model/replay/recording-loader.ts';
import { ReplayController } from '../model/replay/replay-controller.ts';
import { ReplayPair } from './replay-pair.ts';
import { ReplayBandwidth } from './replay-bandwidth.ts';
import type { HostApi, RecordingInfo } from '../../electron/host/api.ts';
import type { MemberId } from '../../node-runtime/protocol/member-id.ts';

/** A body streamed as it downloads; the request starts when the loader first reads. */
function fetchStream(url: string): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async start() {
      const res = await fetch(url);
      if (!res.ok || !res.body) throw new Error(`${url}: HTTP ${res.status}`);
      reader = res.body.getReader();
    },
    async pull(controller) {
      const { done, value } = await reader!.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader?.cancel(reason);
    },
  });
}

function hostSources(info: RecordingInfo): RecordingSource[] {
  // Bound beyond loopback, the browser shell wants its page token on every request.
  const token = new URLSearchParams(location.search).get('token');
  return info.files.map((f) => {
    const url = new URL(f.url, location.href);
    if (token !== null && url.origin === location.origin) url.searchParams.set('token', token);
    return { name: f.name, bytes: f.bytes, stream: () => fetchStream(url.href) };
  });
}

/** Picked or dropped files: names relative to the picked folder (its own name stripped). */
function fileSources(files: readonly File[]): RecordingSource[] {
  return files.map((f) => {
    const rel = f.webkitRelativePath || f.name;
    const name = f.webkitRelativePath && rel.includes('/') ? rel.slice(rel.indexOf('/') + 1) : rel;
    return { name, bytes: f.size, stream: () => f.stream() as ReadableStream<Uint8Array> };
  });
}

/** Files of a drop, folders read two levels deep (a recording folder and its per-node sub-folders). */
async function droppedFiles(items: DataTransferItemList): Promise<File[]> {
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string, depth: number): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push(prefix ? new File([file], `${prefix}${file.name}`) : file);
    } else if (entry.isDirectory && depth < 2) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e, depth === 0 ? '' : `${prefix}${entry.name}/`, depth + 1);
      }
    }
  };
  const entries = [...items].map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  for (const e of entries) await walk(e, '', e.isDirectory ? 0 : 1);
  return out;
}

/** What replay needs of the app: it draws with the live view's own ClusterView (graph, matrix, inspector over a
 *  MembershipState it folds itself), so the HostApi (open-recording), a way to make that view, and the page's frame
 *  loop and keyboard handler to register with. */
export interface ReplayDeps {
  readonly host: HostApi;
  readonly frames: FrameLoop;
  readonly keyboard: Keyboard;
  /** Builds graph + matrix + inspector inside `root` (a sized element; no live actions without `options.live`). */
  readonly createClusterView: (root: HTMLElement, options?: ClusterViewOptions) => Promise<ClusterView>;
  /** Told once how to get a pair recording's second side (for the top bar's counts). */
  readonly secondSide?: (view: () => ClusterView | undefined) => void;
}

/** What replay's parts share: the open recording's controller, the view drawing it, and whether it needs a redraw. */
interface Replay {
  ctl?: ReplayController;
  view?: ClusterView;
  /** A pair recording's second side (replay-pair.ts). */
  readonly pair: ReplayPair;
  /** The first side's bandwidth at the cursor (the second side's is in ReplayPair). */
  readonly bandwidth: ReplayBandwidth;
  /** The cursor moved since the last draw. */
  dirty: boolean;
  /** performance.now() of the last frame (playback advances by wall time). */
  lastWall: number;
}

/** Replay's keys; each acts once a recording is open. */
function replayKeys(r: Replay, timeline: Timeline): KeyMap {
  const key = (action: (c: ReplayController) => unknown) => (): boolean => {
    if (!r.ctl) return false;
    action(r.ctl);
    r.dirty = true;
    return true;
  };
  return {
    ' ': key(() => timeline.root.querySelector<HTMLButtonElement>('[data-testid=replay-play]')?.click()),
    ArrowRight: key((c) => c.step(1)),
    ArrowLeft: key((c) => c.step(-1)),
    f: key((c) => c.nextFailure()),
  };
}

/** Replay's frame step: playback keeps time while another mode is on screen; it draws only on screen. */
function replayStep(r: Replay, timeline: Timeline): FrameStep {
  return (now, active) => {
    const { ctl, view, pair } = r;
    if (ctl) {
      if (ctl.playing) {
        ctl.tick(now - r.lastWall);
        r.dirty = true;
      }
      if ((r.dirty || view?.animating || pair.view?.animating) && view && active) {
        const { detections, jumped } = ctl.takeMotion();
        const recorded = { partition: ctl.partition, spreadOf: (m: MemberId) => ctl.spreadOf(m) };
        view.update({ state: ctl.state, detections, jumped, only: pair.first, now, ...recorded });
        r.bandwidth.update(ctl.recording.stats, ctl.time, pair.first);
        pair.update({ state: ctl.state, detections, jumped, now, ...recorded }, ctl.recording.stats, ctl.time);
        timeline.update(ctl);
        r.dirty = false;
      }
    }
    r.lastWall = now;
  };
}

/** window.__hearsay.replay (see test-hook.ts). */
function replayHook(r: Replay): object {
  return Object.freeze({
    loaded: () => r.ctl !== undefined,
    info: () => r.ctl && {
      events: r.ctl.recording.index.length, files: r.ctl.recording.files, startTs: r.ctl.startTs, endTs: r.ctl.endTs,
      skipped: Object.fromEntries([...r.ctl.recording.report.skipped].map(([reason, t]) => [reason, t.count])),
      failures: r.ctl.recording.failures, timings: r.ctl.recording.timings, snapshotEvery: r.ctl.recording.index.every,
    },
    time: () => r.ctl?.time,
    position: () => r.ctl?.position,
    seek: (t: number) => { r.ctl?.seek(t); r.dirty = true; },
    step: (d: 1 | -1) => { r.ctl?.step(d); r.dirty = true; },
    nextFailure: () => { const f = r.ctl?.nextFailure(); r.dirty = true; return f; },
    /** What the graph shows (same shape as the live hook's nodes) — as of the last drawn frame; `drawn` once the
     *  graph and every matrix row show the cursor's state. */
    state: () => r.ctl && r.view && { time: r.ctl.time, position: r.ctl.position, drawn: !r.dirty && !r.view.matrix.pending && !r.pair.view?.matrix.pending,
      nodes: r.view.snapshot(), pair: r.pair.view?.snapshot() },
    statusOf: (observer: string, member: string) => r.ctl?.state.statusOf(observer, member),
    select: (address: string) => { r.view?.select(address); r.dirty = true; },
  });
}

/** Mounts replay into `container` (once: it stays for the page's life). */
export async function mountReplay(container: HTMLElement, deps: ReplayDeps): Promise<void> {
  const pathInput = el('input', { testid: 'replay-path', placeholder: 'recording folder or .jsonl file (on the host)', size: '48' });
  const openButton = el('button', { testid: 'replay-open' }, 'Open');
  const fileInput = el('input', { type: 'file', testid: 'replay-file', multiple: '', webkitdirectory: '', title: 'pick a recording folder' });
  const status = el('span', { class: 'hint', testid: 'replay-status' }, 'Open a recording: a folder of node logs (with actions.jsonl for kill times), or drop one here.');
  // Two sides for a pair recording (replay-pair.ts); otherwise the first side is the whole view.
  const firstRoot = el('div', { class: 'replay-side' });
  const clusterRoot = el('div', { class: 'replay-cluster' }, firstRoot);
  const r: Replay = { pair: new ReplayPair(clusterRoot), bandwidth: new ReplayBandwidth(), dirty: true, lastWall: performance.now() };
  clusterRoot.append(r.pair.root);
  deps.secondSide?.(() => r.pair.view);
  let loading: AbortController | undefined;

  const timeline = new Timeline({
    seek: (t) => { r.ctl?.seek(t); r.dirty = true; },
    togglePlay: () => {
      if (!r.ctl) return;
      if (!r.ctl.playing && r.ctl.time >= r.ctl.endTs) r.ctl.seek(r.ctl.startTs);
      r.ctl.playing = !r.ctl.playing;
      r.lastWall = performance.now();
      r.dirty = true;
    },
    step: (d) => { r.ctl?.step(d); r.dirty = true; },
    nextFailure: () => {
      const f = r.ctl?.nextFailure();
      status.textContent = f ? describeFailure(f) : 'no later failure';
      r.dirty = true;
    },
    setSpeed: (s) => { if (r.ctl) r.ctl.speed = s; },
    setFilter: (f) => { if (r.ctl) r.ctl.filter = f; r.dirty = true; },
  });

  container.classList.add('replay-mode');
  container.append(
    el('div', { class: 'replay-open' }, pathInput, openButton, el('span', { class: 'hint' }, 'or'),
      el('label', { class: 'replay-pick' }, 'pick folder… ', fileInput), status),
    clusterRoot,
    timeline.root,
  );

  async function open(describe: string, sources: () => Promise<RecordingSource[]>): Promise<void> {
    loading?.abort();
    const abort = (loading = new AbortController());
    r.ctl = undefined;
    status.textContent = `opening ${describe} …`;
    timeline.setProgress(0, 1, '');
    try {
      const recording: Recording = await openRecording(await sources(), {
        signal: abort.signal,
        onProgress: (p) => timeline.setProgress(p.done, p.total, `${(p.done / 2 ** 20).toFixed(1)} / ${(p.total / 2 ** 20).toFixed(1)} MiB · ${p.file}`),
      });
      if (abort.signal.aborted) return;
      if (!r.view) {
        r.view = await deps.createClusterView(firstRoot);
        r.view.aside.append(timeline.failuresPane, r.bandwidth.root);
      }
      await r.pair.open(recording);
      if (abort.signal.aborted) return;
      r.ctl = new ReplayController(recording);
      r.view.select(undefined);
      timeline.setRecording(recording, (f) => { r.ctl?.seek(f.allTs ?? f.firstTs ?? f.fromTs); r.dirty = true; });
      const ms = recording.timings.load + recording.timings.index;
      timeline.setProgress(1, 1, `loaded in ${(ms / 1000).toFixed(2)} s`);
      status.textContent = `${describe}: ${recording.index.length.toLocaleString('en')} events, ${recording.failures.length} failures`;
      r.dirty = true;
    } catch (e) {
      if (abort.signal.aborted) return;
      status.textContent = `could not open ${describe}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  const openPath = (path: string): Promise<void> => open(path, async () => {
    const { recording } = await deps.host.request({ type: 'open-recording', path });
    return hostSources(recording);
  });
  openButton.addEventListener('click', () => { if (pathInput.value.trim()) void openPath(pathInput.value.trim()); });
  pathInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') openButton.click(); });
  fileInput.addEventListener('change', () => {
    const files = [...(fileInput.files ?? [])].filter((f) => isRecordingFile(f.name));
    if (files.length > 0) void open(`${files.length} picked files`, async () => fileSources(files));
  });
  container.addEventListener('dragover', (e) => e.preventDefault());
  container.addEventListener('drop', (e) => {
    e.preventDefault();
    const items = e.dataTransfer?.items;
    if (items) void open('dropped files', async () => fileSources(await droppedFiles(items)));
  });
  deps.keyboard.register('replay', replayKeys(r, timeline));
  deps.frames.register('replay', replayStep(r, timeline));
  exposeTestHook({ replay: replayHook(r) });

  const initial = new URLSearchParams(location.search).get('replay');
  if (initial) {
    pathInput.value = initial;
    void openPath(initial);
  }
}
