// One short console line per membership event, for people watching a node or a cluster.
import type { MembershipEvent } from '../protocol/events.ts';

function clock(ts: number): string {
  return new Date(ts).toISOString().slice(11, 23);
}

export function describeEvent(e: MembershipEvent): string {
  const about = e.member === e.node ? 'self' : e.member;
  const details = [e.incarnation !== undefined && e.incarnation > 0 ? `inc ${e.incarnation}` : '', e.reason ?? '']
    .filter(Boolean).join(', ');
  return `${clock(e.ts)} ${e.event.toUpperCase().padEnd(7)} ${about}${details ? ` (${details})` : ''}`;
}
