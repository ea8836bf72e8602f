// Fast path for log lines exactly as the node writes them (formatLogLine: fixed field order, integer ts, no escapes):
// reads the fields with indexOf and charCodeAt instead of building an object with JSON.parse — about twice as fast
// on a million lines (docs/replay.md). Anything else (other field order, spaces, escapes, decimals, unknown kinds,
// bad ids) returns false and goes through JSON.parse + checkEvent, which also names the reason it is bad; the two
// paths agree on every line the scanner accepts (scan-event.test.ts).
import type { EventKind } from '../../../node-runtime/protocol/events.ts';
import { KIND_CODE } from './event-columns.ts';
import { isMemberId, NO_INCARNATION } from './parse-record.ts';

export interface ScannedEvent {
  ts: number;
  node: string;
  kind: number;
  member: string;
  /** NO_INCARNATION when absent. */
  incarnation: number;
  reason: string | undefined;
}

const kindCodes = new Map<string, number>(Object.entries(KIND_CODE) as [EventKind, number][]);
const BACKSLASH = 92;

/** A JSON non-negative integer (no sign, no leading zero) in line[from, to); -1 if it is not one. */
function uint(line: string, from: number, to: number): number {
  if (to <= from || to - from > 15 || (line.charCodeAt(from) === 48 && to - from > 1)) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Ids already sliced out and validated, by a hash of their last characters: most lines repeat ids, and reusing
 *  the string skips a slice, a hash and a set lookup per id. */
const idCache: (string | undefined)[] = new Array(4096);

/** A valid member id from `from` to the next quote, or undefined. */
function idAt(line: string, from: number): string | undefined {
  const end = line.indexOf('"', from);
  if (end < from + 4) return undefined;
  const key = (line.charCodeAt(end - 1) * 31 * 31 + line.charCodeAt(end - 2) * 31 + line.charCodeAt(end - 3) + (end - from) * 7) & 4095;
  const cached = idCache[key];
  if (cached !== undefined && cached.length === end - from && line.startsWith(cached, from)) return cached;
  const id = line.slice(from, end);
  if (!isMemberId(id)) return undefined;
  idCache[key] = id;
  return id;
}

/** A string without escapes from `from` to the next quote; undefined if it has a backslash or no end. */
function plain(line: string, from: number): string | undefined {
  const end = line.indexOf('"', from);
  if (end < 0) return undefined;
  const s = line.slice(from, end);
  return s.indexOf('\\') >= 0 ? undefined : s;
}

export function scanEvent(line: string, out: ScannedEvent): boolean {
  if (!line.startsWith('{"ts":')) return false;
  const tsEnd = line.indexOf(',"node":"', 6);
  if (tsEnd < 0) return false;
  const ts = uint(line, 6, tsEnd);
  if (ts < 0) return false;
  let p = tsEnd + 9;
  const node = idAt(line, p);
  if (node === undefined) return false;
  p += node.length;
  if (!line.startsWith('","event":"', p)) return false;
  p += 11;
  const event = plain(line, p);
  const kind = event === undefined ? undefined : kindCodes.get(event);
  if (kind === undefined) return false;
  p += event!.length;
  if (!line.startsWith('","member":"', p)) return false;
  p += 12;
  const member = idAt(line, p);
  if (member === undefined) return false;
  p += member.length + 1;
  let incarnation = NO_INCARNATION;
  if (line.startsWith(',"incarnation":', p)) {
    p += 15;
    let end = p;
    while (end < line.length && line.charCodeAt(end) >= 48 && line.charCodeAt(end) <= 57) end++;
    incarnation = uint(line, p, end);
    if (incarnation < 0 || incarnation >= NO_INCARNATION) return false;
    p = end;
  }
  let reason: string | undefined;
  if (line.startsWith(',"reason":"', p)) {
    p += 11;
    reason = plain(line, p);
    if (reason === undefined) return false;
    p += reason.length + 1;
    // Control characters must be escaped in JSON: a raw one makes the line invalid, which the slow path reports.
    for (let i = 0; i < reason.length; i++) if (reason.charCodeAt(i) < 32 || reason.charCodeAt(i) === BACKSLASH) return false;
  }
  if (p !== line.length - 1 || line.charCodeAt(p) !== 125 /* } */) return false;
  out.ts = ts;
  out.node = node;
  out.kind = kind;
  out.member = member;
  out.incarnation = incarnation;
  out.reason = reason;
  return true;
}
