// The wire format of gossip datagrams (docs/protocol.md has the byte layout). Hand-rolled binary: hosts are interned
// per packet (an IPv4 host as its 4 bytes) and counters are varints, so a 10-member list is ~150 bytes and a ping ~30
// (SWIM sends one ping and one ack per member and probe period: their size is ping mode's bandwidth). The decoder checks every field and bound
// and reports a malformed packet as a value; it never throws.
import type { MemberStatus } from './events.ts';
import type { Address, MemberId } from './member-id.ts';
import { formatAddress, parseAddress } from './member-id.ts';
import { wireIds } from './wire-ids.ts';

export const WIRE_MAGIC = 0x48; // 'H'
export const WIRE_VERSION = 2;
export const MAX_HOSTS = 256;
export const MAX_ENTRIES = 4096;
/** Largest UDP payload over IPv4. */
export const MAX_DATAGRAM_BYTES = 65_507;
/** The type byte: the message type in the low 4 bits, the mode's flags above. */
const FLAG_SUSPICION = 0x10;
const FLAG_PING = 0x20;
const TYPE_MASK = 0x0f;
/** An entry's tag: host index × 8 + this bit (a suspicion that names its suspecter) + the status code. */
const TAG_SUSPECTER = 4;
/** A host-table length byte with this bit: an IPv4 host as its 4 bytes (5 bytes instead of up to 16). */
const HOST_IPV4 = 0x80;
const IPV4_BYTES = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
/** Probe sequence numbers wrap at 2^32. */
export const MAX_SEQ = 0xffffffff;

/** A member as it travels: the id and the parts it is made of (the encoder writes the parts). */
export interface WireMember {
  readonly id: MemberId;
  readonly host: string;
  readonly port: number;
  readonly version: number;
}

export interface WireEntry extends WireMember {
  readonly heartbeat: number;
  readonly incarnation: number;
  readonly status: MemberStatus;
  /** A suspicion names the member whose probe raised it (Lifeguard counts confirmations by distinct suspecters,
   *  not by who relayed the news); absent for other statuses. */
  readonly suspecter?: Address;
}

/** Which failure detector runs: gossip-style heartbeating, or SWIM probes with Lifeguard (mode.ts). */
export type ProtocolFamily = 'gossip' | 'ping';

/** The cluster-wide protocol mode: a higher (epoch, tie) wins (mode.ts). `enabled` is suspicion on. */
export interface WireMode {
  readonly family: ProtocolFamily;
  readonly enabled: boolean;
  readonly epoch: number;
  readonly tie: number;
}

/** Wire type = index + 1. A failed-notice is "the group declared you failed", the answer to gossip from a member the
 *  receiver holds as failed (failure.ts); ping, ack, ping-req and nack are SWIM's (probe.ts): a direct probe, its
 *  answer, a probe asked of a helper, and the helper's "no answer yet" (Lifeguard). */
