// Suspicion: a member first suspected, the suspicion spread, refuted by the suspect bumping its incarnation. In ping
// mode its timeout is Lifeguard's (Dadgar et al. 2018; memberlist's suspicion.go): it starts at
// suspicionMaxTimeoutMult × the shortest and falls towards the shortest as independent confirmations arrive, so a
// suspicion nobody else shares (a slow observer, a lossy path) has long to be refuted, while a crash that every
// prober sees is declared quickly. The shortest grows with log10 of the live group size. A confirmation is another
// suspecter — a member whose own probe failed — named in the suspicion as it spreads (codec.ts), never a member
// that only relayed it: relays made every suspicion look confirmed, and at 30 % loss a lone prober's false
// suspicion then fell to the shortest timeout before the suspect's refutation got back.
import type { CoreState } from './state.ts';
import { renew } from './state.ts';
import type { Entry } from './entry.ts';
import { suspicionBy } from './entry.ts';
import type { Address } from './member-id.ts';
import { isLive } from './member-list.ts';

/** memberlist's suspicionTimeout(mult, n, interval): mult · max(1, log10 n) · interval. */
export function suspicionTimeout(mult: number, n: number, intervalMs: number): number {
  return Math.round(mult * Math.max(1, Math.log10(Math.max(1, n))) * intervalMs);
}

/** How long the suspicion of `e` lasts in all, given the confirmations it has had so far. */
export function suspectTimeoutOf(st: CoreState, e: Entry): number {
  const c = st.config;
  if (st.mode.family === 'gossip') return c.suspectTimeoutMs;
  const n = st.list.live;
  const min = suspicionTimeout(c.suspicionMult, n, c.probeIntervalMs);
  const max = c.suspicionMaxTimeoutMult * min;
  // The confirmations to expect: the suspecter and the suspect cannot confirm, and a small group has few others.
  const k = Math.min(c.suspicionConfirmations, n - 2);
  if (k < 1) return min;
  const confirmed = Math.min(k, (e.suspicion?.confirmers.size ?? 1) - 1);
  const frac = Math.log(confirmed + 1) / Math.log(k + 1);
  return Math.max(min, Math.floor(max - frac * (max - min)));
}

/** The suspicion we hold of `e`, raised again by `by` at the same incarnation (heard, or our own failed probe):
 *  counted once per suspecter. A new one is spread under its name (memberlist re-broadcasts each confirmation, so
 *  every holder's timer falls), and it shortens the timer, so the expiry scan is pulled in. */
export function confirmSuspicion(st: CoreState, now: number, e: Entry, by: Address): void {
  if (by === e.address) return;
  const s = (e.suspicion ??= suspicionBy(by));
  // Bounded: past k confirmations the timeout is already at its shortest.
  if (s.confirmers.size > st.config.suspicionConfirmations || s.confirmers.has(by)) return;
  s.confirmers.add(by);
  s.suspecter = by;
  st.broadcasts.enqueue(e);
  st.timers.pull('expiry', now);
}

/** Self heard as suspect at an incarnation at least its own: outbid it, answer the sender and the suspecter at once
 *  (the suspecter's timer runs first; a member we have not confirmed is never sent to), and count it against our own
 *  health (Lifeguard: being suspected hints that we are the slow one). */
export function refute(st: CoreState, now: number, incarnation: number, sender: Address | undefined, suspecter: Address | undefined): void {
  renew(st, now, st.self, incarnation, 'refute');
  st.awareness.apply(1);
  if (sender !== undefined) st.refuteTo.push(sender);
  if (suspecter !== undefined && suspecter !== sender && suspecter !== st.self.address && st.list.at(suspecter).some((m) => m.confirmed && isLive(m.status))) {
    st.refuteTo.push(suspecter);
  }
}
