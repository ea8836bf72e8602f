import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameBreakdown, tracedFrames } from './frame-breakdown.ts';
import type { TraceEvent } from './frame-breakdown.ts';

const meta = (tid: number, name: string): TraceEvent => ({ ph: 'M', name: 'thread_name', pid: 1, tid, ts: 0, args: { name } });
const task = (tid: number, name: string, ts: number, dur: number, tdur?: number): TraceEvent =>
  ({ ph: 'X', name, pid: 1, tid, ts, dur, ...(tdur === undefined ? {} : { tdur }) });

test('per thread: top-level tasks count once, nested time goes to the innermost name, per frame', () => {
  const events = [
    meta(1, 'CrRendererMain'), meta(2, 'CrGpuMain'),
    task(1, 'RunTask', 0, 10_000, 4_000),
    task(1, 'FunctionCall', 1_000, 3_000),
    task(1, 'WaitForGetOffset', 5_000, 5_000),
    task(1, 'RunTask', 20_000, 2_000, 2_000),
    task(2, 'RunTask', 0, 4_000, 4_000),
    task(2, 'Graphics.Pipeline', 0, 50_000),
  ];
  const [main, gpu] = frameBreakdown(events, 2);
  assert.equal(main!.thread, 'CrRendererMain');
  assert.equal(main!.wallPerFrame, 6); // (10 + 2) ms over 2 frames
  assert.equal(main!.cpuPerFrame, 3);
  assert.deepEqual(main!.top.map((t) => t.name), ['WaitForGetOffset', 'RunTask', 'FunctionCall']);
  assert.equal(main!.top[0]!.wallPerFrame, 2.5);
  assert.equal(main!.top[1]!.wallPerFrame, 2); // RunTask's self time: (10 − 3 − 5) + 2 ms
  assert.equal(gpu!.wallPerFrame, 2); // the pipeline marker is not work
});

test('the frames of a trace are its animation frames begun, not the page\'s count when the trace stopped', () => {
  const frame = (ts: number, ph: string): TraceEvent => ({ ph, name: 'AnimationFrame', pid: 1, tid: 1, ts });
  assert.equal(tracedFrames([frame(0, 'b'), frame(10, 'e'), frame(33_000, 'b'), task(1, 'AnimationFrame', 40_000, 5)]), 2);
  assert.equal(tracedFrames([meta(1, 'CrRendererMain')]), 0);
});
