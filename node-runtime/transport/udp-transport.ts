// The node's UDP socket: all membership traffic after the TCP join. Counts bytes both ways for `bandwidth`.
import dgram from 'node:dgram';
import net from 'node:net';
import { formatAddress, parseAddress } from '../protocol/member-id.ts';
import type { Address } from '../protocol/member-id.ts';
import { RateMeter } from './rate-meter.ts';

const MAX_TARGETS = 4096;

export type DatagramHandler = (from: Address, bytes: Uint8Array) => void;

export class UdpTransport {
  readonly bytesIn = new RateMeter();
  readonly bytesOut = new RateMeter();
  /** Sends that failed locally (unparsable address, socket error): gossip tolerates loss, so they are only counted. */
  sendErrors = 0;
  private closed = false;
  private readonly targets = new Map<Address, { host: string; port: number }>();

  private constructor(private readonly socket: dgram.Socket, private readonly clock: () => number) {}

  /** Binds host:port; rejects with the socket error (EADDRINUSE for a busy port). */
  static async bind(host: string, port: number, onDatagram: DatagramHandler, clock: () => number): Promise<UdpTransport> {
    const socket = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4' });
    const transport = new UdpTransport(socket, clock);
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
      onDatagram(formatAddress(rinfo.address, rinfo.port), msg);
    });
    return transport;
  }

  send(to: Address, bytes: Uint8Array): void {
    const target = this.target(to);
    if (!target || this.closed) {
      this.sendErrors++;
      return;
    }
    this.bytesOut.add(bytes.length, this.clock());
    this.socket.send(bytes, target.port, target.host, (err) => { if (err) this.sendErrors++; });
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
