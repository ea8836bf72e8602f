import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLimited } from './run-limited.ts';

test('at most `limit` jobs run at once, and every item runs', async () => {
  let inFlight = 0;
  let most = 0;
  const done: number[] = [];
  await runLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight--;
    done.push(n);
  });
  assert.equal(most, 3);
  assert.deepEqual(done.sort(), [1, 2, 3, 4, 5, 6, 7]);
});

test('after a failure no new job starts, and it is reported once the jobs in flight have settled', async () => {
  const started: number[] = [];
  const finished: number[] = [];
  let release!: () => void;
  const slow = new Promise<void>((r) => { release = r; });
  const run = runLimited([1, 2, 3, 4, 5], 2, async (n) => {
    started.push(n);
    if (n === 1) {
      await slow;
      finished.push(n);
      return;
    }
    throw Object.assign(new Error('join failed'), { code: 'unreachable' });
  });
  let settled = false;
  void run.catch(() => undefined).finally(() => { settled = true; });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [1, 2], 'nothing starts after item 2 failed');
  assert.equal(settled, false, 'not reported while item 1 is still starting');
  release();
  await assert.rejects(run, { code: 'unreachable' });
  assert.deepEqual(finished, [1]);
  assert.deepEqual(started, [1, 2]);
});
