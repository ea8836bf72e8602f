// What a Serf agent's RPC may answer (hashicorp/serf command/agent/ipc.go), as valibot schemas. Everything from the
// wire is checked here, shape and plausibility: a port in 1..65535, an address of 4 or 16 bytes, a node name Serf's
// CLI could show, bounded lists. A value that fails is counted and dropped by the caller, never trusted.
import * as v from 'valibot';
import { SERF_NAME } from '../protocol/serf-log.ts';

/** Members one agent may list; a bigger answer is not believed (and bounds what a hostile agent can make us hold). */
export const MAX_MEMBERS = 10_000;

export const ResponseHeaderSchema = v.object({
  Seq: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
  Error: v.pipe(v.string(), v.maxLength(1024)),
});

export const MEMBER_STATUSES = ['none', 'alive', 'leaving', 'left', 'failed'] as const;

const Ip = v.pipe(v.instance(Uint8Array), v.check((b) => b.length === 4 || b.length === 16, 'an IP is 4 or 16 bytes'));

export const MemberSchema = v.object({
  Name: v.pipe(v.string(), v.regex(SERF_NAME)),
  Addr: Ip,
  Port: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)),
  Status: v.picklist(MEMBER_STATUSES),
  Tags: v.optional(v.nullable(v.record(v.pipe(v.string(), v.maxLength(256)), v.pipe(v.string(), v.maxLength(1024))))),
});

export const MembersBodySchema = v.object({ Members: v.pipe(v.array(MemberSchema), v.maxLength(MAX_MEMBERS)) });

export const MEMBER_EVENTS = ['member-join', 'member-leave', 'member-failed', 'member-update', 'member-reap'] as const;

export const MemberEventSchema = v.object({
  Event: v.picklist(MEMBER_EVENTS),
  Members: v.pipe(v.array(MemberSchema), v.maxLength(MAX_MEMBERS)),
});

export const LogRecordSchema = v.object({ Log: v.pipe(v.string(), v.maxLength(65_536)) });

export const StatsBodySchema = v.object({ agent: v.object({ name: v.pipe(v.string(), v.regex(SERF_NAME)) }) });

export type SerfMember = v.InferOutput<typeof MemberSchema>;
export type SerfMemberEvent = v.InferOutput<typeof MemberEventSchema>;

/** `net.IP` as Go sends it: 4 bytes, or 16 (IPv4-mapped `::ffff:a.b.c.d` becomes dotted). */
export function formatIp(b: Uint8Array): string {
  const mapped = b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (b.length === 4 || mapped) return [...b.subarray(b.length - 4)].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(':'); // uncompressed, but valid and stable
}
