// Hostile datagrams for the UDP fuzz test and benchmark (issue 9): random bytes, truncated and bit-flipped copies of
// real gossip, and *valid* packets with hostile values — numbers no real run can have (versions from the future,
// counters at 2^53 − 1, epochs past any switch), phantom members at addresses that never spoke (a trap socket among
// them, to catch a reflector), forged statuses and failed-notices from a stranger. Deterministic for a seed.
import dgram from 'node:dgram';
import { encodeGossip } from '../../protocol/codec.ts';
import type { MessageKind, WireEntry, WireMember, WireMode } from '../../protocol/codec.ts';
import type { MemberStatus } from '../../protocol/events.ts';
import { formatMemberId, parseMemberId } from '../../protocol/member-id.ts';
import type { Address, MemberId } from '../../protocol/member-id.ts';
import { createRng, randomIndex } from '../../protocol/rng.ts';
import type { Rng } from '../../protocol/rng.ts';

const MAX = Number.MAX_SAFE_INTEGER;
const STATUSES: readonly MemberStatus[] = ['alive', 'suspect', 'failed', 'left'];

export interface FuzzTarget {
  /** The live members, as their ids (hostile entries name them). */
  readonly members: readonly MemberId[];
  /** An address nobody in the group has heard from: phantoms live there, and it must receive nothing. */
  readonly trap: Address;
}

export class UdpFuzzer {
  private readonly rng: Rng;
  /** Real gossip seen by nobody but us: the fuzzer's socket is a member's peer only in name, so we build some. */
  private readonly samples: Uint8Array[] = [];
  readonly sent = { random: 0, truncated: 0, mutated: 0, hostile: 0 };
  private phantomPort = 40_000;

  /** Each hostile datagram speaks as a new run of the fuzzer's address (the next version): a stranger every time,
   *  as one datagram of a non-member would be, never a member it has become by speaking before. */
  private version: number;

  constructor(private readonly self: { host: string; port: number }, private readonly target: FuzzTarget, seed: number, startVersion: number) {
    this.version = startVersion;
    this.rng = createRng(seed);
    for (const id of target.members) {
      const m = member(id);
      this.samples.push(encodeGossip({ kind: 'gossip', sender: m, mode: { family: 'gossip', enabled: false, epoch: 0, tie: 0 }, entries: target.members.map((x) => ({ ...member(x), heartbeat: 7, incarnation: 0, status: 'alive' })) }));
    }
  }

  /** The next datagram: a quarter each of random, truncated, mutated and hostile-but-valid. */
  next(now: number): Uint8Array {
    switch (randomIndex(this.rng, 4)) {
      case 0: {
        this.sent.random++;
        return this.bytes(randomIndex(this.rng, 1500));
      }
      case 1: {
        this.sent.truncated++;
        const s = this.pick(this.samples);
        return s.slice(0, randomIndex(this.rng, s.length));
      }
      case 2: {
        this.sent.mutated++;
        const s = this.pick(this.samples).slice();
        for (let k = 1 + randomIndex(this.rng, 4); k > 0; k--) s[randomIndex(this.rng, s.length)]! ^= 1 << randomIndex(this.rng, 8);
        return s;
      }
      default:
        this.sent.hostile++;
        return this.hostile(now);
    }
  }

