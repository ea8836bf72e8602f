import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openRecording } from './recording.ts';
import { textSource } from './test-sources.ts';

const id = (n: string): string => `127.0.0.1:${3000 + 'ABCDE'.indexOf(n)}@1`;
const log = (...rows: [number, string, string, string][]): string =>
  rows.map(([ts, node, event, member]) => JSON.stringify({ ts, node: id(node), event, member: id(member) }) + '\n').join('');
const meshAt = (ts: number, nodes: string[]): [number, string, string, string][] =>
  nodes.flatMap((o) => [[ts, o, 'start', o] as [number, string, string, string],
    ...nodes.filter((m) => m !== o).map((m) => [ts + 10, o, 'join', m] as [number, string, string, string])]);

async function analyze(files: Record<string, string>) {
  const r = await openRecording(Object.entries(files).map(([name, text]) => textSource(name, text)), { snapshotEvery: 3 });
  return r.failures;
}

test('kill latency: first and last running observer; an observer killed before detecting is not waited for', async () => {
  const nodes = ['A', 'B', 'C', 'D'];
  const mesh = meshAt(0, nodes);
  const own = (n: string) => mesh.filter((r) => r[1] === n);
  const failures = await analyze({
    'A.jsonl': log(...own('A'), [1100, 'A', 'fail', 'D'], [2500, 'A', 'fail', 'C']),
    'B.jsonl': log(...own('B'), [1300, 'B', 'fail', 'D'], [2600, 'B', 'remove', 'C']),
    'C.jsonl': log(...own('C')),
    'D.jsonl': log(...own('D')),
    'actions.jsonl': [
      { ts: 100, action: 'kill', address: '127.0.0.1:3003', member: id('D') },
      { ts: 1200, action: 'kill', address: '127.0.0.1:3002' }, // no member: the id running at that address
    ].map((a) => JSON.stringify(a) + '\n').join(''),
  });
  assert.deepEqual(failures.map((f) => [f.member, f.cause, f.fromTs, f.firstTs, f.firstBy, f.allTs, f.detected, f.expected]), [
    [id('D'), 'kill', 100, 1100, id('A'), 1300, 2, 2],
    [id('C'), 'kill', 1200, 2500, id('A'), 2600, 2, 2],
  ]);
});

test('without actions: each failed member, measured from its first detection (when it went silent is unknown); all stays open while someone has not seen it', async () => {
  const nodes = ['A', 'B', 'C'];
  const mesh = meshAt(0, nodes);
  const own = (n: string) => mesh.filter((r) => r[1] === n);
  const failures = await analyze({
    'A.jsonl': log(...own('A'), [3000, 'A', 'suspect', 'C'], [3500, 'A', 'fail', 'C']),
    'B.jsonl': log(...own('B'), [2000, 'B', 'alive', 'C']),
    'C.jsonl': log(...own('C'), [1500, 'C', 'suspect', 'B']),
  });
  assert.equal(failures.length, 1);
  const f = failures[0]!;
  assert.deepEqual([f.member, f.cause, f.fromTs, f.firstTs, f.allTs, f.detected, f.expected], [id('C'), 'fail', 3500, 3500, undefined, 1, 2]);
});

test('a failure after a recorded pause is measured from the pause; a resumed-then-failed one and a false one are not', async () => {
  const nodes = ['A', 'B', 'C', 'D'];
  const mesh = meshAt(0, nodes);
  const own = (n: string) => mesh.filter((r) => r[1] === n);
  const failures = await analyze({
    'A.jsonl': log(...own('A'), [40_000, 'A', 'fail', 'C'], [50_000, 'A', 'fail', 'D']),
    'B.jsonl': log(...own('B'), [40_300, 'B', 'fail', 'C'], [50_200, 'B', 'fail', 'D']),
    'C.jsonl': log(...own('C'), [50_100, 'C', 'fail', 'D']),
    'D.jsonl': log(...own('D'), [40_500, 'D', 'fail', 'C']),
    'actions.jsonl': [
      { ts: 38_000, action: 'pause', address: '127.0.0.1:3002', member: id('C') },
      { ts: 45_000, action: 'pause', address: '127.0.0.1:3003', member: id('D') },
      { ts: 46_000, action: 'resume', address: '127.0.0.1:3003', member: id('D') },
      { ts: 47_000, action: 'set-drop', address: '*', value: 0.5 },
    ].map((a) => JSON.stringify(a) + '\n').join(''),
  });
  assert.deepEqual(failures.map((f) => [f.member, f.cause, f.fromTs, f.firstTs, f.allTs, f.detected]), [
    [id('C'), 'pause', 38_000, 40_000, 40_500, 3],
    // Resumed before anyone failed it: this failure has no cause on record, and no 40 s "latency" from its join.
    [id('D'), 'fail', 50_000, 50_000, 50_200, 3],
  ]);
});
