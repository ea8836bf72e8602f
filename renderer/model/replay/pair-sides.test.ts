import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openRecording } from './recording.ts';
import { pairSides } from './pair-sides.ts';
import { textSource } from './test-sources.ts';

const id = (port: number, version = 1): string => `127.0.0.1:${port}@${version}`;
const line = (ts: number, node: string, event: string, member: string): string => JSON.stringify({ ts, node, event, member }) + '\n';
/** A node's log: it starts and joins `peers`. */
const log = (port: number, peers: number[], extra = ''): string =>
  line(0, id(port), 'start', id(port)) + peers.map((p) => line(10, id(port), 'join', id(p))).join('') + extra;

async function sides(logs: Record<string, string>) {
  const r = await openRecording(Object.entries(logs).map(([name, text]) => textSource(name, text)));
  return pairSides(r.columns, r.interner, r.sides)?.map((s) => [...s]);
}

test('a recording that stores its sides splits by them, even when the two clusters heard of each other', async () => {
  const sidesFile = [[3000, 0], [3001, 0], [3020, 1], [3021, 1]].map(([p, g]) => JSON.stringify({ address: `127.0.0.1:${p}`, group: g }) + '\n').join('')
    + '{"address":"127.0.0.1:3040","group":2}\n' + '{"address":"nowhere","group":0}\n';
  const logs = {
    'a.jsonl': log(3000, [3001]), 'a2.jsonl': log(3001, [3000]),
    // Side 1 once heard of side 0 (inference would merge them into one cluster).
    'b.jsonl': log(3020, [3021], line(90, id(3020), 'join', id(3000))), 'b2.jsonl': log(3021, [3020]),
  };
  assert.equal(await sides(logs), undefined, 'without the stored sides: one cluster');
  const r = await openRecording([...Object.entries(logs), ['sides.jsonl', sidesFile]].map(([name, text]) => textSource(name!, text!)));
  assert.deepEqual(pairSides(r.columns, r.interner, r.sides)?.map((s) => [...s]),
    [['127.0.0.1:3000', '127.0.0.1:3001'], ['127.0.0.1:3020', '127.0.0.1:3021']]);
  assert.equal(r.report.skipped.get('bad-field')?.count, 1, 'a side that is not 0 or 1');
  assert.equal(r.report.skipped.get('bad-id')?.count, 1, 'an address that is not host:port');
  assert.equal(r.files.includes('sides.jsonl'), false, 'sides.jsonl is not a node log');
});

test('a pair recording splits into its two clusters, lowest address first; a restart keeps its side', async () => {
  assert.deepEqual(await sides({
    'b1.jsonl': log(3020, [3021]),
    'b2.jsonl': log(3021, [3020]),
    'a1.jsonl': log(3000, [3001, 3002]),
    'a2.jsonl': log(3001, [3000, 3002], line(50, id(3001), 'join', id(3002, 2))),
    'a3.jsonl': log(3002, [3000, 3001]),
  }), [['127.0.0.1:3000', '127.0.0.1:3001', '127.0.0.1:3002'], ['127.0.0.1:3020', '127.0.0.1:3021']]);
});

test('one cluster, or three groups, is not a pair', async () => {
  assert.equal(await sides({ 'a1.jsonl': log(3000, [3001]), 'a2.jsonl': log(3001, [3000]) }), undefined);
  assert.equal(await sides({ 'a.jsonl': log(3000, [3001]), 'b.jsonl': log(3020, [3021]), 'c.jsonl': log(3040, []) }), undefined);
  // Two sides that once listed each other (a healed partition) are one cluster.
  assert.equal(await sides({ 'a.jsonl': log(3000, [3001]), 'b.jsonl': log(3020, [3021], line(90, id(3020), 'join', id(3000))) }), undefined);
});
