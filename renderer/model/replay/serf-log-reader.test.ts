import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serfMemberId } from '../../../node-runtime/protocol/serf-log.ts';
import { eventAt } from './event-columns.ts';
import { openRecording } from './recording.ts';
import type { Recording } from './recording.ts';
import { textSource } from './test-sources.ts';

const SAMPLE = 'logs/samples/serf';
const agent = (i: number): string => serfMemberId('127.0.0.1', 24200 + 2 * i, `agent-${i}`);

function folder(dir: string) {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .map((f) => textSource(f, fs.readFileSync(path.join(dir, f), 'utf8')));
}

const events = (r: Recording) => Array.from({ length: r.columns.length }, (_, i) => eventAt(r.columns, i, r.interner));
const skipped = (r: Recording) => Object.fromEntries([...r.report.skipped.values()].map((t) => [t.reason, t.count]));

test('the real Serf sample: every agent a row; the kill failed by all four others; a pause suspected, never failed', async () => {
  const r = await openRecording(folder(SAMPLE));
  assert.deepEqual(skipped(r), {});
  const all = events(r);
  const observers = new Set(all.map((e) => e.node));
  assert.deepEqual([...observers].sort(), [0, 1, 2, 3, 4].map(agent).sort());
  for (const i of [0, 1, 2, 3, 4]) {
    assert.ok(all.some((e) => e.node === agent(i) && e.event === 'start' && e.member === agent(i)), `agent-${i} starts its row`);
  }
  // agent-3 was killed -9 (actions.jsonl): every other agent marks it failed, and the analysis measures it from the kill.
  for (const i of [0, 1, 2, 4]) assert.ok(all.some((e) => e.node === agent(i) && e.event === 'fail' && e.member === agent(3)), `agent-${i} fails agent-3`);
  const kill = r.failures.find((f) => f.member === agent(3))!;
  assert.equal(kill.cause, 'kill');
  assert.equal(kill.detected, 4);
  assert.equal(kill.expected, 4);
  assert.ok(kill.allTs! - kill.fromTs < 20_000, `all within Serf's bound (${kill.allTs! - kill.fromTs} ms)`);
  // The kill -9 left no `shutdown complete` line: the loader adds the stop at the kill.
  assert.ok(all.some((e) => e.node === agent(3) && e.event === 'stop' && e.reason === 'inferred: killed (actions.jsonl)'));
  // agent-1 was paused: suspected (memberlist's `Suspect … has failed`), never failed, the suspicion closed later.
  const aboutPaused = all.filter((e) => e.member === agent(1) && e.node !== agent(1)).map((e) => e.event);
  assert.ok(aboutPaused.includes('suspect'));
  assert.ok(!aboutPaused.includes('fail'));
  assert.ok(all.some((e) => e.member === agent(1) && e.event === 'suspect' && e.reason === 'no-ack'));
  // agent-4 left gracefully (the others log EventMemberLeave, or EventMemberFailed when the leave intent lost a race).
  assert.ok(all.some((e) => e.node === agent(0) && e.event === 'leave' && e.member === agent(4)));
});

test('a suspicion with no failure by memberlist\'s longest timeout is closed (it was refuted)', async () => {
  const log = [
    "    Node name: 'a'", "    Bind addr: '127.0.0.1:7000'", '    Profile: local',
    '    2026/01/01 00:00:00 [INFO] serf: EventMemberJoin: a 127.0.0.1',
    '    2026/01/01 00:00:00 [INFO] serf: EventMemberJoin: b 127.0.0.1',
    '    2026/01/01 00:00:05 [INFO] memberlist: Suspect b has failed, no acks received',
    '    2026/01/01 00:00:06 [INFO] memberlist: Suspect b has failed, no acks received',
    '    2026/01/01 00:01:00 [INFO] agent: Received event: member-join',
    '    2026/01/01 00:01:01 [INFO] agent: shutdown complete',
  ].join('\n') + '\n';
  const r = await openRecording([textSource('a/serf-agent.log', log)]);
  const a = serfMemberId('127.0.0.1', 7000, 'a');
  const b = serfMemberId('127.0.0.1', 7946, 'b');
  const t0 = Date.UTC(2026, 0, 1);
  assert.deepEqual(events(r).map((e) => [e.ts - t0, e.event, e.member === a ? 'a' : e.member === b ? 'b' : e.member, e.reason]), [
    [0, 'start', 'a', 'serf-join'],
    [0, 'join', 'b', 'serf-join'],
    [5000, 'suspect', 'b', 'no-ack'], // logged again at every unanswered probe: one event
    [5000 + 18_000, 'alive', 'b', 'suspicion-expired (inferred)'], // local profile, 2 members: 6 × 3 × 1 s
    [61_000, 'stop', 'a', 'shutdown'],
  ]);
});

test('Serf lines: Go and hclog (Consul) timestamps, a banner-less log, garbage and a torn line counted', async () => {
  const consul = [
    '2021-06-08T10:11:12.345Z [INFO]  agent.server.serf.lan: serf: EventMemberJoin: node-1 10.0.0.1',
    '2021-06-08T10:11:13.000Z [INFO]  agent.server.serf.lan: serf: EventMemberJoin: node-2 10.0.0.2',
    '2021-06-08T10:11:20.500Z [INFO]  agent.server.memberlist.lan: memberlist: Suspect node-2 has failed, no acks received',
    '2021-06-08T10:11:22.000Z [INFO]  agent.server.memberlist.lan: memberlist: Marking node-2 as failed, suspect timeout reached (2 peer confirmations)',
    '2021-06-08T10:11:22.001Z [INFO]  agent.server.serf.lan: serf: EventMemberFailed: node-2 10.0.0.2',
    'this is not a log line',
    '2021-06-08T10:11:23.000Z [INFO]  agent: Synced node info',
    '2021-06-08T10:11:2',
  ].join('\n');
  const r = await openRecording([textSource('consul-node-1.log', consul)]);
  assert.deepEqual(skipped(r), { 'not-serf-log': 1, 'torn-line': 1 });
  const n1 = serfMemberId('10.0.0.1', 7946, 'node-1');
  const n2 = serfMemberId('10.0.0.2', 7946, 'node-2');
  assert.deepEqual(events(r).map((e) => [e.ts - Date.UTC(2021, 5, 8, 10, 11), e.node, e.event, e.member]), [
    [12_345, n1, 'start', n1],
    [13_000, n1, 'join', n2],
    [20_500, n1, 'suspect', n2],
    [22_000, n1, 'fail', n2], // `Marking … as failed`; serf's EventMemberFailed after it changes nothing
  ]);
});
