// The node's commands, in the course demo's words. One table serves stdin, `hearsay ctl` and the app's host (all
// through `runCommand`): each entry computes the JSON result (`ctl --json`, docs/control-channel.md — keep the
// shapes stable) and renders it for people.
import type { MembershipNode } from '../node/membership-node.ts';
import { formatSetting, SETTINGS } from '../protocol/config.ts';
import { addressOf, formatAddress, parseAddress, parseMemberId } from '../protocol/member-id.ts';
import { modeName, parseModeName } from '../protocol/mode.ts';
import type { ProtocolFamily } from '../protocol/mode.ts';
import { UserError } from '../user-error.ts';
import type { KeyringListing } from '../transport/keyring.ts';
import type { LimitHits } from '../protocol/plausibility.ts';
import type { Footprint } from '../protocol/core.ts';

export interface CommandSpec {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  run(node: MembershipNode, args: readonly string[]): unknown;
  /** Human rendering of a result (the result may come over the wire, hence `any`-free but loosely typed). */
  human(result: never): string;
}

export interface MemberJson {
  readonly id: string;
  readonly address: string;
  readonly status: string;
  readonly heartbeat: number;
  readonly incarnation: number;
}

export interface ListMemResult { readonly self: string; readonly members: MemberJson[] }
export interface ListSelfResult {
  readonly id: string; readonly address: string; readonly version: number; readonly incarnation: number;
  readonly introducer: string | null; readonly left: boolean; readonly pid: number;
}
export interface SuspicionResult { readonly enabled: boolean; readonly epoch: number }
export interface BandwidthResult {
  readonly bytesInPerSec: number; readonly bytesOutPerSec: number; readonly windowMs: number;
  readonly bytesIn: number; readonly bytesOut: number; readonly dropped: number; readonly malformed: number;
  readonly unauthenticated: number; readonly sendErrors: number; readonly logError: string | null; readonly logSuppressed: number;
  readonly blockedIn: number; readonly blockedOut: number; readonly limits: LimitHits;
}
export interface BlockedResult { readonly blocked: readonly string[] }
/** The process's memory (bytes, `process.memoryUsage()`; for an embedded node, its host's) and this node's
 *  structures keyed by member ids (entries). */
export interface MemoryResult {
  readonly rss: number; readonly heapTotal: number; readonly heapUsed: number; readonly external: number;
  readonly arrayBuffers: number; readonly collected: boolean; readonly footprint: Footprint;
}

/** More peers than any group here has: a bound on what one command may put on the block list. */
export const MAX_BLOCKED = 4096;

function parseAddresses(args: readonly string[]): string[] {
  if (args.length > MAX_BLOCKED) throw new UserError('usage', `partition takes at most ${MAX_BLOCKED} addresses`);
  return args.map((a) => {
    const parsed = parseAddress(a);
    if (parsed === undefined) throw new UserError('usage', `'${a}' is not a HOST:PORT address`);
    return formatAddress(parsed.host, parsed.port);
  });
}

function blockedHuman(r: BlockedResult): string {
  return r.blocked.length === 0 ? 'not partitioned: no peer blocked' : `cut off from ${r.blocked.length} peer(s): ${r.blocked.join(' ')}`;
}

export function memberJson(node: MembershipNode): MemberJson[] {
  return node.members().map((m) => ({
    id: m.id, address: addressOf(m.id), status: m.status, heartbeat: m.heartbeat, incarnation: m.incarnation,
  }));
}

function noArgs(name: string, args: readonly string[]): void {
  if (args.length > 0) throw new UserError('usage', `${name} takes no arguments`);
}

function parseRate(text: string | undefined): number {
  if (text === undefined) throw new UserError('usage', 'drop needs a RATE: 0..1 or a percentage, e.g. drop 0.1 or drop 10%');
  const pct = text.endsWith('%');
  const value = Number(pct ? text.slice(0, -1) : text) / (pct ? 100 : 1);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UserError('usage', `drop rate '${text}' is not within 0..1 (or 0%..100%)`);
  }
  return value;
}