export const MESSAGE_KINDS = ['gossip', 'failed-notice', 'ping', 'ack', 'ping-req', 'nack'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
/** The message types that carry a probe sequence number; ping and ping-req also name their target. */
const PROBE_KINDS: ReadonlySet<MessageKind> = new Set(['ping', 'ack', 'ping-req', 'nack']);

/** What a probe message carries besides the piggybacked entries. */
export interface ProbeFields {
  readonly seq: number;
  /** ping-req: the member to probe. */
  readonly target?: WireMember;
  /** ping: the receiver's version (the receiver is the target: its address is the datagram's), so a stale ping to a
   *  restarted address is told apart. */
  readonly targetVersion?: number;
}

export interface GossipMessage {
  readonly kind: MessageKind;
  readonly sender: WireMember;
  readonly mode: WireMode;
  readonly entries: readonly WireEntry[];
  readonly probe?: ProbeFields;
}

export type DecodeResult = { readonly ok: true; readonly msg: GossipMessage } | { readonly ok: false; readonly reason: string };

const STATUS_CODES: readonly MemberStatus[] = ['alive', 'suspect', 'failed', 'left'];
const STATUS_CODE: Record<MemberStatus, number> = { alive: 0, suspect: 1, failed: 2, left: 3 };

/** 7 bits per byte: compared, not divided, as packing sizes every entry of every round. */
export function varintSize(value: number): number {
  let size = 1;
  for (let limit = 128; value >= limit && size < 8; limit *= 128) size++;
  return size;
}

function entrySize(hostIndex: number, e: WireEntry): number {
  return varintSize(hostIndex * 8 + 7) + 2 + varintSize(e.version) + varintSize(e.heartbeat) + varintSize(e.incarnation);
}

/** The 4 bytes of a canonical dotted quad (each part 0..255 without leading zeros: it must decode to the same
 *  string), else undefined. */
function ipv4Bytes(host: string): readonly number[] | undefined {
  let parts = IPV4_PARSED.get(host);
  if (parts === undefined) {
    // Cached: every datagram built names its sender's host, and a packet the hosts of what it carries.
    const m = IPV4_BYTES.exec(host);
    const quad = m?.slice(1).map(Number);
    parts = quad !== undefined && quad.every((p, i) => p <= 255 && String(p) === m![i + 1]) ? quad : null;
    if (IPV4_PARSED.size >= MAX_PARSED_HOSTS) IPV4_PARSED.clear();
    IPV4_PARSED.set(host, parts);
  }
  return parts ?? undefined;
}

/** Hosts held parsed, before starting over: a process sends to a few (its group's), a hostile packet names at most
 *  MAX_HOSTS, so this only bounds what strings a peer could make it hold. */
const MAX_PARSED_HOSTS = 256;
const IPV4_PARSED = new Map<string, readonly number[] | null>();

/** The suspecter a suspect entry names, parsed; undefined for any other status or none. */
function suspecterOf(e: WireEntry): { host: string; port: number } | undefined {
  return e.status === 'suspect' && e.suspecter !== undefined ? parseAddress(e.suspecter) : undefined;
}

/** Builds one datagram entry by entry, refusing an entry that would take it past `maxBytes`. */
export class PacketBuilder {
  /** The host table, a host's index its place: an array, not a Map — a datagram names one host or a few, and the
   *  core builds one per datagram. */
  private readonly hosts: string[] = [];
  private readonly entries: WireEntry[] = [];
  private size: number;

  constructor(
    private readonly sender: WireMember,
    private readonly mode: WireMode,
    private readonly maxBytes: number,
    private readonly kind: MessageKind = 'gossip',
    private readonly probe?: ProbeFields,
  ) {
    // magic, version, type with flags, epoch, tie; host and entry counts at their widest (2 bytes each); the sender.
    this.size = 3 + varintSize(mode.epoch) + varintSize(mode.tie) + 2 + 2;
    this.size += this.hostCost(sender.host) + varintSize(this.hostIndex(sender.host)) + 2 + varintSize(sender.version);
    if (PROBE_KINDS.has(kind) !== (probe !== undefined) || (kind === 'ping-req') !== (probe?.target !== undefined)
      || (kind === 'ping') !== (probe?.targetVersion !== undefined)) {
      throw new Error(`a ${kind} message ${PROBE_KINDS.has(kind) ? 'needs' : 'takes no'} probe fields`);
    }
    if (probe !== undefined) {
      this.size += varintSize(probe.seq);
      const t = probe.target;
      if (t !== undefined) this.size += this.hostCost(t.host) + varintSize(this.hostIndex(t.host)) + 2 + varintSize(t.version);
      if (probe.targetVersion !== undefined) this.size += varintSize(probe.targetVersion);
    }
  }

  get length(): number {
    return this.entries.length;
  }

  /** The entries added so far, in order (what encode() writes). */
  get carried(): readonly WireEntry[] {
    return this.entries;
  }

  /** The encoded size so far, counts at their widest: never below what encode() returns. */
  get bytes(): number {
    return this.size;
  }

  /** Adds the entry if it fits; false when it does not (the packet is then unchanged). */
  add(e: WireEntry): boolean {
    const hostCost = this.hostCost(e.host);
    const index = this.indexOf(e.host) ?? this.hosts.length;
    let cost = hostCost + entrySize(index, e);
    const by = suspecterOf(e);
    let byIndex = 0;
    if (by !== undefined) {
      byIndex = by.host === e.host ? index : (this.indexOf(by.host) ?? this.hosts.length + (hostCost > 0 ? 1 : 0));
      cost += (by.host === e.host ? 0 : this.hostCost(by.host)) + varintSize(byIndex) + 2;
    }
    if (this.size + cost > this.maxBytes || this.entries.length >= MAX_ENTRIES || Math.max(index, byIndex) >= MAX_HOSTS) return false;
    this.hostIndex(e.host);
    if (by !== undefined) this.hostIndex(by.host);
    this.size += cost;
    this.entries.push(e);
    return true;
  }

  encode(): Uint8Array {
    const w = new Writer(this.size);
    w.byte(WIRE_MAGIC);
    w.byte(WIRE_VERSION);
    w.byte((MESSAGE_KINDS.indexOf(this.kind) + 1) | (this.mode.enabled ? FLAG_SUSPICION : 0) | (this.mode.family === 'ping' ? FLAG_PING : 0));
    w.varint(this.mode.epoch);
    w.varint(this.mode.tie);
    w.varint(this.hosts.length);
    for (const host of this.hosts) {
      const ipv4 = ipv4Bytes(host);
      if (ipv4 !== undefined) {
        w.byte(HOST_IPV4 | 4);
        for (const b of ipv4) w.byte(b);
        continue;
      }
      w.byte(host.length);
      for (let i = 0; i < host.length; i++) w.byte(host.charCodeAt(i));
    }
    w.varint(this.indexOf(this.sender.host)!);
    w.u16(this.sender.port);
    w.varint(this.sender.version);
    if (this.probe !== undefined) {
      w.varint(this.probe.seq);
      const t = this.probe.target;
      if (t !== undefined) {
        w.varint(this.indexOf(t.host)!);
        w.u16(t.port);
        w.varint(t.version);
      }
      if (this.probe.targetVersion !== undefined) w.varint(this.probe.targetVersion);
    }
    w.varint(this.entries.length);
    for (const e of this.entries) {
      const by = suspecterOf(e);
      w.varint(this.indexOf(e.host)! * 8 + (by !== undefined ? TAG_SUSPECTER : 0) + STATUS_CODE[e.status]);
      w.u16(e.port);
      w.varint(e.version);
      w.varint(e.heartbeat);
      w.varint(e.incarnation);
      if (by !== undefined) {
        w.varint(this.indexOf(by.host)!);
        w.u16(by.port);
      }
    }
    return w.done();
  }

  private hostCost(host: string): number {
    return this.hosts.includes(host) ? 0 : ipv4Bytes(host) !== undefined ? 5 : 1 + host.length;
  }

  private hostIndex(host: string): number {
    let index = this.indexOf(host);
    if (index === undefined) {
      index = this.hosts.length;
      this.hosts.push(host);
    }
    return index;
  }

  private indexOf(host: string): number | undefined {
    const i = this.hosts.indexOf(host);
    return i < 0 ? undefined : i;
  }
}

/** Encodes a whole message (tests and tools; the core packs with PacketBuilder). Throws if it exceeds a datagram. */
export function encodeGossip(msg: GossipMessage): Uint8Array {
  const b = new PacketBuilder(msg.sender, msg.mode, MAX_DATAGRAM_BYTES, msg.kind, msg.probe);
  for (const e of msg.entries) {
    if (!b.add(e)) throw new Error(`gossip message of ${msg.entries.length} entries does not fit in one datagram`);
  }
  return b.encode();
}

class Writer {
  private buf: Uint8Array;
  private at = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  byte(b: number): void {
    if (this.at === this.buf.length) {
      const grown = new Uint8Array(this.buf.length * 2 + 16);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.at++] = b;
  }

  u16(v: number): void {
    this.byte(v >>> 8);
    this.byte(v & 0xff);
  }

  varint(v: number): void {
    while (v >= 128) {
      this.byte((v % 128) | 128);
      v = Math.floor(v / 128);
    }
    this.byte(v);
  }

  done(): Uint8Array {
    return this.at === this.buf.length ? this.buf : this.buf.slice(0, this.at);
  }
}

class Malformed extends Error {}

class Reader {
  at = 0;
  constructor(private readonly buf: Uint8Array) {}

  byte(what: string): number {
    const b = this.buf[this.at];
    if (b === undefined) throw new Malformed(`truncated at ${what}`);
    this.at++;
    return b;
  }

  u16(what: string): number {
    return this.byte(what) * 256 + this.byte(what);
  }

  /** Up to 8 bytes (56 bits), and never above Number.MAX_SAFE_INTEGER. */
  varint(what: string): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte(what);
      value += (b & 0x7f) * scale;
      if (b < 128) {
        if (!Number.isSafeInteger(value)) throw new Malformed(`${what} out of range`);
        return value;
      }
      scale *= 128;
    }
    throw new Malformed(`${what} varint too long`);
  }

  bounded(what: string, max: number): number {
    const v = this.varint(what);
    if (v > max) throw new Malformed(`${what} ${v} exceeds ${max}`);
    return v;
  }

  get remaining(): number {
    return this.buf.length - this.at;
  }
}

