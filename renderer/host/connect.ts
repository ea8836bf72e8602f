// Picks the HostApi for this page: Electron's preload (`window.hearsay`), the demo simulator (`?demo=N`, in a Web
// Worker), or the browser shell's WebSocket. The rest of the renderer sees only the HostApi and cannot tell which.
import { WsHostApi, socketUrl } from './ws-host-api.ts';
import type { ConnectionStatus, StatusListener } from './ws-host-api.ts';
import { checkHostMessage, checkResult } from './host-schema.ts';
import type { Rejections } from './host-schema.ts';
import { DemoWorkerHost } from './demo-worker-host.ts';
import type { HostApi, HostRequest, HostResponse } from '../../electron/host/api.ts';

export type ShellName = 'electron' | 'browser' | 'demo';

export interface HostConnection {
  readonly api: HostApi;
  readonly shell: ShellName;
  readonly rejected: Rejections;
  /** Called at once with the current status, then on every change. */
  onStatus(listener: StatusListener): void;
  /** Browser shell only: drop the socket as a network failure would (it reconnects); for the e2e tests. */
  readonly dropConnection?: () => void;
  /** `?demo=N`: how many nodes the demo launches at start. */
  readonly demoNodes?: number;
}

/** What the preload exposes: the same HostApi shape, but across a process boundary, so checked here too. */
function fromPreload(exposed: HostApi): HostConnection {
  const rejected: Rejections = { frames: 0 };
  const api: HostApi = {
    async request<R extends HostRequest>(request: R): Promise<HostResponse<R>> {
      const result = checkResult(request, await exposed.request(request));
      if (result === undefined) {
        rejected.frames++;
        throw new Error(`malformed reply to ${request.type}`);
      }
      return result as HostResponse<R>;
    },
    subscribe(listener) {
      return exposed.subscribe((raw) => {
        const message = checkHostMessage(raw, rejected);
        if (message) listener(message);
      });
    },
  };
  return { api, shell: 'electron', rejected, onStatus: (l) => l('open', { reconnected: false }) };
}

export function connectHost(win: Window & { hearsay?: HostApi }): HostConnection {
  const params = new URLSearchParams(win.location.search);
  const demo = params.get('demo');
  if (demo !== null) {
    const demoNodes = Math.min(2000, Math.max(1, Number.parseInt(demo, 10) || 8));
    const api = new DemoWorkerHost({ churnMs: Number(params.get('churn')) || 0 });
    return { api, shell: 'demo', demoNodes, rejected: { frames: 0 }, onStatus: (l) => l('open', { reconnected: false }) };
  }
  if (win.hearsay) return fromPreload(win.hearsay);
  const api = new WsHostApi(socketUrl(win.location));
  let last: ConnectionStatus = 'connecting';
  api.onStatus((s) => { last = s; });
  return {
    api, shell: 'browser', rejected: api.rejected, dropConnection: () => api.dropConnection(),
    onStatus: (l) => {
      l(last, { reconnected: false });
      api.onStatus(l);
    },
  };
}
