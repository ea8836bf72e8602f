import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EVENT_KINDS } from '../../../node-runtime/protocol/events.ts';
import { MembershipState } from '../membership-state.ts';
import { ColumnBuilder, eventAt, Interner, KIND_CODE, NO_VIA } from './event-columns.ts';
import { NO_INCARNATION } from './parse-record.ts';
import { chooseSnapshotInterval, MIN_SNAPSHOT_INTERVAL, ReplayIndex } from './replay-index.ts';

const IDS = ['127.0.0.1:3000@1', '127.0.0.1:3001@1', '127.0.0.1:3002@1', '127.0.0.1:3001@7', '10.0.0.9:4000@2'];

interface Raw { dt: number; o: number; m: number; kind: number; inc: number | undefined }

const rawEvent = fc.record({
  dt: fc.integer({ min: 0, max: 3 }),
  o: fc.integer({ min: 0, max: IDS.length - 1 }),
  m: fc.integer({ min: 0, max: IDS.length - 1 }),
  kind: fc.integer({ min: 0, max: EVENT_KINDS.length - 1 }),
  inc: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
});

function build(raw: readonly Raw[], every: number): ReplayIndex {
  const interner = new Interner();
  const cols = new ColumnBuilder(4);
  let ts = 1000;
  raw.forEach((r, i) => {
    ts += r.dt;
    cols.push(ts, interner.id(IDS[r.o]!), interner.id(IDS[r.m]!), r.kind, r.inc ?? NO_INCARNATION, 0, NO_VIA, 0, i + 1);
  });
  return new ReplayIndex(cols.finish(), interner, every);
}

/** Everything observable about a state, for deep comparison. */
function dump(s: MembershipState): unknown {
  const ids = [...s.allIds()];
  return {
    ids, time: s.time,
    running: ids.map((id) => s.isRunning(id)),
    cells: ids.flatMap((o) => ids.map((m) => [s.statusOf(o, m), s.incarnationOf(o, m)])),
  };
}

function foldTo(index: ReplayIndex, position: number): MembershipState {
  const s = new MembershipState();
  for (let i = 0; i < position; i++) s.apply(eventAt(index.columns, i, index.interner));
  return s;
}

test('seeking to t gives exactly the state of replaying from the start to t (any K, any seek order)', () => {
  fc.assert(fc.property(
    fc.array(rawEvent, { maxLength: 120 }),
    fc.integer({ min: 1, max: 40 }),
    fc.array(fc.double({ min: 995, max: 1400, noNaN: true }), { minLength: 1, maxLength: 25 }),
    (raw, every, times) => {
      const index = build(raw, every);
      const cursor = index.cursor();
      const state = cursor.state;
      for (const t of times) {
        const got = cursor.seek(t);
        assert.equal(got, state, 'the cursor keeps one state object');
        const position = index.positionAt(t);
        assert.equal(cursor.position, position);
        assert.ok(position === index.length || index.columns.ts[position]! > t);
        assert.ok(position === 0 || index.columns.ts[position - 1]! <= t);
        assert.deepEqual(dump(got), dump(foldTo(index, position)));
      }
    },
  ), { numRuns: 300 });
});

test('seekPosition steps one event at a time both ways', () => {
  fc.assert(fc.property(fc.array(rawEvent, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (raw, every) => {
    const index = build(raw, every);
    const cursor = index.cursor();
    for (let p = 0; p <= index.length; p++) assert.deepEqual(dump(cursor.seekPosition(p)), dump(foldTo(index, p)));
    for (let p = index.length; p >= 0; p--) assert.deepEqual(dump(cursor.seekPosition(p)), dump(foldTo(index, p)));
  }), { numRuns: 100 });
});

test('revisions keep growing across a backward seek, so cached views redraw', () => {
  const index = build(Array.from({ length: 50 }, (_, i) => ({ dt: 1, o: i % 3, m: (i + 1) % 3, kind: KIND_CODE.join, inc: undefined })), 8);
  const cursor = index.cursor();
  cursor.seekPosition(45);
  const before = cursor.state.revision;
  cursor.seekPosition(3);
  assert.ok(cursor.state.revision > before);
  for (let i = 0; i < cursor.state.size; i++) assert.ok(cursor.state.rowRevision(i) > before && cursor.state.columnRevision(i) > before);
});

test('snapshot interval keeps snapshots within the budget, never below the minimum', () => {
  assert.equal(chooseSnapshotInterval(1000, 10, 64 << 20), MIN_SNAPSHOT_INTERVAL);
  // 600 ids → capacity 1024 → ~5 MiB a snapshot; 100 MiB budget → 19 snapshots for 1M events.
  const k = chooseSnapshotInterval(1_000_000, 600, 100 << 20);
  assert.ok(k >= 1_000_000 / 20 && k <= 1_000_000 / 18, String(k));
});
