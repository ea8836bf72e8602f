// Validates one line of a recording: a node log line (node-runtime/protocol/events.ts, docs/log-format.md) or a host
// action line (actions.jsonl, HostActionRecord). Hand-written rather than valibot because it runs once per line on
// a million lines; it accepts a subset of node-runtime/log/read-log.ts's LogEventSchema (ids must be well-formed,
// incarnations non-negative integers), which parse-record.test.ts checks property-wise.
// Failures return a reason string instead of throwing or allocating: a bad line is counted, never fatal.
import { isEventKind } from '../../../node-runtime/protocol/events.ts';
import type { MembershipEvent } from '../../../node-runtime/protocol/events.ts';
import { parseAddress, parseMemberId } from '../../../node-runtime/protocol/member-id.ts';
import { PROTOCOL_FAMILIES } from '../../../node-runtime/protocol/mode.ts';
import type { HostActionRecord } from '../../../electron/host/api.ts';

export type SkipReason =
  | 'torn-line' // a record cut off mid-write (node killed), at the end of a file or glued to the next record
  | 'not-json'
  | 'bad-field' // JSON, but a field missing or of the wrong type
  | 'unknown-event' // an `event` kind this version does not know
  | 'bad-id' // `node` or `member` is not host:port@version
  | 'unknown-action' // actions.jsonl: an action this version does not know
  | 'not-serf-log' // a Serf/Consul log file: a line that is neither a timestamped log line nor the agent's banner
  | 'too-long' // longer than MAX_LINE_BYTES (line-reader.ts): not a log line
  | 'too-many-samples' // stats.jsonl: past the samples a replay keeps (MAX_STATS_SAMPLES)
  | 'implausible-ts'; // a ts no recording can hold (isPlausibleTs): negative, past 2100, or far from the file's start

/** Latest ts a recording may hold: 2100-01-01 in epoch ms (simulated recordings count from 0, real ones from 1970). */
export const MAX_TS = 4_102_444_800_000;
/** How far a file's events may lie from its first: a month of recording is far more than any session. */
export const MAX_FILE_SPAN_MS = 30 * 24 * 3600 * 1000;

/** A ts that could have been written by a node: so a stray 1e308 cannot stretch the timeline to the end of time.
 *  `first`: the file's first plausible ts, or undefined for the first line. */
export function isPlausibleTs(ts: number, first: number | undefined): boolean {
  if (!(ts >= 0 && ts <= MAX_TS)) return false;
  return first === undefined || Math.abs(ts - first) <= MAX_FILE_SPAN_MS;
}

const ACTIONS: readonly string[] = ['kill', 'pause', 'resume', 'leave', 'restart', 'force-leave', 'add', 'set-drop', 'set-suspicion', 'set-protocol', 'partition', 'heal'];
/** Actions the host may take on the whole cluster at once, recorded with the address `*`. */
const CLUSTER_WIDE: readonly string[] = ['set-drop', 'set-suspicion', 'set-protocol', 'partition', 'heal'];
/** Incarnations are stored in a Uint32Array column; this value means "absent". */
export const NO_INCARNATION = 0xffffffff;

/** Ids repeat on every line; remember the valid ones so the id regex runs once per id, not once per line. */
const validIds = new Set<string>();

export function isMemberId(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (validIds.has(value)) return true;
  if (parseMemberId(value) === undefined) return false;
  validIds.add(value);
  return true;
}

