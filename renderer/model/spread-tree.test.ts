import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpreadIndex, describeHop } from './spread-tree.ts';
import type { MembershipEvent } from '../../node-runtime/protocol/events.ts';

const id = (port: number) => `127.0.0.1:${port}@1`;
const fail = (ts: number, node: number, via?: number, reason = via === undefined ? 'timeout' : 'gossip'): MembershipEvent =>
  ({ ts, node: id(node), event: 'fail', member: id(9), reason, ...(via === undefined ? {} : { via: id(via) }) });

test('a failure\'s spread: the first detector first, each later observer with who told it and when', () => {
  const s = new SpreadIndex();
  s.add(fail(1310, 3, 1));
  s.add(fail(1000, 1));
  s.add(fail(1200, 2, 1));
  s.add(fail(1500, 3, 2)); // a second word of the same failure: only the first counts
  s.add({ ts: 900, node: id(1), event: 'join', member: id(9) });
  const spread = s.spreadOf(id(9))!;
  assert.equal(spread.kind, 'fail');
  assert.deepEqual(spread.hops.map((h) => [h.observer, h.via, h.ts]), [[id(1), undefined, 1000], [id(2), id(1), 1200], [id(3), id(1), 1310]]);
  const name = (m: string) => m.split(':')[1]!.split('@')[0]!;
  assert.equal(describeHop(spread.hops[2]!, spread.hops[0]!, name), 'heard from 1 at +0.31 s');
  assert.equal(describeHop(spread.hops[0]!, spread.hops[0]!, name), 'detected it itself (timeout) at +0.00 s');
  assert.equal(s.spreadOf(id(8)), undefined);
});

test('a suspicion is shown until the member is failed; old logs without via make every hop a root', () => {
  const s = new SpreadIndex();
  s.add({ ts: 5, node: id(1), event: 'suspect', member: id(9), reason: 'timeout' });
  assert.equal(s.spreadOf(id(9))?.kind, 'suspect');
  s.add({ ts: 10, node: id(2), event: 'fail', member: id(9), reason: 'gossip' });
  assert.deepEqual(s.spreadOf(id(9))?.hops.map((h) => h.via), [undefined]);
});

test('bounded: the oldest member\'s spread is forgotten first', () => {
  const s = new SpreadIndex();
  for (let m = 0; m < 300; m++) s.add({ ts: m, node: id(1), event: 'fail', member: `127.0.0.1:${5000 + m}@1` });
  assert.equal(s.spreadOf('127.0.0.1:5000@1'), undefined);
  assert.ok(s.spreadOf('127.0.0.1:5299@1'));
});
