// Join over TCP (the only membership exchange not on UDP), the joiner's side: it sends `{"v":1,"type":"join","id"}`,
// the introducer admits it and replies one line with its full membership list (docs/control-channel.md). The
// introducer's side is services/join-service.ts.
import * as v from 'valibot';
import type { JoinSnapshot } from '../protocol/core.ts';
import { MAX_MEMBER_ID_LENGTH } from '../protocol/member-id.ts';
import type { Address, MemberId } from '../protocol/member-id.ts';
import type { Keyring } from '../transport/keyring.ts';
import { RequestError, requestLine } from '../transport/request-line.ts';
import { openLine } from '../transport/sealed-hello.ts';

/** A full membership list as it travels over TCP (join replies and SWIM push-pull, tcp-push-pull.ts). Shape only for
 *  each id (a bounded string): the core parses every id it does not know yet anyway, strictly (canonical spelling
 *  only), and skips and counts one that is not an id (`implausible`), so parsing all of them here too was the same
 *  check twice, on up to 100,000 ids a reply. */
export const SnapshotSchema = v.object({
  members: v.pipe(v.array(v.object({
    id: v.pipe(v.string(), v.maxLength(MAX_MEMBER_ID_LENGTH)),
    heartbeat: v.pipe(v.number(), v.integer(), v.minValue(0)),
    incarnation: v.pipe(v.number(), v.integer(), v.minValue(0)),
    status: v.picklist(['alive', 'suspect', 'failed', 'left']),
  })), v.maxLength(100_000)),
  mode: v.object({
    family: v.picklist(['gossip', 'ping']),
    suspicion: v.boolean(),
    epoch: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
  }),
});

const RefusalSchema = v.object({ ok: v.literal(false), error: v.string() });
const JoinReplySchema = v.variant('ok', [v.object({ ok: v.literal(true), snapshot: SnapshotSchema }), RefusalSchema]);

/** Asks the introducer to admit `id`; resolves with its membership list or rejects with a one-line RequestError. */
export function requestJoin(introducer: Address, id: MemberId, timeoutMs: number, keyring?: Keyring): Promise<JoinSnapshot> {
  return requestSnapshot(introducer, { v: 1, type: 'join', id }, timeoutMs, keyring);
}

/** Sends `hello` (join, or SWIM's push-pull: tcp-push-pull.ts) and resolves with the snapshot the peer answers. */
export async function requestSnapshot(peer: Address, hello: { readonly v: 1; readonly type: string; readonly [field: string]: unknown }, timeoutMs: number, keyring?: Keyring): Promise<JoinSnapshot> {
  const raw = await requestLine(peer, hello, timeoutMs, keyring);
  // In a keyed cluster only a sealed reply is believed; an unsealed refusal still says why (it can only deny).
  const opened = keyring ? openLine(raw, keyring) ?? (v.is(RefusalSchema, raw) ? raw : undefined) : raw;
  const reply = v.safeParse(JoinReplySchema, opened);
  if (!reply.success) throw new RequestError(`malformed ${hello.type} reply from ${peer}`, 'malformed');
  if (!reply.output.ok) {
    throw new RequestError(`${peer} refused the ${hello.type}: ${reply.output.error}`, 'refused', `refused: ${reply.output.error}`);
  }
  return reply.output.snapshot;
}
