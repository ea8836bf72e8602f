import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openRecording } from './recording.ts';
import { ReplayController } from './replay-controller.ts';
import { KIND_CODE } from './event-columns.ts';
import { advance, formatSpeed, MAX_SPEED, MIN_SPEED, sliderFor, speedAt } from './playback.ts';
import { textSource } from './test-sources.ts';

const A = '127.0.0.1:3000@1';
const B = '127.0.0.1:3001@1';
const C = '127.0.0.1:3002@1';
const line = (ts: number, node: string, event: string, member: string): string => JSON.stringify({ ts, node, event, member }) + '\n';

async function controller(): Promise<ReplayController> {
  const a = line(0, A, 'start', A) + line(10, A, 'join', B) + line(10, A, 'join', C) + line(2000, A, 'suspect', C) + line(3000, A, 'fail', C);
  const b = line(5, B, 'start', B) + line(10, B, 'join', A) + line(10, B, 'join', C) + line(2500, B, 'fail', C);
  const c = line(7, C, 'start', C) + line(10, C, 'join', A) + line(10, C, 'join', B);
  const actions = JSON.stringify({ ts: 1000, action: 'kill', address: '127.0.0.1:3002', member: C }) + '\n';
  return new ReplayController(await openRecording([textSource('a.jsonl', a), textSource('b.jsonl', b), textSource('c.jsonl', c), textSource('actions.jsonl', actions)], { snapshotEvery: 2 }));
}

test('seek, step and next failure move the cursor; the fold stays complete under a filter', async () => {
  const ctl = await controller();
  assert.equal(ctl.time, 0);
  assert.equal(ctl.position, 1, 'the state at the start has the first event applied');
  ctl.seek(2600);
  assert.equal(ctl.state.statusOf(B, C), 'failed');
  assert.equal(ctl.state.statusOf(A, C), 'suspect');
  ctl.seek(-50);
  assert.equal(ctl.time, 0, 'clamped to the run');
  ctl.filter = { kinds: new Set([KIND_CODE.fail]) };
  assert.equal(ctl.step(1), true);
  assert.equal(ctl.time, 2500);
  assert.equal(ctl.state.statusOf(A, B), 'alive', 'events outside the filter are still applied');
  assert.equal(ctl.step(1), true);
  assert.equal(ctl.time, 3000);
  assert.equal(ctl.step(1), false);
  assert.equal(ctl.step(-1), true);
  assert.equal(ctl.time, 2500);
  assert.deepEqual(ctl.eventList(5, 5).map((e) => e.event.ts), [2500, 3000]);
  ctl.seek(0);
  const f = ctl.nextFailure();
  assert.equal(f?.member, C);
  assert.equal(ctl.time, 2500, 'the first detection');
  assert.equal(ctl.nextFailure(), undefined);
});

test('playing advances by wall time × speed and stops at the end; pulses only for steps and slow playing', async () => {
  const ctl = await controller();
  ctl.seek(1900);
  ctl.playing = true;
  ctl.speed = 2;
  ctl.tick(300);
  assert.equal(ctl.time, 2500);
  assert.deepEqual(ctl.detections.map((e) => e.event), ['suspect', 'fail']);
  ctl.tick(10_000);
  assert.equal(ctl.time, 3000);
  assert.equal(ctl.playing, false);
  assert.deepEqual(ctl.takeMotion().detections.map((e) => e.event), ['suspect', 'fail', 'fail']);
  assert.deepEqual(ctl.takeMotion(), { detections: [], jumped: false }, 'taken once');
  ctl.seek(0);
  assert.deepEqual(ctl.takeMotion(), { detections: [], jumped: true }, 'a jump back has no pulses');
  ctl.seek(2600);
  assert.deepEqual(ctl.takeMotion(), { detections: [], jumped: true }, 'nor a jump forward');
  ctl.seek(1900);
  ctl.takeMotion();
  ctl.playing = true;
  ctl.speed = 20;
  ctl.tick(50);
  assert.equal(ctl.time, 2900);
  assert.deepEqual(ctl.takeMotion(), { detections: [], jumped: true }, 'nor playing faster than 10×');
  ctl.step(1);
  assert.deepEqual(ctl.takeMotion().detections.map((e) => e.event), ['fail'], 'a step forward pulses');
});

test('speed runs on a log scale from 0.1× to 100×', () => {
  assert.equal(speedAt(0), MIN_SPEED);
  assert.ok(Math.abs(speedAt(1) - MAX_SPEED) < 1e-9);
  assert.ok(Math.abs(speedAt(1 / 3) - 1) < 1e-9);
  assert.ok(Math.abs(sliderFor(10) - 2 / 3) < 1e-9);
  assert.equal(sliderFor(1e6), 1);
  assert.deepEqual([0.1, 1, 2.5, 100].map(formatSpeed), ['0.10×', '1.0×', '2.5×', '100×']);
  assert.deepEqual(advance(0, 100, 10, 5000), { t: 1000, ended: false });
  assert.deepEqual(advance(4900, 100, 10, 5000), { t: 5000, ended: true });
});
