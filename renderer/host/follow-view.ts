// Keeps a LiveStore following the host's view: one subscription (which opens with a snapshot), replaced by a new one
// whenever the store finds a gap in the deltas' sequence — subscribing again is how the contract asks for a fresh
// snapshot (electron/host/api.ts, HostMessage). Reloads and reconnects need nothing here: a new page subscribes
// anew, and the WebSocket client subscribes its open streams again when it reconnects.
import type { LiveStore } from '../model/live-store.ts';
import type { HostApi, HostMessage } from '../../electron/host/api.ts';

/** Messages beside the view's state (api.ts): sampled traces, the Experiments tab's run. They never reach the store. */
export type SideMessage = Extract<HostMessage, { type: 'traces' | 'experiment' }>;

export function followView(api: HostApi, store: LiveStore, onSide: (message: SideMessage) => void = () => {}): () => void {
  let unsubscribe = (): void => {};
  const subscribe = (): void => {
    unsubscribe();
    // A gap is answered after the listener returns: the old stream must not be closed from inside its own push.
    unsubscribe = api.subscribe((message) => {
      if (message.type === 'traces' || message.type === 'experiment') onSide(message);
      else if (store.receive(message) === 'resync') queueMicrotask(subscribe);
    });
  };
  subscribe();
  return () => unsubscribe();
}
