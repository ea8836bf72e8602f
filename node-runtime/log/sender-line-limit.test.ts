import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SenderLineLimit } from './sender-line-limit.ts';
import type { MembershipEvent } from '../protocol/events.ts';
import { DEFAULT_CONFIG } from '../protocol/config.ts';

const SELF = '127.0.0.1:3000@1';
const ev = (ts: number, event: MembershipEvent['event'], member: string, via?: string): MembershipEvent =>
  ({ ts, node: SELF, event, member, ...(via !== undefined && { via }) });

/** A phantom's three lines: listed from `via`, timed out, removed. */
function phantom(limit: SenderLineLimit, ts: number, member: string, via: string): number {
  let written = 0;
  if (limit.admit(ev(ts, 'join', member, via), ts)) written++;
  if (limit.admit(ev(ts + 1500, 'fail', member), ts + 1500)) written++;
  if (limit.admit(ev(ts + 6500, 'remove', member), ts + 6500)) written++;
  return written;
}

test('a sender listing 1,000 phantoms a second for 10 s gets the burst and then the rate written, the rest counted', () => {
  const limit = new SenderLineLimit(DEFAULT_CONFIG);
  const via = '10.0.0.9:4000@1';
  let written = 0;
  for (let i = 0; i < 10_000; i++) written += phantom(limit, i, `10.0.0.9:${5000 + (i % 50_000)}@${i}`, via);
  const { logNewMembersBurst: burst, logNewMembersPerSecond: rate } = DEFAULT_CONFIG;
  // Every written join has its fail and remove written too; none of a held-back one is.
  assert.equal(written % 3, 0);
  const joins = written / 3;
  assert.ok(joins >= burst && joins <= burst + rate * 10 + 1, `${joins} joins written`);
  assert.equal(limit.suppressed, 30_000 - written);
  const [summary, ...rest] = limit.takeSummaries();
  assert.deepEqual(rest, []);
  assert.deepEqual(summary, { sender: via, members: 10_000 - joins, lines: 30_000 - written });
  assert.deepEqual(limit.takeSummaries(), [], 'the tally is emptied');
  assert.equal(limit.sizes.quiet, 0, 'every held-back member was removed');
});

test('a real group: a whole group of 999 at once from one sender, then a few a second, is all written', () => {
  const limit = new SenderLineLimit(DEFAULT_CONFIG);
  const via = '10.0.0.1:3000@1';
  let written = 0;
  for (let i = 0; i < 999; i++) written += phantom(limit, 0, `10.0.0.1:${3001 + i}@1`, via);
  for (let s = 1; s <= 600; s++) for (let k = 0; k < 5; k++) written += phantom(limit, s * 1000 + k, `10.0.0.2:${4000 + k}@${s}`, via);
  assert.equal(written, 3 * (999 + 3000));
  assert.equal(limit.suppressed, 0);
  assert.deepEqual(limit.takeSummaries(), []);
});

test('lines without a sender (timeouts, the TCP join) and about members from other senders are never held back', () => {
  const limit = new SenderLineLimit({ logNewMembersBurst: 1, logNewMembersPerSecond: 1 });
  assert.equal(limit.admit(ev(0, 'join', 'a:1@1', 'x:1@1'), 0), true);
  assert.equal(limit.admit(ev(0, 'join', 'a:2@1', 'x:1@1'), 0), false);
  assert.equal(limit.admit(ev(0, 'join', 'a:3@1', 'y:1@1'), 0), true, 'another sender has its own bucket');
  assert.equal(limit.admit(ev(0, 'join', 'a:4@1'), 0), true, 'the introducer\'s TCP join has no via');
  assert.equal(limit.admit(ev(0, 'fail', 'a:1@1'), 0), true);
  assert.equal(limit.admit(ev(0, 'suspect', 'a:2@1', 'y:1@1'), 0), false, 'a held-back member stays held back');
  assert.equal(limit.admit(ev(1000, 'join', 'a:5@1', 'x:1@1'), 1000), true, 'the bucket refills');
});

test('many senders and members: every map stays within its bound', () => {
  const limit = new SenderLineLimit({ logNewMembersBurst: 1, logNewMembersPerSecond: 1 });
  for (let i = 0; i < 100_000; i++) {
    const via = `10.1.${i % 250}.${(i >> 8) % 250}:1@1`;
    limit.admit(ev(i, 'join', `m:${i}@1`, via), i);
    limit.admit(ev(i, 'join', `n:${i}@1`, via), i);
  }
  const { buckets, quiet, pending } = limit.sizes;
  assert.ok(buckets <= 1025 && quiet <= 16_384 && pending <= 1025, JSON.stringify(limit.sizes));
  assert.ok(limit.suppressed >= 90_000, `${limit.suppressed} held back`);
});
