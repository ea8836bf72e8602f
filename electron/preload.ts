// The Electron preload (sandboxed, contextIsolation): exposes `window.hearsay`, a HostApi, and nothing else — no
// ipcRenderer, no Node. Replies arrive as `{ok, result | error}` envelopes and become resolved or rejected promises.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { HostMessage, HostRequest } from './host/api.ts';
import type { Reply } from './host/request-channel.ts';
import { IPC } from './ipc-channels.ts';
import type { IpcArgs } from './ipc-channels.ts';

const streams = new Map<number, (message: HostMessage) => void>();
let nextSub = 1;

ipcRenderer.on(IPC.push, (_event: IpcRendererEvent, { sub, message }: IpcArgs<typeof IPC.push>) => {
  streams.get(sub)?.(message);
});

contextBridge.exposeInMainWorld('hearsay', {
  async request(request: IpcArgs<typeof IPC.request>): Promise<unknown> {
    const reply = (await ipcRenderer.invoke(IPC.request, request)) as Reply;
    if (!reply.ok) throw new Error(reply.error);
    return reply.result;
  },
  /** As over the WebSocket: each subscription is a stream of its own that opens with a snapshot, then deltas. */
  subscribe(listener: (message: HostMessage) => void): () => void {
    const sub: IpcArgs<typeof IPC.subscribe> = nextSub++;
    streams.set(sub, listener);
    ipcRenderer.send(IPC.subscribe, sub);
    return () => {
      streams.delete(sub);
      ipcRenderer.send(IPC.unsubscribe, sub);
    };
  },
} satisfies { request(request: HostRequest): Promise<unknown>; subscribe(l: (m: HostMessage) => void): () => void });
