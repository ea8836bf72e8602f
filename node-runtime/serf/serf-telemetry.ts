// Bandwidth of a Serf agent, which its RPC does not tell: memberlist counts the bytes it sends and receives as
// go-metrics counters (`memberlist.udp.sent`, `memberlist.tcp.sent`, `memberlist.udp.received`; it counts no TCP bytes
// received), and the agent sends its metrics to a statsd address (`statsd_addr` in its config file) as text lines,
// `serf-agent.memberlist.udp.sent:129.000000|c`. One UDP socket on loopback per agent (statsd lines do not say who
// sent them) sums them into bytes per second, the figures hearsay's nodes report. Every datagram is hostile: a line
// that is not `name:value|type`, or a byte count that is not plausible, is counted and dropped.
import dgram from 'node:dgram';
import * as v from 'valibot';

/** Bytes one counter increment may carry: a UDP datagram, or one TCP stream (memberlist's push-pull of a large list). */
const MAX_INCREMENT = 64 << 20;
const MAX_DATAGRAM = 65_535;
/** Lines one datagram may hold before the rest is not read (go-metrics fills ~1,400-byte datagrams). */
const MAX_LINES = 1000;
const LINE = /^([A-Za-z0-9_.:-]{1,256}):([-+0-9.eE]{1,32})\|(c|g|ms|h|s)(?:\|@[0-9.]{1,16})?$/;
const ByteCount = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_INCREMENT));

export interface TelemetryBytes {
  bytesIn: number;
  bytesOut: number;
  /** Lines that failed validation (dropped). */
  malformed: number;
}

/** Adds one datagram's byte counters to `into`. Other metrics (timers, gauges, Serf's own counters) are skipped. */
export function addStatsdDatagram(text: string, into: TelemetryBytes): void {
  const lines = text.split('\n', MAX_LINES);
  for (const line of lines) {
    if (line === '') continue;
    const m = LINE.exec(line);
    if (!m) {
      into.malformed++;
      continue;
    }
    const [, name, value, type] = m;
    const direction = name!.endsWith('memberlist.udp.received') ? 'bytesIn'
      : name!.endsWith('memberlist.udp.sent') || name!.endsWith('memberlist.tcp.sent') ? 'bytesOut' : undefined;
    if (direction === undefined) continue;
    const bytes = v.safeParse(ByteCount, Number(value));
    if (type !== 'c' || !bytes.success) into.malformed++;
    else into[direction] += bytes.output;
  }
}

export interface TelemetryRates {
  readonly bytesInPerSec: number;
  readonly bytesOutPerSec: number;
  readonly malformed: number;
}

/** A statsd receiver for one agent: `rates()` gives bytes per second since the last call. */
export class SerfTelemetry {
  private readonly bytes: TelemetryBytes = { bytesIn: 0, bytesOut: 0, malformed: 0 };
  private since = Date.now();

  private constructor(private readonly socket: dgram.Socket, readonly address: string) {
    socket.on('message', (msg) => {
      if (msg.length > MAX_DATAGRAM) this.bytes.malformed++;
      else addStatsdDatagram(msg.toString('utf8'), this.bytes);
    });
  }

  /** Listens on `host:port` (port 0: any free one); the address to give the agent is `address`. */
  static async listen(host: string, port = 0): Promise<SerfTelemetry> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => undefined); // a receive error loses a sample, not the agent
    const bound = socket.address();
    return new SerfTelemetry(socket, `${bound.address}:${bound.port}`);
  }

  rates(now = Date.now()): TelemetryRates {
    const seconds = Math.max(0.001, (now - this.since) / 1000);
    const r = { bytesInPerSec: this.bytes.bytesIn / seconds, bytesOutPerSec: this.bytes.bytesOut / seconds, malformed: this.bytes.malformed };
    this.bytes.bytesIn = 0;
    this.bytes.bytesOut = 0;
    this.since = now;
    return r;
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // closed already
    }
  }
}
