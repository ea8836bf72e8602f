// Seekable replay: the merged event columns plus a MembershipState snapshot every K events. The state at time t is
// the nearest snapshot at or before t's position plus the events after it (fewer than K), or — when the cursor is
// already between that snapshot and t — just the events from the cursor on, so playing forward costs one apply a step.
import { MembershipState } from '../membership-state.ts';
import { eventAt, positionAt } from './event-columns.ts';
import type { EventColumns, Interner } from './event-columns.ts';

/** Fewer events than this between snapshots buys no seek time worth its memory (see docs/replay.md, figures). */
export const MIN_SNAPSHOT_INTERVAL = 2048;

/**
 * K such that the snapshots together take at most `budgetBytes` (a snapshot of an n-id state is about
 * 5·capacity² bytes, capacity = n rounded up to a power of two).
 */
export function chooseSnapshotInterval(events: number, ids: number, budgetBytes: number): number {
  let capacity = 16;
  while (capacity < ids) capacity *= 2;
  const snapshotBytes = 5 * capacity * capacity + 64 * ids;
  const snapshots = Math.max(1, Math.floor(budgetBytes / snapshotBytes));
  return Math.max(MIN_SNAPSHOT_INTERVAL, Math.ceil(events / snapshots));
}

export class ReplayIndex {
  /** snapshots[s] = the state after the first s·every events. */
  private readonly snapshots: MembershipState[] = [];

  /** `visit` sees the state at each of its ascending `positions` during the one fold that builds the snapshots
   *  (failure analysis uses it, so loading folds the events only once). */
  constructor(readonly columns: EventColumns, readonly interner: Interner, readonly every: number,
    visit?: { readonly positions: readonly number[]; observe(position: number, state: MembershipState): void }) {
    if (!(every >= 1)) throw new RangeError('snapshot interval must be ≥ 1');
    const state = new MembershipState();
    let v = 0;
    const positions = visit?.positions ?? [];
    for (let i = 0; i < columns.length; i++) {
      if (i % every === 0) this.snapshots.push(state.clone());
      while (v < positions.length && positions[v] === i) visit!.observe(positions[v++]!, state);
      state.apply(eventAt(columns, i, interner));
    }
    while (v < positions.length) visit!.observe(positions[v++]!, state);
    if (columns.length % every === 0) this.snapshots.push(state);
  }

  get length(): number {
    return this.columns.length;
  }

  get snapshotCount(): number {
    return this.snapshots.length;
  }

  get startTs(): number {
    return this.columns.length > 0 ? this.columns.ts[0]! : 0;
  }

  get endTs(): number {
    return this.columns.length > 0 ? this.columns.ts[this.columns.length - 1]! : 0;
  }

  /** How many events have ts ≤ t: the position whose state is "the state at t". */
  positionAt(t: number): number {
    return positionAt(this.columns, t);
  }

  /** The snapshot at or before `position`, and the position it holds. */
  snapshotBefore(position: number): { state: MembershipState; position: number } {
    const s = Math.min(Math.floor(position / this.every), this.snapshots.length - 1);
    return { state: this.snapshots[s]!, position: s * this.every };
  }

  /** Approximate bytes held by the snapshots. */
  snapshotBytes(): number {
    let n = 0;
    for (const s of this.snapshots) n += s.byteSize();
    return n;
  }

  cursor(): ReplayCursor {
    return new ReplayCursor(this);
  }
}

/** A position in an index and the state there. `state` is one object for the cursor's life (views may keep it). */
export class ReplayCursor {
  readonly state = new MembershipState();
  private applied = 0;

  constructor(private readonly index: ReplayIndex) {}

  /** Number of events applied. */
  get position(): number {
    return this.applied;
  }

  /** The state after the first `position` events (clamped to 0..length). */
  seekPosition(position: number): MembershipState {
    const target = Math.max(0, Math.min(this.index.length, Math.floor(position)));
    const snap = this.index.snapshotBefore(target);
    if (this.applied > target || this.applied < snap.position) {
      this.state.copyFrom(snap.state);
      this.applied = snap.position;
    }
    const { columns, interner } = this.index;
    for (let i = this.applied; i < target; i++) this.state.apply(eventAt(columns, i, interner));
    this.applied = target;
    return this.state;
  }

  /** The state at time t: every event with ts ≤ t applied. */
  seek(t: number): MembershipState {
    return this.seekPosition(this.index.positionAt(t));
  }
}
