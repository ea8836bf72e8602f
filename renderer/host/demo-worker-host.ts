// The demo simulator (demo-host-api.ts) run in a Web Worker, behind the same HostApi: at 1,000 nodes it schedules
// and checks tens of thousands of events a second, which on the page's main thread competed with drawing them.
// The worker is our own code from the same origin, not a process boundary, so its messages are not re-validated.
import type { DemoOptions } from './demo-host-api.ts';
import type { HostApi, HostMessage, HostRequest, HostResponse } from '../../electron/host/api.ts';

/** Main thread → worker. */
export type ToDemoWorker =
  | { readonly type: 'init'; readonly options: DemoOptions }
  | { readonly type: 'subscribe' }
  | { readonly type: 'request'; readonly id: number; readonly request: HostRequest };

/** Worker → main thread. */
export type FromDemoWorker =
  | { readonly type: 'message'; readonly message: HostMessage }
  | { readonly type: 'reply'; readonly id: number; readonly result?: unknown; readonly error?: string };

export class DemoWorkerHost implements HostApi {
  private readonly worker = new Worker(new URL('./demo-worker.ts', import.meta.url), { type: 'module', name: 'hearsay-demo' });
  private readonly listeners = new Set<(m: HostMessage) => void>();
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;

  constructor(options: DemoOptions) {
    this.worker.addEventListener('message', (e: MessageEvent<FromDemoWorker>) => this.receive(e.data));
    this.send({ type: 'init', options });
  }

  subscribe(listener: (message: HostMessage) => void): () => void {
    this.listeners.add(listener);
    // The worker starts streaming on the first subscription, so nothing it sends before is lost.
    if (this.listeners.size === 1) this.send({ type: 'subscribe' });
    return () => this.listeners.delete(listener);
  }

  request<R extends HostRequest>(request: R): Promise<HostResponse<R>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ type: 'request', id, request });
    });
  }

  private send(message: ToDemoWorker): void {
    this.worker.postMessage(message);
  }

  private receive(data: FromDemoWorker): void {
    if (data.type === 'message') {
      for (const l of this.listeners) l(data.message);
      return;
    }
    const waiter = this.pending.get(data.id);
    this.pending.delete(data.id);
    if (data.error !== undefined) waiter?.reject(new Error(data.error));
    else waiter?.resolve(data.result);
  }
}
