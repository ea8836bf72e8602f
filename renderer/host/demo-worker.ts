// Web Worker entry: runs the demo simulator off the page's main thread (see demo-worker-host.ts).
import { DemoHostApi } from './demo-host-api.ts';
import type { FromDemoWorker, ToDemoWorker } from './demo-worker-host.ts';

let demo: DemoHostApi | undefined;
const streams = new Map<number, () => void>();
const post = (message: FromDemoWorker): void => globalThis.postMessage(message);

globalThis.addEventListener('message', (e: MessageEvent<ToDemoWorker>) => {
  const m = e.data;
  if (m.type === 'init') {
    demo ??= new DemoHostApi(m.options);
  } else if (m.type === 'subscribe') {
    const sub = m.sub;
    const stop = demo?.subscribe((message) => post({ type: 'message', sub, message }));
    if (stop) streams.set(sub, stop);
  } else if (m.type === 'unsubscribe') {
    streams.get(m.sub)?.();
    streams.delete(m.sub);
  } else {
    demo?.request(m.request).then(
      (result) => post({ type: 'reply', id: m.id, result }),
      (error: unknown) => post({ type: 'reply', id: m.id, error: error instanceof Error ? error.message : String(error) }),
    );
  }
});
