// Everything the renderer receives from a shell is checked here (every message that crosses a process boundary is
// validated: docs/contributing.md). A malformed frame or event is counted and dropped, never thrown; one bad event does not
// cost the rest of its batch.
import * as v from 'valibot';
import { EVENT_KINDS } from '../../node-runtime/protocol/events.ts';
import type { MembershipEvent } from '../../node-runtime/protocol/events.ts';
import { experimentResultSchemas, experimentStateSchema } from './experiment-schema.ts';
import type { ClusterNode, HostMessage, HostRequest, HostResponses } from '../../electron/host/api.ts';

const text = v.pipe(v.string(), v.maxLength(4096));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(300));
const count = v.pipe(v.number(), v.finite());

export const eventSchema = v.object({
  ts: count,
  node: id,
  event: v.picklist(EVENT_KINDS),
  member: id,
  incarnation: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  reason: v.optional(text),
});

// JSON drops `id: undefined`, so a missing id is put back as an explicit undefined.
const clusterNode = v.pipe(
  v.object({
    address: id,
    id: v.optional(id),
    state: v.picklist(['starting', 'running', 'paused', 'killed', 'left', 'stopped']),
    managed: v.boolean(),
    pid: v.optional(v.number()),
    kind: v.optional(v.literal('serf')),
    group: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1))),
  }),
  v.transform((n): ClusterNode => ({ ...n, id: n.id })),
);

const nodeStats = v.object({
  address: id,
  bytesInPerSec: count,
  bytesOutPerSec: count,
  dropped: count,
  malformed: count,
});

const actionRecord = v.object({
  ts: count,
  action: v.picklist(['kill', 'pause', 'resume', 'leave', 'restart', 'force-leave', 'add', 'set-drop', 'set-suspicion']),
  address: id,
  member: v.optional(id),
  value: v.optional(v.union([v.number(), v.boolean()])),
});

/** A message with its events still unchecked: they are checked one by one below. */
const messageSchema = v.variant('type', [
  v.object({ type: v.literal('session'), session: v.nullable(text), mode: v.nullable(v.picklist(['process', 'embedded', 'attached', 'serf', 'serf-attached', 'pair'])) }),
  v.object({ type: v.literal('events'), events: v.array(v.unknown()) }),
  v.object({ type: v.literal('nodes'), nodes: v.array(clusterNode) }),
  v.object({ type: v.literal('stats'), stats: v.array(nodeStats) }),
  v.object({ type: v.literal('action'), record: actionRecord }),
  v.object({ type: v.literal('progress'), phase: text, done: count, total: count }),
  v.object({ type: v.literal('error'), message: text }),
  v.object({ type: v.literal('experiment'), state: experimentStateSchema }),
]);

const recording = v.object({
  path: text,
  files: v.array(v.object({ name: text, url: text, bytes: count })),
  bytes: count,
});

const resultSchemas: { [K in keyof HostResponses]: v.GenericSchema<unknown, HostResponses[K]> } = {
  launch: v.object({ session: text, nodes: v.array(clusterNode) }),
  attach: v.object({ nodes: v.array(clusterNode) }),
  'attach-serf': v.object({ nodes: v.array(clusterNode) }),
  'launch-pair': v.object({ session: text, nodes: v.array(clusterNode) }),
  'pair-action': v.object({ nodes: v.array(clusterNode) }),
  'stop-cluster': v.record(v.string(), v.never()),
  'node-action': v.object({ node: clusterNode }),
  'add-node': v.object({ node: clusterNode }),
  'set-drop': v.record(v.string(), v.never()),
  'set-suspicion': v.record(v.string(), v.never()),
  'open-recording': v.object({ recording }),
  'list-recordings': v.object({ recordings: v.array(recording) }),
  ...experimentResultSchemas,
};

/** Counts of what was dropped, for the status line and the test hook. */
export interface Rejections {
  frames: number;
  events: number;
}

/** The message if it is well-formed (its malformed events removed and counted), else undefined. */
export function checkHostMessage(raw: unknown, rejected: Rejections): HostMessage | undefined {
  const parsed = v.safeParse(messageSchema, raw);
  if (!parsed.success) {
    rejected.frames++;
    return undefined;
  }
  const message = parsed.output;
  if (message.type !== 'events') return message;
  const events: MembershipEvent[] = [];
  for (const e of message.events) {
    const checked = v.safeParse(eventSchema, e);
    if (checked.success) events.push(checked.output);
    else rejected.events++;
  }
  return { type: 'events', events };
}

/** A response's result, checked against the shape its request promises. */
export function checkResult<R extends HostRequest>(request: R, raw: unknown): HostResponses[R['type']] | undefined {
  const parsed = v.safeParse(resultSchemas[request.type as R['type']], raw);
  return parsed.success ? parsed.output : undefined;
}

/** The WebSocket frame envelope (browser shell). */
export const frameSchema = v.union([
  v.object({ id: v.number(), ok: v.literal(true), result: v.unknown() }),
  // id null: the server could not read our request at all.
  v.object({ id: v.nullable(v.number()), ok: v.literal(false), error: text }),
  v.object({ push: v.unknown() }),
]);
