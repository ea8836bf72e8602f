// The Electron shell's IPC channels, in one typed map shared by main.ts and preload.ts (GitHub Desktop's pattern):
// a channel name is never spelt twice, and each says which way it goes and what it carries. Main treats every
// incoming payload as unknown regardless, and validates it (host-request-schema.ts).
import type { HostMessage, HostRequest } from './host/api.ts';
import type { Reply } from './host/request-channel.ts';

export const IPC = {
  /** renderer → main, invoke: a HostRequest; answered with a Reply. */
  request: 'hearsay:request',
  /** renderer → main, send: start push stream `sub` for this window; it opens with a snapshot (api.ts, HostMessage). */
  subscribe: 'hearsay:subscribe',
  /** renderer → main, send: stop push stream `sub`. */
  unsubscribe: 'hearsay:unsubscribe',
  /** main → renderer: one HostMessage of stream `sub`. */
  push: 'hearsay:push',
} as const;

export interface IpcPayloads {
  [IPC.request]: { args: HostRequest; reply: Reply };
  [IPC.subscribe]: { args: number };
  [IPC.unsubscribe]: { args: number };
  [IPC.push]: { args: { sub: number; message: HostMessage } };
}

export type IpcArgs<C extends keyof IpcPayloads> = IpcPayloads[C]['args'];

/** The custom protocol the renderer is served from (not file://); IPC senders must be a page of it. */
export const APP_SCHEME = 'hearsay';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
