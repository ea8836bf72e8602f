// The peer's side of SWIM's push-pull (docs/control-channel.md): validates the initiator's state, has the node merge
// it, and replies one line with the node's own state (sealed in a keyed cluster). The initiator's side is
// node/tcp-push-pull.ts.
import type net from 'node:net';
import type { MembershipNode } from '../node/membership-node.ts';
import { PushPullHelloSchema } from '../node/tcp-push-pull.ts';
import type { Hello } from '../transport/tcp-listener.ts';
import { serveSnapshotExchange } from './snapshot-exchange.ts';

export function servePushPull(hello: Hello, socket: net.Socket, node: MembershipNode, onMalformed: () => void): void {
  serveSnapshotExchange(hello, socket, node, PushPullHelloSchema, (h) => node.exchangeState(h.snapshot), onMalformed);
}
