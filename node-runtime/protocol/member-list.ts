// One observer's membership list: the entries (entry.ts), the tombstones of removed ids, and the newest version seen
// per address. Holds state; the precedence rule (precedence.ts) and the mechanisms that change it live in their own
// files. Everything a peer can grow is bounded (issue 9): entries by maxMembers (merge.ts refuses), tombstones by maxTombstones (the
// oldest go first), remembered versions by both (pruned once their address is neither listed nor tombstoned).
import type { MemberStatus } from './events.ts';
import type { Address, MemberId } from './member-id.ts';
import type { LimitHits } from './plausibility.ts';
import type { Entry } from './entry.ts';
import { wireIds } from './wire-ids.ts';

/** Alive or suspect: still gossiped to, still counted in. */
export function isLive(status: MemberStatus): boolean {
  return status === 'alive' || status === 'suspect';
}

/** `at` for an address with nothing listed (most addresses a large group learns): no array per call. */
const NONE: readonly Entry[] = Object.freeze([]);

export class MemberList {
  /** The entries by address: one Map for the list (a large simulation holds N² entries, and each Map costs ~40 B an
   *  entry), keyed by address because that is the lookup merging needs besides the id's (a newer version
   *  supersedes the older ones there). Nearly always one entry an address, held bare; the versions of a restarted
   *  member share its slot, oldest first. Iteration is in the order addresses were first listed. */
  private readonly listed = new Map<Address, Entry | Entry[]>();
  private count = 0;
  /** id → when its tombstone expires. Insertion order is expiry order (a constant added to a clock that only grows). */
  private readonly tombstones = new Map<MemberId, number>();
  /** address → the newest confirmed version of a member removed from there, kept at least tombstoneMs past its
   *  removal (and while the address is listed again); insertion order is expiry order as for tombstones. A listed
   *  member's own entry holds its version: this used to be a record for every address (~1/5 of a large list). */
  private readonly removed = new Map<Address, { version: number; until: number }>();

  private liveCount = 0;
  /** No tombstone or remembered version expires before this: a tick skips the scan until then (iterating a Map
   *  from the front after deletes there walks the deleted slots; it was ~14 % of a 1,000-node simulation). */
  private nextExpiry = Number.POSITIVE_INFINITY;

  constructor(private readonly maxTombstones: number, private readonly maxVersions: number, private readonly hits: LimitHits) {}

  get size(): number {
    return this.count;
  }

  get tombstoneCount(): number {
    return this.tombstones.size;
  }

  /** Addresses whose removed member's version is remembered (MembershipCore.footprint). */
  get versionCount(): number {
    return this.removed.size;
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
    const here = this.listed.get(wireIds.address(id));
    if (here === undefined) return undefined;
    if (!Array.isArray(here)) return here.id === id ? here : undefined;
    return here.find((e) => e.id === id);
  }

  *values(): IterableIterator<Entry> {
    for (const here of this.listed.values()) {
      if (Array.isArray(here)) yield* here;
      else yield here;
    }
  }

  add(entry: Entry): void {
    if (isLive(entry.status)) this.liveCount++;
    this.count++;
    const here = this.listed.get(entry.address);
    if (here === undefined) this.listed.set(entry.address, entry);
    else if (Array.isArray(here)) here.push(entry);
    else this.listed.set(entry.address, [here, entry]);
  }

  /** Drops the entry and remembers its id, and its version if confirmed, until `until`. */
  remove(id: MemberId, until: number): void {
    const e = this.get(id);
    if (e === undefined) return;
    if (isLive(e.status)) this.liveCount--;
    this.count--;
    const left = this.at(e.address).filter((x) => x !== e);
    if (left.length === 0) this.listed.delete(e.address);
    else this.listed.set(e.address, left.length === 1 ? left[0]! : left);
    if (e.confirmed) this.rememberVersion(e.address, e.version, until);
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
  expireTombstones(now: number, tombstoneMs: number): void {
    if (now < this.nextExpiry) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [address, v] of this.removed) {
      if (v.until > now) {
        next = v.until;
        break;
      }
      this.removed.delete(address);
      // Listed again (by a version not confirmed yet, or none newer): keep it, moved to the back.
      if (this.listed.has(address)) this.removed.set(address, { version: v.version, until: now + tombstoneMs });
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
    const here = this.listed.get(address);
    return here === undefined ? NONE : Array.isArray(here) ? here : [here];
  }

  /** The highest confirmed version seen at the address, listed or removed (a process binds its port alone, so older
   *  ones are dead). */
  newestVersion(address: Address): number | undefined {
    let newest = this.removed.get(address)?.version;
    for (const e of this.at(address)) if (e.confirmed && (newest === undefined || e.version > newest)) newest = e.version;
    return newest;
  }

  private rememberVersion(address: Address, version: number, until: number): void {
    const known = this.removed.get(address);
    if (known !== undefined && known.version >= version) return;
    this.removed.delete(address);
    this.removed.set(address, { version, until });
    this.nextExpiry = Math.min(this.nextExpiry, until);
    if (this.removed.size <= this.maxVersions) return;
    this.removed.delete(this.removed.keys().next().value!);
    this.hits.tombstonesEvicted++;
  }
}
