// Gossip-style heartbeating (van Renesse, Minsky, Hayden 1998): a member bumps its own counter every round, and an
// observer resets a member's fail timer only when it sees that counter increase.
import type { CoreState } from './state.ts';
import type { Entry } from './member-list.ts';
import { isLive } from './member-list.ts';
import { randomIndex } from './rng.ts';

export function bumpHeartbeat(st: CoreState, now: number): void {
  st.self.heartbeat++;
  st.self.lastHeardAt = now;
}

/** Records a heartbeat heard by gossip; only an increase counts as news of life. */
export function hearHeartbeat(e: Entry, heartbeat: number, now: number): void {
  if (heartbeat > e.heartbeat) {
    e.heartbeat = heartbeat;
    e.lastHeardAt = now;
  }
}

/** Up to `k` distinct random live members other than self. Suspects are included: they must hear their suspicion
 *  to refute it. */
export function chooseTargets(st: CoreState, k: number): Entry[] {
  const pool: Entry[] = [];
  for (const e of st.list.values()) if (e !== st.self && isLive(e.status)) pool.push(e);
  const n = Math.min(k, pool.length);
  // Partial Fisher-Yates: the first n slots become a uniform sample.
  for (let i = 0; i < n; i++) {
    const j = i + randomIndex(st.rng, pool.length - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  pool.length = n;
  return pool;
}
