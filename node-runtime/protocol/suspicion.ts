// Suspicion: a member first suspected, the suspicion spread by gossip, refuted by the suspect bumping its
// incarnation. The mode is cluster-wide and switchable at run time: a switch bumps an epoch, packets carry
// (enabled, epoch, tie) and the higher (epoch, tie) wins, so the last switch spreads like any other news.
import type { CoreState } from './state.ts';
import { transition } from './state.ts';
import type { WireEntry, WireMode } from './codec.ts';
import type { Entry } from './member-list.ts';

function newer(a: WireMode, b: WireMode): boolean {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch;
  if (a.tie !== b.tie) return a.tie > b.tie;
  return a.enabled && !b.enabled;
}

/** The `set-suspicion` command: a new epoch, with a random tie-break against a concurrent switch elsewhere. */
export function switchSuspicion(st: CoreState, now: number, enabled: boolean): void {
  apply(st, now, { enabled, epoch: st.mode.epoch + 1, tie: Math.floor(st.rng.next() * 0x100000000) });
}

/** Adopts a mode heard by gossip (or from a join snapshot) if it is newer than ours. */
export function hearMode(st: CoreState, now: number, mode: WireMode): void {
  if (newer(mode, st.mode)) apply(st, now, mode);
}

/** A joiner takes the group's mode from the introducer's snapshot (which carries no tie-break: later gossip at the
 *  same epoch brings it). */
export function adoptGroupMode(st: CoreState, now: number, mode: { enabled: boolean; epoch: number }): void {
  if (mode.epoch >= st.mode.epoch) apply(st, now, { ...mode, tie: 0 });
}

function apply(st: CoreState, now: number, mode: WireMode): void {
  const wasEnabled = st.mode.enabled;
  st.mode = mode;
  if (!wasEnabled || mode.enabled) return;
  // Switched off: suspects go back to timer-based liveness, failed only if their heartbeat is already too old.
  for (const e of st.list.values()) {
    if (e.status !== 'suspect') continue;
    if (now - e.lastHeardAt >= st.config.failTimeoutMs) transition(st, now, e, 'failed', 'timeout');
    else transition(st, now, e, 'alive', 'suspicion-off');
  }
}

/** Suspicion-mode merge of a gossiped status into a live entry (precedence: member-list.ts `outranks`). */
export function hearStatus(st: CoreState, now: number, e: Entry, w: WireEntry): void {
  if (w.incarnation < e.incarnation) return;
  if (w.status === 'failed') {
    // Adopted at once, so the time for every member to detect is not gated by each one's own timer.
    transition(st, now, e, 'failed', 'gossip');
  } else if (w.status === 'suspect') {
    const fresh = w.incarnation > e.incarnation;
    e.incarnation = w.incarnation;
    if (e.status === 'alive') transition(st, now, e, 'suspect', 'gossip');
    else if (fresh) e.statusSince = e.changedAt = now; // a new suspicion of a refutation we never heard: a new timer
  } else if (w.incarnation > e.incarnation) {
    e.incarnation = w.incarnation;
    e.changedAt = now;
    if (e.status === 'suspect') transition(st, now, e, 'alive', 'refuted');
  }
}

/** Self heard as suspect at an incarnation at least its own: outbid it, and answer the sender at once. */
export function refute(st: CoreState, now: number, w: WireEntry, sender: string): void {
  if (!st.mode.enabled || w.incarnation < st.self.incarnation) return;
  st.self.incarnation = w.incarnation + 1;
  st.self.changedAt = now;
  st.refuteTo.push(sender);
}
