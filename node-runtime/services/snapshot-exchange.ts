// The shape both peer services share (join, push-pull): validate one hello, run it, answer one line with a
// membership snapshot or the error (sealed in a keyed cluster: the peer adopts what it says), and close.
import type net from 'node:net';
import * as v from 'valibot';
import type { JoinSnapshot } from '../protocol/core.ts';
import type { MembershipNode } from '../node/membership-node.ts';
import { writeLine } from '../transport/json-lines.ts';
import { sealLine } from '../transport/sealed-hello.ts';
import type { Hello } from '../transport/tcp-listener.ts';

export function serveSnapshotExchange<S extends v.GenericSchema>(
  hello: Hello,
  socket: net.Socket,
  node: MembershipNode,
  schema: S,
  run: (input: v.InferOutput<S>) => JoinSnapshot | { error: string },
  onMalformed: () => void,
): void {
  const parsed = v.safeParse(schema, hello);
  if (!parsed.success) {
    onMalformed();
    writeLine(socket, { ok: false, error: `malformed ${hello.type} hello` });
  } else {
    const result = run(parsed.output);
    const reply = 'error' in result ? { ok: false, error: result.error } : { ok: true, snapshot: result };
    const keyring = node.keyring();
    writeLine(socket, keyring ? sealLine(reply, keyring) : reply);
  }
  socket.end();
}
