// The one precedence rule of both protocol families (ARCHITECTURE.md §5; h11's _state.py is the model): what an
// observer does with a status it hears about a member, from what it holds, what it heard, the two incarnations and
// the mode. Every path that hears a status (gossip, SWIM piggyback, push-pull, join snapshot) goes through `decide`,
// and precedence.test.ts checks the whole table.
import type { MemberStatus } from './events.ts';
import type { ProtocolMode } from './mode.ts';

export interface Known {
  readonly status: MemberStatus;
  readonly incarnation: number;
}

export type Decision =
  /** Nothing changes. */
  | { readonly kind: 'keep' }
  /** The suspicion we hold, heard again at the same incarnation: an independent confirmation (Lifeguard). */
  | { readonly kind: 'confirm' }
  /** Take this status and incarnation. The same status at a higher incarnation is news too (and restarts a
   *  suspicion's timer). */
  | { readonly kind: 'set'; readonly status: MemberStatus; readonly incarnation: number; readonly reason: string }
  /** About self: suspected at our incarnation or above; outbid it with this one. */
  | { readonly kind: 'refute'; readonly incarnation: number }
  /** About self: the group holds us failed or left; fail-stop, so we cannot refute and rejoin as a new version. */
  | { readonly kind: 'declared-failed' };

const KEEP: Decision = { kind: 'keep' };

/** Whether a `failed` heard from another member is adopted. With suspicion, failures are agreed through it; in ping
 *  mode a member learns of a failure only from whoever probed it; in gossip mode without suspicion each observer
 *  decides from its own heartbeat timer. */
export function adoptsFailure(mode: ProtocolMode): boolean {
  return mode.suspicion || mode.family === 'ping';
}

export function decide(current: Known, heard: Known, mode: ProtocolMode, self: boolean): Decision {
  if (self) return decideSelf(current, heard, mode);
  // Fail-stop: a failed or left id is never revived (a restarted process is a new version).
  if (current.status === 'failed' || current.status === 'left') return KEEP;
  const older = heard.incarnation < current.incarnation;
  const higher = heard.incarnation > current.incarnation;
  switch (heard.status) {
    case 'left':
      // The member said so itself, at an incarnation it bumped for the purpose: not a local decision in any mode.
      return older ? KEEP : { kind: 'set', status: 'left', incarnation: heard.incarnation, reason: 'gossip' };
    case 'failed':
      if (older) return KEEP;
      return adoptsFailure(mode) ? { kind: 'set', status: 'failed', incarnation: heard.incarnation, reason: 'gossip' } : KEEP;
    case 'suspect':
      if (older) return KEEP;
      if (!mode.suspicion) {
        // Without suspicion a suspect entry (from a member yet to hear the switch) says only "alive at this one".
        return higher ? { kind: 'set', status: current.status, incarnation: heard.incarnation, reason: 'gossip' } : KEEP;
      }
      if (current.status === 'suspect' && !higher) return { kind: 'confirm' };
      return { kind: 'set', status: 'suspect', incarnation: heard.incarnation, reason: 'gossip' };
    case 'alive':
      if (!higher) return KEEP;
      return { kind: 'set', status: 'alive', incarnation: heard.incarnation, reason: current.status === 'suspect' ? 'refuted' : 'gossip' };
  }
}

function decideSelf(current: Known, heard: Known, mode: ProtocolMode): Decision {
  // A verdict about an older incarnation was overtaken by our own refutation (it is stale news).
  if (heard.incarnation < current.incarnation) return KEEP;
  if (heard.status === 'failed' || heard.status === 'left') return { kind: 'declared-failed' };
  if (heard.status === 'suspect' && mode.suspicion) return { kind: 'refute', incarnation: heard.incarnation + 1 };
  return KEEP;
}
