// The agenda pops in (time, insertion order): what makes a simulation reproducible from its seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventQueue } from './event-queue.ts';

test('pops by time, ties in insertion order, across pushes interleaved with pops and growth', () => {
  fc.assert(fc.property(fc.array(fc.oneof({ arbitrary: fc.integer({ min: 0, max: 50 }), weight: 4 }, { arbitrary: fc.constant(-1), weight: 1 }), { maxLength: 3000, size: 'max' }), (ops) => {
    const q = new EventQueue<number>();
    const model: { at: number; id: number }[] = [];
    let id = 0;
    for (const op of ops) {
      if (op >= 0) {
        q.push(op, id);
        model.push({ at: op, id: id++ });
      } else {
        model.sort((a, b) => a.at - b.at || a.id - b.id);
        const want = model.shift();
        assert.deepEqual(q.pop(), want === undefined ? undefined : { at: want.at, value: want.id });
      }
    }
    assert.equal(q.size, model.length);
    model.sort((a, b) => a.at - b.at || a.id - b.id);
    for (const want of model) assert.deepEqual(q.pop(), { at: want.at, value: want.id });
    assert.equal(q.peekTime(), Number.POSITIVE_INFINITY);
  }), { numRuns: 30 });
});
