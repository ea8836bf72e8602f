// Introducer side of the TCP join (docs/control-channel.md): validates the joiner's hello, asks the node to admit it
// and replies one line with the node's full membership list (sealed in a keyed cluster: the joiner adopts it). The
// joiner's side is node/tcp-join.ts.
import type net from 'node:net';
import * as v from 'valibot';
import type { MembershipNode } from '../node/membership-node.ts';
import { MemberIdSchema } from '../node/tcp-join.ts';
import type { Hello } from '../transport/tcp-listener.ts';
import { serveSnapshotExchange } from './snapshot-exchange.ts';

const JoinHelloSchema = v.object({ v: v.literal(1), type: v.literal('join'), id: MemberIdSchema });

export function serveJoin(hello: Hello, socket: net.Socket, node: MembershipNode, onMalformed: () => void): void {
  serveSnapshotExchange(hello, socket, node, JoinHelloSchema, (h) => node.admit(h.id, socket.remoteAddress), onMalformed);
}
