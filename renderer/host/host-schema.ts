// Everything the renderer receives from a shell is checked here (every message that crosses a process boundary is
// validated: docs/contributing.md). A malformed message is counted and dropped, never thrown — a whole delta, never
// part of one: the sequence number it leaves out makes the view ask for a fresh snapshot instead of folding a
// change with a hole in it (api.ts, HostMessage).
import * as v from 'valibot';
import { EVENT_KINDS } from '../../node-runtime/protocol/events.ts';
import { experimentResultSchemas, experimentStateSchema } from './experiment-schema.ts';
import type { ClusterNode, HostMessage, HostRequest, HostResponses, ViewChange, ViewSnapshot } from '../../electron/host/api.ts';
import { isTraceBatch } from '../../node-runtime/protocol/trace.ts';
import type { Trace } from '../../node-runtime/protocol/trace.ts';
import { MAX_LOCAL_GROUP } from '../../node-runtime/protocol/config.ts';
import { PROTOCOL_FAMILIES } from '../../node-runtime/protocol/mode.ts';

const text = v.pipe(v.string(), v.maxLength(4096));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(300));
const count = v.pipe(v.number(), v.finite());
const seq = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** A session of a few thousand nodes restarting for hours stays far below this many ids. */
const MAX_IDS = 1_000_000;
const clusterMode = v.picklist(['process', 'embedded', 'attached', 'serf', 'serf-attached', 'pair']);

export const eventSchema = v.object({
  ts: count,
  node: id,
  event: v.picklist(EVENT_KINDS),
  member: id,
  incarnation: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  reason: v.optional(text),
  via: v.optional(id),
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

const modeInfo = v.object({ family: v.picklist(PROTOCOL_FAMILIES), suspicion: v.boolean(), epoch: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) });
const protocolInForce = v.nullable(v.object({ ...modeInfo.entries, settled: v.boolean(), sides: v.optional(v.pipe(v.array(modeInfo), v.maxLength(2))) }));

const nodeStats = v.object({
  address: id,
  bytesInPerSec: count,
  bytesOutPerSec: count,
  dropped: count,
  malformed: count,
  protocol: v.optional(modeInfo),
  blockedIn: v.optional(count),
  blockedOut: v.optional(count),
});

const actionRecord = v.object({
  ts: count,
  action: v.picklist(['kill', 'pause', 'resume', 'leave', 'restart', 'force-leave', 'add', 'set-drop', 'set-suspicion', 'set-protocol', 'partition', 'heal']),
  address: id,
  member: v.optional(id),
  value: v.optional(v.union([v.number(), v.boolean()])),
  protocol: v.optional(v.picklist(PROTOCOL_FAMILIES)),
  side: v.optional(v.pipe(v.array(id), v.maxLength(MAX_LOCAL_GROUP.embedded))),
});

const progress = v.nullable(v.object({ phase: text, done: count, total: count }));

const change = v.variant('type', [
  v.object({ type: v.literal('events'), events: v.array(eventSchema) }),
  v.object({ type: v.literal('nodes'), nodes: v.array(clusterNode), removed: v.optional(v.array(id)) }),
  v.object({ type: v.literal('stats'), stats: v.array(nodeStats) }),
  v.object({ type: v.literal('action'), record: actionRecord }),
  v.object({ type: v.literal('progress'), progress }),
  v.object({ type: v.literal('protocol'), protocol: protocolInForce }),
]) satisfies v.GenericSchema<unknown, ViewChange>;

/** Four numbers per entry, each member index inside `ids`, each status a code 1..4 (api.ts, ObserverList). */
function listsFit(view: { ids: string[]; lists: { observer: number; entries: number[] }[] }): boolean {
  const n = view.ids.length;
  for (const l of view.lists) {
    if (l.observer >= n || l.entries.length % 4 !== 0) return false;
    for (let i = 0; i < l.entries.length; i += 4) {
      if (l.entries[i]! >= n || l.entries[i + 1]! < 1 || l.entries[i + 1]! > 4) return false;
    }
  }
  return true;
}

const index = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const snapshot = v.pipe(
  v.object({
    session: v.nullable(text),
    mode: v.nullable(clusterMode),
    protocol: protocolInForce,
    nodes: v.array(clusterNode),
    ids: v.pipe(v.array(id), v.maxLength(MAX_IDS)),
    lists: v.array(v.object({ observer: index, running: v.boolean(), entries: v.array(v.pipe(v.number(), v.safeInteger(), v.minValue(0))) })),
    stats: v.array(nodeStats),
    progress,
    actions: v.array(actionRecord),
    partition: v.nullable(v.pipe(v.array(id), v.maxLength(MAX_LOCAL_GROUP.embedded))),
  }),
  v.check((view) => listsFit(view), 'list entries out of range'),
) satisfies v.GenericSchema<unknown, ViewSnapshot>;

const messageSchema = v.variant('type', [
  v.object({ type: v.literal('snapshot'), seq, view: snapshot }),
  v.object({ type: v.literal('delta'), seq, change }),
  v.object({ type: v.literal('notice'), message: text }),
  v.object({ type: v.literal('experiment'), state: experimentStateSchema }),
  v.object({ type: v.literal('traces'), traces: v.custom<Trace[]>(isTraceBatch), unsampled: count }),
]) satisfies v.GenericSchema<unknown, HostMessage>;

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
  'pair-partition': v.object({ side: v.array(id) }),
  'stop-cluster': v.record(v.string(), v.never()),
  'node-action': v.object({ node: clusterNode }),
  'add-node': v.object({ node: clusterNode }),
  'set-drop': v.record(v.string(), v.never()),
  'set-suspicion': v.record(v.string(), v.never()),
  'set-protocol': v.record(v.string(), v.never()),
  partition: v.record(v.string(), v.never()),
  heal: v.record(v.string(), v.never()),
  'open-recording': v.object({ recording }),
  'list-recordings': v.object({ recordings: v.array(recording) }),
  ...experimentResultSchemas,
};

/** Counts of what was dropped, for the status line and the test hook: frames (the envelope, or a whole message). */
export interface Rejections {
  frames: number;
}

/** The message if it is well-formed, else undefined (and counted). */
export function checkHostMessage(raw: unknown, rejected: Rejections): HostMessage | undefined {
  const parsed = v.safeParse(messageSchema, raw);
  if (parsed.success) return parsed.output;
  rejected.frames++;
  return undefined;
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
  v.object({ sub: v.number(), push: v.unknown() }),
]);
