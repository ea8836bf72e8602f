// Failures in a recording and how long the cluster took to see them: for each kill in actions.jsonl, and for each
// member that some observer marked failed without a recorded kill (a pause, a crash in a recording without actions,
// a false positive), the first observer's and the last observer's detection. Shown as timeline markers.
import { addressOf } from '../../../node-runtime/protocol/member-id.ts';
import type { Address, MemberId } from '../../../node-runtime/protocol/member-id.ts';
import type { HostActionRecord } from '../../../electron/host/api.ts';
import { CELL } from '../membership-state.ts';
import { KIND_CODE } from './event-columns.ts';
import type { ReplayIndex } from './replay-index.ts';

export interface Failure {
  readonly member: MemberId;
  readonly address: Address;
  /** `kill`: a host kill action; `fail`: marked failed with no kill on record. */
  readonly cause: 'kill' | 'fail';
  /**
   * Where latency is measured from: the kill; without one, the member's last sign of life in the logs (its own last
   * log line, or the last `join`/`alive` about it) — the logs hold no heartbeats, so that latency is an upper bound.
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

export function analyzeFailures(index: ReplayIndex, actions: readonly HostActionRecord[]): Failure[] {
  const { columns: c, interner } = index;
  const ids = interner.ids;
  const FAIL = KIND_CODE.fail;
  const REMOVE = KIND_CODE.remove;
  const START = KIND_CODE.start;
  const STOP = KIND_CODE.stop;
  const JOIN = KIND_CODE.join;
  const ALIVE = KIND_CODE.alive;

  const startTs = new Float64Array(ids.length).fill(NaN);
  const endTs = new Float64Array(ids.length).fill(Infinity);
  const firstFail = new Float64Array(ids.length).fill(NaN);
  const lastLife = new Float64Array(ids.length).fill(NaN);
  /** Positions of fail/remove events per member (observer ≠ member), in time order. */
  const detections = new Map<number, number[]>();
  for (let i = 0; i < c.length; i++) {
    const o = c.observer[i]!;
    const m = c.member[i]!;
    const k = c.kind[i]!;
    const ts = c.ts[i]!;
    if (o === m) {
      if (k === START && Number.isNaN(startTs[m]!)) startTs[m] = ts;
      if (k === STOP) endTs[m] = Math.min(endTs[m]!, ts);
      if (Number.isNaN(firstFail[m]!)) lastLife[m] = ts;
      continue;
    }
    if (k === FAIL || k === REMOVE) {
      let list = detections.get(m);
      if (!list) detections.set(m, (list = []));
      list.push(i);
      if (k === FAIL && Number.isNaN(firstFail[m]!)) firstFail[m] = ts;
    } else if ((k === JOIN || k === ALIVE) && Number.isNaN(firstFail[m]!)) {
      lastLife[m] = ts;
    }
  }

  const killed = new Map<number, number>();
  for (const a of actions) {
    if (a.action !== 'kill') continue;
    const m = a.member !== undefined ? interner.indexOfId(a.member) : runningAt(a.address, a.ts);
    if (m === undefined || killed.has(m)) continue;
    killed.set(m, a.ts);
    endTs[m] = Math.min(endTs[m]!, a.ts);
  }

  const pending: { m: number; cause: 'kill' | 'fail'; fromTs: number }[] = [];
  for (const [m, ts] of killed) pending.push({ m, cause: 'kill', fromTs: ts });
  for (let m = 0; m < ids.length; m++) {
    if (Number.isNaN(firstFail[m]!)) continue;
    const kill = killed.get(m);
    if (kill !== undefined && kill <= firstFail[m]!) continue;
    pending.push({ m, cause: 'fail', fromTs: Number.isNaN(lastLife[m]!) ? firstFail[m]! : lastLife[m]! });
  }
  pending.sort((a, b) => a.fromTs - b.fromTs);

  // Ascending seeks: the cursor walks forward, so all of them together cost about one pass over the events.
  const cursor = index.cursor();
  return pending.map(({ m, cause, fromTs }) => {
    const id = ids[m]!;
    const state = cursor.seek(fromTs);
    const sm = state.index(id);
    const watching = new Set<number>();
    if (sm !== undefined) {
      for (let so = 0; so < state.size; so++) {
        const code = state.cell(so, sm);
        if (so !== sm && state.isRunning(state.idAt(so)) && (code === CELL.alive || code === CELL.suspect)) {
          const o = interner.indexOfId(state.idAt(so));
          if (o !== undefined) watching.add(o);
        }
      }
    }
    const seen = new Map<number, number>();
    for (const i of detections.get(m) ?? []) {
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

  /** The member id that had started at `address` by `ts` (the latest such start). */
  function runningAt(address: Address, ts: number): number | undefined {
    let best: number | undefined;
    for (let m = 0; m < ids.length; m++) {
      const s = startTs[m]!;
      if (addressOf(ids[m]!) === address && s <= ts && (best === undefined || s > startTs[best]!)) best = m;
    }
    return best;
  }
}
