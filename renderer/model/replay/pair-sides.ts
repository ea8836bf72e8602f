// Side by side in replay: a pair recording (the host's `launch-pair`) stores each node slot's side (sides.jsonl), and
// the replay splits by it — whatever the two clusters logged of each other. Older recordings do not store it; their
// sides are read off the events: union-find over "observer logged an event about member", by address (a restart
// keeps its side). Exactly two groups is a pair; anything else (one cluster, a partition that healed, a stray lone
// node) is shown as one view, as before.
import { addressOf } from '../../../node-runtime/protocol/member-id.ts';
import type { Address } from '../../../node-runtime/protocol/member-id.ts';
import type { EventColumns, Interner } from './event-columns.ts';
import { compareAddresses } from '../node-slots.ts';

/** The two sides (each a set of addresses: the stored left and right, or, inferred, the one holding the lowest address
 *  first), or undefined if not a pair. */
export function pairSides(
  columns: EventColumns, interner: Interner, stored: ReadonlyMap<Address, 0 | 1>,
): readonly [ReadonlySet<Address>, ReadonlySet<Address>] | undefined {
  if (stored.size > 0) {
    const sides = [new Set<Address>(), new Set<Address>()] as const;
    for (const [address, group] of stored) sides[group].add(address);
    return sides[0].size > 0 && sides[1].size > 0 ? sides : undefined;
  }
  const parent = new Map<Address, Address>();
  const find = (a: Address): Address => {
    let root = a;
    for (let p = parent.get(root); p !== undefined && p !== root; p = parent.get(root)) root = p;
    for (let x = a; x !== root;) { const next = parent.get(x)!; parent.set(x, root); x = next; }
    if (!parent.has(root)) parent.set(root, root);
    return root;
  };
  for (let i = 0; i < columns.length; i++) {
    const o = find(addressOf(interner.ids[columns.observer[i]!]!));
    const m = find(addressOf(interner.ids[columns.member[i]!]!));
    if (o !== m) parent.set(m, o);
  }
  const groups = new Map<Address, Set<Address>>();
  for (const a of [...parent.keys()].sort(compareAddresses)) {
    const root = find(a);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = new Set()));
    g.add(a);
  }
  if (groups.size !== 2) return undefined;
  const [left, right] = [...groups.values()];
  return [left!, right!];
}
