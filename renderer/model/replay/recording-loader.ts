// Loads a recording — node log files plus an optional actions.jsonl — from byte streams (fetch bodies, File.stream(),
// or Node file streams in tests): streams every file line by line, validates each line, keeps every valid event in
// columns, counts what it skipped, and merges the files into one timeline (merge-by-time.ts).
import type { HostActionRecord } from '../../../electron/host/api.ts';
import { ColumnBuilder, Interner, KIND_CODE } from './event-columns.ts';
import type { EventColumns } from './event-columns.ts';
import { readLines } from './line-reader.ts';
import { LoadReport } from './load-report.ts';
import { mergeByTime } from './merge-by-time.ts';
import { checkAction, checkEvent, NO_INCARNATION, parseLine } from './parse-record.ts';
import { scanEvent } from './scan-event.ts';
import type { ScannedEvent } from './scan-event.ts';

export interface RecordingSource {
  /** Path relative to the recording's folder, e.g. `127.0.0.1_3000.jsonl` or `host-b/127.0.0.1_3000.jsonl`. */
  readonly name: string;
  readonly bytes: number;
  stream(): ReadableStream<Uint8Array>;
}

export interface LoadProgress {
  readonly done: number;
  readonly total: number;
  readonly file: string;
}

export interface LoadedRecording {
  readonly columns: EventColumns;
  readonly interner: Interner;
  /** Host actions in ts order (empty without actions.jsonl). */
  readonly actions: readonly HostActionRecord[];
  readonly report: LoadReport;
  /** Log files in the order their index is stored in `columns.file`. */
  readonly files: readonly string[];
  readonly bytes: number;
}

export const ACTIONS_FILE = 'actions.jsonl';

function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}

/** Which files of a picked folder are read: logs (.jsonl, .log) and the actions file. */
export function isRecordingFile(name: string): boolean {
  return /\.(jsonl|log)$/i.test(name);
}

export async function loadRecording(
  sources: readonly RecordingSource[],
  options: { onProgress?: (p: LoadProgress) => void; signal?: AbortSignal } = {},
): Promise<LoadedRecording> {
  const report = new LoadReport();
  const interner = new Interner();
  const files: string[] = [];
  const actions: HostActionRecord[] = [];
  const total = sources.reduce((n, s) => n + s.bytes, 0);
  // One set of columns for every file, each file a contiguous range of it; the merge then orders them by time.
  // ~120 bytes a line sizes them once for most recordings.
  const cols = new ColumnBuilder(Math.max(1024, Math.ceil(total / 120)));
  const ranges: [number, number][] = [];
  let before = 0;
  // Stable order whatever order the picker or the host listed them in.
  const ordered = [...sources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const source of ordered) {
    const progress = (done: number): void => options.onProgress?.({ done: before + done, total, file: source.name });
    if (!isRecordingFile(source.name)) {
      report.ignoredFiles.push(source.name);
    } else if (baseName(source.name) === ACTIONS_FILE) {
      await readActions(source, actions, report, progress, options.signal);
    } else {
      if (files.length >= 0xffff) throw new Error('a recording holds at most 65,535 log files');
      const start = cols.length;
      await readLog(source, files.length, cols, interner, report, progress, options.signal);
      ranges.push([start, cols.length]);
      files.push(source.name);
    }
    before += source.bytes;
    options.onProgress?.({ done: before, total, file: source.name });
  }
  actions.sort((a, b) => a.ts - b.ts);
  const columns = mergeByTime(cols.finish(), ranges);
  reportSeenBeforeStart(columns, interner, files, report);
  return { columns, interner, actions, report, files, bytes: total };
}

async function readLog(
  source: RecordingSource, fileIndex: number, cols: ColumnBuilder, interner: Interner, report: LoadReport,
  progress: (done: number) => void, signal: AbortSignal | undefined,
): Promise<void> {
  let lastTs = -Infinity;
  let lineNo = 0;
  const torn = (): void => report.skip('torn-line', source.name, lineNo);
  const e: ScannedEvent = { ts: 0, node: '', kind: 0, member: '', incarnation: NO_INCARNATION, reason: undefined };
  await readLines(source.stream(), {
    line(text, n, terminated) {
      lineNo = n;
      if (!scanEvent(text, e)) {
        const parsed = parseLine(text, terminated, checkEvent, torn);
        if (typeof parsed === 'string') {
          report.skip(parsed, source.name, n);
          return;
        }
        e.ts = parsed.ts;
        e.node = parsed.node;
        e.kind = KIND_CODE[parsed.event];
        e.member = parsed.member;
        e.incarnation = parsed.incarnation ?? NO_INCARNATION;
        e.reason = parsed.reason;
      }
      let ts = e.ts;
      if (ts < lastTs) {
        report.adjust('ts-backwards', source.name, n, lastTs - ts);
        ts = lastTs;
      }
      lastTs = ts;
      cols.push(ts, interner.id(e.node), interner.id(e.member), e.kind, e.incarnation, interner.reason(e.reason), fileIndex, n);
    },
    bytes: progress,
  }, signal);
}

async function readActions(
  source: RecordingSource, into: HostActionRecord[], report: LoadReport,
  progress: (done: number) => void, signal: AbortSignal | undefined,
): Promise<void> {
  let lineNo = 0;
  const torn = (): void => report.skip('torn-line', source.name, lineNo);
  await readLines(source.stream(), {
    line(text, n, terminated) {
      lineNo = n;
      const a = parseLine(text, terminated, checkAction, torn);
      if (typeof a === 'string') report.skip(a, source.name, n);
      else into.push(a);
    },
    bytes: progress,
  }, signal);
}

/**
 * Clock skew between hosts shows as an observer listing a member earlier than the member's own `start` line. Such
 * events are kept where their ts puts them (each observer's own order is what the fold needs, and the merge keeps it);
 * the report says how many and by how much, so the user knows the clocks disagree.
 */
function reportSeenBeforeStart(c: EventColumns, interner: Interner, files: readonly string[], report: LoadReport): void {
  const start = new Float64Array(interner.ids.length).fill(NaN);
  const START = KIND_CODE.start;
  for (let i = 0; i < c.length; i++) {
    if (c.kind[i] === START && c.observer[i] === c.member[i] && Number.isNaN(start[c.member[i]!]!)) start[c.member[i]!] = c.ts[i]!;
  }
  for (let i = 0; i < c.length; i++) {
    const m = c.member[i]!;
    if (c.observer[i] !== m && c.ts[i]! < start[m]!) report.adjust('seen-before-start', files[c.file[i]!]!, c.line[i]!, start[m]! - c.ts[i]!);
  }
}
