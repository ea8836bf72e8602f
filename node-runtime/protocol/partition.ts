// Cutting a group in two with block lists (the core's `set-blocked`): the nodes of one side block every node of the
// other, and the other side blocks them, so neither hears the other while both go on working. Shared by the app's
// host and its demo (the simulator), so a partition means the same everywhere.
import type { Address } from './member-id.ts';

/** Each node's block list for cutting `side` off from the rest; an empty side heals (every list empty). A string says
 *  why the cut is not possible. */
export function partitionLists(all: readonly Address[], side: readonly Address[]): Map<Address, readonly Address[]> | string {
  const cut = new Set(side);
  for (const a of cut) if (!all.includes(a)) return `no node at ${a} in this cluster`;
  if (cut.size > 0 && cut.size === all.length) return 'a partition needs nodes on both sides';
  const rest = all.filter((a) => !cut.has(a));
  return new Map(all.map((a) => [a, cut.size === 0 ? [] : cut.has(a) ? rest : [...cut]]));
}

/** The side cut off after a host action: a partition sets it, a heal clears it, other actions leave it (the host's
 *  view state and the renderer's store follow the actions the same way). */
export function partitionAfter(record: { readonly action: string; readonly side?: readonly Address[] }, before: readonly Address[] | null): readonly Address[] | null {
  if (record.action === 'partition') return record.side ?? null;
  return record.action === 'heal' ? null : before;
}
