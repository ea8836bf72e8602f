// The bytes of a push-pull's JSON list, counted without building it: the simulator counts both lists of every
// push-pull, and at 10,000 members each is ~0.9 MB of JSON that `JSON.stringify` built only to be measured.
import type { JoinSnapshot } from '../protocol/core.ts';

/** `JSON.stringify` of a member with an empty id and status and one-digit numbers: the keys and punctuation. */
const MEMBER_FRAME = JSON.stringify({ id: '', heartbeat: 0, incarnation: 0, status: '' }).length - 2;
const LIST_FRAME = JSON.stringify({ members: [], mode: {} }).length - 2;

/** `JSON.stringify(snapshot).length`, for a snapshot as `snapshot()` builds it (a member's fields in that order; ids
 *  and statuses need no escapes: canonical ids are ASCII host:port@version). */
export function snapshotJsonLength(snapshot: JoinSnapshot): number {
  let n = LIST_FRAME + JSON.stringify(snapshot.mode).length + Math.max(0, snapshot.members.length - 1);
  for (const m of snapshot.members) {
    n += MEMBER_FRAME + m.id.length + String(m.heartbeat).length + String(m.incarnation).length + m.status.length;
  }
  return n;
}
