// The full spread of a failure in replay: who told whom about a member, from every `fail` / `suspect` event the
// recording holds up to the cursor — not only those played through since the last seek, as the frames bring them.
// The positions of each member's such events are indexed once at load; the tree is folded by the same SpreadIndex
// as the live view's (the `via` column says who told whom; an old log without it gives roots only).
import { SpreadIndex } from '../spread-tree.ts';
import type { Spread } from '../spread-tree.ts';
import type { MemberId } from '../../../node-runtime/protocol/member-id.ts';
import { eventAt, KIND_CODE } from './event-columns.ts';
import type { EventColumns, Interner } from './event-columns.ts';

export class ReplaySpreads {
  /** Member index → positions of the fail / suspect events about it, ascending. */
  private readonly positions = new Map<number, number[]>();
  private last: { member: MemberId; position: number; spread: Spread | undefined } | undefined;

  constructor(private readonly columns: EventColumns, private readonly interner: Interner) {
    for (let i = 0; i < columns.length; i++) {
      const kind = columns.kind[i];
      if (kind !== KIND_CODE.fail && kind !== KIND_CODE.suspect) continue;
      const m = columns.member[i]!;
      let list = this.positions.get(m);
      if (list === undefined) this.positions.set(m, (list = []));
      list.push(i);
    }
  }

  /** How the failure of `member` (else its suspicion) had spread once the first `position` events were applied. */
  spreadAt(member: MemberId, position: number): Spread | undefined {
    if (this.last?.member === member && this.last.position === position) return this.last.spread;
    const m = this.interner.indexOfId(member);
    const tree = new SpreadIndex();
    for (const i of (m === undefined ? undefined : this.positions.get(m)) ?? []) {
      if (i >= position) break;
      tree.add(eventAt(this.columns, i, this.interner));
    }
    const spread = tree.spreadOf(member);
    this.last = { member, position, spread };
    return spread;
  }
}
