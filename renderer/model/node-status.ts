// What colour a node is drawn in: its status as one observer (or the majority) sees it, falling back to what the
// host knows of its process when no running observer lists it. Shared by the graph, the matrix and the inspector.
import { CELL } from './membership-state.ts';
import type { MemberStatus } from '../../node-runtime/protocol/events.ts';

/** `joining`: running but not yet listed by anyone else; `down`: not running and listed by no one. */
export type DisplayStatus = MemberStatus | 'joining' | 'down';

export const STATUS_COLOUR: Record<DisplayStatus, number> = {
  alive: 0x3ecf5c,
  suspect: 0xf2b233,
  failed: 0xe5484d,
  left: 0x8b8f98,
  joining: 0x2f7a45,
  down: 0x30343c,
};

/** Matrix cell colours by cell code (none, alive, suspect, failed, left), RGBA. */
export const CELL_RGBA: readonly (readonly [number, number, number, number])[] = [
  [0x1b, 0x1e, 0x24, 255],
  [0x3e, 0xcf, 0x5c, 255],
  [0xf2, 0xb2, 0x33, 255],
  [0xe5, 0x48, 0x4d, 255],
  [0x8b, 0x8f, 0x98, 255],
];

const BY_CODE: readonly (MemberStatus | undefined)[] = [undefined, 'alive', 'suspect', 'failed', 'left'];
/** Order in which ties are broken: the worse status wins, so a spreading failure shows as soon as it is even. */
const SEVERITY = [CELL.alive, CELL.suspect, CELL.failed, CELL.left] as const;

/** Majority status from a tally indexed by cell code (`MembershipState.tallyAt`); ties go to the worse status. */
export function majorityOf(tally: ArrayLike<number>): MemberStatus | undefined {
  let best: MemberStatus | undefined;
  let bestCount = 0;
  for (const code of SEVERITY) {
    const n = tally[code] ?? 0;
    if (n > 0 && n >= bestCount) {
      best = BY_CODE[code];
      bestCount = n;
    }
  }
  return best;
}

/** The status to draw: what the view says, or — when nobody lists the node — whether its process runs. `running`
 *  comes from the host when live (`undefined` in replay: then the node's own start/stop events decide). */
export function displayStatus(seen: MemberStatus | undefined, running: boolean): DisplayStatus {
  if (seen !== undefined) return seen;
  return running ? 'joining' : 'down';
}
