// Writer ↔ reader contract: what the node's log writer (node-runtime/log) writes, the replay reader (renderer) reads.
// It lives outside both layers because it imports both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatLogLine } from '../../node-runtime/log/jsonl-log.ts';
import { EVENT_KINDS } from '../../node-runtime/protocol/events.ts';
import type { MembershipEvent } from '../../node-runtime/protocol/events.ts';
import { KIND_CODE } from '../../renderer/model/replay/event-columns.ts';
import { checkEvent, NO_INCARNATION } from '../../renderer/model/replay/parse-record.ts';
import { LineScanner } from '../../renderer/model/replay/scan-line.ts';
import type { ScannedEvent } from '../../renderer/model/replay/scan-line.ts';

const blank = (): ScannedEvent => ({ ts: 0, node: '', kind: 0, member: '', incarnation: 0, reason: undefined, via: undefined });
const encoder = new TextEncoder();

/** What the general path (JSON.parse + checkEvent) makes of a line, in the scanner's shape; undefined: rejected. */
function general(line: string): ScannedEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const e = checkEvent(json);
  if (typeof e === 'string') return undefined;
  return { ts: e.ts, node: e.node, kind: KIND_CODE[e.event], member: e.member, incarnation: e.incarnation ?? NO_INCARNATION, reason: e.reason, via: e.via };
}

/** Scans `line` embedded in a buffer between other lines, as the line reader hands it over. */
function scan(scanner: LineScanner, line: string): ScannedEvent | undefined {
  const before = encoder.encode('{"ts":1,"node":"x"}\n');
  const body = encoder.encode(line);
  const after = encoder.encode('\n{"ts":2,"node":"127.0.0.1:1@1","event":"join","member":"127.0.0.1:1@1"}\n');
  const buf = new Uint8Array(before.length + body.length + after.length);
  buf.set(before);
  buf.set(body, before.length);
  buf.set(after, before.length + body.length);
  const out = blank();
  return scanner.scan(buf, before.length, before.length + body.length, out) ? out : undefined;
}

const event = fc.record({
  ts: fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.double({ min: 0, max: 1e16, noNaN: true }), fc.constant(-5)),
  node: fc.constantFrom('127.0.0.1:3000@17', '[::1]:3001@2', 'bad id', 'a"b:1@2', 'h:1@1\\', 'hé:1@1', '127.0.0.1:99999@1'),
  event: fc.oneof(fc.constantFrom(...EVENT_KINDS), fc.constantFrom('teleport', '', 'joins')),
  member: fc.constantFrom('127.0.0.1:3000@17', 'host-b:9@0', '127.0.0.1:3000@0017'),
  incarnation: fc.option(fc.oneof(fc.nat(), fc.integer({ min: 2 ** 32 - 2, max: 2 ** 33 }), fc.double()), { nil: undefined }),
  reason: fc.option(fc.oneof(fc.constantFrom('gossip', 'timeout', 'intro—ducer'), fc.string({ unit: 'binary' })), { nil: undefined }),
  via: fc.option(fc.constantFrom('127.0.0.1:3002@9', 'bad id', '127.0.0.1:3000@0017', 'a"b:1@2'), { nil: undefined }),
});

test('the byte scanner accepts only what JSON.parse + checkEvent accept, with the same values', () => {
  const scanner = new LineScanner();
  fc.assert(fc.property(event, fc.nat(200), fc.string({ maxLength: 3 }), (e, cut, junk) => {
    // Unknown kinds on purpose: the writer is only the formatter here.
    const line = formatLogLine(e as MembershipEvent).trimEnd();
    const variants = [line, line.slice(0, cut), line.slice(0, cut) + junk + line.slice(cut), line.replace(':', ': '), `${line} `];
    for (const v of variants) {
      const got = scan(scanner, v);
      if (got) assert.deepEqual(got, general(v), v);
    }
  }), { numRuns: 5000 });
});

test('the byte scanner takes every line the node writes for a valid event, and ids come back as the same strings', () => {
  const scanner = new LineScanner();
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 2 ** 45 }), fc.constantFrom(...EVENT_KINDS), fc.option(fc.nat(), { nil: undefined }),
    fc.option(fc.constantFrom('timeout', 'suspect-timeout', 'gossip', 'introducer'), { nil: undefined }),
    fc.integer({ min: 1, max: 65535 }), fc.option(fc.constantFrom('127.0.0.1:3002@9', '[::1]:3003@1'), { nil: undefined }),
    (ts, event, incarnation, reason, port, via) => {
      const line = formatLogLine({ ts, node: `127.0.0.1:${port}@5`, event, member: '127.0.0.1:3001@6', incarnation, reason, via }).trimEnd();
      const got = scan(scanner, line);
      assert.ok(got, line);
      assert.deepEqual(got, general(line));
      assert.equal(scan(scanner, line)!.node, got.node);
    },
  ), { numRuns: 2000 });
});
