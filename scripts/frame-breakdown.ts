// Where a frame's time goes outside the page's own JavaScript: a Chrome trace (Playwright's browser.startTracing,
// 'toplevel' category) summarised per browser thread. Each thread's top-level tasks are summed as wall time (how long
// the thread was busy) and as thread time (how much CPU it got meanwhile): wall minus CPU is time spent runnable but
// descheduled — a starved machine, not work. Per frame: over the traced window divided by its frames.
// Threads that matter for a canvas page: CrRendererMain (script, rAF, WebGL command submission, style/layout/paint),
// Compositor (the renderer's cc thread), CrGpuMain (WebGL executed by SwiftShader, and GPU raster), VizCompositorThread
// (the display compositor: draws every frame's quads — in software with --disable-gpu).

export interface TraceEvent {
  readonly ph: string;
  readonly name: string;
  readonly cat?: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string };
}

export interface ThreadLoad {
  readonly thread: string;
  /** Busy wall time per frame (ms). */
  readonly wallPerFrame: number;
  /** CPU time the thread got per frame (ms); NaN when the trace has no thread times. */
  readonly cpuPerFrame: number;
  /** Where the thread's busy time went: self time by event name, most first (wall ms per frame). */
  readonly top: readonly { readonly name: string; readonly wallPerFrame: number }[];
}

/** Threads named in the trace, by busy wall time per frame, largest first (only those ≥ 0.05 ms a frame). */
export function frameBreakdown(events: readonly TraceEvent[], frames: number, topN = 3): ThreadLoad[] {
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) names.set(`${e.pid}:${e.tid}`, e.args.name);
  // Complete events per thread; one that starts inside another of the same thread is nested work.
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    // Graphics.Pipeline spans a frame's journey across threads: a marker, not work.
    if (e.ph !== 'X' || e.dur === undefined || e.name === 'Graphics.Pipeline') continue;
    const key = `${e.pid}:${e.tid}`;
    let list = byThread.get(key);
    if (!list) byThread.set(key, list = []);
    list.push(e);
  }
  const perThreadName = new Map<string, { wall: number; cpu: number; hasCpu: boolean; tasks: Map<string, number> }>();
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const thread = names.get(key) ?? `tid ${key}`;
    let acc = perThreadName.get(thread);
    if (!acc) perThreadName.set(thread, acc = { wall: 0, cpu: 0, hasCpu: false, tasks: new Map() });
    // The enclosing events still open: depth 0 is a task (its wall and CPU time count); every event's self time (its
    // duration less its children's) goes to its name, so the names that cost say what the thread waited on or did.
    const open: { end: number; name: string; self: number }[] = [];
    const close = (until: number): void => {
      while (open.length > 0 && until >= open[open.length - 1]!.end) {
        const done = open.pop()!;
        acc.tasks.set(done.name, (acc.tasks.get(done.name) ?? 0) + done.self);
      }
    };
    for (const e of list) {
      close(e.ts);
      if (open.length === 0) {
        acc.wall += e.dur!;
        if (e.tdur !== undefined) {
          acc.cpu += e.tdur;
          acc.hasCpu = true;
        }
      } else {
        open[open.length - 1]!.self -= e.dur!;
      }
      open.push({ end: e.ts + e.dur!, name: e.name, self: e.dur! });
    }
    close(Infinity);
  }
  const perFrame = (us: number) => us / 1000 / Math.max(1, frames);
  return [...perThreadName].map(([thread, a]) => ({
    thread,
    wallPerFrame: perFrame(a.wall),
    cpuPerFrame: a.hasCpu ? perFrame(a.cpu) : NaN,
    top: [...a.tasks].sort((x, y) => y[1] - x[1]).slice(0, topN).map(([name, us]) => ({ name, wallPerFrame: perFrame(us) })),
  })).filter((t) => t.wallPerFrame >= 0.05).sort((x, y) => y.wallPerFrame - x.wallPerFrame);
}

/** The page's frames in a trace: its main thread's animation frames (0 when the trace has none). */
export function tracedFrames(events: readonly TraceEvent[]): number {
  let n = 0;
  for (const e of events) if (e.ph === 'b' && e.name === 'AnimationFrame') n++;
  return n;
}
