// A recording ready to replay: loaded (recording-loader.ts), indexed with snapshots (replay-index.ts) and its
// failures analysed (failure-analysis.ts). What the replay view and the benchmark both open.
import { FailureAnalysis } from './failure-analysis.ts';
import type { Failure } from './failure-analysis.ts';
import { loadRecording } from './recording-loader.ts';
import type { LoadedRecording, LoadProgress, RecordingSource } from './recording-loader.ts';
import { chooseSnapshotInterval, ReplayIndex } from './replay-index.ts';
import { ReplaySpreads } from './replay-spreads.ts';

export interface Recording extends LoadedRecording {
  readonly index: ReplayIndex;
  readonly failures: readonly Failure[];
  /** Who told whom about each member, up to any position (the inspector's and the graph's spread tree). */
  readonly spreads: ReplaySpreads;
  /** Milliseconds spent in each phase: streaming + parsing + merging, and snapshots + failure analysis. */
  readonly timings: { readonly load: number; readonly index: number };
}

/** Snapshots may take as much memory as the files themselves (never less than 16 MiB), so that columns plus
 *  snapshots stay well under 3× the files' size. */
const snapshotBudget = (bytes: number): number => Math.max(16 << 20, bytes);

export async function openRecording(
  sources: readonly RecordingSource[],
  options: { onProgress?: (p: LoadProgress) => void; signal?: AbortSignal; snapshotEvery?: number } = {},
): Promise<Recording> {
  const t0 = performance.now();
  const loaded = await loadRecording(sources, options);
  const t1 = performance.now();
  const every = options.snapshotEvery ??
    chooseSnapshotInterval(loaded.columns.length, loaded.interner.ids.length, snapshotBudget(loaded.bytes));
  const analysis = new FailureAnalysis(loaded.columns, loaded.interner, loaded.actions);
  const index = new ReplayIndex(loaded.columns, loaded.interner, every, analysis);
  const failures = analysis.results();
  const spreads = new ReplaySpreads(loaded.columns, loaded.interner);
  return { ...loaded, index, failures, spreads, timings: { load: t1 - t0, index: performance.now() - t1 } };
}
