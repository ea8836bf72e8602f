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

  it('lets a join start at once while the loop has room', async () => {
    pacer = new LoopPacer();
    const t0 = performance.now();
    await pacer.room();
    assert.ok(performance.now() - t0 < 50);
  });

  it('after a turn held 250 ms, holds the next join until a window passes without one', async () => {
    pacer = new LoopPacer();
    await new Promise((resolve) => setTimeout(resolve, 150)); // a window ends calm
    hold(250);
    // The window that saw the hold ends first in the next turn (its timer is older than this one).
    const waited = await new Promise<number>((resolve) => setTimeout(() => {
      const t0 = performance.now();
      void pacer!.room().then(() => resolve(performance.now() - t0));
    }, 0));
    assert.ok(waited >= 50, `waited ${waited.toFixed(0)} ms for a calm window`);
    assert.ok(waited < 5000);
  });

  it('stop releases whoever waits', async () => {
    pacer = new LoopPacer();
    await new Promise((resolve) => setTimeout(resolve, 150));
    hold(250);
    const released = new Promise<void>((resolve) => setTimeout(() => void pacer!.room().then(resolve), 0));
    setTimeout(() => pacer!.stop(), 0);
    await released;
  });
});
