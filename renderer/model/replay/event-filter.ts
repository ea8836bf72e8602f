// Which events the timeline lists and steps through: by node (every version of one address, as observer or member)
// and by kind. The filter never touches the fold — the state at t always has every event applied.
import type { EventColumns } from './event-columns.ts';

export interface EventFilter {
  /** Id indices (Interner) to keep, as observer or member; undefined = every node. */
  readonly ids?: ReadonlySet<number>;
  /** Kind codes (KIND_CODE) to keep; undefined = every kind. */
  readonly kinds?: ReadonlySet<number>;
}

export function matches(c: EventColumns, i: number, f: EventFilter): boolean {
  if (f.kinds && !f.kinds.has(c.kind[i]!)) return false;
  return !f.ids || f.ids.has(c.observer[i]!) || f.ids.has(c.member[i]!);
}

/** First matching event at index ≥ from, or undefined. */
export function nextMatch(c: EventColumns, from: number, f: EventFilter): number | undefined {
  for (let i = Math.max(0, from); i < c.length; i++) if (matches(c, i, f)) return i;
  return undefined;
}

/** Last matching event at index < before, or undefined. */
export function prevMatch(c: EventColumns, before: number, f: EventFilter): number | undefined {
  for (let i = Math.min(c.length, before) - 1; i >= 0; i--) if (matches(c, i, f)) return i;
  return undefined;
}

/** Up to `before` matching events before `position` and `after` from it on, as event indices in order. */
export function eventsAround(c: EventColumns, position: number, f: EventFilter, before: number, after: number): number[] {
  const earlier: number[] = [];
  for (let i = prevMatch(c, position, f); i !== undefined && earlier.length < before; i = prevMatch(c, i, f)) earlier.push(i);
  const later: number[] = [];
  for (let i = nextMatch(c, position, f); i !== undefined && later.length < after; i = nextMatch(c, i + 1, f)) later.push(i);
  return [...earlier.reverse(), ...later];
}
