// Member ids rebuilt from the wire, cached. Every gossip packet names up to ~100 members, nearly always the same ones,
// so the decoder checks a host once (by the same parser every other id goes through) and builds each id string once:
// the member lists key their entries by the same strings (state.ts), so a lookup compares by reference and reuses the
// hash. Each id comes with its member's identity (entry.ts `Member`), which every list entry for it shares. Shared by
// every core of a process (an embedded cluster or the simulator holds each id once), deterministic, and bounded: past
// MAX_IDS it starts over (an id built before is still a correct id, only no longer shared).
import { addressOf, formatMemberId, isIpLiteral, parseMemberId } from './member-id.ts';
import type { Address, MemberId } from './member-id.ts';
import type { Member } from './entry.ts';

/** Hosts, ids and addresses held before starting over: ~100 B each, so at most ~1.6 MiB per process. An embedded
 *  cluster of 1,000 members holds ~2,000 (ids and addresses); every restart anywhere in the group adds two for good,
 *  so a long-running member under churn climbs to this bound (with 1 << 16 it was ~6 MiB, reached only after a day
 *  of a soak's churn — a slow climb that looks like a leak). */
const MAX_IDS = 1 << 14;

export class WireIds {
  /** host → port → its member, or its members by version once it has restarted: one Map lookup per decoded entry
   *  for a port seen in one version (the decoder runs this for every entry of every datagram), a second only for a
   *  restarted one. A Map, not a list: forged datagrams may name any number of versions of a port. A host is here
   *  only once it has been found valid. */
  private readonly hosts = new Map<string, Map<number, Member | Map<number, Member>>>();
  /** id → its address: one string per member for every list in the process (each list entry sliced its own). */
  private readonly addresses = new Map<MemberId, Address>();
  /** Hosts, ids and addresses held. */
  private size = 0;
  /** Held before starting over: MAX_IDS, or more for a process that runs that many members itself (`reserve`). */
  private max = MAX_IDS;

  /** Room for the ids and addresses of `members` members, each restarted once, beside MAX_IDS: a process running
   *  that many itself (the simulator at 10,000, which holds 20,000 ids and addresses) would otherwise start over
   *  every few thousand new ids, and then rebuild, hash and list strings no other list shares. Never lowers it. */
  reserve(members: number): void {
    this.max = Math.max(this.max, MAX_IDS + 4 * members);
  }

  /** Whether `host` is an IP literal that makes canonical ids: `parseMemberId` reads exactly this host back. */
  validHost(host: string): boolean {
    if (this.hosts.has(host)) return true;
    if (!isIpLiteral(host) || parseMemberId(formatMemberId(host, 1, 0))?.host !== host) return false;
    this.room();
    this.hosts.set(host, new Map());
    this.size++;
    return true;
  }

  /** The id of (host, port, version), for a host `validHost` accepted, a port 1..65535 and a safe-integer version:
   *  canonical by construction. */
  id(host: string, port: number, version: number): MemberId {
    return this.member(host, port, version).id;
  }

  /** The identity of (host, port, version), under the same conditions as `id`. */
  member(host: string, port: number, version: number): Member {
    this.room();
    let ports = this.hosts.get(host);
    if (ports === undefined) {
      // Forgotten since `validHost` (the cache started over): it was valid then.
      this.hosts.set(host, (ports = new Map()));
      this.size++;
    }
    const here = ports.get(port);
    const known = here === undefined ? undefined : here instanceof Map ? here.get(version) : here.version === version ? here : undefined;
    if (known !== undefined) return known;
    const id = formatMemberId(host, port, version);
    const member = { id, host, port, version, address: this.address(id) };
    if (here === undefined) ports.set(port, member);
    else if (here instanceof Map) here.set(version, member);
    else ports.set(port, new Map([[here.version, here], [version, member]]));
    this.size++;
    return member;
  }

  /** The address of `id`, the same string for every caller. */
  address(id: MemberId): Address {
    let address = this.addresses.get(id);
    if (address === undefined) {
      this.room();
      this.addresses.set(id, (address = addressOf(id)));
      this.size++;
    }
    return address;
  }

  /** Before adding: starts over when full, so gossip naming ever new hosts and ids cannot grow it without bound. */
  private room(): void {
    if (this.size < this.max) return;
    this.hosts.clear();
    this.addresses.clear();
    this.size = 0;
  }
}

/** One per process: the cores of an embedded cluster decode (and list) the same few hundred ids. */
export const wireIds = new WireIds();