function isObject(json: unknown): json is Record<string, unknown> {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

/** The parsed JSON itself when it is a valid event (extra fields are ignored, not copied). */
export function checkEvent(json: unknown): MembershipEvent | SkipReason {
  if (!isObject(json)) return 'bad-field';
  const { ts, node, event, member, incarnation, reason, via } = json;
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return 'bad-field';
  if (typeof event !== 'string') return 'bad-field';
  if (typeof node !== 'string' || typeof member !== 'string') return 'bad-field';
  if (incarnation !== undefined &&
    (typeof incarnation !== 'number' || !Number.isInteger(incarnation) || incarnation < 0 || incarnation >= NO_INCARNATION)) {
    return 'bad-field';
  }
  if (reason !== undefined && typeof reason !== 'string') return 'bad-field';
  if (via !== undefined && typeof via !== 'string') return 'bad-field';
  if (!isEventKind(event)) return 'unknown-event';
  if (!isMemberId(node) || !isMemberId(member) || (via !== undefined && !isMemberId(via))) return 'bad-id';
  return json as unknown as MembershipEvent;
}

export function checkAction(json: unknown): HostActionRecord | SkipReason {
  if (!isObject(json)) return 'bad-field';
  const { ts, action, address, member, value, side, protocol } = json;
  if (typeof ts !== 'number' || !Number.isFinite(ts) || typeof action !== 'string' || typeof address !== 'string') {
    return 'bad-field';
  }
  if (!isPlausibleTs(ts, undefined)) return 'implausible-ts';
  if (value !== undefined && typeof value !== 'number' && typeof value !== 'boolean') return 'bad-field';
  if (protocol !== undefined && !(PROTOCOL_FAMILIES as readonly unknown[]).includes(protocol)) return 'bad-field';
  if (side !== undefined && !(Array.isArray(side) && side.every((a) => typeof a === 'string' && parseAddress(a) !== undefined))) return 'bad-field';
  if (!ACTIONS.includes(action)) return 'unknown-action';
  const everyNode = address === '*' && CLUSTER_WIDE.includes(action);
  if ((!everyNode && parseAddress(address) === undefined) || (member !== undefined && !isMemberId(member))) return 'bad-id';
  return json as unknown as HostActionRecord;
}

/**
 * Parses one line with `check`. A node killed mid-write and restarted appends its next record straight after the torn
 * one, on the same line; so when the line is not JSON, the record starting at a later `{"ts":` is recovered and the
 * torn prefix reported. `terminated` is false for a file's last line when it has no newline.
 */
export function parseLine<T>(
  line: string,
  terminated: boolean,
  check: (json: unknown) => T | SkipReason,
  onTornPrefix: () => void,
): T | SkipReason {
  try {
    return check(JSON.parse(line));
  } catch {
    const glued = line.indexOf('{"ts":', 1);
    if (glued > 0) {
      try {
        const recovered = check(JSON.parse(line.slice(glued)));
        onTornPrefix();
        return recovered;
      } catch {
        // fall through: the whole line is bad
      }
    }
    return terminated ? 'not-json' : 'torn-line';
  }
}

/** sides.jsonl: which side of a pair a node slot was on. */
export interface SideRecord {
  readonly address: string;
  readonly group: 0 | 1;
}

export function checkSide(json: unknown): SideRecord | SkipReason {
  if (!isObject(json)) return 'bad-field';
  const { address, group } = json;
  if (group !== 0 && group !== 1) return 'bad-field';
  if (typeof address !== 'string' || parseAddress(address) === undefined) return 'bad-id';
  return { address, group };
}

/** Bytes per second no loopback node sends or takes: a larger figure is not a sample but a broken line. */
export const MAX_BYTES_PER_SEC = 1e10;

/** stats.jsonl: one node's bandwidth as the host last had it (bytes per second). */
export interface StatsRecord {
  readonly ts: number;
  readonly address: string;
  readonly in: number;
  readonly out: number;
}

export function checkStats(json: unknown): StatsRecord | SkipReason {
  if (!isObject(json)) return 'bad-field';
  const { ts, address, in: bytesIn, out } = json;
  const rate = (x: unknown): x is number => typeof x === 'number' && x >= 0 && x <= MAX_BYTES_PER_SEC;
  if (typeof ts !== 'number' || !rate(bytesIn) || !rate(out)) return 'bad-field';
  if (!isPlausibleTs(ts, undefined)) return 'implausible-ts';
  if (typeof address !== 'string' || parseAddress(address) === undefined) return 'bad-id';
  return { ts, address, in: bytesIn, out };
}
