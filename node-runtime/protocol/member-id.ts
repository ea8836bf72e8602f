// A member id names one run of one process: `host:port@version`. The version is fresh at every process start, so a
// restarted process is a new member and its old id goes through fail/remove like any crashed one (fail-stop).

export type MemberId = string;
/** `host:port`, where a member receives UDP gossip and serves TCP (join, control, grep). */
export type Address = string;

export interface ParsedMemberId {
  readonly host: string;
  readonly port: number;
  readonly version: number;
}

const ID_PATTERN = /^([A-Za-z0-9.\-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):(\d{1,5})@(\d{1,16})$/;
/** The longest string ID_PATTERN can match (a 253-character host, `:`, 5 digits, `@`, 16 digits): a schema's bound
 *  on an id's shape, before the core parses it. */
export const MAX_MEMBER_ID_LENGTH = 253 + 1 + 5 + 1 + 16;

export function formatMemberId(host: string, port: number, version: number): MemberId {
  return `${formatAddress(host, port)}@${version}`;
}

export function formatAddress(host: string, port: number): Address {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Returns undefined for anything that is not a well-formed id (ids arrive from the network). */
export function parseMemberId(id: string): ParsedMemberId | undefined {
  const m = ID_PATTERN.exec(id);
  if (!m) return undefined;
  const port = Number(m[2]);
  const version = Number(m[3]);
  if (port < 1 || port > 65535 || !Number.isSafeInteger(version)) return undefined;
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port, version };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 dotted quad or an IPv6 literal: hosts on the wire are never names, so no datagram makes a member resolve
 *  a name its sender picked (issue 9). */
export function isIpLiteral(host: string): boolean {
  return IPV4.test(host) || (host.includes(':') && /^[0-9A-Fa-f:.]{2,45}$/.test(host));
}

export function addressOf(id: MemberId): Address {
  const at = id.lastIndexOf('@');
  return at < 0 ? id : id.slice(0, at);
}

/** Parses `host:port`; undefined when malformed. */
export function parseAddress(address: string): { host: string; port: number } | undefined {
  const parsed = parseMemberId(`${address}@0`);
  return parsed && { host: parsed.host, port: parsed.port };
}
