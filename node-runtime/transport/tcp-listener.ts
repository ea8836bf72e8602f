// The node's one TCP listener, on the same host:port as its UDP socket. Every connection opens with one JSON line,
// the hello `{"v":1,"type":…}`, and is handed to the handler registered for that type (join, ctl, subscribe, grep).
// Control types answer loopback peers only unless the node runs with --control-open; `join` and `push-pull` are
// public. With a keyring every hello must be sealed (sealed-hello.ts); anything else is counted as unauthenticated and
// refused.
import net from 'node:net';
import * as v from 'valibot';
import { MAX_LINE_BYTES, parseJson, writeLine } from './json-lines.ts';
import type { Keyring } from './keyring.ts';
import { HelloOpener } from './sealed-hello.ts';

export const HelloSchema = v.looseObject({ v: v.literal(1), type: v.pipe(v.string(), v.maxLength(32)) });
export type Hello = v.InferOutput<typeof HelloSchema>;

/** Gets the socket paused, with any bytes that followed the hello line unshifted: attach a reader (or resume) to
 *  see them and to notice the peer's end. */
export type HelloHandler = (hello: Hello, socket: net.Socket) => void;

export interface ListenerCounters {
  readonly connections: number;
  /** Hellos that were not JSON, not `{v:1,type}`, of an unknown type, too long or too late. */
  readonly malformed: number;
  /** Control hellos from a non-loopback peer without --control-open. */
  readonly refused: number;
  /** Keyed node: hellos that were not sealed, not opened by any key, stale or replayed. */
  readonly unauthenticated: number;
}

const HELLO_TIMEOUT_MS = 5000;

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export class TcpListener {
  private readonly handlers = new Map<string, { handler: HelloHandler; public: boolean }>();
  private readonly sockets = new Set<net.Socket>();
  private stats = { connections: 0, malformed: 0, refused: 0, unauthenticated: 0 };
  private readonly opener: HelloOpener | undefined;

  private constructor(private readonly server: net.Server, private readonly controlOpen: boolean, keyring?: Keyring) {
    this.opener = keyring && new HelloOpener(keyring);
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Listens on host:port; rejects with the server error (EADDRINUSE for a busy port). */
  static async listen(host: string, port: number, opts: { controlOpen?: boolean; keyring?: Keyring } = {}): Promise<TcpListener> {
    const server = net.createServer();
    const listener = new TcpListener(server, opts.controlOpen ?? false, opts.keyring);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => { /* accept errors (EMFILE…) are transient; the listener stays up */ });
    return listener;
  }

  /** Registers the handler for one hello type. `public`: accepted from any peer (`join`, `push-pull`). */
  handle(type: string, handler: HelloHandler, opts: { public?: boolean } = {}): void {
    this.handlers.set(type, { handler, public: opts.public ?? false });
  }

  /** For handlers that find a hello malformed beyond its `{v, type}` (a join without a valid id…). */
  countMalformed(): void {
    this.stats.malformed++;
  }

  counters(): ListenerCounters {
    return { ...this.stats };
  }

  /** Stops accepting and destroys every open connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.stats.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => reject(), HELLO_TIMEOUT_MS);
    const reject = (): void => {
      cleanup();
      this.stats.malformed++;
      socket.destroy();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', reject);
    };
    const onData = (chunk: Buffer): void => {
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        chunks.push(chunk);
        size += chunk.length;
        if (size > MAX_LINE_BYTES) reject();
        return;
      }
      cleanup();
      socket.pause();
      const rest = chunk.subarray(nl + 1);
      if (rest.length > 0) socket.unshift(rest);
      this.dispatch(Buffer.concat([...chunks, chunk.subarray(0, nl)]).toString('utf8'), socket);
    };
    socket.on('data', onData);
    socket.on('end', reject);
  }

  private dispatch(line: string, socket: net.Socket): void {
    let value = parseJson(line);
    if (this.opener) {
      const opened = this.opener.open(value);
      if (!opened.ok) {
        this.stats.unauthenticated++;
        writeLine(socket, { ok: false, error: opened.error });
        socket.end();
        return;
      }
      value = opened.hello;
    }
    const parsed = v.safeParse(HelloSchema, value);
    const entry = parsed.success ? this.handlers.get(parsed.output.type) : undefined;
    if (!parsed.success || !entry) {
      this.stats.malformed++;
      writeLine(socket, { ok: false, error: parsed.success ? `unknown hello type '${parsed.output.type}'` : 'malformed hello' });
      socket.end();
      return;
    }
    if (!entry.public && !this.controlOpen && !isLoopback(socket.remoteAddress)) {
      this.stats.refused++;
      writeLine(socket, { ok: false, error: 'control channel is loopback-only (start the node with --control-open)' });
      socket.end();
      return;
    }
    entry.handler(parsed.output, socket);
  }
}