/** The table's host for a member at `port`. The host was checked once in the table, the port is a u16 and the
 *  version a safe integer: the id built from them is canonical. */
function hostOf(hosts: readonly string[], hostIndex: number, port: number): string {
  const host = hosts[hostIndex];
  if (host === undefined) throw new Malformed(`host index ${hostIndex} out of table`);
  if (port === 0) throw new Malformed('port 0');
  return host;
}

export function decodeGossip(bytes: Uint8Array): DecodeResult {
  try {
    return { ok: true, msg: read(new Reader(bytes), bytes.length) };
  } catch (err) {
    // Malformed is the expected path; anything else would be a decoder bug, reported (never thrown) all the same.
    return { ok: false, reason: err instanceof Malformed ? err.message : `internal: ${String(err)}` };
  }
}

function read(r: Reader, length: number): GossipMessage {
  if (length > MAX_DATAGRAM_BYTES) throw new Malformed(`${length} bytes exceeds a datagram`);
  if (r.byte('magic') !== WIRE_MAGIC) throw new Malformed('bad magic');
  const version = r.byte('version');
  if (version !== WIRE_VERSION) throw new Malformed(`unsupported wire version ${version}`);
  const type = r.byte('type');
  const kind = MESSAGE_KINDS[(type & TYPE_MASK) - 1];
  if (kind === undefined) throw new Malformed(`unknown message type ${type & TYPE_MASK}`);
  const flags = type & ~TYPE_MASK;
  if ((flags & ~(FLAG_SUSPICION | FLAG_PING)) !== 0) throw new Malformed(`unknown flags ${flags}`);
  const mode: WireMode = {
    family: (flags & FLAG_PING) !== 0 ? 'ping' : 'gossip',
    enabled: (flags & FLAG_SUSPICION) !== 0,
    epoch: r.varint('epoch'),
    tie: r.bounded('tie', 0xffffffff),
  };
  const hostCount = r.bounded('host count', MAX_HOSTS);
  if (hostCount === 0) throw new Malformed('empty host table');
  const hosts: string[] = [];
  for (let i = 0; i < hostCount; i++) {
    const len = r.byte('host length');
    if (len === 0) throw new Malformed('empty host');
    let host = '';
    if (len === (HOST_IPV4 | 4)) {
      host = `${r.byte('host')}.${r.byte('host')}.${r.byte('host')}.${r.byte('host')}`;
    } else {
      for (let j = 0; j < len; j++) {
        const c = r.byte('host');
        if (c >= 128) throw new Malformed('non-ASCII host');
        host += String.fromCharCode(c);
      }
    }
    if (hosts.includes(host)) throw new Malformed(`host ${JSON.stringify(host)} twice in the table`);
    if (!wireIds.validHost(host)) throw new Malformed(`invalid host ${JSON.stringify(host)}`);
    hosts.push(host);
  }
  const senderHostIndex = r.varint('sender host');
  const senderPort = r.u16('sender port');
  const senderVersion = r.varint('sender version');
  const senderHost = hostOf(hosts, senderHostIndex, senderPort);
  const sender: WireMember = { id: wireIds.id(senderHost, senderPort, senderVersion), host: senderHost, port: senderPort, version: senderVersion };
  let probe: ProbeFields | undefined;
  if (PROBE_KINDS.has(kind)) {
    const seq = r.bounded('seq', MAX_SEQ);
    if (kind === 'ping') {
      probe = { seq, targetVersion: r.varint('target version') };
    } else if (kind === 'ping-req') {
      const targetHostIndex = r.varint('target host');
      const targetPort = r.u16('target port');
      const targetVersion = r.varint('target version');
      const host = hostOf(hosts, targetHostIndex, targetPort);
      probe = { seq, target: { id: wireIds.id(host, targetPort, targetVersion), host, port: targetPort, version: targetVersion } };
    } else {
      probe = { seq };
    }
  }
  const count = r.bounded('entry count', MAX_ENTRIES);
  // Each entry takes at least 5 bytes: refuse a count the rest of the packet cannot hold before allocating for it.
  if (count * 5 > r.remaining) throw new Malformed(`entry count ${count} exceeds the packet`);
  const entries: WireEntry[] = [];
  for (let i = 0; i < count; i++) {
    const tag = r.varint('entry tag');
    const port = r.u16('port');
    const version = r.varint('version');
    const host = hostOf(hosts, Math.floor(tag / 8), port);
    const heartbeat = r.varint('heartbeat');
    const incarnation = r.varint('incarnation');
    const status = STATUS_CODES[tag % 4]!;
    // One object per entry, its id built once per process (wire-ids.ts).
    const entry = { id: wireIds.id(host, port, version), host, port, version, heartbeat, incarnation, status };
    if ((tag & TAG_SUSPECTER) === 0) {
      entries.push(entry);
      continue;
    }
    if (status !== 'suspect') throw new Malformed(`a ${status} entry names a suspecter`);
    const byIndex = r.varint('suspecter host');
    const byPort = r.u16('suspecter port');
    entries.push({ ...entry, suspecter: formatAddress(hostOf(hosts, byIndex, byPort), byPort) });
  }
  if (r.remaining !== 0) throw new Malformed(`${r.remaining} trailing bytes`);
  return probe === undefined ? { kind, sender, mode, entries } : { kind, sender, mode, entries, probe };
}
