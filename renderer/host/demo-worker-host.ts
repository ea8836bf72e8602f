// The demo simulator (demo-host-api.ts) run in a Web Worker, behind the same HostApi: at 1,000 nodes it schedules
// and checks tens of thousands of events a second, which on the page's main thread competed with drawing them.
// The worker is our own code from the same origin, not a process boundary, so its messages are not re-validated.
import type { DemoOptions } from './demo-host-api.ts';
import type { HostApi, HostMessage, HostRequest, HostResponse } from '../../electron/host/api.ts';

/** Main thread → worker. */
export type ToDemoWorker =
  | { readonly type: 'init'; readonly options: DemoOptions }
  | { readonly type: 'subscribe'; readonly sub: number }
  | { readonly type: 'unsubscribe'; readonly sub: number }
  | { readonly type: 'request'; readonly id: number; readonly request: HostRequest };

/** Worker → main thread. */
export type FromDemoWorker =
  | { readonly type: 'message'; readonly sub: number; readonly message: HostMessage }
  | { readonly type: 'reply'; readonly id: number; readonly result?: unknown; readonly error?: string };

export class DemoWorkerHost implements HostApi {
  private readonly worker = new Worker(new URL('./demo-worker.ts', import.meta.url), { type: 'module', name: 'hearsay-demo' });
  private readonly streams = new Map<number, (m: HostMessage) => void>();
  private nextSub = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;

  constructor(options: DemoOptions) {
    this.worker.addEventListener('message', (e: MessageEvent<FromDemoWorker>) => this.receive(e.data));
    this.send({ type: 'init', options });
  }

  /** Each subscription is a stream of its own in the worker, opening with a snapshot (api.ts, HostMessage). */
  subscribe(listener: (message: HostMessage) => void): () => void {
    const sub = this.nextSub++;
    this.streams.set(sub, listener);
    this.send({ type: 'subscribe', sub });
    return () => {
      this.streams.delete(sub);
      this.send({ type: 'unsubscribe', sub });
    };
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
      this.streams.get(data.sub)?.(data.message);
      return;
    }
    const waiter = this.pending.get(data.id);
    this.pending.delete(data.id);
    if (data.error !== undefined) waiter?.reject(new Error(data.error));
    else waiter?.resolve(data.result);
  }
}
