// The node's UDP socket: all membership traffic after the TCP join. Counts bytes both ways for `bandwidth`. With a
// keyring every datagram is sealed on the way out and opened on the way in; what no key opens (forged, unkeyed,
// another cluster's) is counted in `rejected` and never reaches the core.
import dgram from 'node:dgram';
import net from 'node:net';
import { formatAddress, parseAddress } from '../protocol/member-id.ts';
import type { Address } from '../protocol/member-id.ts';
import type { Keyring } from './keyring.ts';
import { RateMeter } from './rate-meter.ts';

const MAX_TARGETS = 4096;
/** Bound into every sealed datagram, so a sealed TCP hello cannot be replayed as a datagram or the other way. */
export const UDP_AAD = Buffer.from('hearsay/udp/1');

export type DatagramHandler = (from: Address, bytes: Uint8Array) => void;

export class UdpTransport {
  readonly bytesIn = new RateMeter();
  readonly bytesOut = new RateMeter();
  /** Sends that failed locally (unparsable address, socket error): gossip tolerates loss, so they are only counted. */
  sendErrors = 0;
  /** Datagrams no installed key opened (keyed nodes only). */
  rejected = 0;
  private closed = false;
  private readonly targets = new Map<Address, { host: string; port: number }>();

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly clock: () => number,
    private readonly keyring: Keyring | undefined,
  ) {}

  /** Binds host:port; rejects with the socket error (EADDRINUSE for a busy port). */
  static async bind(
    host: string, port: number, onDatagram: DatagramHandler, clock: () => number, keyring?: Keyring,
  ): Promise<UdpTransport> {
    const socket = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4' });
    const transport = new UdpTransport(socket, clock, keyring);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => { transport.sendErrors++; });
    socket.on('message', (msg, rinfo) => {
      transport.bytesIn.add(msg.length, clock());
      const bytes = keyring ? keyring.open(msg, UDP_AAD) : msg;
      if (bytes === undefined) transport.rejected++;
      else onDatagram(formatAddress(rinfo.address, rinfo.port), bytes);
    });
    return transport;
  }

  send(to: Address, bytes: Uint8Array): void {
    const target = this.target(to);
    if (!target || this.closed) {
      this.sendErrors++;
      return;
    }
    const wire = this.keyring ? this.keyring.seal(bytes, UDP_AAD) : bytes;
    this.bytesOut.add(wire.length, this.clock());
    this.socket.send(wire, target.port, target.host, (err) => { if (err) this.sendErrors++; });
  }

  /** Gossip goes to the same few hundred addresses over and over: each is parsed once (bounded: starts over when
   *  full, as addresses come and go). */
  private target(to: Address): { host: string; port: number } | undefined {
    let target = this.targets.get(to);
    if (target === undefined) {
      target = parseAddress(to);
      if (target === undefined) return undefined;
      if (this.targets.size >= MAX_TARGETS) this.targets.clear();
      this.targets.set(to, target);
    }
    return target;
  }

  /** Resolves when the port is free again. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