  private hostile(now: number): Uint8Array {
    const r = this.rng;
    const huge = (): number => this.pick([MAX, MAX - 1, 2 ** 52, 2 ** 40 + randomIndex(r, 1000), Math.floor(now) * 1000]);
    const mode: WireMode = r.next() < 0.5
      ? { family: 'gossip', enabled: r.next() < 0.5, epoch: huge(), tie: randomIndex(r, 0x100000000) }
      : { family: 'gossip', enabled: false, epoch: 0, tie: 0 };
    const entries: WireEntry[] = [];
    for (let k = 1 + randomIndex(r, 20); k > 0; k--) {
      const real = member(this.pick(this.target.members));
      switch (randomIndex(r, 5)) {
        case 0: // a real member with a counter no run of its age can have
          entries.push({ ...real, heartbeat: huge(), incarnation: randomIndex(r, 3), status: this.pick(STATUSES) });
          break;
        case 1:
          entries.push({ ...real, heartbeat: randomIndex(r, 100), incarnation: huge(), status: this.pick(STATUSES) });
          break;
        case 2: { // a newer run of a real address, far in the future
          const v = this.pick([MAX, Math.floor(now) + 86_400_000 * (1 + randomIndex(r, 1000))]);
          entries.push({ ...member(formatMemberId(real.host, real.port, v)), heartbeat: 1, incarnation: 0, status: 'alive' });
          break;
        }
        default: { // a phantom that never spoke: at the trap, or on an address nobody uses
          const trap = parseAddressOf(this.target.trap);
          const at = r.next() < 0.5 ? trap : { host: this.pick(['127.0.0.2', '10.255.0.1', '::1']), port: this.phantomPort++ };
          if (this.phantomPort > 65_000) this.phantomPort = 40_000;
          entries.push({ ...member(formatMemberId(at.host, at.port, Math.floor(now) - randomIndex(r, 1000))), heartbeat: randomIndex(r, 50), incarnation: 0, status: this.pick(['alive', 'suspect'] as const) });
        }
      }
    }
    const kind: MessageKind = r.next() < 0.1 ? 'failed-notice' : 'gossip';
    const sender = member(formatMemberId(this.self.host, this.self.port, this.version++));
    const self = { ...sender, heartbeat: 1, incarnation: 0, status: 'alive' as const };
    return encodeGossip({ kind, sender, mode, entries: kind === 'gossip' ? [self, ...entries] : entries.slice(0, 1).map((e) => ({ ...e, status: 'failed' as const })) });
  }

  private bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = randomIndex(this.rng, 256);
    return b;
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[randomIndex(this.rng, xs.length)]!;
  }
}

function member(id: MemberId): WireMember {
  const p = parseMemberId(id)!;
  return { id, host: p.host, port: p.port, version: p.version };
}

function parseAddressOf(address: Address): { host: string; port: number } {
  const p = parseMemberId(`${address}@0`)!;
  return { host: p.host, port: p.port };
}

/** A UDP socket bound on loopback, counting what it receives (the trap). */
export async function bindCounting(port: number): Promise<{ socket: dgram.Socket; received: () => number }> {
  const socket = dgram.createSocket('udp4');
  let count = 0;
  socket.on('message', () => { count++; });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  return { socket, received: () => count };
}

/** Sends `count` fuzz datagrams to the `to` ports from `socket`, `burst` at a time with a turn of the event loop in
 *  between (so the receivers keep up and nothing is lost in the kernel); resolves with the datagrams sent. */
export async function sendFuzz(socket: dgram.Socket, fuzzer: UdpFuzzer, to: readonly number[], count: number, burst = 50): Promise<number> {
  let sent = 0;
  while (sent < count) {
    const n = Math.min(burst, count - sent);
    await Promise.all(Array.from({ length: n }, (_, i) => new Promise<void>((resolve) => {
      socket.send(fuzzer.next(Date.now()), to[(sent + i) % to.length]!, '127.0.0.1', () => resolve());
    })));
    sent += n;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

/** One gossip datagram from a stranger at `sender` (its own address, a fresh run) listing `count` phantoms alive at
 *  `host`, from port `firstPort` on: members that never spoke, as a forger invents them (issue 9). */
export function phantomGossip(sender: { host: string; port: number; version: number }, host: string, firstPort: number, count: number): Uint8Array {
  const id = formatMemberId(sender.host, sender.port, sender.version);
  const entries: WireEntry[] = Array.from({ length: count }, (_, k) => {
    const p = { host, port: firstPort + k, version: sender.version };
    return { ...p, id: formatMemberId(p.host, p.port, p.version), heartbeat: 1, incarnation: 0, status: 'alive' };
  });
  return encodeGossip({ kind: 'gossip', sender: { ...sender, id }, mode: { family: 'gossip', enabled: false, epoch: 0, tie: 0 }, entries });
}
