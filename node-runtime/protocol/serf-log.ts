// Serf and Consul agents as observers (ARCHITECTURE.md §5 "Peers as sources"): how a memberlist member becomes a
// hearsay member id, and how one line of an agent's log (its stdout, or the RPC `monitor` stream) reads as a change
// of that agent's membership list. Pure and shared: the host uses it on the live monitor stream, replay on log files.
import type { EventKind } from './events.ts';
import { formatMemberId } from './member-id.ts';
import type { SerfProfile } from './serf-bounds.ts';
import type { MemberId } from './member-id.ts';

/** Serf's default gossip port: the port of a member whose own log (and so its bind address) is not at hand. */
export const SERF_DEFAULT_PORT = 7946;
/** Serf allows any node name; longer ones (or ones with spaces or control characters) are not taken from the wire. */
export const SERF_NAME = /^[\x21-\x7e]{1,128}$/;

/**
 * A Serf member has no run version, but a restarted agent normally gets a fresh node name (the app and the CLI give
 * one), so the version is a hash of the name: `ip:port@fnv1a32(name)`. It is the same id live and in replay, and a
 * restart at the same address is a new member, as it is for hearsay's own fail-stop ids.
 */
export function serfMemberId(ip: string, port: number, name: string): MemberId {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return formatMemberId(ip, port, h);
}

export type SerfLogLine =
  /** A membership change in this agent's list (`ip` only on serf's Event lines). */
  | { readonly type: 'member'; readonly ts: number; readonly event: EventKind; readonly name: string; readonly ip?: string; readonly reason: string }
  /** The agent's own header (`Node name: 'x'`, `Bind addr: 'ip:port'`), printed before its timestamped lines. */
  | { readonly type: 'node-name'; readonly name: string }
  | { readonly type: 'bind-addr'; readonly ip: string; readonly port: number }
  | { readonly type: 'profile'; readonly profile: SerfProfile }
  /** The agent stopped (`agent: shutdown complete`). */
  | { readonly type: 'shutdown'; readonly ts: number }
  /** A well-formed log line that says nothing about membership (most of them). */
  | { readonly type: 'other' };

// Go's log package (`2026/11/29 23:06:01` or with `.000000`; serf, old consul) or hclog (`2021-06-08T10:11:12.345Z`,
// or `+0200`; newer consul). Go's format carries no zone: it is read as UTC.
const GO_TS = /^\s*(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? +\[([A-Z]+)\] +(.*)$/;
const ISO_TS = /^\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d))\s+\[([A-Z]+)\]\s+(.*)$/;
const IP = '(\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9A-Fa-f:]{2,39})';
const NAME = '(\\S{1,128})';
const SERF_EVENT = new RegExp(`(?:^|\\s)serf: EventMember(Join|Leave|Failed|Update|Reap): ${NAME} ${IP}\\s*$`);
const SUSPECT = new RegExp(`(?:^|\\s)memberlist: Suspect ${NAME} has failed`);
const MARKING_FAILED = new RegExp(`(?:^|\\s)memberlist: Marking ${NAME} as failed`);
const NODE_NAME = /^\s*Node name: '(.{1,128})'\s*$/;
const BIND_ADDR = /^\s*Bind addr: '\[?([0-9A-Za-z.:]{2,45}?)\]?:(\d{1,5})'\s*$/;
const PROFILE = /^\s*Profile: (lan|wan|local)\s*$/;

const SERF_EVENTS: Record<string, EventKind> = {
  Join: 'join', Leave: 'leave', Failed: 'fail', Update: 'alive', Reap: 'remove',
};

/** Epoch ms of a log line's timestamp, or NaN when it is not a plausible time (year 2000 – 2200). */
function lineTime(m: RegExpExecArray): number {
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(((frac ?? '') + '000').slice(0, 3)));
  return Number(mo) <= 12 && Number(d) <= 31 && Number(h) < 24 && Number(mi) < 60 && Number(s) < 61 ? ms : NaN;
}

const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_TS = Date.UTC(2200, 0, 1);

/** What one line of a Serf/Consul agent log says, or undefined when it is not a line such a log holds. */
export function parseSerfLogLine(line: string): SerfLogLine | undefined {
  let ts: number;
  let text: string;
  const go = GO_TS.exec(line);
  if (go) {
    ts = lineTime(go);
    text = go[9]!;
  } else {
    const iso = ISO_TS.exec(line);
    if (!iso) return parseHeader(line);
    ts = Date.parse(iso[1]!);
    text = iso[3]!;
  }
  if (!(ts >= MIN_TS && ts < MAX_TS)) return undefined;
  let m = SERF_EVENT.exec(text);
  if (m) return member(ts, SERF_EVENTS[m[1]!]!, m[2]!, `serf-${m[1]!.toLowerCase()}`, m[3]);
  if ((m = SUSPECT.exec(text))) return member(ts, 'suspect', m[1]!, 'no-ack');
  if ((m = MARKING_FAILED.exec(text))) return member(ts, 'fail', m[1]!, 'suspect-timeout');
  if (/(?:^|\s)agent: shutdown complete\s*$/.test(text)) return { type: 'shutdown', ts };
  return { type: 'other' };
}

function member(ts: number, event: EventKind, name: string, reason: string, ip?: string): SerfLogLine | undefined {
  if (!SERF_NAME.test(name)) return undefined;
  return ip === undefined ? { type: 'member', ts, event, name, reason } : { type: 'member', ts, event, name, ip, reason };
}

/** Lines before the timestamped part: the agent's banner. Only its name and bind address matter. */
function parseHeader(line: string): SerfLogLine | undefined {
  const name = NODE_NAME.exec(line);
  if (name) return SERF_NAME.test(name[1]!) ? { type: 'node-name', name: name[1]! } : undefined;
  const bind = BIND_ADDR.exec(line);
  if (bind) {
    const port = Number(bind[2]);
    return port >= 1 && port <= 65535 ? { type: 'bind-addr', ip: bind[1]!, port } : undefined;
  }
  const profile = PROFILE.exec(line);
  if (profile) return { type: 'profile', profile: profile[1] as SerfProfile };
  // The banner's other lines (`==> Starting Serf agent...`, `Encrypted: false`, the join summary) and blank lines.
  return /^\s*$|^==> |^\s+[A-Za-z][A-Za-z ]{1,40}: |^\s+Join completed/.test(line) ? { type: 'other' } : undefined;
}
