import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetectionLatencyTracker } from './detection-latency.ts';
import type { MembershipEvent } from '../../node-runtime/protocol/events.ts';

const A = '127.0.0.1:3000@1';
const B = '127.0.0.1:3001@1';
const C = '127.0.0.1:3002@1';
const ev = (ts: number, node: string, event: MembershipEvent['event'], member: string): MembershipEvent => ({ ts, node, event, member });

test('kill → first → all running observers, from the kill time', () => {
  const t = new DetectionLatencyTracker();
  for (const e of [ev(1, A, 'start', A), ev(1, B, 'start', B), ev(1, C, 'start', C)]) t.event(e);
  t.action({ ts: 100, action: 'kill', address: '127.0.0.1:3002' });
  t.event(ev(101, C, 'stop', C));
  assert.equal(t.recent()[0]!.firstMs, undefined);
  t.event(ev(1300, A, 'fail', C));
  assert.equal(t.recent()[0]!.firstMs, 1200);
  assert.equal(t.recent()[0]!.allMs, undefined);
  t.event(ev(1900, B, 'fail', C));
  assert.deepEqual({ ...t.recent()[0]! }, { address: '127.0.0.1:3002', member: C, killedAt: 100, firstMs: 1200, allMs: 1800 });
});

test('an observer that stops before marking it no longer holds the detection open', () => {
  const t = new DetectionLatencyTracker();
  for (const e of [ev(1, A, 'start', A), ev(1, B, 'start', B), ev(1, C, 'start', C)]) t.event(e);
  t.action({ ts: 0, action: 'kill', address: '127.0.0.1:3002', member: C });
  t.event(ev(500, A, 'fail', C));
  t.event(ev(700, B, 'stop', B));
  assert.equal(t.recent()[0]!.allMs, 700);
});

test('ignores other actions and keeps only the last few', () => {
  const t = new DetectionLatencyTracker(2);
  t.event(ev(1, A, 'start', A));
  t.action({ ts: 0, action: 'pause', address: '127.0.0.1:3000' });
  assert.equal(t.recent().length, 0);
  t.action({ ts: 0, action: 'kill', address: '127.0.0.1:3000' });
  t.action({ ts: 1, action: 'kill', address: 'x:1', member: 'x:1@1' });
  t.action({ ts: 2, action: 'kill', address: 'y:1', member: 'y:1@1' });
  assert.deepEqual(t.recent().map((d) => d.member), ['y:1@1', 'x:1@1']);
});

test('a node started after the kill does not hold the detection open', () => {
  const t = new DetectionLatencyTracker();
  for (const e of [ev(1, A, 'start', A), ev(1, C, 'start', C)]) t.event(e);
  t.action({ ts: 10, action: 'kill', address: '127.0.0.1:3002', member: C });
  t.event(ev(20, B, 'start', B));
  t.event(ev(40, A, 'fail', C));
  assert.equal(t.recent()[0]!.allMs, 30);
});

test('two clusters side by side: each kill waits only for its own cluster\'s observers', () => {
  const t = new DetectionLatencyTracker();
  const a = ['127.0.0.1:1@1', '127.0.0.1:2@1', '127.0.0.1:3@1'];
  const b = ['127.0.0.1:11@1', '127.0.0.1:12@1', '127.0.0.1:13@1'];
  for (const side of [a, b]) {
    for (const o of side) {
      t.event({ ts: 0, node: o, event: 'start', member: o });
      for (const m of side) if (m !== o) t.event({ ts: 1, node: o, event: 'join', member: m });
    }
  }
  t.action({ ts: 100, action: 'kill', address: '127.0.0.1:3', member: a[2]! });
  t.event({ ts: 300, node: a[0]!, event: 'fail', member: a[2]! });
  t.event({ ts: 400, node: a[1]!, event: 'fail', member: a[2]! });
  assert.deepEqual([t.recent()[0]!.firstMs, t.recent()[0]!.allMs], [200, 300]);
});
