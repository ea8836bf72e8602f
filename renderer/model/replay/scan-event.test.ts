import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatLogLine } from '../../../node-runtime/log/jsonl-log.ts';
import { EVENT_KINDS } from '../../../node-runtime/protocol/events.ts';
import { KIND_CODE } from './event-columns.ts';
import { checkEvent, NO_INCARNATION } from './parse-record.ts';
import { scanEvent } from './scan-event.ts';
import type { ScannedEvent } from './scan-event.ts';

const blank = (): ScannedEvent => ({ ts: 0, node: '', kind: 0, member: '', incarnation: 0, reason: undefined });

/** What JSON.parse + checkEvent make of a line, in the scanner's shape (undefined: rejected). */
function slow(line: string): ScannedEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const e = checkEvent(json);
  if (typeof e === 'string') return undefined;
  return { ts: e.ts, node: e.node, kind: KIND_CODE[e.event], member: e.member, incarnation: e.incarnation ?? NO_INCARNATION, reason: e.reason };
}

const written = fc.record({
  ts: fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.double({ min: 0, max: 1e14, noNaN: true })),
  node: fc.constantFrom('127.0.0.1:3000@17', '[::1]:3001@2', 'bad id', 'a"b:1@2', 'h:1@1\\'),
  event: fc.oneof(fc.constantFrom(...EVENT_KINDS), fc.constantFrom('teleport', '')),
  member: fc.constantFrom('127.0.0.1:3000@17', 'host-b:9@0'),
  incarnation: fc.option(fc.oneof(fc.nat(), fc.integer({ min: 2 ** 32 - 2, max: 2 ** 33 }), fc.double()), { nil: undefined }),
  reason: fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
});

test('the scanner accepts only what JSON.parse + checkEvent accept, with the same values', () => {
  fc.assert(fc.property(written, fc.nat(200), fc.string({ maxLength: 3 }), (e, cut, junk) => {
    const line = formatLogLine(e).trimEnd();
    for (const variant of [line, line.slice(0, cut), line.slice(0, cut) + junk + line.slice(cut), line.replace(':', ': ')]) {
      const out = blank();
      if (scanEvent(variant, out)) assert.deepEqual(out, slow(variant), variant);
    }
  }), { numRuns: 3000 });
});

test('the scanner takes every line the node writes for a valid event', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 2 ** 45 }), fc.constantFrom(...EVENT_KINDS), fc.option(fc.nat(), { nil: undefined }),
    fc.option(fc.constantFrom('timeout', 'suspect-timeout', 'gossip', 'introducer'), { nil: undefined }),
    (ts, event, incarnation, reason) => {
      const out = blank();
      const line = formatLogLine({ ts, node: '127.0.0.1:3000@5', event, member: '127.0.0.1:3001@6', incarnation, reason }).trimEnd();
      assert.ok(scanEvent(line, out), line);
      assert.deepEqual(out, slow(line));
    },
  ));
});
