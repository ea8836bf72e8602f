// SWIM anti-entropy over TCP (as memberlist and ringpop do), the initiator's side: it sends
// `{"v":1,"type":"push-pull","snapshot"}` with its full state, the peer merges it and answers one line with its own,
// which the initiator merges (docs/control-channel.md). Sealed like a join in a keyed cluster. The peer's side is
// services/push-pull-service.ts.
import * as v from 'valibot';
import type { JoinSnapshot } from '../protocol/core.ts';
import type { Address } from '../protocol/member-id.ts';
import type { Keyring } from '../transport/keyring.ts';
import { requestSnapshot, SnapshotSchema } from './tcp-join.ts';

export const PushPullHelloSchema = v.object({ v: v.literal(1), type: v.literal('push-pull'), snapshot: SnapshotSchema });

/** Sends our state to `peer`; resolves with the peer's, or rejects with a one-line RequestError. */
export function requestPushPull(peer: Address, snapshot: JoinSnapshot, timeoutMs: number, keyring?: Keyring): Promise<JoinSnapshot> {
  return requestSnapshot(peer, { v: 1, type: 'push-pull', snapshot }, timeoutMs, keyring);
}
