// The observer × member matrix that the live view and replay both fold events into (ARCHITECTURE.md §3:
// views = fold(events up to t)). Ids are interned to indices and cells kept in typed arrays, so a 1,000-node matrix
// is a few MB, a replay snapshot is a flat copy, and the convergence texture can be filled straight from `cells`.
import { statusAfter } from '../../node-runtime/protocol/events.ts';
import type { MembershipEvent, MemberStatus } from '../../node-runtime/protocol/events.ts';
import type { MemberId } from '../../node-runtime/protocol/member-id.ts';

/** Cell codes; 0 = the observer does not list the member. */
export const CELL = { none: 0, alive: 1, suspect: 2, failed: 3, left: 4 } as const;
export type CellCode = (typeof CELL)[keyof typeof CELL];
const CODE_OF: Record<MemberStatus, CellCode> = { alive: 1, suspect: 2, failed: 3, left: 4 };
const STATUS_OF: readonly (MemberStatus | undefined)[] = [undefined, 'alive', 'suspect', 'failed', 'left'];

export function cellStatus(code: number): MemberStatus | undefined {
  return STATUS_OF[code];
}

export class MembershipState {
  private readonly ids: MemberId[] = [];
  private readonly indexOf = new Map<MemberId, number>();
  private capacity = 0;
  /** Row = observer index, column = member index, `capacity` wide. */
  private cellCodes = new Uint8Array(0);
  private incarnations = new Uint32Array(0);
  /** Whether each index has logged `start` and not yet `stop` (its row is a live list). */
  private running = new Uint8Array(0);
  /** Revision counters, so views redraw only what changed: bumped on every applied event (global), on the
   *  observer's row, and on each member column whose tally may have moved. */
  private rev = 0;
  private rowRevs = new Uint32Array(0);
  private columnRevs = new Uint32Array(0);
  private lastTs = -Infinity;

  get size(): number {
    return this.ids.length;
  }

  /** Time of the last applied event. */
  get time(): number {
    return this.lastTs;
  }

  /** Grows by at least one with every applied event. */
  get revision(): number {
    return this.rev;
  }

  /** Revision of the last event that changed this observer's row (0: never). */
  rowRevision(index: number): number {
    return this.rowRevs[index] ?? 0;
  }

  /** Revision of the last event that may have changed how observers see this member (its column or who runs). */
  columnRevision(index: number): number {
    return this.columnRevs[index] ?? 0;
  }

  idAt(index: number): MemberId {
    const id = this.ids[index];
    if (id === undefined) throw new RangeError(`no member at index ${index}`);
    return id;
  }

  index(id: MemberId): number | undefined {
    return this.indexOf.get(id);
  }

  /** Every id ever seen, as observer or member, in first-seen order (stable indices). */
  allIds(): readonly MemberId[] {
    return this.ids;
  }

  apply(event: MembershipEvent): void {
    const observer = this.intern(event.node);
    const member = this.intern(event.member);
    if (event.ts > this.lastTs) this.lastTs = event.ts;
    const cell = observer * this.capacity + member;
    const rev = ++this.rev;
    this.rowRevs[observer] = rev;
    this.columnRevs[member] = rev;
    if (event.event === 'start') {
      this.running[observer] = 1;
    } else if (event.event === 'stop') {
      // A stopped process has no list any more; every member it listed loses one voice in its tally.
      this.running[observer] = 0;
      const row = observer * this.capacity;
      for (let m = 0; m < this.ids.length; m++) {
        if (this.cellCodes[row + m] !== CELL.none) this.columnRevs[m] = rev;
      }
      this.cellCodes.fill(CELL.none, row, row + this.capacity);
      return;
    }
    const status = statusAfter(event.event);
    this.cellCodes[cell] = status === undefined ? CELL.none : CODE_OF[status];
    if (event.incarnation !== undefined) this.incarnations[cell] = event.incarnation;
  }

  applyAll(events: Iterable<MembershipEvent>): void {
    for (const e of events) this.apply(e);
  }

  statusOf(observer: MemberId, member: MemberId): MemberStatus | undefined {
    const o = this.indexOf.get(observer);
    const m = this.indexOf.get(member);
    if (o === undefined || m === undefined) return undefined;
    return STATUS_OF[this.cellCodes[o * this.capacity + m]!];
  }

  incarnationOf(observer: MemberId, member: MemberId): number | undefined {
    const o = this.indexOf.get(observer);
    const m = this.indexOf.get(member);
    if (o === undefined || m === undefined || this.cellCodes[o * this.capacity + m] === CELL.none) return undefined;
    return this.incarnations[o * this.capacity + m];
  }

  isRunning(id: MemberId): boolean {
    const i = this.indexOf.get(id);
    return i !== undefined && this.running[i] === 1;
  }

  /** Cell code at (observer index, member index); for tight loops such as the matrix texture. */
  cell(observer: number, member: number): CellCode {
    return this.cellCodes[observer * this.capacity + member] as CellCode;
  }

