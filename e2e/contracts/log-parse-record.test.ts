// Writer ↔ reader contract: what the node's log writer (node-runtime/log) writes, the replay reader (renderer) reads.
// It lives outside both layers because it imports both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as v from 'valibot';
import { LogEventSchema } from '../../node-runtime/log/read-log.ts';
import { formatLogLine } from '../../node-runtime/log/jsonl-log.ts';
import { EVENT_KINDS } from '../../node-runtime/protocol/events.ts';
import { checkEvent, parseLine } from '../../renderer/model/replay/parse-record.ts';

const id = fc.oneof(
  fc.tuple(fc.constantFrom('127.0.0.1', 'host-a', '[::1]'), fc.integer({ min: 0, max: 70000 }), fc.integer({ min: 0, max: 1e6 }))
    .map(([h, p, ver]) => `${h}:${p}@${ver}`),
  fc.string(),
);
const record = fc.record({
  ts: fc.oneof(fc.integer(), fc.double(), fc.string()),
  node: id,
  event: fc.oneof(fc.constantFrom(...EVENT_KINDS), fc.string()),
  member: id,
  incarnation: fc.option(fc.oneof(fc.integer({ min: -3, max: 2 ** 33 }), fc.double(), fc.string()), { nil: undefined }),
  reason: fc.option(fc.oneof(fc.string(), fc.integer()), { nil: undefined }),
}, { requiredKeys: ['ts'] });

test('every record the replay accepts, the log schema (read-log.ts) accepts too', () => {
  fc.assert(fc.property(record, (r) => {
    const json = JSON.parse(JSON.stringify(r)) as unknown;
    if (typeof checkEvent(json) !== 'string') assert.ok(v.safeParse(LogEventSchema, json).success, JSON.stringify(r));
  }), { numRuns: 3000 });
});

test('every line the node writes (formatLogLine) is accepted as written', () => {
  fc.assert(fc.property(
    fc.record({
      ts: fc.integer({ min: 0, max: 2 ** 45 }), event: fc.constantFrom(...EVENT_KINDS),
      incarnation: fc.option(fc.nat(), { nil: undefined }), reason: fc.option(fc.string(), { nil: undefined }),
    }),
    ({ ts, event, incarnation, reason }) => {
      const e = { ts, node: '127.0.0.1:3000@17', event, member: '[::1]:3001@2', incarnation, reason };
      const parsed = parseLine(formatLogLine(e).trimEnd(), true, checkEvent, () => assert.fail('not torn'));
      assert.notEqual(typeof parsed, 'string');
      assert.deepEqual({ ...(parsed as object) }, JSON.parse(formatLogLine(e)));
    },
  ));
});
