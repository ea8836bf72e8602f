// Client side of the control channel: one command (`controlRequest`) or a live stream (`subscribe`). Used by
// `hearsay ctl`, `hearsay cluster`, dgrep and the app's host. Every reply is validated.
import type net from 'node:net';
import * as v from 'valibot';
import { UserError } from '../user-error.ts';
import { EVENT_KINDS } from '../protocol/events.ts';
import type { MembershipEvent } from '../protocol/events.ts';
import type { Address, MemberId } from '../protocol/member-id.ts';
import { parseJson, readLines, writeLine } from '../transport/json-lines.ts';
import type { Keyring } from '../transport/keyring.ts';
import { connect, helloFor, RequestError, requestLine } from '../transport/request-line.ts';
import type { MemberJson } from './commands.ts';
import type { NodeStats } from '../node/membership-node.ts';
import { isTraceBatch } from '../protocol/trace.ts';
import type { Trace } from '../protocol/trace.ts';
import { noHits } from '../protocol/plausibility.ts';
import { PROTOCOL_FAMILIES } from '../protocol/mode.ts';
import type { ModeInfo } from '../protocol/mode.ts';

const ReplySchema = v.variant('ok', [
  v.object({ ok: v.literal(true), result: v.unknown() }),
  v.object({ ok: v.literal(false), error: v.string() }),
]);

const MemberSchema = v.object({
  id: v.string(), address: v.string(), status: v.string(), heartbeat: v.number(), incarnation: v.number(),
});

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
/** A notice is one line for a person; a longer one is malformed. */
const MAX_NOTICE_LENGTH = 4096;

const StreamSchema = v.variant('type', [
  v.object({ type: v.literal('hello'), self: v.string(), members: v.array(MemberSchema) }),
  v.object({
    type: v.literal('event'), ts: v.number(), node: v.string(), event: v.picklist(EVENT_KINDS), member: v.string(),
    incarnation: v.optional(v.number()), reason: v.optional(v.string()), via: v.optional(v.string()),
  }),
  v.object({
    type: v.literal('stats'), address: v.string(), bytesInPerSec: v.number(), bytesOutPerSec: v.number(),
    windowMs: v.number(), bytesIn: v.number(), bytesOut: v.number(), dropped: v.number(), malformed: v.number(),
    // Absent from nodes older than these counters.
    sendErrors: v.optional(v.number(), 0), logError: v.optional(v.nullable(v.string()), null),
    unauthenticated: v.optional(v.number(), 0),
    blockedIn: v.optional(v.number(), 0), blockedOut: v.optional(v.number(), 0),
    limits: v.optional(v.object({
      spoofed: v.number(), implausible: v.number(), newMemberRate: v.number(), listFull: v.number(), tombstonesEvicted: v.number(),
    }), noHits),
    protocol: v.optional(v.object({
      family: v.picklist(PROTOCOL_FAMILIES), suspicion: v.boolean(), epoch: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
    })),
  }),
  v.object({ type: v.literal('traces'), traces: v.custom<Trace[]>(isTraceBatch), unsampled: count }),
  v.object({ type: v.literal('notice'), message: v.pipe(v.string(), v.maxLength(MAX_NOTICE_LENGTH)) }),
]);

export type StreamMessage =
  | { readonly type: 'hello'; readonly self: MemberId; readonly members: MemberJson[] }
  | ({ readonly type: 'event' } & MembershipEvent)
  | ({ readonly type: 'stats'; readonly protocol?: ModeInfo } & NodeStats)
  | { readonly type: 'traces'; readonly traces: Trace[]; readonly unsampled: number }
  | { readonly type: 'notice'; readonly message: string };

export const DEFAULT_CONTROL_TIMEOUT_MS = 5000;

/** Runs `command` on the node at `address` and resolves with its result (the `ctl --json` shape). Rejects with a
 *  UserError: unreachable node, no reply within `timeoutMs`, malformed reply, or the node's own error. */
export async function controlRequest(
  address: Address,
  command: string,
  args: readonly string[] = [],
  opts: { timeoutMs?: number; keyring?: Keyring } = {},
): Promise<unknown> {
  let raw: unknown;
  try {
    raw = await requestLine(address, { v: 1, type: 'ctl', command, args }, opts.timeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS, opts.keyring);
  } catch (err) {
    throw new UserError(isUnreachable(err) ? 'unreachable' : 'refused', (err as Error).message);
  }
  const reply = v.safeParse(ReplySchema, raw);
  if (!reply.success) throw new UserError('refused', `malformed reply from ${address}`);
  if (!reply.output.ok) throw new UserError('refused', `${address}: ${reply.output.error}`);
  return reply.output.result;
}

export interface Subscription {
  close(): void;
}

/** Streams the node's `hello`, then its events and stats (and with `trace`, sampled message traces). With `lines`,
 *  only the events its log and console show (held back past the log's per-sender limit), and its notices: for
 *  people. `onClose` runs once: without an error only after `close()`; with one when the connection failed, was
 *  refused or ended (the node stopped). Malformed lines are counted in `malformed` and skipped. */
export function subscribe(
  address: Address,
  handlers: {
    onMessage: (m: StreamMessage) => void; onClose?: (error?: Error) => void; timeoutMs?: number; keyring?: Keyring; trace?: boolean;
    lines?: boolean;
  },
): Subscription & { readonly malformed: number } {
  let socket: net.Socket | undefined;
  let closed = false;
  let malformed = 0;
  const finish = (error?: Error): void => {
    if (closed) return;
    closed = true;
    socket?.destroy();
    handlers.onClose?.(error);
  };
  connect(address, handlers.timeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS).then((s) => {
    socket = s;
    if (closed) {
      s.destroy();
      return;
    }
    readLines(s, (line) => {
      const parsed = v.safeParse(StreamSchema, parseJson(line));
      if (parsed.success) handlers.onMessage(parsed.output as StreamMessage);
      else if (!isRefusal(line, finish)) malformed++;
    });
    s.on('error', (err) => finish(new UserError('unreachable', `${address}: ${err.message}`)));
    s.on('close', () => finish(closed ? undefined : new UserError('unreachable', `${address} closed the stream`)));
    writeLine(s, helloFor({ v: 1, type: 'subscribe', ...(handlers.trace ? { trace: true } : {}), ...(handlers.lines ? { lines: true } : {}) },
      handlers.keyring));
  }, (err: Error) => finish(new UserError('unreachable', err.message)));
  return {
    close: () => finish(),
    get malformed() { return malformed; },
  };
}

function isUnreachable(err: unknown): boolean {
  return err instanceof RequestError && (err.code === 'unreachable' || err.code === 'timeout' || err.code === 'closed');
}

/** The listener answers a refused or malformed hello with `{ok:false,error}` before closing. */
function isRefusal(line: string, finish: (error?: Error) => void): boolean {
  const reply = v.safeParse(ReplySchema, parseJson(line));
  if (!reply.success || reply.output.ok) return false;
  finish(new UserError('refused', reply.output.error));
  return true;
}
