import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireIds } from './wire-ids.ts';
import { formatMemberId, parseMemberId } from './member-id.ts';

test('a host is valid only if it is an IP literal that makes canonical ids, and only valid hosts are kept', () => {
  const ids = new WireIds();
  for (const host of ['127.0.0.1', '::1', 'fe80::1']) assert.equal(ids.validHost(host), true, host);
  // Names would be resolved by whoever sends to them: a sender could pick the DNS lookups the group makes.
  for (const host of ['node-7.example.org', 'localhost', '1.2.3', '256.1.1.1', 'a b', 'x@y', '[::1]', 'h:1', '', 'ünï']) {
    assert.equal(ids.validHost(host), false, host);
    assert.equal(ids.validHost(host), false, `${host} again`);
  }
});

test('the same member gives the same id object, spelled canonically', () => {
  const ids = new WireIds();
  ids.validHost('::1');
  const a = ids.id('::1', 3000, 1_763_900_000_000);
  assert.equal(a, '[::1]:3000@1763900000000');
  assert.equal(ids.id('::1', 3000, 1_763_900_000_000), a);
  assert.deepEqual(parseMemberId(a), { host: '::1', port: 3000, version: 1_763_900_000_000 });
  assert.notEqual(ids.id('::1', 3000, 1_763_900_000_001), a);
});

test('past its bound the cache starts over and still answers right', () => {
  const ids = new WireIds();
  ids.validHost('10.0.0.1');
  for (let i = 0; i < 70_000; i++) {
    const port = 1 + (i % 65535);
    const version = Math.floor(i / 65535);
    assert.equal(ids.id('10.0.0.1', port, version), formatMemberId('10.0.0.1', port, version));
  }
  assert.equal(ids.validHost('10.0.0.1'), true);
});

test('a restarted port keeps one identity per version, the first one included', () => {
  const ids = new WireIds();
  ids.validHost('127.0.0.1');
  const first = ids.member('127.0.0.1', 4000, 1);
  const runs = Array.from({ length: 50 }, (_, i) => ids.member('127.0.0.1', 4000, 2 + i));
  assert.equal(ids.member('127.0.0.1', 4000, 1), first);
  runs.forEach((m, i) => {
    assert.equal(ids.member('127.0.0.1', 4000, 2 + i), m);
    assert.equal(m.id, formatMemberId('127.0.0.1', 4000, 2 + i));
    assert.equal(m.address, '127.0.0.1:4000');
  });
});
