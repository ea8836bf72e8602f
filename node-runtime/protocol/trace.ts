// Message traces: what a core sent (kind, from, to, bytes and the news it carried) and which datagrams it refused.
// Built only while tracing is on, so the gossip loop pays one branch when nobody watches. The runtime, the host and
// the simulator stream these beside membership events; the renderer draws them as packets in flight.
import type { MemberStatus } from './events.ts';
import type { Address, MemberId } from './member-id.ts';
import type { MessageKind } from './codec.ts';
import { decodeGossip, MESSAGE_KINDS } from './codec.ts';
import type { CoreState } from './state.ts';

/** A status change a packet carries: a suspicion, a failure, a leave, or a refutation (`alive` at a new incarnation). */
export interface News {
  readonly member: MemberId;
  readonly status: MemberStatus;
  readonly incarnation: number;
}

/** Why a datagram did not reach its receiver's merge: the receiver's drop rate, its block list (either side), or the
 *  network (only the simulator knows this one). */
export type DropCause = 'drop' | 'blocked' | 'loss';

export type Trace =
  | {
    readonly type: 'send';
    readonly kind: MessageKind;
    readonly from: Address;
    readonly to: Address;
    readonly bytes: number;
    readonly news: readonly News[];
    /** Set when the sender's own block list kept it from leaving. */
    readonly dropped?: DropCause;
  }
  | { readonly type: 'drop'; readonly from: Address; readonly to: Address; readonly bytes: number; readonly cause: DropCause };

/** The entries whose status changed within the window in which gossip.ts gives them priority: the news a gossip
 *  packet of this moment carries (refutations and leaves included, as self is in the list). */
export function newsOf(st: CoreState, now: number): News[] {
  const news: News[] = [];
  const since = now - st.config.failTimeoutMs;
  for (const e of st.list.values()) {
    if (e.changedAt < since || (e.status === 'alive' && e.incarnation === 0)) continue;
    news.push({ member: e.id, status: e.status, incarnation: e.incarnation });
  }
  return news;
}

/** A rate limit for a trace stream: keeps up to `perBatch` traces per batch, plain heartbeats at most half of them, so
 *  news and drops always find room; counts the rest. The node's subscribe stream, the host and the demo batch with it. */
export class TraceSampler {
  private kept: Trace[] = [];
  private plainKept = 0;
  private unsampled = 0;

  constructor(private readonly perBatch: number) {}

  add(t: Trace): void {
    const plain = t.type === 'send' && t.news.length === 0 && t.dropped === undefined;
    if (this.kept.length >= this.perBatch || (plain && this.plainKept >= this.perBatch / 2)) {
      this.unsampled++;
      return;
    }
    if (plain) this.plainKept++;
    this.kept.push(t);
  }

  /** Counts left out upstream (a node's sampler) are carried on. */
  addUnsampled(n: number): void {
    this.unsampled += n;
  }

  /** The batch so far, and a fresh one begun; undefined when there is nothing to say. */
  take(): { traces: Trace[]; unsampled: number } | undefined {
    if (this.kept.length === 0 && this.unsampled === 0) return undefined;
    const batch = { traces: this.kept, unsampled: this.unsampled };
    this.kept = [];
    this.plainKept = 0;
    this.unsampled = 0;
    return batch;
  }
}

/** The news an entry of a SWIM message or news gossip is: all of them are news (broadcast.ts). */
export function entryNews(e: { readonly id: MemberId; readonly status: MemberStatus; readonly incarnation: number }): News {
  return { member: e.id, status: e.status, incarnation: e.incarnation };
}

/** The entries a datagram carries, read back from its bytes: for sends built without their news at hand. */
export function piggybackedNews(bytes: Uint8Array): News[] {
  const decoded = decodeGossip(bytes);
  if (!decoded.ok) return [];
  return decoded.msg.entries.map(entryNews);
}

/** Traces in one batch on any stream: the node's sampler sends 25, the host's a few thousand. */
export const MAX_TRACES_PER_BATCH = 5000;
const DROP_CAUSES: readonly string[] = ['drop', 'blocked', 'loss'];
const STATUSES: readonly string[] = ['alive', 'suspect', 'failed', 'left'];
/** An address or member id is short; a news list holds at most a packet's entries. */
const MAX_TEXT = 300;
const MAX_NEWS = 4096;

/** Whether `value` is a batch of well-formed traces (from a socket or another process: checked field by field and
 *  bounded, never trusted). Hand-written so the node's client and the renderer share one check without a package. */
export function isTraceBatch(value: unknown): value is Trace[] {
  return Array.isArray(value) && value.length <= MAX_TRACES_PER_BATCH && value.every(isTrace);
}

function isTrace(t: unknown): t is Trace {
  if (typeof t !== 'object' || t === null) return false;
  const r = t as Record<string, unknown>;
  if (!isText(r.from) || !isText(r.to) || !isCount(r.bytes)) return false;
  if (r.type === 'drop') return typeof r.cause === 'string' && DROP_CAUSES.includes(r.cause);
  return r.type === 'send' && typeof r.kind === 'string' && (MESSAGE_KINDS as readonly string[]).includes(r.kind)
    && (r.dropped === undefined || (typeof r.dropped === 'string' && DROP_CAUSES.includes(r.dropped)))
    && Array.isArray(r.news) && r.news.length <= MAX_NEWS && r.news.every(isNews);
}

function isNews(n: unknown): n is News {
  if (typeof n !== 'object' || n === null) return false;
  const r = n as Record<string, unknown>;
  return isText(r.member) && typeof r.status === 'string' && STATUSES.includes(r.status) && isCount(r.incarnation);
}

const isText = (x: unknown): x is string => typeof x === 'string' && x.length <= MAX_TEXT;
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
