// Introducer side of the TCP join (docs/control-channel.md): validates the joiner's hello, asks the node to admit it
// and replies one line with the node's full membership list (sealed in a keyed cluster: the joiner adopts it). The
// joiner's side is node/tcp-join.ts.
import type net from 'node:net';
import * as v from 'valibot';
import type { MembershipNode } from '../node/membership-node.ts';
import { MemberIdSchema } from '../node/tcp-join.ts';
import { writeLine } from '../transport/json-lines.ts';
import { sealLine } from '../transport/sealed-hello.ts';
import type { Hello } from '../transport/tcp-listener.ts';

const JoinHelloSchema = v.object({ v: v.literal(1), type: v.literal('join'), id: MemberIdSchema });

export function serveJoin(hello: Hello, socket: net.Socket, node: MembershipNode, onMalformed: () => void): void {
  const parsed = v.safeParse(JoinHelloSchema, hello);
  if (!parsed.success) {
    onMalformed();
    writeLine(socket, { ok: false, error: 'malformed join hello' });
  } else {
    const result = node.admit(parsed.output.id);
    const reply = 'error' in result ? { ok: false, error: result.error } : { ok: true, snapshot: result };
    const keyring = node.keyring();
    writeLine(socket, keyring ? sealLine(reply, keyring) : reply);
  }
  socket.end();
}
