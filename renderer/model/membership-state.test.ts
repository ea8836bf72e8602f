import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MembershipState } from './membership-state.ts';
import type { MembershipEvent } from '../../node-runtime/protocol/events.ts';

const A = '127.0.0.1:3000@1';
const B = '127.0.0.1:3001@2';
const C = '127.0.0.1:3002@3';
const ev = (ts: number, node: string, event: MembershipEvent['event'], member: string, incarnation?: number): MembershipEvent =>
  ({ ts, node, event, member, ...(incarnation === undefined ? {} : { incarnation }) });

test('folds each observer list and the majority view', () => {
  const s = new MembershipState();
  s.applyAll([
    ev(1, A, 'start', A), ev(2, B, 'start', B), ev(2, C, 'start', C),
    ev(3, A, 'join', B), ev(3, A, 'join', C), ev(4, B, 'join', A), ev(4, B, 'join', C), ev(4, C, 'join', A), ev(4, C, 'join', B),
    ev(10, A, 'suspect', C, 0), ev(11, B, 'fail', C, 0),
  ]);
  assert.equal(s.statusOf(A, C), 'suspect');
  assert.equal(s.statusOf(B, C), 'failed');
  assert.equal(s.incarnationOf(A, C), 0);
  assert.deepEqual(s.tally(C), { alive: 0, suspect: 1, failed: 1, left: 0 });
  assert.equal(s.majority(C), 'failed', 'a tie goes to the worse status');
  assert.equal(s.majority(A), 'alive');
  assert.equal(s.time, 11);
});

test('stop clears the observer list; remove drops one member; clone is independent', () => {
  const s = new MembershipState();
  s.applyAll([ev(1, A, 'start', A), ev(2, A, 'join', B), ev(3, A, 'join', C), ev(4, A, 'remove', B)]);
  const snapshot = s.clone();
  assert.deepEqual(s.listOf(A).map((x) => x.member), [A, C], 'an observer lists itself from start');
  s.apply(ev(5, A, 'stop', A));
  assert.equal(s.isRunning(A), false);
  assert.deepEqual(s.listOf(A), []);
  assert.deepEqual(snapshot.listOf(A).map((x) => x.member), [A, C]);
  assert.equal(snapshot.isRunning(A), true);
});

test('keeps cells when the matrix grows past its capacity', () => {
  const s = new MembershipState();
  const ids = Array.from({ length: 40 }, (_, i) => `127.0.0.1:${4000 + i}@1`);
  for (const id of ids) s.apply(ev(1, ids[0]!, 'join', id));
  assert.equal(s.size, 40);
  assert.ok(ids.every((id) => s.statusOf(ids[0]!, id) === 'alive'));
});

test('revisions mark the changed row and columns; stop marks every member it listed', () => {
  const s = new MembershipState();
  s.applyAll([ev(1, A, 'start', A), ev(1, B, 'start', B), ev(2, A, 'join', B), ev(2, A, 'join', C), ev(3, B, 'join', A)]);
  const a = s.index(A)!, b = s.index(B)!, c = s.index(C)!;
  const before = s.revision;
  assert.equal(s.rowRevision(b), before);
  s.apply(ev(4, B, 'suspect', A, 1));
  assert.equal(s.revision, before + 1);
  assert.equal(s.rowRevision(b), s.revision);
  assert.equal(s.columnRevision(a), s.revision);
  assert.ok(s.columnRevision(c) < s.revision);
  s.apply(ev(5, A, 'stop', A));
  assert.equal(s.columnRevision(b), s.revision, 'B lost a voice');
  assert.equal(s.columnRevision(c), s.revision, 'C lost a voice');
  assert.equal(s.clone().columnRevision(c), s.revision);
});

test('tallyAt counts running observers by cell code without allocating', () => {
  const s = new MembershipState();
  s.applyAll([ev(1, A, 'start', A), ev(1, B, 'start', B), ev(1, C, 'start', C), ev(2, A, 'fail', C, 0), ev(2, B, 'join', C)]);
  const out = new Uint32Array(5);
  s.tallyAt(s.index(C)!, out);
  assert.deepEqual([...out], [0, 1, 0, 1, 0]);
  s.tallyAt(s.index(A)!, out);
  assert.deepEqual([...out], [2, 0, 0, 0, 0], 'B and C run but do not list A');
});

test('copyFrom makes an equal state in place, and its revisions only grow', () => {
  const s = new MembershipState();
  s.applyAll([ev(1, A, 'start', A), ev(2, A, 'join', B), ev(3, A, 'suspect', B, 4), ev(4, B, 'start', B)]);
  const target = new MembershipState();
  target.applyAll([ev(1, C, 'start', C), ev(2, C, 'join', A), ev(3, C, 'join', B), ev(4, C, 'fail', B), ev(5, C, 'join', A), ev(6, C, 'join', A)]);
  const before = target.revision;
  target.copyFrom(s);
  assert.deepEqual(target.allIds(), s.allIds());
  assert.equal(target.statusOf(A, B), 'suspect');
  assert.equal(target.incarnationOf(A, B), 4);
  assert.equal(target.isRunning(B), true);
  assert.equal(target.index(C), undefined);
  assert.equal(target.time, 4);
  assert.ok(target.revision > before && target.rowRevision(0) === target.revision);
  assert.ok(s.byteSize() > 0);
});
