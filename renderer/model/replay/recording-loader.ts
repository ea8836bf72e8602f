// Loads a recording — node log files plus an optional actions.jsonl — from byte streams (fetch bodies, File.stream(),
// or Node file streams in tests): streams every file line by line, validates each line, keeps every valid event in
// columns, counts what it skipped, and merges the files into one timeline (merge-by-time.ts).
import type { HostActionRecord } from '../../../electron/host/api.ts';
import { addressOf } from '../../../node-runtime/protocol/member-id.ts';
import type { Address } from '../../../node-runtime/protocol/member-id.ts';
import { ColumnBuilder, Interner, KIND_CODE, NO_VIA } from './event-columns.ts';
import type { EventColumns } from './event-columns.ts';
import { readLines } from './line-reader.ts';
import { LoadReport } from './load-report.ts';
import { mergeByTime } from './merge-by-time.ts';
import { checkAction, checkEvent, checkSide, checkStats, isPlausibleTs, NO_INCARNATION, parseLine } from './parse-record.ts';
import type { SkipReason } from './parse-record.ts';
import { LineScanner } from './scan-line.ts';
import { SerfLogSet } from './serf-log-reader.ts';
import type { SerfLogFile } from './serf-log-reader.ts';
import type { ScannedEvent } from './scan-line.ts';

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
  /** A pair recording's sides as the host stored them (sides.jsonl), by node address; empty in older recordings. */
  readonly sides: ReadonlyMap<Address, 0 | 1>;
  /** Each node's bandwidth samples (stats.jsonl), in ts order; empty where the host recorded none. */
  readonly stats: ReadonlyMap<Address, StatsSeries>;
  /** Log files in the order their index is stored in `columns.file`. */
  readonly files: readonly string[];
  readonly bytes: number;
}

/** Files the host writes beside the nodes' logs (electron/host/recorder.ts names them the same). */
export const ACTIONS_FILE = 'actions.jsonl';
export const SIDES_FILE = 'sides.jsonl';
export const STATS_FILE = 'stats.jsonl';
/** Bandwidth samples a replay keeps (the host records one per node every 2 s: 64 nodes for 8 hours). */
export const MAX_STATS_SAMPLES = 1_000_000;

export interface StatsSeries {
  readonly ts: number[];
  readonly in: number[];
  readonly out: number[];
}

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
  const sides = new Map<Address, 0 | 1>();
  const stats = new Map<Address, StatsSeries>();
  let samples = 0;
  /** Where each action was read (for the report). */
  const actionLines = new Map<HostActionRecord, number>();
  const total = sources.reduce((n, s) => n + s.bytes, 0);
  // One set of columns for every file, each file a contiguous range of it; the merge then orders them by time.
  // ~120 bytes a line sizes them once for most recordings.
  const cols = new ColumnBuilder(Math.max(1024, Math.ceil(total / 120)));
  const ranges: [number, number][] = [];
  /** Serf/Consul text logs: read with the others, resolved (names to ids) once all are read. */
  const serf = new SerfLogSet();
  let before = 0;
  // Stable order whatever order the picker or the host listed them in.
  const ordered = [...sources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // The next file's stream is opened while this one is parsed, so its bytes (a fetch, a disk read) arrive meanwhile.
  const streams = new Map<number, ReadableStream<Uint8Array>>();
  const open = (k: number): ReadableStream<Uint8Array> | undefined => {
    const source = ordered[k];
    if (!source || !isRecordingFile(source.name)) return undefined;
    let stream = streams.get(k);
    if (!stream) streams.set(k, (stream = source.stream()));
    return stream;
  };
  try {
    for (let k = 0; k < ordered.length; k++) {
      const source = ordered[k]!;
      const progress = (done: number): void => options.onProgress?.({ done: before + done, total, file: source.name });
      const stream = open(k);
      for (let ahead = k + 1; ahead < ordered.length && open(ahead) === undefined; ahead++);
      streams.delete(k);
      if (!stream) {
        report.ignoredFiles.push(source.name);
      } else if (baseName(source.name) === ACTIONS_FILE) {
        await readRecords(source.name, stream, checkAction, report, progress, options.signal, (a, n) => {
          actions.push(a);
          actionLines.set(a, n);
        });
      } else if (baseName(source.name) === SIDES_FILE) {
        await readRecords(source.name, stream, checkSide, report, progress, options.signal, (r) => sides.set(r.address, r.group));
      } else if (baseName(source.name) === STATS_FILE) {
        await readRecords(source.name, stream, checkStats, report, progress, options.signal, (r, n) => {
          if (++samples > MAX_STATS_SAMPLES) return report.skip('too-many-samples', source.name, n);
          let series = stats.get(r.address);
          if (!series) stats.set(r.address, (series = { ts: [], in: [], out: [] }));
          series.ts.push(r.ts);
          series.in.push(r.in);
          series.out.push(r.out);
        });
      } else {
        if (files.length >= 0xffff) throw new Error('a recording holds at most 65,535 log files');
        const start = cols.length;
        const serfFile = await readLog(source.name, stream, files.length, cols, interner, report, serf, progress, options.signal);
        ranges.push(serfFile ? [0, 0] : [start, cols.length]);
        files.push(source.name);
      }
      before += source.bytes;
      options.onProgress?.({ done: before, total, file: source.name });
    }
  } finally {
    // A failed or aborted load leaves no download running.
    for (const stream of streams.values()) void stream.cancel().catch(() => undefined);
  }
  actions.sort((a, b) => a.ts - b.ts);
  for (const series of stats.values()) sortSeries(series);
  let serfFile = -1;
  serf.resolve((file, ts, observer, member, event, reason, line) => {
    if (file.fileIndex !== serfFile) ranges[(serfFile = file.fileIndex)] = [cols.length, cols.length];
    cols.push(ts, interner.id(observer), interner.id(member), KIND_CODE[event], NO_INCARNATION, interner.reason(reason), NO_VIA, file.fileIndex, line);
    ranges[serfFile]![1] = cols.length;
  });
  const start = cols.length;
  inferStops(cols, ranges, interner, actions, actionLines, files, report);
  ranges.push([start, cols.length]);
  const columns = mergeByTime(cols.finish(), ranges);
  reportSeenBeforeStart(columns, interner, files, report);
  return { columns, interner, actions, sides, stats, report, files, bytes: total };
}

