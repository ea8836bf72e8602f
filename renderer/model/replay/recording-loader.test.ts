import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRecording } from './recording-loader.ts';
import type { LoadedRecording } from './recording-loader.ts';
import { eventAt } from './event-columns.ts';
import { textSource } from './test-sources.ts';
import { MAX_LINE_BYTES } from './line-reader.ts';

const A = '127.0.0.1:3000@1';
const B = '127.0.0.1:3001@2';
const line = (ts: number, node: string, event: string, member: string, extra = ''): string =>
  `{"ts":${ts},"node":"${node}","event":"${event}","member":"${member}"${extra}}\n`;

const events = (r: LoadedRecording) =>
  Array.from({ length: r.columns.length }, (_, i) => {
    const e = eventAt(r.columns, i, r.interner);
    return `${e.ts} ${e.node === A ? 'A' : 'B'} ${e.event} ${e.member === A ? 'A' : 'B'}`;
  });
const skipped = (r: LoadedRecording) =>
  Object.fromEntries([...r.report.skipped.values()].map((t) => [t.reason, t.count]));

test('splits lines at every chunk boundary, including inside a multi-byte character', async () => {
  const text = line(1, A, 'start', A) + line(2, A, 'join', B, ',"reason":"intro—ducer"') + line(3, A, 'suspect', B, ',"incarnation":4');
  const bytes = new TextEncoder().encode(text).byteLength;
  for (let cut = 1; cut < bytes; cut++) {
    const r = await loadRecording([textSource('a.jsonl', text, [cut, cut + 1])]);
    assert.deepEqual(events(r), ['1 A start A', '2 A join B', '3 A suspect B'], `cut at ${cut}`);
    assert.equal(r.report.skippedLines, 0);
    assert.equal(r.interner.reasons[r.columns.reason[1]!], 'intro—ducer');
    assert.equal(r.columns.incarnation[2], 4);
  }
});

test('a torn last line split across chunks is skipped and counted; everything before it kept', async () => {
  const text = line(1, A, 'start', A) + line(2, A, 'join', B) + '{"ts":3,"node":"127.0.0.1:30';
  const r = await loadRecording([textSource('a.jsonl', text, [text.length - 10, text.length - 3])]);
  assert.deepEqual(events(r), ['1 A start A', '2 A join B']);
  assert.deepEqual(skipped(r), { 'torn-line': 1 });
  assert.deepEqual(r.report.skipped.get('torn-line')!.examples, [{ file: 'a.jsonl', line: 3 }]);
});

test('a torn record glued to the next one after a restart: the next record is recovered', async () => {
  const text = line(1, A, 'start', A) + '{"ts":2,"node":"127.0.0.1:3000@1","ev' + line(5, B, 'start', B) + line(6, B, 'join', A);
  const r = await loadRecording([textSource('a.jsonl', text)]);
  assert.deepEqual(events(r), ['1 A start A', '5 B start B', '6 B join A']);
  assert.deepEqual(skipped(r), { 'torn-line': 1 });
});

test('garbage, wrong fields, unknown kinds and bad ids: each skipped with its reason, valid lines all kept', async () => {
  const text = [
    line(1, A, 'start', A),
    'hello world\n',
    '\u0000\u0001\u0002\n',
    '[1,2,3]\n',
    '{"ts":"2","node":"127.0.0.1:3000@1","event":"join","member":"127.0.0.1:3001@2"}\n',
    '{"ts":2,"node":"127.0.0.1:3000@1","event":"join"}\n',
    line(3, A, 'join', B, ',"incarnation":-1'),
    line(4, A, 'teleport', B),
    line(5, A, 'join', 'not-an-id'),
    '\n   \n',
    line(6, A, 'join', B, ',"extra":true'),
  ].join('');
  const r = await loadRecording([textSource('a.jsonl', text)]);
  assert.deepEqual(events(r), ['1 A start A', '6 A join B']);
  assert.deepEqual(skipped(r), { 'not-json': 2, 'bad-field': 4, 'unknown-event': 1, 'bad-id': 1 });
  assert.deepEqual(r.report.skipped.get('not-json')!.examples.map((e) => e.line), [2, 3]);
});

test('a backwards ts keeps file order: raised to the line before it and reported', async () => {
  const r = await loadRecording([textSource('a.jsonl', line(10, A, 'start', A) + line(20, A, 'suspect', B) + line(15, A, 'alive', B))]);
  assert.deepEqual(events(r), ['10 A start A', '20 A suspect B', '20 A alive B'], 'alive stays after suspect');
  const t = r.report.adjusted.get('ts-backwards')!;
  assert.equal(t.count, 1);
  assert.equal(t.maxMs, 5);
  assert.equal(r.report.skippedLines, 0);
});

test('files merge by ts, ties to the earlier file; skew between hosts is reported, not dropped', async () => {
  // B's host clock runs 500 ms behind A's: B lists A at 700 although A started at 1000 on its own clock.
  const a = line(1000, A, 'start', A) + line(1010, A, 'join', B) + line(1200, A, 'suspect', B);
  const b = line(600, B, 'start', B) + line(700, B, 'join', A) + line(1010, B, 'suspect', A);
  const r = await loadRecording([textSource('b/127.0.0.1_3001.jsonl', b), textSource('a/127.0.0.1_3000.jsonl', a)]);
  assert.deepEqual(events(r), ['600 B start B', '700 B join A', '1000 A start A', '1010 A join B', '1010 B suspect A', '1200 A suspect B']);
  assert.deepEqual(r.files, ['a/127.0.0.1_3000.jsonl', 'b/127.0.0.1_3001.jsonl']);
  const skew = r.report.adjusted.get('seen-before-start')!;
  assert.equal(skew.count, 1);
  assert.equal(skew.maxMs, 300);
});

