// The cluster-wide protocol mode: {gossip, ping} × {suspicion on, off}, switchable at run time. A switch bumps an
// epoch and draws a random tie-break; every datagram carries (family, suspicion, epoch, tie) and the higher (epoch,
// tie) wins, so the last switch spreads like any other news. A switch never fails anyone: what it changes is undone
// gently (suspects go back to alive, heartbeat timers restart).
import type { CoreState } from './state.ts';
import { emit, transition } from './state.ts';
import type { ProtocolFamily, WireMode } from './codec.ts';

export type { ProtocolFamily } from './codec.ts';

/** The four configurations, as the course names them (`switch gossip|ping suspect|nosuspect`). */
export interface ProtocolMode {
  readonly family: ProtocolFamily;
  readonly suspicion: boolean;
}

/** The mode as `display_protocol` and the host show it, with the epoch of the switch that set it. */
export interface ModeInfo extends ProtocolMode {
  readonly epoch: number;
}

export const PROTOCOL_FAMILIES: readonly ProtocolFamily[] = ['gossip', 'ping'];

/** `gossip+suspect`, `ping+nosuspect`, ...: the words of `switch`, as logs and replay show them. */
export function modeName(m: ProtocolMode): string {
  return `${m.family}+${m.suspicion ? 'suspect' : 'nosuspect'}`;
}

/** Parses `modeName`'s spelling; undefined for anything else. */
export function parseModeName(text: string): ProtocolMode | undefined {
  const [family, suspicion, ...rest] = text.split('+');
  if (rest.length > 0 || (family !== 'gossip' && family !== 'ping')) return undefined;
  if (suspicion !== 'suspect' && suspicion !== 'nosuspect') return undefined;
  return { family, suspicion: suspicion === 'suspect' };
}

function newer(a: WireMode, b: WireMode): boolean {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch;
  if (a.tie !== b.tie) return a.tie > b.tie;
  // Same epoch and tie: only a bug or a forged packet; settle it the same way everywhere.
  return (a.family === 'ping' ? 2 : 0) + (a.enabled ? 1 : 0) > (b.family === 'ping' ? 2 : 0) + (b.enabled ? 1 : 0);
}

/** The `set-mode` command: a new epoch, with a random tie-break against a concurrent switch elsewhere. A field left
 *  out keeps its current value. */
export function switchMode(st: CoreState, now: number, change: Partial<ProtocolMode>): void {
  apply(st, now, {
    family: change.family ?? st.mode.family,
    enabled: change.suspicion ?? st.mode.enabled,
    epoch: st.mode.epoch + 1,
    tie: Math.floor(st.rng.next() * 0x100000000),
  });
}

/** Adopts a mode heard on the wire if it is newer than ours. */
export function hearMode(st: CoreState, now: number, mode: WireMode): void {
  if (newer(mode, st.mode)) apply(st, now, mode);
}

/** A joiner (or a push-pull) takes the group's mode from a snapshot, which carries no tie-break: later datagrams at
 *  the same epoch bring it. */
export function adoptGroupMode(st: CoreState, now: number, mode: ModeInfo): void {
  if (mode.epoch > st.mode.epoch || (mode.epoch === st.mode.epoch && st.mode.tie === 0)) {
    apply(st, now, { family: mode.family, enabled: mode.suspicion, epoch: mode.epoch, tie: 0 });
  }
}

/** Logs the protocol in force here (at start and after each change of family or suspicion). */
export function logProtocol(st: CoreState, now: number): void {
  emit(st, now, 'protocol', st.self, modeName({ family: st.mode.family, suspicion: st.mode.enabled }));
}

function apply(st: CoreState, now: number, mode: WireMode): void {
  const was = st.mode;
  st.mode = mode;
  if (was.family !== mode.family || was.enabled !== mode.enabled) logProtocol(st, now);
  if (was.family !== mode.family) st.modeSince = now;
  // Suspicion switched off: suspects go back to alive. In gossip mode one whose heartbeat is already older than
  // T_fail fails by the timer (as it would have without suspicion); in ping mode the next probe decides. Judged on
  // the timers as they stood, before the restart below.
  if (was.enabled && !mode.enabled) {
    for (const e of st.list.values()) {
      if (e.status !== 'suspect') continue;
      if (mode.family === 'gossip' && now - e.lastHeardAt >= st.config.failTimeoutMs) transition(st, now, e, 'failed', 'timeout');
      else transition(st, now, e, 'alive', 'suspicion-off');
    }
  }
  // Heartbeat timers restart from each switch adopted into gossip mode, even from gossip (switches cross: a member
  // may still be in ping mode from one this member never heard). In ping mode nobody bumps a heartbeat, so a member
  // that has not heard of the switch yet gets a probe period to hear of it (the answer to its next probe carries the
  // mode, as every datagram does) and then T_fail for its heartbeat to arrive: a switch never fails anyone.
  if (was.family !== mode.family || (mode.family === 'gossip' && was.epoch !== mode.epoch)) {
    const from = mode.family === 'gossip' ? now + st.config.probeIntervalMs : now;
    for (const e of st.list.values()) if (e !== st.self) e.lastHeardAt = Math.max(e.lastHeardAt, from);
    st.timers.pull('expiry', now);
  }
}
