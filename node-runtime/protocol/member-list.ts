// One observer's membership list: the entries, the tombstones of removed ids, and the newest version seen per
// address. Holds state and the precedence rule; the mechanisms that change it live in their own files.
import type { MemberStatus } from './events.ts';
import type { Address, MemberId } from './member-id.ts';
import type { WireEntry } from './codec.ts';

export interface Entry extends WireEntry {
  readonly address: Address;
  heartbeat: number;
  incarnation: number;
  status: MemberStatus;
  /** `now` when this observer last saw the heartbeat increase: the fail timer runs from here. */
  lastHeardAt: number;
  /** `now` when the status last changed: the suspect and cleanup timers run from here. */
  statusSince: number;
  /** `now` when status or incarnation last changed: such news goes first into a bounded packet (gossip.ts). */
  changedAt: number;
}

const RANK: Record<MemberStatus, number> = { alive: 0, suspect: 1, failed: 2, left: 2 };

/** Precedence for one id: a higher incarnation wins; at an equal one failed/left > suspect > alive. */
export function outranks(a: { incarnation: number; status: MemberStatus }, b: { incarnation: number; status: MemberStatus }): boolean {
  return a.incarnation > b.incarnation || (a.incarnation === b.incarnation && RANK[a.status] > RANK[b.status]);
}

/** Alive or suspect: still gossiped to, still counted in. */
export function isLive(status: MemberStatus): boolean {
  return status === 'alive' || status === 'suspect';
}

export class MemberList {
  private readonly entries = new Map<MemberId, Entry>();
  /** id → when its tombstone expires. Insertion order is expiry order (a constant added to a clock that only grows). */
  private readonly tombstones = new Map<MemberId, number>();
  private readonly newest = new Map<Address, number>();

  get size(): number {
    return this.entries.size;
  }

  get(id: MemberId): Entry | undefined {
    return this.entries.get(id);
  }

  values(): IterableIterator<Entry> {
    return this.entries.values();
  }

  add(entry: Entry): void {
    this.entries.set(entry.id, entry);
    this.noteVersion(entry.address, entry.version);
  }

  /** Drops the entry and remembers its id until `until`. */
  remove(id: MemberId, until: number): void {
    this.entries.delete(id);
    this.tombstone(id, until);
  }

  tombstone(id: MemberId, until: number): void {
    this.tombstones.delete(id);
    this.tombstones.set(id, until);
  }

  isTombstoned(id: MemberId): boolean {
    return this.tombstones.has(id);
  }

  /** Forgets expired tombstones; returns when the next one expires (Infinity: none). */
  expireTombstones(now: number): number {
    for (const [id, until] of this.tombstones) {
      if (until > now) return until;
      this.tombstones.delete(id);
    }
    return Number.POSITIVE_INFINITY;
  }

  /** The highest version ever seen at the address (a process binds its port alone, so older ones are dead). */
  newestVersion(address: Address): number | undefined {
    return this.newest.get(address);
  }

  noteVersion(address: Address, version: number): void {
    if (version > (this.newest.get(address) ?? -1)) this.newest.set(address, version);
  }
}
