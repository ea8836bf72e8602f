// Failures in a recording and how long the cluster took to see them: for each kill in actions.jsonl, and for each
// member that some observer marked failed without a recorded kill — after a recorded pause, or with no cause on
// record (a crash in a recording without actions, a false positive) — the first and the last observer's detection.
// Shown as timeline markers.
import { addressOf } from '../../../node-runtime/protocol/member-id.ts';
import type { Address, MemberId } from '../../../node-runtime/protocol/member-id.ts';
import type { HostActionRecord } from '../../../electron/host/api.ts';
import { CELL } from '../membership-state.ts';
import type { MembershipState } from '../membership-state.ts';
import { KIND_CODE, positionAt } from './event-columns.ts';
import type { EventColumns, Interner } from './event-columns.ts';

export interface Failure {
  readonly member: MemberId;
  readonly address: Address;
  /** `kill` or `pause`: a host action the failure followed; `fail`: marked failed with neither on record. */
  readonly cause: FailureCause;
  /**
   * Where latency is measured from: the kill or pause. With neither, the first detection itself: the logs hold no
   * heartbeats, so when the member really went silent is unknown, and only the spread (first → all) is measured.
   */
  readonly fromTs: number;
  /** First observer's fail (or remove) after fromTs. */
  readonly firstTs: number | undefined;
  readonly firstBy: MemberId | undefined;
  /** When the last expected observer marked it failed or removed; undefined until all have. */
  readonly allTs: number | undefined;
  readonly detected: number;
  /** Observers running at fromTs that listed it alive or suspect, less those that stopped or were killed before
   *  detecting it. */
  readonly expected: number;
}

export type FailureCause = 'kill' | 'pause' | 'fail';

interface Pending {
  readonly m: number;
  readonly cause: FailureCause;
  readonly fromTs: number;
  /** Events applied in the state at fromTs. */
  readonly position: number;
  /** Observers (interned ids) that listed the member alive or suspect at fromTs. */
  watching?: Set<number>;
}

/**
 * Two steps around the index's own fold, so loading folds the events once: the constructor scans the columns for
 * kills, first fails and signs of life and says at which `positions` it needs the state; the index build calls
 * observe() there; results() then measures each failure.
 */
export class FailureAnalysis {
  /** Ascending event positions at which observe() wants the state. */
  readonly positions: number[];
  private readonly pending: Pending[] = [];
  private readonly endTs: Float64Array;
  /** Positions of fail/remove events per member (observer ≠ member), in time order. */
  private readonly detections = new Map<number, number[]>();

