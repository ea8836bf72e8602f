// The one valibot schema for a HostRequest, used by both shells: the WebSocket server validates every incoming
// frame with it and Electron's main process every IPC payload, so a malformed request is dropped at the boundary.
import * as v from 'valibot';
import { checkConfig, MAX_LOCAL_GROUP, SETTINGS } from '../../node-runtime/protocol/config.ts';
import { parseAddress } from '../../node-runtime/protocol/member-id.ts';
import { PROTOCOL_FAMILIES } from '../../node-runtime/protocol/mode.ts';
import { launchConfig, perTiming, PRESET_NAMES } from '../../node-runtime/protocol/presets.ts';
import { isKey } from '../../node-runtime/transport/keyring.ts';
import type { HostRequest } from './api.ts';

const AddressSchema = v.pipe(
  v.string(),
  v.maxLength(300),
  v.check((s) => parseAddress(s) !== undefined, 'expected host:port'),
);
const KeySchema = v.pipe(v.string(), v.maxLength(100), v.check((s) => isKey(s), 'expected a cluster key (hearsay keygen)'));
const RateSchema = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
// The bounds and consistency rules are the protocol's own (config.ts), the ones the launch panel checks first.
const TimingsSchema = v.strictObject(perTiming((key) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(SETTINGS[key].min), v.maxValue(SETTINGS[key].max)))));

const LaunchOptionsSchema = v.pipe(
  v.strictObject({
    nodes: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_LOCAL_GROUP.embedded)),
    mode: v.picklist(['process', 'embedded', 'serf']),
    protocol: v.optional(v.picklist(PROTOCOL_FAMILIES)),
    suspicion: v.boolean(),
    dropRate: RateSchema,
    preset: v.optional(v.picklist(PRESET_NAMES)),
    timings: v.optional(TimingsSchema),
    basePort: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1024), v.maxValue(65535))),
    key: v.optional(KeySchema),
  }),
  v.check((o) => o.nodes <= MAX_LOCAL_GROUP[o.mode], 'too many nodes for this mode'),
  v.check((o) => checkConfig(launchConfig(o.preset ?? 'default', o.timings ?? {}, o.nodes)) === undefined, 'inconsistent timings'),
);

// The tab's form; the host still checks the whole (settingsFromOptions) and answers a mistake in words.
const ExperimentFormSchema = v.strictObject({
  experiment: v.picklist(['bandwidth', 'false-positives', 'detection', 'compare', 'all']),
  protocols: v.pipe(v.array(v.picklist(['gossip', 'gossip+s', 'ping', 'ping+s'])), v.minLength(1), v.maxLength(4), v.readonly()),
  runs: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)),
  source: v.picklist(['processes', 'simulator', 'both']),
  schedule: v.picklist(['tiny', 'quick', 'full']),
});

export const HostRequestSchema = v.variant('type', [
  v.strictObject({ type: v.literal('launch'), options: LaunchOptionsSchema }),
  v.strictObject({ type: v.literal('launch-pair'), options: v.tuple([LaunchOptionsSchema, LaunchOptionsSchema]) }),
  v.strictObject({
    type: v.literal('pair-action'),
    action: v.picklist(['kill', 'pause', 'resume', 'leave', 'restart', 'force-leave']),
    index: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_LOCAL_GROUP.embedded)),
  }),
  v.pipe(
    v.strictObject({
      type: v.literal('pair-partition'),
      from: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_LOCAL_GROUP.embedded)),
      to: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_LOCAL_GROUP.embedded)),
    }),
    v.check((r) => r.from <= r.to, 'from after to'),
  ),
  v.strictObject({ type: v.literal('attach'), address: AddressSchema, key: v.optional(KeySchema) }),
  v.strictObject({
    type: v.literal('attach-serf'),
    options: v.strictObject({
      addresses: v.pipe(v.array(AddressSchema), v.minLength(1), v.maxLength(64)),
      rpcPortOffset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(-65535), v.maxValue(65535))),
      authKey: v.optional(v.pipe(v.string(), v.maxLength(1024))),
      telemetry: v.optional(v.pipe(v.array(AddressSchema), v.maxLength(64))),
    }),
  }),
  v.strictObject({ type: v.literal('stop-cluster') }),
  v.strictObject({
    type: v.literal('node-action'),
    action: v.picklist(['kill', 'pause', 'resume', 'leave', 'restart', 'force-leave']),
    address: AddressSchema,
  }),
  v.strictObject({ type: v.literal('add-node') }),
  v.strictObject({ type: v.literal('set-drop'), rate: RateSchema, address: v.optional(AddressSchema) }),
  v.strictObject({ type: v.literal('set-suspicion'), enabled: v.boolean() }),
  v.strictObject({ type: v.literal('set-protocol'), protocol: v.picklist(PROTOCOL_FAMILIES), suspicion: v.boolean() }),
  v.strictObject({ type: v.literal('partition'), side: v.pipe(v.array(AddressSchema), v.minLength(1), v.maxLength(MAX_LOCAL_GROUP.embedded), v.readonly()) }),
  v.strictObject({ type: v.literal('heal') }),
  v.strictObject({ type: v.literal('open-recording'), path: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)) }),
  v.strictObject({ type: v.literal('list-recordings') }),
  v.strictObject({ type: v.literal('experiment-start'), form: ExperimentFormSchema }),
  v.strictObject({ type: v.literal('experiment-cancel') }),
  v.strictObject({ type: v.literal('experiment-list') }),
  // A folder name under logs/experiments/, never a path.
  v.strictObject({ type: v.literal('experiment-open'), name: v.pipe(v.string(), v.regex(/^[\w.-]{1,100}$/), v.check((n) => n !== '.' && n !== '..')) }),
]);

// The schema must accept exactly what api.ts declares: this line stops compiling if the two drift apart.
const _sameShape: [v.InferOutput<typeof HostRequestSchema>] extends [HostRequest]
  ? [HostRequest] extends [v.InferOutput<typeof HostRequestSchema>] ? true : false : false = true;

/** The validated request, or undefined (the caller counts it as malformed). */
export function parseHostRequest(value: unknown): HostRequest | undefined {
  const parsed = v.safeParse(HostRequestSchema, value);
  return parsed.success ? parsed.output : undefined;
}
