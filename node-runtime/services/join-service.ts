// Introducer side of the TCP join (docs/control-channel.md): validates the joiner's hello, asks the node to admit it
// and replies one line with the node's full membership list (sealed in a keyed cluster: the joiner adopts it). The
// joiner's side is node/tcp-join.ts.
import type net from 'node:net';
import * as v from 'valibot';
import type { MembershipNode } from '../node/membership-node.ts';
import { parseMemberId } from '../protocol/member-id.ts';
import type { Hello } from '../transport/tcp-listener.ts';
import { serveSnapshotExchange } from './snapshot-exchange.ts';

/** The joiner's own id is checked here (one per connection), so a malformed one is refused with a reason instead of
 *  answered with a list it is not on. */
const JoinHelloSchema = v.object({
  v: v.literal(1), type: v.literal('join'), id: v.pipe(v.string(), v.check((s) => parseMemberId(s) !== undefined, 'not a member id')),
});

export function serveJoin(hello: Hello, socket: net.Socket, node: MembershipNode, onMalformed: () => void): void {
  serveSnapshotExchange(hello, socket, node, JoinHelloSchema, (h) => node.admit(h.id, socket.remoteAddress), onMalformed);
}