function suspicionHuman(r: SuspicionResult): string {
  return `suspicion ${r.enabled ? 'on' : 'off'} (epoch ${r.epoch})`;
}

/** `switch` and `display_protocol`: the protocol in force, in the course's words (`ping+suspect`). */
export interface ProtocolResult { readonly protocol: string; readonly family: ProtocolFamily; readonly suspicion: boolean; readonly epoch: number }

function protocolOf(node: MembershipNode): ProtocolResult {
  const mode = node.mode();
  return { protocol: modeName(mode), ...mode };
}

function protocolHuman(r: ProtocolResult): string {
  return `protocol ${r.protocol} (epoch ${r.epoch})`;
}

function setSuspicion(node: MembershipNode, enabled: boolean): SuspicionResult {
  node.setSuspicion(enabled);
  return node.suspicion();
}

const pad = (s: string, n: number): string => s.padEnd(n);

const table: CommandSpec[] = [
  {
    name: 'list_mem', usage: 'list_mem', summary: 'the membership list as this node sees it',
    run: (node, args): ListMemResult => {
      noArgs('list_mem', args);
      return { self: node.id, members: memberJson(node) };
    },
    human: (r: ListMemResult) => {
      const width = Math.max(2, ...r.members.map((m) => m.id.length)) + 2;
      const rows = r.members.map((m) =>
        `${pad(m.id, width)}${pad(m.status + (m.id === r.self ? '*' : ''), 10)}${pad(String(m.heartbeat), 11)}${m.incarnation}`);
      return [`${pad('ID', width)}${pad('STATUS', 10)}${pad('HEARTBEAT', 11)}INCARNATION`, ...rows,
        `${r.members.length} member(s); * = this node`].join('\n');
    },
  },
  {
    name: 'list_self', usage: 'list_self', summary: "this node's id, address and version",
    run: (node, args): ListSelfResult => {
      noArgs('list_self', args);
      const self = node.members().find((m) => m.id === node.id);
      return {
        id: node.id, address: node.address, version: parseMemberId(node.id)?.version ?? 0,
        incarnation: self?.incarnation ?? 0, introducer: node.introducer ?? null, left: node.hasLeft(), pid: process.pid,
      };
    },
    human: (r: ListSelfResult) =>
      `${r.id} (incarnation ${r.incarnation}${r.left ? ', left' : ''}; ${r.introducer === null ? 'introducer' : `joined through ${r.introducer}`})`,
  },
  {
    name: 'join', usage: 'join', summary: 'join (again) through the introducer; after a leave, as a new version',
    run: async (node, args) => {
      noArgs('join', args);
      const { members } = await node.join();
      return { self: node.id, introducer: node.introducer ?? null, members };
    },
    human: (r: { self: string; introducer: string | null; members: number }) =>
      `${r.self} ${r.introducer === null ? 'restarted as introducer' : `joined through ${r.introducer}`}; ${r.members} member(s) known`,
  },
  {
    name: 'leave', usage: 'leave', summary: 'leave the group voluntarily (peers record leave, not fail)',
    run: async (node, args) => {
      noArgs('leave', args);
      await node.leave();
      return { self: node.id, left: true };
    },
    human: (r: { self: string }) => `${r.self} left the group (type join to come back as a new version)`,
  },
  {
    name: 'enable_sus', usage: 'enable_sus', summary: 'turn suspicion on, cluster-wide',
    run: (node, args) => { noArgs('enable_sus', args); return setSuspicion(node, true); },
    human: suspicionHuman,
  },
  {
    name: 'disable_sus', usage: 'disable_sus', summary: 'turn suspicion off, cluster-wide',
    run: (node, args) => { noArgs('disable_sus', args); return setSuspicion(node, false); },
    human: suspicionHuman,
  },
  {
    name: 'status_sus', usage: 'status_sus', summary: 'whether suspicion is on',
    run: (node, args): SuspicionResult => { noArgs('status_sus', args); return node.suspicion(); },
    human: suspicionHuman,
  },
  {
    name: 'switch', usage: 'switch gossip|ping suspect|nosuspect',
    summary: 'switch the whole group to heartbeat gossip or SWIM probes, with or without suspicion',
    run: (node, args): ProtocolResult => {
      const mode = args.length === 2 ? parseModeName(`${args[0]}+${args[1]}`) : undefined;
      if (mode === undefined) throw new UserError('usage', 'usage: switch gossip|ping suspect|nosuspect');
      node.setMode(mode);
      return protocolOf(node);
    },
    human: protocolHuman,
  },
  {
    name: 'display_suspects', usage: 'display_suspects', summary: 'members this node currently suspects',
    run: (node, args) => { noArgs('display_suspects', args); return { suspects: node.suspects() }; },
    human: (r: { suspects: string[] }) => (r.suspects.length === 0 ? 'no suspects' : r.suspects.join('\n')),
  },
  {
    name: 'display_protocol', usage: 'display_protocol', summary: 'the protocol in force, drop rate, local health and timings',
    run: (node, args) => {
      noArgs('display_protocol', args);
      return { ...protocolOf(node), health: node.health(), dropRate: node.dropRate(), config: node.config };
    },
    // In the words of config.ts SETTINGS (the CLI's and the app's); a setting this version does not know, by its key.
    human: (r: ProtocolResult & { health: number; dropRate: number; config: Record<string, unknown> }) =>
      [`${protocolHuman(r)}, drop rate ${r.dropRate}, local health ${r.health} (Lifeguard: 0 is healthy)`,
        ...Object.entries(r.config).map(([k, value]) => (Object.hasOwn(SETTINGS, k) && typeof value === 'number'
          ? `  ${SETTINGS[k as keyof typeof SETTINGS].label} ${formatSetting(k as keyof typeof SETTINGS, value)}`
          : `  ${k} = ${JSON.stringify(value)}`))].join('\n'),
  },
  {
    name: 'drop', usage: 'drop [RATE]', summary: 'set (or show) the receiver-side drop rate, 0..1 or N%',
    run: (node, args) => {
      if (args.length > 1) throw new UserError('usage', 'usage: drop [RATE]');
      if (args.length === 1) node.setDropRate(parseRate(args[0]));
      return { dropRate: node.dropRate() };
    },
    human: (r: { dropRate: number }) => `drop rate ${r.dropRate} (${+(r.dropRate * 100).toFixed(2)}% of received datagrams)`,
  },
  {
    name: 'partition', usage: 'partition [ADDR…]', summary: 'cut this node off from these peers, both ways (no ADDR: show the list)',
    run: (node, args): BlockedResult => {
      if (args.length > 0) node.setBlocked(parseAddresses(args));
      return { blocked: node.blocked() };
    },
    human: blockedHuman,
  },
  {
    name: 'heal', usage: 'heal', summary: 'undo partition: no peer blocked',
    run: (node, args): BlockedResult => {
      noArgs('heal', args);
      node.setBlocked([]);
      return { blocked: node.blocked() };
    },
    human: blockedHuman,
  },
  {
    name: 'bandwidth', usage: 'bandwidth', summary: 'UDP bytes/s in and out, averaged over a sliding window',
    run: (node, args): BandwidthResult => {
      noArgs('bandwidth', args);
      const { address: _address, ...rest } = node.stats();
      return rest;
    },
    human: (r: BandwidthResult) =>
      `in ${r.bytesInPerSec} B/s, out ${r.bytesOutPerSec} B/s (over ${r.windowMs / 1000} s); dropped ${r.dropped}, ` +
      `blocked ${r.blockedIn} in / ${r.blockedOut} out, ` +
      `malformed ${r.malformed}, unauthenticated ${r.unauthenticated}, send errors ${r.sendErrors}${r.logError === null ? '' : `; log stopped: ${r.logError}`}` +
      `${r.logSuppressed > 0 ? `; log lines held back (members new from one sender past its limit) ${r.logSuppressed}` : ''}` +
      `\nlimits hit: ${Object.entries(r.limits).map(([k, n]) => `${k} ${n}`).join(', ')}`,
  },
  {
    name: 'memory', usage: 'memory [gc]',
    summary: "the process's memory and the node's per-member structures; gc: after a full GC (node --expose-gc)",
    run: (node, args): MemoryResult => {
      const [gc, ...rest] = args;
      if ((gc !== undefined && gc !== 'gc') || rest.length > 0) throw new UserError('usage', 'usage: memory [gc]');
      // What stays after a full collection is the live heap: the figure that shows a leak, where heapUsed between
      // collections moves with the garbage of the moment.
      const collect = (globalThis as { gc?: () => void }).gc;
      if (gc !== undefined && collect === undefined) throw new UserError('state', 'memory gc needs the node started under node --expose-gc');
      if (gc !== undefined) collect!();
      const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
      return { rss, heapTotal, heapUsed, external, arrayBuffers, collected: gc !== undefined, footprint: node.footprint() };
    },
    human: (r: MemoryResult) => {
      const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
      return `RSS ${mib(r.rss)}; V8 heap ${mib(r.heapUsed)} used of ${mib(r.heapTotal)}${r.collected ? ' (after a full GC)' : ''}; ` +
        `external ${mib(r.external)}\nentries: ${Object.entries(r.footprint).map(([k, n]) => `${k} ${n}`).join(', ')}`;
    },
  },
  {
    name: 'keyring', usage: 'keyring list|install KEY|use KEY|remove KEY',
    summary: 'the cluster keys (fingerprints); rotate: install everywhere, use everywhere, remove the old',
    run: (node, args): KeyringListing => {
      const keyring = node.keyring();
      if (!keyring) throw new UserError('state', 'this node runs without a cluster key (start it with HEARSAY_KEY, --key or --keyring-file)');
      const [action, key, ...rest] = args;
      if (action === 'list' && key === undefined) return keyring.list();
      if (key === undefined || rest.length > 0) throw new UserError('usage', 'usage: keyring list|install KEY|use KEY|remove KEY');
      if (action === 'install') return keyring.install(key);
      if (action === 'use') return keyring.use(key);
      if (action === 'remove') return keyring.remove(key);
      throw new UserError('usage', 'usage: keyring list|install KEY|use KEY|remove KEY');
    },
    human: (r: KeyringListing) => r.keys.map((k) => `${k}${k === r.primary ? '  (primary: seals what this node sends)' : ''}`).join('\n'),
  },
  {
    name: 'help', usage: 'help', summary: 'this list',
    run: () => ({ commands: table.map(({ name, usage, summary }) => ({ name, usage, summary })) }),
    human: (r: { commands: { usage: string; summary: string }[] }) =>
      r.commands.map((c) => `  ${pad(c.usage, 34)}${c.summary}`).join('\n'),
  },
];

const byName = new Map(table.map((c) => [c.name, c]));

export function findCommand(name: string): CommandSpec | undefined {
  return byName.get(name);
}

export function unknownCommand(name: string): UserError {
  return new UserError('usage', `unknown command '${name}' (type help for the list)`);
}

/** Runs `name` on `node`; rejects with a UserError for an unknown command or a bad argument. */
export async function runCommand(node: MembershipNode, name: string, args: readonly string[]): Promise<unknown> {
  const spec = findCommand(name);
  if (!spec) throw unknownCommand(name);
  return spec.run(node, args);
}

/** The human rendering of a result, for a command known to exist. */
export function renderHuman(name: string, result: unknown): string {
  const spec = findCommand(name);
  return spec ? spec.human(result as never) : JSON.stringify(result);
}
