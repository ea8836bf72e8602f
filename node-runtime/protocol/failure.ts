// The members' own timers: alive to suspect or failed (gossip mode's heartbeat timeout; in ping mode probes decide,
// probe.ts, and a member never heard from directly is probed when its silence is due), suspect to failed, and
// failed or left to removed.
import type { CoreState } from './state.ts';
import { emit, transition } from './state.ts';
import type { Entry } from './entry.ts';
import { isLive } from './member-list.ts';
import { PacketBuilder } from './codec.ts';
import type { WireMember } from './codec.ts';
import { suspectTimeoutOf } from './suspicion.ts';
import { abandonProbes } from './probe.ts';

/** When `e` next changes by itself if nothing is heard. */
export function deadlineOf(st: CoreState, e: Entry): number {
  const c = st.config;
  switch (e.status) {
    case 'alive':
      if (st.mode.family === 'gossip') return e.lastHeardAt + c.failTimeoutMs;
      return e.confirmed ? Number.POSITIVE_INFINITY : e.lastHeardAt + unconfirmedTimeout(st);
    case 'suspect':
      return e.statusSince + suspectTimeoutOf(st, e);
    case 'failed':
    case 'left':
      return e.statusSince + c.cleanupTimeoutMs;
  }
}

/** Ping mode: a member learned only second-hand is not in the probe order (no reflector: member-list.ts
 *  `confirmed`), so it should speak to us: a live member probes each other member once a round of N − 1 periods (two
 *  of its probes of us at most two rounds apart) and announces itself on joining. One silent for 2 rounds gets a
 *  probe of its own, in a probe period's slot (so a flood of forged entries gains no more datagrams than the
 *  round-robin sends anyway), and is suspected or failed like any other if nothing answers. Without it, such a member
 *  stayed alive here for ever when the failure news from those who did probe it never reached us, and two members
 *  that had each learned of the other second-hand never probed each other at all. */
function unconfirmedTimeout(st: CoreState): number {
  return 2 * Math.max(1, st.list.live - 1) * st.config.probeIntervalMs;
}

/** Applies every timer of `e` that is due; returns its next deadline (Infinity once removed). */
export function expire(st: CoreState, now: number, e: Entry): number {
  let deadline = deadlineOf(st, e);
  while (now >= deadline) {
    if (e.status === 'alive' && st.mode.family === 'ping') {
      // Unconfirmed and silent (the only alive deadline in ping mode): probed next; the window starts over.
      st.probe.next.add(e);
      e.lastHeardAt = now;
    } else if (e.status === 'alive') {
      // No heartbeat increase for T_fail: with suspicion the group gets a chance to hear a refutation first.
      transition(st, now, e, st.mode.enabled ? 'suspect' : 'failed', 'timeout');
    } else if (e.status === 'suspect') {
      transition(st, now, e, 'failed', 'suspect-timeout');
    } else {
      emit(st, now, 'remove', e);
      st.list.remove(e.id, now + st.config.tombstoneMs);
      // News of a member no longer listed is never sent, and gossip mode never drains the queue: without this it
      // kept every member that ever changed.
      st.broadcasts.remove(e);
      return Number.POSITIVE_INFINITY;
    }
    deadline = deadlineOf(st, e);
  }
  return deadline;
}

/** Gossip from a member this observer holds as failed, left or removed: that member is a zombie to the group (it was
 *  paused or cut off past its timeout) and nobody gossips to it any more, so tell it directly. It cannot refute
 *  (fail-stop): told so, it reports selfDeclaredFailed and its runtime rejoins under a new version. A notice of its
 *  own kind, so that two members that each hold the other failed do not just ignore each other's gossip. `listed`:
 *  the sender's entry here, if any (the caller looks it up once per datagram). */
export function isZombie(st: CoreState, sender: WireMember, listed: Entry | undefined): boolean {
  if (sender.id === st.self.id) return false;
  return listed === undefined ? st.list.isTombstoned(sender.id) : !isLive(listed.status);
}

/** Every other member this one knows (at least two) it holds failed, left or removed: it timed the whole group out,
 *  so it is far likelier the one that was cut off (deaf for T_fail: dropped, starved, or sent to by too few) than the
 *  only survivor. Then hearing from one it failed proves it was the deaf one: it rejoins as a new version instead of
 *  telling the others to (core.ts), and its introducer probe carries only itself, not its verdicts — one deaf member
 *  restarts itself, not everyone it failed (round-four soak: one deaf member's failed-notices restarted 32). Two
 *  members, one of them paused, are not this: the survivor tells the paused one, as before. */
export function isIsolated(st: CoreState): boolean {
  return st.list.live === 1 && st.list.size - 1 + st.list.tombstoneCount >= 2;
}

export function deathNotice(st: CoreState, sender: WireMember): Uint8Array {
  const packet = new PacketBuilder(st.self, st.mode, st.config.maxPacketBytes, 'failed-notice');
  packet.add({ ...sender, heartbeat: 0, incarnation: st.list.get(sender.id)?.incarnation ?? 0, status: 'failed' });
  return packet.encode();
}

/** Woken `lost` ms later than asked (the process was paused, or starved): that silence was this member's, not the
 *  others', so every timer is moved on by it. Without this a resumed member would fail everyone at once, and in
 *  suspicion-off mode gossip that verdict to its healthy victims. */
export function forgiveLostTime(st: CoreState, now: number, lost: number): void {
  for (const e of st.list.values()) {
    if (e === st.self) continue;
    // Never earlier than it was: a switch into gossip may have set it ahead (mode.ts).
    e.lastHeardAt = Math.max(e.lastHeardAt, Math.min(now, e.lastHeardAt + lost));
    e.statusSince = Math.min(now, e.statusSince + lost);
  }
  // A probe that was open across the gap had no fair chance of an ack: no verdict.
  abandonProbes(st);
  if (st.timers.get('probe') < now) st.timers.set('probe', now);
}
