// Reads a log line straight from its bytes when it is exactly as the node writes it (formatLogLine: fields in order,
// integer ts and incarnation, no escapes, ASCII ids): no UTF-8 decode, no line string, no object, and each id is
// looked up by its bytes in a small cache instead of being made into a string again. On a million lines this roughly
// halves load time (docs/replay.md). Any other line returns false and takes the general path (decode, JSON.parse,
// checkEvent), which also names what is wrong with it; both paths agree on every line this one accepts
// (scan-line.test.ts).
import { EVENT_KINDS } from '../../../node-runtime/protocol/events.ts';
import { isMemberId, NO_INCARNATION } from './parse-record.ts';

export interface ScannedEvent {
  ts: number;
  node: string;
  /** Index into EVENT_KINDS. */
  kind: number;
  member: string;
  /** NO_INCARNATION when absent. */
  incarnation: number;
  reason: string | undefined;
  /** Who told the observer (docs/log-format.md); undefined when the line has none. */
  via: string | undefined;
}

const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);
const TS = bytesOf('{"ts":');
const NODE = bytesOf(',"node":"');
const EVENT = bytesOf('","event":"');
const MEMBER = bytesOf('","member":"');
const INCARNATION = bytesOf(',"incarnation":');
const REASON = bytesOf(',"reason":"');
const VIA = bytesOf(',"via":"');
const KINDS = EVENT_KINDS.map(bytesOf);
/** Kind index by (length << 8 | first byte): the eight kinds differ in those, so one lookup picks the candidate. */
const KIND_BY_SHAPE: Record<number, number> = Object.fromEntries(KINDS.map((k, i) => [(k.length << 8) | k[0]!, i]));
const QUOTE = 34;
const BACKSLASH = 92;
const CACHE_SIZE = 4096;

function at(buf: Uint8Array, p: number, literal: Uint8Array): boolean {
  if (p + literal.length > buf.length) return false;
  for (let k = 0; k < literal.length; k++) if (buf[p + k] !== literal[k]) return false;
  return true;
}

/** A JSON non-negative integer (no sign, no leading zero, ≤ 15 digits so it is exact) in buf[from, to); else -1. */
function uint(buf: Uint8Array, from: number, to: number): number {
  if (to <= from || to - from > 15 || (buf[from] === 48 && to - from > 1)) return -1;
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + buf[i]! - 48;
  return n;
}

function digitsEnd(buf: Uint8Array, p: number, end: number): number {
  while (p < end && buf[p]! >= 48 && buf[p]! <= 57) p++;
  return p;
}

/** Strings (ids, reasons) by their bytes: FNV-1a hash, direct-mapped, verified byte for byte. */
class StringCache {
  private readonly keys: (Uint8Array | undefined)[] = new Array(CACHE_SIZE);
  private readonly values: string[] = new Array(CACHE_SIZE);

  /** The string for plain ASCII bytes buf[from, to) passing `accept`, or undefined. */
  get(buf: Uint8Array, from: number, to: number, accept: (s: string) => boolean): string | undefined {
    // Ids differ mostly in their last characters (port, version): hashing those and the length is enough, since a
    // hit is verified byte for byte anyway.
    let h = 0x811c9dc5 ^ (to - from);
    for (let i = Math.max(from, to - 12); i < to; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const slot = (h >>> 0) & (CACHE_SIZE - 1);
    const key = this.keys[slot];
    if (key !== undefined && key.length === to - from) {
      let same = true;
      for (let k = 0; k < key.length; k++) {
        if (key[k] !== buf[from + k]) {
          same = false;
          break;
        }
      }
      if (same) return this.values[slot];
    }
    let s = '';
    for (let i = from; i < to; i++) {
      const b = buf[i]!;
      // Escapes, control characters and non-ASCII take the general path.
      if (b < 32 || b > 126 || b === BACKSLASH) return undefined;
      s += String.fromCharCode(b);
    }
    if (!accept(s)) return undefined;
    this.keys[slot] = buf.slice(from, to);
    this.values[slot] = s;
    return s;
  }
}

const anyString = (): boolean => true;

export class LineScanner {
  private readonly ids = new StringCache();
  private readonly reasons = new StringCache();

  /** Fills `out` and returns true when buf[from, to) is a canonical, valid event line. */
  scan(buf: Uint8Array, from: number, to: number, out: ScannedEvent): boolean {
    if (!at(buf, from, TS)) return false;
    let p = from + TS.length;
    let q = digitsEnd(buf, p, to);
    const ts = uint(buf, p, q);
    if (ts < 0 || !at(buf, q, NODE)) return false;
    p = q + NODE.length;
    q = buf.indexOf(QUOTE, p);
    if (q < 0 || q >= to) return false;
    const node = this.ids.get(buf, p, q, isMemberId);
    if (node === undefined || !at(buf, q, EVENT)) return false;
    p = q + EVENT.length;
    q = buf.indexOf(QUOTE, p);
    if (q < 0 || q >= to) return false;
    const kind = KIND_BY_SHAPE[((q - p) << 8) | buf[p]!] ?? -1;
    if (kind < 0 || !at(buf, p, KINDS[kind]!) || !at(buf, q, MEMBER)) return false;
    p = q + MEMBER.length;
    q = buf.indexOf(QUOTE, p);
    if (q < 0 || q >= to) return false;
    const member = this.ids.get(buf, p, q, isMemberId);
    if (member === undefined) return false;
    p = q + 1;
    let incarnation = NO_INCARNATION;
    if (at(buf, p, INCARNATION)) {
      p += INCARNATION.length;
      q = digitsEnd(buf, p, to);
      incarnation = uint(buf, p, q);
      if (incarnation < 0 || incarnation >= NO_INCARNATION) return false;
      p = q;
    }
    let reason: string | undefined;
    if (at(buf, p, REASON)) {
      p += REASON.length;
      q = buf.indexOf(QUOTE, p);
      if (q < 0 || q >= to) return false;
      reason = this.reasons.get(buf, p, q, anyString);
      if (reason === undefined) return false;
      p = q + 1;
    }
    let via: string | undefined;
    if (at(buf, p, VIA)) {
      p += VIA.length;
      q = buf.indexOf(QUOTE, p);
      if (q < 0 || q >= to) return false;
      via = this.ids.get(buf, p, q, isMemberId);
      if (via === undefined) return false;
      p = q + 1;
    }
    if (p !== to - 1 || buf[p] !== 125 /* } */) return false;
    out.ts = ts;
    out.node = node;
    out.kind = kind;
    out.member = member;
    out.incarnation = incarnation;
    out.reason = reason;
    out.via = via;
    return true;
  }
}