/** Reads one log file into `cols`; a file whose first line is not a JSON object is a Serf/Consul text log, read
 *  into `serf` instead (and returned). */
async function readLog(
  name: string, stream: ReadableStream<Uint8Array>, fileIndex: number, cols: ColumnBuilder, interner: Interner, report: LoadReport,
  serf: SerfLogSet, progress: (done: number) => void, signal: AbortSignal | undefined,
): Promise<SerfLogFile | undefined> {
  let lastTs = -Infinity;
  let firstTs: number | undefined;
  let lineNo = 0;
  const torn = (): void => report.skip('torn-line', name, lineNo);
  const scanner = new LineScanner();
  const decoder = new TextDecoder();
  const e: ScannedEvent = { ts: 0, node: '', kind: 0, member: '', incarnation: NO_INCARNATION, reason: undefined, via: undefined };
  let serfFile: SerfLogFile | undefined;
  let first = true;
  await readLines(stream, {
    line(buf, from, to, n, terminated) {
      lineNo = n;
      if (first || serfFile) {
        let at = from;
        while (at < to && (buf[at] === 0x20 || buf[at] === 0x09)) at++;
        if (first && buf[at] !== 0x7b /* { */) serfFile = serf.file(name, fileIndex, report);
        first = false;
        if (serfFile) {
          serfFile.line(decoder.decode(buf.subarray(from, to)), n, terminated);
          return;
        }
      }
      if (!scanner.scan(buf, from, to, e)) {
        const parsed = parseLine(decoder.decode(buf.subarray(from, to)), terminated, checkEvent, torn);
        if (typeof parsed === 'string') {
          report.skip(parsed, name, n);
          return;
        }
        e.ts = parsed.ts;
        e.node = parsed.node;
        e.kind = KIND_CODE[parsed.event];
        e.member = parsed.member;
        e.incarnation = parsed.incarnation ?? NO_INCARNATION;
        e.reason = parsed.reason;
        e.via = parsed.via;
      }
      if (!isPlausibleTs(e.ts, firstTs)) {
        report.skip('implausible-ts', name, n);
        return;
      }
      firstTs ??= e.ts;
      let ts = e.ts;
      if (ts < lastTs) {
        report.adjust('ts-backwards', name, n, lastTs - ts);
        ts = lastTs;
      }
      lastTs = ts;
      cols.push(ts, interner.id(e.node), interner.id(e.member), e.kind, e.incarnation, interner.reason(e.reason),
        e.via === undefined ? NO_VIA : interner.id(e.via), fileIndex, n);
    },
    tooLong: (n) => report.skip('too-long', name, n),
    bytes: progress,
  }, signal);
  return serfFile;
}

