import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openRecording } from './recording.ts';
import { ReplayController } from './replay-controller.ts';
import { eventAt, NO_VIA } from './event-columns.ts';
import { describeHop } from '../spread-tree.ts';
import { textSource } from './test-sources.ts';

const A = '127.0.0.1:3000@1';
const B = '127.0.0.1:3001@1';
const C = '127.0.0.1:3002@1';
const D = '127.0.0.1:3003@1';
/** As the node writes it (formatLogLine's field order), so the loader's byte scanner takes it. */
const line = (ts: number, node: string, event: string, member: string, reason?: string, via?: string): string =>
  JSON.stringify({ ts, node, event, member, ...(reason && { reason }), ...(via && { via }) }) + '\n';

const starts = (...ids: string[]) => ids.map((id) => line(0, id, 'start', id)).join('');

test('the index carries `via` (fast and general path alike); a log without it still loads, with none', async () => {
  const a = starts(A) + line(10, A, 'fail', C, 'timeout');
  // B: canonical lines with via (the byte scanner), and one spaced out (JSON.parse + checkEvent).
  const b = starts(B) + line(20, B, 'fail', C, 'gossip', A) + '{ "ts": 30, "node": "127.0.0.1:3001@1", "event": "join", "member": "127.0.0.1:3003@1", "via": "127.0.0.1:3000@1" }\n';
  // D: an old log, written before `via` existed.
  const d = starts(D) + line(25, D, 'fail', C);
  const r = await openRecording([textSource('a.jsonl', a), textSource('b.jsonl', b), textSource('d.jsonl', d)]);
  assert.equal(r.report.skippedLines, 0);
  const vias = Array.from({ length: r.columns.length }, (_, i) => eventAt(r.columns, i, r.interner))
    .map((e) => `${e.ts} ${e.node.slice(10, 14)} ${e.event} ${e.via?.slice(10, 14) ?? '-'}`);
  assert.deepEqual(vias, ['0 3000 start -', '0 3001 start -', '0 3003 start -', '10 3000 fail -', '20 3001 fail 3000',
    '25 3003 fail -', '30 3001 join 3000']);
  assert.equal(r.columns.via[3], NO_VIA);
});

test('a via naming no well-formed member is refused as a bad id, not taken as none', async () => {
  const r = await openRecording([textSource('b.jsonl', starts(B) + line(20, B, 'fail', C, 'gossip', 'not-an-id'))]);
  assert.deepEqual([...r.report.skipped.keys()], ['bad-id']);
});

test('the full spread tree at the cursor, whatever was skipped by seeks; the cut as recorded', async () => {
  const a = starts(A) + line(1000, A, 'suspect', C, 'timeout') + line(2000, A, 'fail', C, 'suspect-timeout');
  const b = starts(B) + line(1100, B, 'suspect', C, 'gossip', A) + line(2100, B, 'fail', C, 'gossip', A);
  const d = starts(D) + line(2300, D, 'fail', C, 'gossip', B) + line(3000, D, 'remove', C);
  const actions = [
    { ts: 500, action: 'partition', address: '*', side: ['127.0.0.1:3002'] },
    { ts: 2500, action: 'heal', address: '*' },
  ].map((x) => JSON.stringify(x) + '\n').join('');
  const ctl = new ReplayController(await openRecording([textSource('a.jsonl', a), textSource('b.jsonl', b), textSource('d.jsonl', d), textSource('actions.jsonl', actions)]));
  assert.equal(ctl.partition, undefined, 'before the partition');
  ctl.seek(1500);
  assert.deepEqual(ctl.partition, ['127.0.0.1:3002']);
  assert.equal(ctl.spreadOf(C)?.kind, 'suspect', 'no failure yet: the suspicion spread');
  // One jump past the whole failure: every hop is there, though none was played through.
  ctl.seek(2400);
  const spread = ctl.spreadOf(C)!;
  assert.equal(spread.kind, 'fail');
  const name = (id: string) => id.slice(0, 14);
  assert.deepEqual(spread.hops.map((h) => `${name(h.observer)} ${describeHop(h, spread.hops[0]!, name)}`), [
    '127.0.0.1:3000 detected it itself (suspect-timeout) at +0.00 s',
    '127.0.0.1:3001 heard from 127.0.0.1:3000 at +0.10 s',
    '127.0.0.1:3003 heard from 127.0.0.1:3001 at +0.30 s',
  ]);
  ctl.seek(2050);
  assert.equal(ctl.spreadOf(C)!.hops.length, 1, 'only the hops up to the cursor');
  ctl.seek(3000);
  assert.equal(ctl.partition, undefined, 'healed');
  assert.equal(ctl.spreadOf(B), undefined, 'no one failed or suspected B');
});
