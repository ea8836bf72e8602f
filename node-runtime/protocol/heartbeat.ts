// Gossip-style heartbeating (van Renesse, Minsky, Hayden 1998): a member bumps its own counter every round, and an
// observer resets a member's fail timer only when it sees that counter increase.
import type { CoreState } from './state.ts';
import type { Entry } from './entry.ts';
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

/** Up to `k` distinct random live, confirmed members other than self (and as `accept` allows; never an address that has not spoken:
 *  member-list.ts). Suspects are included: they must hear their suspicion to refute it. When a third or more of the
 *  list has gone quiet (no heartbeat increase within a third of T_fail) — a crash wave: dead but not yet failed — the
 *  k targets are drawn from the members heard from lately and one more from the quiet: gossip spent on the dead had
 *  slowed the survivors' heartbeats past T_fail (issue 9: 0.9 % of simulated 5-of-10 crash waves failed a survivor;
 *  at "half or more" quiet, still ~0.1 % of 4- and 5-of-10 waves, where 4 dead of 9 stayed under the bar; at a third,
 *  0 of 14,000; scripts/sim-crash-wave.ts). With two thirds fresh the choice is uniform: preferring the fresh there
 *  starved members behind heavy loss of the gossip they refute by (false failures at 30 % loss with suspicion on;
 *  sim-detection at 10 and 30 % loss gave no more false failures at a third than at half). */
export function chooseTargets(st: CoreState, now: number, k: number, accept: (e: Entry) => boolean = () => true): Entry[] {
  if (st.mode.family === 'ping' && st.probe.ring.length > RING_SAMPLING) {
    const drawn = fromRing(st, k, accept);
    if (drawn !== undefined) return drawn;
  }
  const fresh: Entry[] = [];
  const quiet: Entry[] = [];
  // Only heartbeats tell fresh from quiet: in ping mode the choice is uniform.
  const recent = st.mode.family === 'gossip' ? now - st.config.failTimeoutMs / 3 : Number.NEGATIVE_INFINITY;
  for (const e of st.list.values()) {
    if (e === st.self || !isLive(e.status) || !e.confirmed || !accept(e)) continue;
    (e.lastHeardAt >= recent ? fresh : quiet).push(e);
  }
  if (2 * quiet.length < fresh.length || fresh.length === 0) {
    const all = [...fresh, ...quiet];
    sample(st, all, Math.min(k, all.length));
    return all.slice(0, k);
  }
  // Most of the list is quiet: k targets among the fresh, and one more among the quiet (k + 1 datagrams a round,
  // only while it lasts).
  const fromFresh = Math.min(fresh.length, k);
  const fromQuiet = Math.min(quiet.length, Math.max(1, k - fromFresh));
  sample(st, fresh, fromFresh);
  sample(st, quiet, fromQuiet);
  return [...fresh.slice(0, fromFresh), ...quiet.slice(0, fromQuiet)];
}

/** Past this many on the probe ring, ping mode draws its targets from the ring rather than scanning the list: a scan
 *  per news round made every member's rounds O(N) (at 10,000 simulated members, 10⁸ entries visited a round). */
const RING_SAMPLING = 64;

/** Ping mode: `k` distinct members drawn uniformly from the probe ring (which holds every confirmed member: member-list.ts
 *  `confirmed`) and kept if they qualify as in `chooseTargets` — the same choice, without the scan. Undefined when
 *  too few qualify within a few draws (most of the ring dead or refused): the caller scans. An entry off the list is
 *  never live (only failed and left ones are removed). */
function fromRing(st: CoreState, k: number, accept: (e: Entry) => boolean): Entry[] | undefined {
  const ring = st.probe.ring;
  const drawn: Entry[] = [];
  for (let tries = 4 * k + 16; drawn.length < k; tries--) {
    if (tries === 0) return undefined;
    const e = ring[randomIndex(st.rng, ring.length)]!;
    if (e !== st.self && isLive(e.status) && e.confirmed && accept(e) && !drawn.includes(e)) drawn.push(e);
  }
  return drawn;
}

/** Partial Fisher-Yates: the first n slots of `pool` become a uniform sample of it. */
function sample(st: CoreState, pool: Entry[], n: number): void {
  for (let i = 0; i < n; i++) {
    const j = i + randomIndex(st.rng, pool.length - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
}
