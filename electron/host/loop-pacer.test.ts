import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { LoopPacer } from './loop-pacer.ts';

function hold(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* the loop is held, as by a burst of joins */ }
}

describe('LoopPacer', () => {
  let pacer: LoopPacer | undefined;
  afterEach(() => pacer?.stop());

  it('lets one join start per calm window, in the order they asked', async () => {
    pacer = new LoopPacer();
    const order: number[] = [];
    const t0 = performance.now();
    await Promise.all([0, 1, 2].map((i) => pacer!.room().then(() => order.push(i))));
    assert.deepEqual(order, [0, 1, 2]);
    // Three windows of 50 ms (timers may run late on a loaded machine, never early).
    assert.ok(performance.now() - t0 >= 100, `three joins in ${(performance.now() - t0).toFixed(0)} ms`);
  });

  it('after a turn held 250 ms, the window that saw it lets no join start', async () => {
    pacer = new LoopPacer();
    let started = false;
    const join = pacer.room().then(() => { started = true; });
    hold(250);
    // The window that saw the hold ends in the next turn, before this timer (older timers run first).
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(started, false);
    await join;
  });

  it('stop lets every waiting join start', async () => {
    pacer = new LoopPacer();
    const joins = Promise.all([pacer.room(), pacer.room(), pacer.room()]);
    pacer.stop();
    await joins;
  });
});
