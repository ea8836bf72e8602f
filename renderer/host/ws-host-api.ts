// The HostApi over the browser shell's WebSocket (ARCHITECTURE.md §4). Wire protocol, shared with electron/serve.ts:
//   client → server  { id, request: HostRequest }
//   server → client  { id, ok: true, result } | { id, ok: false, error: "<one line>" } | { push: HostMessage }
// Every frame is validated (host-schema.ts); malformed ones are counted and dropped. The socket reconnects with
// backoff; after a reconnect the server pushes the current nodes and every event again, so the status listener is
// told `reconnected` and the app starts its fold afresh.
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
  readonly rejected: Rejections = { frames: 0, events: 0 };
  private socket: SocketLike | undefined;
  private readonly listeners = new Set<(message: HostMessage) => void>();
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
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
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
      const message = checkHostMessage(f.push, this.rejected);
      if (message) for (const l of this.listeners) l(message);
      return;
    }
    if (f.id === null) {
      if (!f.ok) for (const l of this.listeners) l({ type: 'error', message: f.error });
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
