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
  /** host → port → version → member; a host is here only once it has been found valid. */
  private readonly hosts = new Map<string, Map<number, Map<number, Member>>>();
  /** id → its address: one string per member for every list in the process (each list entry sliced its own). */
  private readonly addresses = new Map<MemberId, Address>();
  /** Hosts, ids and addresses held. */
  private size = 0;

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
    let versions = ports.get(port);
    if (versions === undefined) ports.set(port, (versions = new Map()));
    let member = versions.get(version);
    if (member === undefined) {
      const id = formatMemberId(host, port, version);
      member = { id, host, port, version, address: this.address(id) };
      versions.set(version, member);
      this.size++;
    }
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
    if (this.size < MAX_IDS) return;
    this.hosts.clear();
    this.addresses.clear();
    this.size = 0;
  }
}

/** One per process: the cores of an embedded cluster decode (and list) the same few hundred ids. */
export const wireIds = new WireIds();