  /** One observer's membership list. */
  listOf(observer: MemberId): { member: MemberId; status: MemberStatus; incarnation: number }[] {
    const o = this.indexOf.get(observer);
    if (o === undefined) return [];
    const out: { member: MemberId; status: MemberStatus; incarnation: number }[] = [];
    for (let m = 0; m < this.ids.length; m++) {
      const status = STATUS_OF[this.cellCodes[o * this.capacity + m]!];
      if (status) out.push({ member: this.ids[m]!, status, incarnation: this.incarnations[o * this.capacity + m]! });
    }
    return out;
  }

  /** Allocation-free tally by member index: `out[code]` = running observers (other than the member) with that cell
   *  code, for codes 1..4; `out[0]` = running observers that do not list it. */
  tallyAt(member: number, out: Uint32Array): void {
    out.fill(0);
    for (let o = 0; o < this.ids.length; o++) {
      if (this.running[o] !== 1 || o === member) continue;
      out[this.cellCodes[o * this.capacity + member]!]!++;
    }
  }

  isRunningAt(index: number): boolean {
    return this.running[index] === 1;
  }

  /** How the running observers see `member`: counts per status (observers that do not list it are not counted). */
  tally(member: MemberId): Record<MemberStatus, number> {
    const counts: Record<MemberStatus, number> = { alive: 0, suspect: 0, failed: 0, left: 0 };
    const m = this.indexOf.get(member);
    if (m === undefined) return counts;
    for (let o = 0; o < this.ids.length; o++) {
      if (this.running[o] !== 1 || o === m) continue;
      const status = STATUS_OF[this.cellCodes[o * this.capacity + m]!];
      if (status) counts[status]++;
    }
    return counts;
  }

  /** The status most running observers give `member` (ties: the worse status), undefined if none lists it. */
  majority(member: MemberId): MemberStatus | undefined {
    const counts = this.tally(member);
    let best: MemberStatus | undefined;
    let bestCount = 0;
    for (const status of ['alive', 'suspect', 'failed', 'left'] as const) {
      if (counts[status] > 0 && counts[status] >= bestCount) {
        best = status;
        bestCount = counts[status];
      }
    }
    return best;
  }

  clone(): MembershipState {
    const copy = new MembershipState();
    copy.ids.push(...this.ids);
    for (const [id, i] of this.indexOf) copy.indexOf.set(id, i);
    copy.capacity = this.capacity;
    copy.cellCodes = this.cellCodes.slice();
    copy.incarnations = this.incarnations.slice();
    copy.running = this.running.slice();
    copy.rev = this.rev;
    copy.rowRevs = this.rowRevs.slice();
    copy.columnRevs = this.columnRevs.slice();
    copy.lastTs = this.lastTs;
    return copy;
  }

  /** Becomes a copy of `source`, reusing this object's buffers when they are big enough (replay seeks). Revisions
   *  keep growing: every row and column is marked changed, so views that cache by revision redraw everything. */
  copyFrom(source: MembershipState): void {
    this.ids.length = 0;
    this.ids.push(...source.ids);
    this.indexOf.clear();
    for (const [id, i] of source.indexOf) this.indexOf.set(id, i);
    if (this.capacity !== source.capacity) {
      this.capacity = source.capacity;
      this.cellCodes = new Uint8Array(source.cellCodes.length);
      this.incarnations = new Uint32Array(source.incarnations.length);
      this.running = new Uint8Array(source.running.length);
      this.rowRevs = new Uint32Array(source.rowRevs.length);
      this.columnRevs = new Uint32Array(source.columnRevs.length);
    }
    this.cellCodes.set(source.cellCodes);
    this.incarnations.set(source.incarnations);
    this.running.set(source.running);
    this.rev = Math.max(this.rev, source.rev) + 1;
    this.rowRevs.fill(this.rev);
    this.columnRevs.fill(this.rev);
    this.lastTs = source.lastTs;
  }

  /** Approximate memory held, in bytes (replay budgets its snapshots with it). */
  byteSize(): number {
    return this.cellCodes.byteLength + this.incarnations.byteLength + this.running.byteLength + 64 * this.ids.length;
  }

  private intern(id: MemberId): number {
    const known = this.indexOf.get(id);
    if (known !== undefined) return known;
    const index = this.ids.length;
    this.ids.push(id);
    this.indexOf.set(id, index);
    if (index >= this.capacity) this.grow(Math.max(16, this.capacity * 2));
    return index;
  }

  private grow(capacity: number): void {
    const cells = new Uint8Array(capacity * capacity);
    const incs = new Uint32Array(capacity * capacity);
    for (let o = 0; o < this.capacity; o++) {
      cells.set(this.cellCodes.subarray(o * this.capacity, (o + 1) * this.capacity), o * capacity);
      incs.set(this.incarnations.subarray(o * this.capacity, (o + 1) * this.capacity), o * capacity);
    }
    const running = new Uint8Array(capacity);
    running.set(this.running);
    const rowRevs = new Uint32Array(capacity);
    rowRevs.set(this.rowRevs);
    const columnRevs = new Uint32Array(capacity);
    columnRevs.set(this.columnRevs);
    this.rowRevs = rowRevs;
    this.columnRevs = columnRevs;
    this.cellCodes = cells;
    this.incarnations = incs;
    this.running = running;
    this.capacity = capacity;
  }
}
