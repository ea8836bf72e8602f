import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateMeter } from './rate-meter.ts';

describe('RateMeter', () => {
  it('averages over the time seen while the window is not full, then over the window', () => {
    const m = new RateMeter(10);
    const t0 = 1_000_000;
    m.add(1000, t0);
    m.add(1000, t0 + 1000);
    assert.equal(m.perSecond(t0 + 2000), 1000); // 2000 bytes over 2 s
    for (let s = 2; s < 30; s++) m.add(500, t0 + s * 1000);
    assert.ok(Math.abs(m.perSecond(t0 + 29_999) - 500) < 60, String(m.perSecond(t0 + 29_999)));
    assert.equal(m.totalBytes, 2000 + 28 * 500);
  });

  it('forgets bytes older than the window', () => {
    const m = new RateMeter(5);
    m.add(10_000, 0);
    m.add(0, 100_000);
    assert.equal(m.perSecond(100_000), 0);
  });
});