test('actions.jsonl is read as host actions; other files are ignored and listed; progress reaches the total', async () => {
  const actions = '{"ts":5,"action":"kill","address":"127.0.0.1:3001","member":"127.0.0.1:3001@2"}\n' +
    '{"ts":6,"action":"explode","address":"127.0.0.1:3001"}\n{"ts":7,"action":"pause","address":"nope"}\n' +
    // Cluster-wide actions name every node as `*`; only they may.
    '{"ts":8,"action":"set-drop","address":"*","value":0.5}\n{"ts":9,"action":"set-suspicion","address":"*","value":true}\n' +
    '{"ts":10,"action":"kill","address":"*"}\n';
  const seen: number[] = [];
  const r = await loadRecording(
    [textSource('actions.jsonl', actions), textSource('a.jsonl', line(1, A, 'start', A)), textSource('README.md', '# hi')],
    { onProgress: (p) => seen.push(p.done / p.total) },
  );
  assert.deepEqual(r.actions.map((a) => a.action), ['kill', 'set-drop', 'set-suspicion']);
  assert.deepEqual(skipped(r), { 'unknown-action': 1, 'bad-id': 2 });
  assert.deepEqual(r.report.ignoredFiles, ['README.md']);
  assert.equal(seen.at(-1), 1);
  assert.ok(seen.every((x, i) => i === 0 || x >= seen[i - 1]!), 'progress never goes back');
});

test('a killed process gets the stop its log lacks: at the kill, or when a new version starts at its address', async () => {
  const A2 = '127.0.0.1:3000@9';
  const a = line(1, A, 'start', A) + line(2, A, 'join', B) + line(50, A2, 'start', A2);
  const b = line(1, B, 'start', B) + line(2, B, 'join', A) + line(60, B, 'stop', B);
  const kill = '{"ts":30,"action":"kill","address":"127.0.0.1:3001"}\n';
  const r = await loadRecording([textSource('a.jsonl', a), textSource('b.jsonl', b), textSource('actions.jsonl', kill)]);
  const inferred = Array.from({ length: r.columns.length }, (_, i) => i).filter((i) => r.columns.line[i] === 0)
    .map((i) => { const e = eventAt(r.columns, i, r.interner); return [e.ts, e.event, e.member, e.reason]; });
  assert.deepEqual(inferred, [
    [30, 'stop', B, 'inferred: killed (actions.jsonl)'],
    [50, 'stop', A, 'inferred: a new version started here'],
  ]);
  assert.equal(r.report.adjusted.get('stop-inferred')!.count, 2);
  assert.deepEqual(r.report.adjusted.get('stop-inferred')!.examples, [{ file: 'a.jsonl', line: 3 }, { file: 'actions.jsonl', line: 1 }]);
});

test('absurd timestamps (1e308, negative, past 2100, a month from the file\'s start) are skipped and reported', async () => {
  const day = 24 * 3600 * 1000;
  const t0 = 1_790_000_000_000;
  const text = line(t0, A, 'start', A) + line(1e308, A, 'join', B) + line(-5, A, 'join', B) + line(5e12, A, 'join', B) +
    line(t0 + 40 * day, A, 'join', B) + line(t0 + 10, A, 'join', B);
  const r = await loadRecording([textSource('a.jsonl', text), textSource('actions.jsonl', '{"ts":1e308,"action":"kill","address":"127.0.0.1:3001"}\n')]);
  assert.deepEqual(events(r), [`${t0} A start A`, `${t0 + 10} A join B`]);
  assert.deepEqual(skipped(r), { 'implausible-ts': 5 });
  assert.deepEqual(r.report.skipped.get('implausible-ts')!.examples.map((e) => e.line), [2, 3, 4]);
  assert.deepEqual(r.actions, []);
});

test('a line longer than the bound is skipped and counted in linear time; the lines around it are kept', async () => {
  // 50 MB of one line in 64 KiB chunks (it took 13 s when every chunk re-copied the line so far).
  const chunk = new Uint8Array(1 << 16).fill(0x61);
  const before = new TextEncoder().encode(line(1, A, 'start', A));
  const after = new TextEncoder().encode(`\n${line(2, A, 'join', B)}`);
  const chunks = [before, ...Array.from({ length: 800 }, () => chunk), after];
  const source = {
    name: 'a.jsonl', bytes: chunks.reduce((n, c) => n + c.byteLength, 0),
    stream: () => new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(c);
        controller.close();
      },
    }),
  };
  const started = performance.now();
  const r = await loadRecording([source]);
  const ms = performance.now() - started;
  assert.deepEqual(events(r), ['1 A start A', '2 A join B']);
  assert.deepEqual(skipped(r), { 'too-long': 1 });
  assert.deepEqual(r.report.skipped.get('too-long')!.examples, [{ file: 'a.jsonl', line: 2 }]);
  assert.ok(ms < 5000, `took ${Math.round(ms)} ms`);
  // A long line in one chunk, and one just under the bound across chunks (kept, then judged as a record).
  const long = `${'x'.repeat(MAX_LINE_BYTES + 1)}\n${line(3, A, 'join', B)}`;
  assert.deepEqual(skipped(await loadRecording([textSource('b.jsonl', long)])), { 'too-long': 1 });
  const under = `{"pad":"${'y'.repeat(MAX_LINE_BYTES - 12)}"}\n`;
  assert.deepEqual(skipped(await loadRecording([textSource('c.jsonl', under, [1000, 500_000])])), { 'bad-field': 1 });
});
