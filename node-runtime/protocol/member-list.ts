// One observer's membership list: the entries, the tombstones of removed ids, and the newest version seen per
// address. Holds state; the precedence rule (precedence.ts) and the mechanisms that change it live in their own
// files. Everything a peer can grow is bounded (issue 9): entries by maxMembers (merge.ts refuses), tombstones by maxTombstones (the
// oldest go first), remembered versions by both (pruned once their address is neither listed nor tombstoned).
import type { MemberStatus } from './events.ts';
import type { Address, MemberId } from './member-id.ts';
import type { WireEntry } from './codec.ts';
import type { LimitHits } from './plausibility.ts';

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
  /** This observer has proof the member exists: a datagram from it (its own address and id), or the introducer's
   *  join snapshot. Only confirmed members are sent to, and only they supersede older versions (merge.ts), so a
   *  forged entry never turns the group into a reflector or locks an address out. */
  confirmed: boolean;
  /** Lifeguard: the suspecters of the current suspicion (by address), the first one included (suspicion.ts). */
  confirmers?: Set<Address>;
  /** While suspect: the suspecter this observer names when it spreads the suspicion (the first it heard of, or the
   *  latest independent confirmation, as memberlist re-broadcasts each). */
  suspecter?: Address;
}

/** Alive or suspect: still gossiped to, still counted in. */
export function isLive(status: MemberStatus): boolean {
  return status === 'alive' || status === 'suspect';
}

export class MemberList {
  private readonly entries = new Map<MemberId, Entry>();
  /** id → when its tombstone expires. Insertion order is expiry order (a constant added to a clock that only grows). */
  private readonly tombstones = new Map<MemberId, number>();
  /** address → newest confirmed version there, kept (at least) tombstoneMs past its last note; insertion order is
   *  expiry order as for tombstones. */
  private readonly newest = new Map<Address, { version: number; until: number; noted: number }>();
  /** Listed entries per address (nearly always one, held bare: a one-element array per entry was ~10 % of a large
   *  simulation's heap): a remembered version is not pruned while its address is listed, and a newer version
   *  supersedes without a scan of the list. */
  private readonly listedAt = new Map<Address, Entry | Entry[]>();

  private liveCount = 0;
  /** No tombstone or remembered version expires before this: a tick skips the scan until then (iterating a Map
   *  from the front after deletes there walks the deleted slots; it was ~14 % of a 1,000-node simulation). */
  private nextExpiry = Number.POSITIVE_INFINITY;

  constructor(private readonly maxTombstones: number, private readonly maxVersions: number, private readonly hits: LimitHits) {}

  get size(): number {
    return this.entries.size;
  }

  get tombstoneCount(): number {
    return this.tombstones.size;
  }

  get versionCount(): number {
    return this.newest.size;
  }

  /** Members alive or suspect, self included: the live estimate of N that timings scale with. */
  get live(): number {
    return this.liveCount;
  }

  /** Called by `transition` when an entry moves in or out of the live statuses. */
  liveChanged(delta: number): void {
    this.liveCount += delta;
  }

  get(id: MemberId): Entry | undefined {
    return this.entries.get(id);
  }

  values(): IterableIterator<Entry> {
    return this.entries.values();
  }

  add(entry: Entry): void {
    if (isLive(entry.status)) this.liveCount++;
    this.entries.set(entry.id, entry);
    const here = this.listedAt.get(entry.address);
    if (here === undefined) this.listedAt.set(entry.address, entry);
    else if (Array.isArray(here)) here.push(entry);
    else this.listedAt.set(entry.address, [here, entry]);
  }

  /** Drops the entry and remembers its id until `until`. */
  remove(id: MemberId, until: number): void {
    const e = this.entries.get(id);
    if (e === undefined) return;
    if (isLive(e.status)) this.liveCount--;
    this.entries.delete(id);
    const left = this.at(e.address).filter((x) => x !== e);
    if (left.length === 0) this.listedAt.delete(e.address);
    else this.listedAt.set(e.address, left.length === 1 ? left[0]! : left);
    this.tombstone(id, until);
  }

  tombstone(id: MemberId, until: number): void {
    this.tombstones.delete(id);
    this.tombstones.set(id, until);
    this.nextExpiry = Math.min(this.nextExpiry, until);
    if (this.tombstones.size <= this.maxTombstones) return;
    this.tombstones.delete(this.tombstones.keys().next().value!);
    this.hits.tombstonesEvicted++;
  }

  isTombstoned(id: MemberId): boolean {
    return this.tombstones.has(id);
  }

  /** Forgets expired tombstones and remembered versions of addresses no longer listed. */
  expireTombstones(now: number): void {
    if (now < this.nextExpiry) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [address, v] of this.newest) {
      if (v.until > now) {
        next = v.until;
        break;
      }
      this.newest.delete(address);
      // Still listed: keep it, moved to the back.
      if (this.listedAt.has(address)) this.newest.set(address, { version: v.version, until: now + (v.until - v.noted), noted: now });
    }
    for (const [id, until] of this.tombstones) {
      if (until > now) {
        next = Math.min(next, until);
        break;
      }
      this.tombstones.delete(id);
    }
    // Entries moved to the back keep their own expiry; insertion order is expiry order (up to a timing that shrank
    // with the group's size, which only keeps an entry a little longer), so the fronts are the earliest.
    this.nextExpiry = next;
  }

  /** The entries listed at `address`. */
  at(address: Address): readonly Entry[] {
    const here = this.listedAt.get(address);
    return here === undefined ? [] : Array.isArray(here) ? here : [here];
  }

  /** The highest confirmed version seen at the address (a process binds its port alone, so older ones are dead). */
  newestVersion(address: Address): number | undefined {
    return this.newest.get(address)?.version;
  }

  /** Remembers a confirmed version at `address` until at least `until`. */
  noteVersion(address: Address, version: number, now: number, until: number): void {
    const known = this.newest.get(address);
    if (known !== undefined && known.version >= version) return;
    this.newest.delete(address);
    this.newest.set(address, { version, until, noted: now });
    this.nextExpiry = Math.min(this.nextExpiry, until);
    if (this.newest.size <= this.maxVersions) return;
    this.newest.delete(this.newest.keys().next().value!);
    this.hits.tombstonesEvicted++;
  }
}
