// A node's control stream (and an embedded node's start) begins with a snapshot of its list, not with the events
// that built it: those happened before the host was listening. Turned into the events that would have built it, the
// snapshot lets the renderer fold one kind of input only. Live stream only: the node's own log keeps the real ones.
import type { EventKind, MemberId, MemberStatus, MembershipEvent } from './api.ts';

const KIND_OF: Record<MemberStatus, EventKind> = { alive: 'join', suspect: 'suspect', failed: 'fail', left: 'leave' };

export interface SnapshotMember {
  readonly id: MemberId;
  readonly status: string;
  readonly incarnation: number;
}

export function snapshotEvents(self: MemberId, members: readonly SnapshotMember[], ts: number): MembershipEvent[] {
  // Its own incarnation too: one that refuted a suspicion before the host listened is past 0.
  const incarnation = members.find((m) => m.id === self)?.incarnation;
  const events: MembershipEvent[] = [{ ts, node: self, event: 'start', member: self, ...(incarnation !== undefined && { incarnation }), reason: 'snapshot' }];
  for (const m of members) {
    const kind = KIND_OF[m.status as MemberStatus];
    if (m.id === self || kind === undefined) continue;
    events.push({ ts, node: self, event: kind, member: m.id, incarnation: m.incarnation, reason: 'snapshot' });
  }
  return events;
}