/** Reads a file the host wrote (actions, sides, stats): one JSON record a line, each checked; a bad one is reported. */
async function readRecords<T extends object>(
  name: string, stream: ReadableStream<Uint8Array>, check: (json: unknown) => T | SkipReason, report: LoadReport,
  progress: (done: number) => void, signal: AbortSignal | undefined, into: (record: T, line: number) => void,
): Promise<void> {
  let lineNo = 0;
  const torn = (): void => report.skip('torn-line', name, lineNo);
  const decoder = new TextDecoder();
  await readLines(stream, {
    line(buf, from, to, n, terminated) {
      lineNo = n;
      const r = parseLine(decoder.decode(buf.subarray(from, to)), terminated, check, torn);
      if (typeof r === 'string') report.skip(r, name, n);
      else into(r, n);
    },
    tooLong: (n) => report.skip('too-long', name, n),
    bytes: progress,
  }, signal);
}

/** The host appends samples in order; a file edited by hand may not be: sorted by ts, stable. */
function sortSeries(s: StatsSeries): void {
  if (s.ts.every((t, i) => i === 0 || s.ts[i - 1]! <= t)) return;
  const order = s.ts.map((_, i) => i).sort((a, b) => s.ts[a]! - s.ts[b]! || a - b);
  for (const key of ['ts', 'in', 'out'] as const) {
    const copy = order.map((i) => s[key][i]!);
    s[key].splice(0, copy.length, ...copy);
  }
}

/**
 * A process killed with SIGKILL logs no `stop`, so its last list would stay in the fold as if it still ran (and
 * count in every tally). The loader adds the `stop` its log lacks — at the kill in actions.jsonl, or, without one,
 * when a new version starts at the same address — with line number 0 (inferred, in no file) and reports them.
 */
function inferStops(
  cols: ColumnBuilder, ranges: readonly (readonly [number, number])[], interner: Interner,
  actions: readonly HostActionRecord[], actionLines: ReadonlyMap<HostActionRecord, number>, files: readonly string[],
  report: LoadReport,
): void {
  const c = cols.finish();
  const { start: START, stop: STOP } = KIND_CODE;
  const stops: [ts: number, member: number, file: number, reason: string][] = [];
  const started = new Map<number, { ts: number; file: number }>();
  const stopped = new Set<number>();
  ranges.forEach(([from, to], f) => {
    let current = -1;
    for (let i = from; i < to; i++) {
      const m = c.member[i]!;
      if (c.observer[i] !== m) continue;
      if (c.kind[i] === STOP) stopped.add(m);
      if (c.kind[i] !== START || m === current) continue;
      if (!started.has(m)) started.set(m, { ts: c.ts[i]!, file: f });
      if (current >= 0 && !stopped.has(current) && addressOf(interner.ids[current]!) === addressOf(interner.ids[m]!)) {
        stops.push([c.ts[i]!, current, f, 'inferred: a new version started here']);
        stopped.add(current);
        report.adjust('stop-inferred', files[f]!, c.line[i]!, 0);
      }
      current = m;
    }
  });
  for (const a of actions) {
    if (a.action !== 'kill') continue;
    let m = a.member === undefined ? undefined : interner.indexOfId(a.member);
    if (a.member === undefined) {
      for (const [id, s] of started) {
        if (addressOf(interner.ids[id]!) === a.address && s.ts <= a.ts && (m === undefined || s.ts > started.get(m)!.ts)) m = id;
      }
    }
    const s = m === undefined ? undefined : started.get(m);
    if (m === undefined || !s) continue;
    stops.push([a.ts, m, s.file, 'inferred: killed (actions.jsonl)']);
    report.adjust('stop-inferred', ACTIONS_FILE, actionLines.get(a) ?? 0, 0);
  }
  stops.sort((x, y) => x[0] - y[0]);
  for (const [ts, m, f, reason] of stops) cols.push(ts, m, m, STOP, NO_INCARNATION, interner.reason(reason), NO_VIA, f, 0);
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
