// dgrep: grep every live member's logs at once. Asks one member for the membership, queries every alive or suspect
// member in parallel, streams their lines to `output` as they arrive (pausing every node while `output` is full) and
// returns one report per node — a node that is down, refuses or stays silent past the deadline is a report with its
// reason, never an exception, so the others' answers still count.
import type { Writable } from 'node:stream';
import * as v from 'valibot';
import { controlRequest } from '../control/client.ts';
import { UserError } from '../user-error.ts';
import { addressOf, parseAddress } from '../protocol/member-id.ts';
import type { Address } from '../protocol/member-id.ts';
import { parseGrepArgs, queryArgs } from './grep-args.ts';
import type { Keyring } from '../transport/keyring.ts';
import { grepNode, nodeTimeoutMs } from './grep-client.ts';
import type { NodeOutcome } from './grep-client.ts';
import { LineSplitter } from './dgrep-output.ts';
import type { Render } from './dgrep-output.ts';

export interface DgrepTarget {
  readonly address: Address;
  readonly id?: string;
}

export interface NodeReport {
  readonly address: Address;
  /** The answering node's member id (from its trailer, else from the membership list). */
  readonly id?: string;
  readonly ok: boolean;
  /** Lines printed; with -c the sum of the node's per-file counts. */
  readonly count: number;
  readonly files: readonly string[];
  /** Why this node's answer is missing or partial. */
  readonly reason?: string;
  /** grep's exit status on the node. */
  readonly exit?: number;
  readonly elapsedMs: number;
}

export interface DgrepReport {
  readonly nodes: readonly NodeReport[];
  readonly total: number;
  /** As grep: 0 a line was selected, 1 none, 2 some node failed, timed out or was cut (even if others matched). */
  readonly exitCode: 0 | 1 | 2;
}

export interface QueryOptions {
  /** grep options and patterns, as `hearsay dgrep` takes them (validated here: GrepArgsError if refused). */
  readonly args: readonly string[];
  readonly timeoutMs: number;
  readonly maxBytesPerNode?: number;
  readonly signal?: AbortSignal;
  readonly output: Writable;
  readonly render: Render;
  /** A keyed cluster's ring: the list_mem and grep hellos are sealed with it. */
  readonly keyring?: Keyring;
}

const ListMemSchema = v.object({
  self: v.string(),
  members: v.array(v.object({ id: v.string(), address: v.string(), status: v.string() })),
});

/** The members `via` believes alive or suspect (a suspect may just be slow: ask it too), itself included, one per
 *  address. Rejects with a UserError when `via` cannot be asked. */
export async function liveMembers(via: Address, timeoutMs: number, keyring?: Keyring): Promise<DgrepTarget[]> {
  const parsed = v.safeParse(ListMemSchema, await controlRequest(via, 'list_mem', [], { timeoutMs, keyring }));
  if (!parsed.success) throw new UserError('refused', `malformed list_mem reply from ${via}`);
  const targets = new Map<Address, DgrepTarget>([[addressOf(parsed.output.self), { address: addressOf(parsed.output.self), id: parsed.output.self }]]);
  for (const m of parsed.output.members) {
    if (m.status === 'alive' || m.status === 'suspect') targets.set(m.address, { address: m.address, id: m.id });
  }
  return [...targets.values()].sort(byAddress);
}

function byAddress(a: DgrepTarget, b: DgrepTarget): number {
  const pa = parseAddress(a.address);
  const pb = parseAddress(b.address);
  return (pa?.host ?? a.address).localeCompare(pb?.host ?? b.address) || (pa?.port ?? 0) - (pb?.port ?? 0);
}

/** The whole query: membership from `via`, then every live member; the deadline covers both. */
export async function dgrep(via: Address, opts: QueryOptions): Promise<DgrepReport> {
  const started = Date.now();
  parseGrepArgs(opts.args); // refuse a bad option before touching the network
  const targets = await liveMembers(via, opts.timeoutMs, opts.keyring);
  return queryNodes(targets, { ...opts, timeoutMs: Math.max(1, opts.timeoutMs - (Date.now() - started)) });
}

export async function queryNodes(targets: readonly DgrepTarget[], opts: QueryOptions): Promise<DgrepReport> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const args = queryArgs(parseGrepArgs(opts.args));
  const hello = {
    v: 1 as const, type: 'grep' as const, args, timeoutMs: nodeTimeoutMs(opts.timeoutMs),
    ...(opts.maxBytesPerNode === undefined ? {} : { maxBytes: opts.maxBytesPerNode }),
  };
  const queries: ReturnType<typeof grepNode>[] = [];
  let blocked = false;
  const write = (address: Address, lines: Buffer): void => {
    if (opts.output.write(opts.render(address, lines)) || blocked) return;
    blocked = true;
    for (const q of queries) q.pause();
    opts.output.once('drain', () => {
      blocked = false;
      for (const q of queries) q.resume();
    });
  };
  const reports = await Promise.all(targets.map(async (target): Promise<NodeReport> => {
    const splitter = new LineSplitter((lines) => write(target.address, lines));
    const query = grepNode(target.address, hello, {
      deadline, signal: opts.signal, onData: (p) => splitter.push(p), keyring: opts.keyring,
    });
    queries.push(query);
    if (blocked) query.pause();
    const outcome = await query.done;
    splitter.flush();
    return report(target, outcome, Date.now() - started);
  }));
  return { nodes: reports, total: reports.reduce((sum, r) => sum + r.count, 0), exitCode: exitCode(reports) };
}

function report(target: DgrepTarget, outcome: NodeOutcome, elapsedMs: number): NodeReport {
  const base = { address: target.address, ...(target.id === undefined ? {} : { id: target.id }) };
  if (!outcome.ok) return { ...base, ok: false, count: 0, files: [], reason: outcome.reason, elapsedMs };
  const t = outcome.trailer;
  const reason = t.error ?? (t.timedOut ? `grep stopped at the deadline after ${(t.elapsedMs / 1000).toFixed(1)} s`
    : t.truncated ? 'output cut at the per-node limit' : undefined);
  return {
    ...base, id: t.node, ok: reason === undefined, count: t.count, files: t.files,
    ...(reason === undefined ? {} : { reason }), ...(t.exit === undefined ? {} : { exit: t.exit }), elapsedMs,
  };
}

function exitCode(reports: readonly NodeReport[]): 0 | 1 | 2 {
  if (reports.some((r) => !r.ok)) return 2;
  return reports.some((r) => r.exit === 0) ? 0 : 1;
}
