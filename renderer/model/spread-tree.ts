// Who told whom: how a failure (or suspicion) of one member spread, as a tree. Each observer's first `fail` of the
// member is a hop; its `via` (the member whose datagram brought the news, docs/log-format.md) is the parent; an
// observer that decided by its own timer is a root (the first detector, or one that timed out independently). Folded
// from the same events as the view; bounded to the most recent members.
import type { EventKind, MembershipEvent } from '../../node-runtime/protocol/events.ts';
import type { MemberId } from '../../node-runtime/protocol/member-id.ts';

export interface Hop {
  readonly observer: MemberId;
  /** Who told it; undefined: its own decision (a timeout), or an old log without `via`. */
  readonly via: MemberId | undefined;
  readonly ts: number;
  readonly reason: string | undefined;
}

export interface Spread {
  readonly member: MemberId;
  readonly kind: EventKind;
  /** In time order; the first is the first detector. */
  readonly hops: readonly Hop[];
}

/** Members whose spread is remembered (the oldest is forgotten first). */
const MAX_MEMBERS = 256;

export class SpreadIndex {
  private readonly spreads = new Map<string, { hops: Hop[]; observers: Set<MemberId> }>();

  /** Records a `fail` or `suspect` event (others are ignored); only each observer's first one counts. */
  add(e: MembershipEvent): void {
    if (e.event !== 'fail' && e.event !== 'suspect') return;
    const key = `${e.event} ${e.member}`;
    let s = this.spreads.get(key);
    if (s === undefined) {
      if (this.spreads.size >= MAX_MEMBERS) this.spreads.delete(this.spreads.keys().next().value!);
      s = { hops: [], observers: new Set() };
      this.spreads.set(key, s);
    }
    if (s.observers.has(e.node)) return;
    s.observers.add(e.node);
    const hop: Hop = { observer: e.node, via: e.via, ts: e.ts, reason: e.reason };
    // Events arrive nearly in time order (batches from many nodes): insert from the end.
    let i = s.hops.length;
    while (i > 0 && s.hops[i - 1]!.ts > hop.ts) i--;
    s.hops.splice(i, 0, hop);
  }

  /** How the failure of `member` spread (else its suspicion); undefined when no one has logged either. */
  spreadOf(member: MemberId): Spread | undefined {
    for (const kind of ['fail', 'suspect'] as const) {
      const s = this.spreads.get(`${kind} ${member}`);
      if (s) return { member, kind, hops: s.hops };
    }
    return undefined;
  }

  clear(): void {
    this.spreads.clear();
  }
}

/** "heard from X at +0.31 s" / "detected it itself (timeout) at +0.00 s", relative to the first detector. */
export function describeHop(hop: Hop, first: Hop, name: (id: MemberId) => string): string {
  const at = `+${((hop.ts - first.ts) / 1000).toFixed(2)} s`;
  return hop.via === undefined ? `detected it itself (${hop.reason ?? 'own timer'}) at ${at}` : `heard from ${name(hop.via)} at ${at}`;
}
