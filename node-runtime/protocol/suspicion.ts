// Suspicion: a member first suspected, the suspicion spread, refuted by the suspect bumping its incarnation. In ping
// mode its timeout is Lifeguard's (Dadgar et al. 2018; memberlist's suspicion.go): it starts at
// suspicionMaxTimeoutMult × the shortest and falls towards the shortest as independent confirmations arrive, so a
// suspicion nobody else shares (a slow observer, a lossy path) has long to be refuted, while a crash that every
// prober sees is declared quickly. The shortest grows with log10 of the live group size.
import type { CoreState } from './state.ts';
import { renew } from './state.ts';
import type { Entry } from './member-list.ts';
import type { Address, MemberId } from './member-id.ts';

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
  const k = n - 2 < c.suspicionMult - 2 ? 0 : c.suspicionMult - 2;
  if (k < 1) return min;
  const confirmed = Math.min(k, e.confirmers?.size ?? 0);
  const frac = Math.log(confirmed + 1) / Math.log(k + 1);
  return Math.max(min, Math.floor(max - frac * (max - min)));
}

/** The suspicion we hold of `e`, heard again from `sender` at the same incarnation: counted once per member. A
 *  confirmation shortens the timer, so the expiry scan is pulled in. */
export function confirmSuspicion(st: CoreState, now: number, e: Entry, sender: MemberId | undefined): void {
  if (sender === undefined || sender === st.self.id || sender === e.id) return;
  e.confirmers ??= new Set();
  // Bounded: past suspicionMult confirmations the timeout is already at its shortest.
  if (e.confirmers.size >= st.config.suspicionMult || e.confirmers.has(sender)) return;
  e.confirmers.add(sender);
  st.timers.pull('expiry', now);
}

/** Self heard as suspect at an incarnation at least its own: outbid it, answer the sender at once, and count it
 *  against our own health (Lifeguard: being suspected hints that we are the slow one). */
export function refute(st: CoreState, now: number, incarnation: number, sender: Address | undefined): void {
  renew(st, now, st.self, incarnation);
  st.awareness.apply(1);
  if (sender !== undefined) st.refuteTo.push(sender);
}
