// The HostApi over the browser shell's WebSocket (ARCHITECTURE.md §4). Wire protocol, shared with electron/serve.ts:
//   client → server  { id, request: HostRequest } | { subscribe: n } | { unsubscribe: n }
//   server → client  { id, ok: true, result } | { id, ok: false, error: "<one line>" } | { sub: n, push: HostMessage }
// Every frame is validated (host-schema.ts); malformed ones are counted and dropped. Each `subscribe` is a stream of
// its own that opens with a snapshot; the socket reconnects with backoff and then subscribes every open stream
// again, so each starts over from a fresh snapshot (nothing said while the socket was down is missed).
import * as v from 'valibot';
import { checkHostMessage, checkResult, frameSchema } from './host-schema.ts';
import type { Rejections } from './host-schema.ts';
import type { HostApi, HostMessage, HostRequest, HostResponse } from '../../electron/host/api.ts';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

export interface StatusListener {
  (status: ConnectionStatus, detail: { reconnected: boolean }): void;
}

/** The subset of the DOM WebSocket this client uses (the `ws` package satisfies it in tests). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}

const OPEN = 1;
const MAX_BACKOFF_MS = 5000;

interface Pending {
  request: HostRequest;
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

export class WsHostApi implements HostApi {
  readonly rejected: Rejections = { frames: 0 };
  private socket: SocketLike | undefined;
  /** Open push streams by id; pushes for an id no longer here (closed a moment ago) are ignored. */
  private readonly streams = new Map<number, (message: HostMessage) => void>();
  private nextSub = 1;
  private readonly statusListeners = new Set<StatusListener>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private backoff = 250;
  private everOpened = false;
  private closedByUs = false;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly url: string, private readonly makeSocket: (url: string) => SocketLike = (u) => new WebSocket(u) as unknown as SocketLike) {
    this.open();
  }

  request<R extends HostRequest>(request: R): Promise<HostResponse<R>> {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return Promise.reject(new Error('not connected to the host'));
    const id = this.nextId++;
    return new Promise<HostResponse<R>>((resolve, reject) => {
      this.pending.set(id, { request, resolve: resolve as (value: never) => void, reject });
      socket.send(JSON.stringify({ id, request }));
    });
  }

  subscribe(listener: (message: HostMessage) => void): () => void {
    const sub = this.nextSub++;
    this.streams.set(sub, listener);
    this.sendIfOpen({ subscribe: sub });
    return () => {
      if (this.streams.delete(sub)) this.sendIfOpen({ unsubscribe: sub });
    };
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Closes the socket as a network failure would (it reconnects): for tests of the contract's reconnect path. */
  dropConnection(): void {
    this.socket?.close();
  }

  close(): void {
    this.closedByUs = true;
    clearTimeout(this.retry);
    this.socket?.close();
  }

  private open(): void {
    this.emitStatus('connecting');
    const socket = this.makeSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.backoff = 250;
      const reconnected = this.everOpened;
      this.everOpened = true;
      for (const sub of this.streams.keys()) socket.send(JSON.stringify({ subscribe: sub }));
      this.emitStatus('open', reconnected);
    };
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onerror = () => {}; // onclose follows and handles it
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      for (const p of this.pending.values()) p.reject(new Error('connection to the host closed'));
      this.pending.clear();
      this.emitStatus('closed');
      if (this.closedByUs) return;
      this.retry = setTimeout(() => this.open(), this.backoff);
      this.backoff = Math.min(MAX_BACKOFF_MS, this.backoff * 2);
    };
  }

  private receive(data: unknown): void {
    let raw: unknown;
    try {
      raw = typeof data === 'string' ? JSON.parse(data) : undefined;
    } catch {
      raw = undefined;
    }
    const frame = v.safeParse(frameSchema, raw);
    if (!frame.success) {
      this.rejected.frames++;
      return;
    }
    const f = frame.output;
    if ('push' in f) {
      const listener = this.streams.get(f.sub);
      const message = listener && checkHostMessage(f.push, this.rejected);
      if (message) listener(message);
      return;
    }
    if (f.id === null) {
      if (!f.ok) for (const l of this.streams.values()) l({ type: 'notice', message: f.error });
      return;
    }
    const p = this.pending.get(f.id);
    if (!p) {
      this.rejected.frames++;
      return;
    }
    this.pending.delete(f.id);
    if (!f.ok) {
      p.reject(new Error(f.error));
      return;
    }
    const result = checkResult(p.request, f.result);
    if (result === undefined) {
      this.rejected.frames++;
      p.reject(new Error(`malformed reply to ${p.request.type}`));
    } else {
      p.resolve(result as never);
    }
  }

  private sendIfOpen(frame: object): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(frame));
  }

  private emitStatus(status: ConnectionStatus, reconnected = false): void {
    for (const l of this.statusListeners) l(status, { reconnected });
  }
}

/** `ws(s)://<page host>/ws`, carrying the page's `?token=` when it has one. */
export function socketUrl(page: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(page.search).get('token');
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${page.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