  constructor(private readonly c: EventColumns, private readonly interner: Interner, actions: readonly HostActionRecord[]) {
    const ids = interner.ids;
    const { FAIL, REMOVE, START, STOP } = { FAIL: KIND_CODE.fail, REMOVE: KIND_CODE.remove, START: KIND_CODE.start, STOP: KIND_CODE.stop };
    const startTs = new Float64Array(ids.length).fill(NaN);
    const endTs = (this.endTs = new Float64Array(ids.length).fill(Infinity));
    const firstFail = new Float64Array(ids.length).fill(NaN);
    for (let i = 0; i < c.length; i++) {
      const o = c.observer[i]!;
      const m = c.member[i]!;
      const k = c.kind[i]!;
      const ts = c.ts[i]!;
      if (o === m) {
        if (k === START && Number.isNaN(startTs[m]!)) startTs[m] = ts;
        if (k === STOP) endTs[m] = Math.min(endTs[m]!, ts);
        continue;
      }
      if (k === FAIL || k === REMOVE) {
        let list = this.detections.get(m);
        if (!list) this.detections.set(m, (list = []));
        list.push(i);
        if (k === FAIL && Number.isNaN(firstFail[m]!)) firstFail[m] = ts;
      }
    }

    /** The member id that had started at `address` by `ts` (the latest such start). */
    const runningAt = (address: Address, ts: number): number | undefined => {
      let best: number | undefined;
      for (let m = 0; m < ids.length; m++) {
        const s = startTs[m]!;
        if (addressOf(ids[m]!) === address && s <= ts && (best === undefined || s > startTs[best]!)) best = m;
      }
      return best;
    };
    const killed = new Map<number, number>();
    /** Per member, the time of the pause still in effect (no resume since), while actions are walked in order. */
    const pausedSince = new Map<number, number>();
    /** Per member, the pause its first failure followed. */
    const pausedAtFail = new Map<number, number>();
    for (const a of [...actions].sort((x, y) => x.ts - y.ts)) {
      if (a.action !== 'kill' && a.action !== 'pause' && a.action !== 'resume') continue;
      const m = a.member !== undefined ? interner.indexOfId(a.member) : runningAt(a.address, a.ts);
      if (m === undefined) continue;
      if (a.action === 'kill') {
        if (killed.has(m)) continue;
        killed.set(m, a.ts);
        endTs[m] = Math.min(endTs[m]!, a.ts);
      } else if (a.action === 'pause') {
        if (!pausedSince.has(m)) pausedSince.set(m, a.ts);
      } else {
        const since = pausedSince.get(m);
        pausedSince.delete(m);
        if (since !== undefined && firstFail[m]! >= since && firstFail[m]! <= a.ts) pausedAtFail.set(m, since);
      }
    }
    for (const [m, since] of pausedSince) if (firstFail[m]! >= since) pausedAtFail.set(m, since);

    const add = (m: number, cause: FailureCause, fromTs: number): void => {
      let position = positionAt(c, fromTs);
      // Measured from the first detection: who watched is decided just before it, so its detector counts.
      if (cause === 'fail') while (position > 0 && c.ts[position - 1]! >= fromTs) position--;
      this.pending.push({ m, cause, fromTs, position });
    };
    for (const [m, ts] of killed) add(m, 'kill', ts);
    for (let m = 0; m < ids.length; m++) {
      if (Number.isNaN(firstFail[m]!)) continue;
      const kill = killed.get(m);
      if (kill !== undefined && kill <= firstFail[m]!) continue;
      const paused = pausedAtFail.get(m);
      if (paused !== undefined) add(m, 'pause', paused);
      else add(m, 'fail', firstFail[m]!);
    }
    this.pending.sort((a, b) => a.fromTs - b.fromTs);
    this.positions = [...new Set(this.pending.map((p) => p.position))];
  }

  /** The state after the first `position` events. */
  observe(position: number, state: MembershipState): void {
    for (const p of this.pending) {
      if (p.position !== position) continue;
      const watching = (p.watching = new Set<number>());
      const sm = state.index(this.interner.ids[p.m]!);
      if (sm === undefined) continue;
      for (let so = 0; so < state.size; so++) {
        const code = state.cell(so, sm);
        if (so !== sm && state.isRunningAt(so) && (code === CELL.alive || code === CELL.suspect)) {
          const o = this.interner.indexOfId(state.idAt(so));
          if (o !== undefined) watching.add(o);
        }
      }
    }
  }

  results(): Failure[] {
    const { c, endTs } = this;
    const ids = this.interner.ids;
    return this.pending.map(({ m, cause, fromTs, watching = new Set<number>() }) => {
      const id = ids[m]!;
      const seen = new Map<number, number>();
      for (const i of this.detections.get(m) ?? []) {
        const o = c.observer[i]!;
        if (c.ts[i]! >= fromTs && watching.has(o) && !seen.has(o)) seen.set(o, c.ts[i]!);
      }
      let firstTs: number | undefined;
      let firstBy: MemberId | undefined;
      let last = -Infinity;
      for (const [o, ts] of seen) {
        if (firstTs === undefined || ts < firstTs) {
          firstTs = ts;
          firstBy = ids[o];
        }
        last = Math.max(last, ts);
      }
      // An observer that stopped or was killed before the others finished detecting cannot be waited for.
      let expected = seen.size;
      for (const o of watching) if (!seen.has(o) && endTs[o]! >= last) expected++;
      return {
        member: id, address: addressOf(id), cause, fromTs, firstTs, firstBy,
        allTs: seen.size > 0 && seen.size >= expected ? last : undefined, detected: seen.size, expected,
      };
    });
  }
}
