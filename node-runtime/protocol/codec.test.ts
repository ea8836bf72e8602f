import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeGossip, encodeGossip, MESSAGE_KINDS, PacketBuilder } from './codec.ts';
import type { GossipMessage, WireEntry, WireMember } from './codec.ts';
import { addressOf, formatMemberId } from './member-id.ts';
import { MembershipCore } from './core.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { createRng } from './rng.ts';

const hosts = fc.constantFrom('127.0.0.1', '10.1.2.3', '192.168.200.17', '::1', 'fe80::1');
const counter = fc.maxSafeNat();
const wireMember = fc.record({ host: hosts, port: fc.integer({ min: 1, max: 65535 }), version: counter })
  .map((m): WireMember => ({ ...m, id: formatMemberId(m.host, m.port, m.version) }));
const wireEntry = fc.record({
  member: wireMember,
  heartbeat: counter,
  incarnation: counter,
  status: fc.constantFrom('alive', 'suspect', 'failed', 'left' as const),
  suspecter: fc.option(wireMember, { nil: undefined }),
}).map(({ member, suspecter, ...rest }): WireEntry =>
  // Only a suspicion names its suspecter (by address).
  rest.status === 'suspect' && suspecter !== undefined ? { ...member, ...rest, suspecter: addressOf(suspecter.id) } : { ...member, ...rest });
const message = fc.record({
  kind: fc.constantFrom(...MESSAGE_KINDS),
  sender: wireMember,
  mode: fc.record({ family: fc.constantFrom('gossip', 'ping' as const), enabled: fc.boolean(), epoch: counter, tie: fc.integer({ min: 0, max: 0xffffffff }) }),
  entries: fc.array(wireEntry, { maxLength: 40 }),
  seq: fc.integer({ min: 0, max: 0xffffffff }),
  target: wireMember,
}).map(({ seq, target, ...m }): GossipMessage => {
  if (m.kind === 'ping') return { ...m, probe: { seq, targetVersion: target.version } };
  if (m.kind === 'ping-req') return { ...m, probe: { seq, target } };
  return m.kind === 'ack' || m.kind === 'nack' ? { ...m, probe: { seq } } : m;
});

function noInternalError(bytes: Uint8Array): boolean {
  const r = decodeGossip(bytes);
  if (!r.ok) assert.ok(!r.reason.startsWith('internal'), r.reason);
  return r.ok;
}

test('encode → decode is the identity', () => {
  fc.assert(fc.property(message, (msg: GossipMessage) => {
    const r = decodeGossip(encodeGossip(msg));
    assert.ok(r.ok);
    assert.deepEqual(r.msg, JSON.parse(JSON.stringify(msg)));
  }), { numRuns: 500 });
});

test('PacketBuilder.bytes bounds the encoded size and refuses what does not fit', () => {
  fc.assert(fc.property(message, fc.integer({ min: 256, max: 1400 }), (msg, max) => {
    const b = new PacketBuilder(msg.sender, msg.mode, max, msg.kind, msg.probe);
    for (const e of msg.entries) b.add(e);
    const bytes = b.encode();
    assert.ok(bytes.length <= b.bytes && b.bytes <= max);
    const r = decodeGossip(bytes);
    assert.ok(r.ok);
    assert.equal(r.msg.entries.length, b.length);
  }), { numRuns: 300 });
});

test('ten members fit in about 200 bytes', () => {
  const version = 1_763_900_000_000;
  const entries: WireEntry[] = Array.from({ length: 10 }, (_, i) => ({
    host: '127.0.0.1', port: 21000 + i, version: version + i, id: formatMemberId('127.0.0.1', 21000 + i, version + i),
    heartbeat: 2400, incarnation: 0, status: 'alive',
  }));
  const bytes = encodeGossip({ kind: 'gossip', sender: entries[0]!, mode: { family: 'gossip', enabled: true, epoch: 3, tie: 0xdeadbeef }, entries });
  assert.ok(bytes.length <= 250, `${bytes.length} bytes`);
});

test('a ping and its ack cost ~30 and ~24 bytes (IPv4 host as 4 bytes, target by version): ping mode\'s bandwidth', () => {
  const version = 1_763_900_000_000;
  const sender: WireMember = { host: '127.0.0.1', port: 21000, version, id: formatMemberId('127.0.0.1', 21000, version) };
  const mode = { family: 'ping', enabled: true, epoch: 0, tie: 0 } as const;
  const ping = encodeGossip({ kind: 'ping', sender, mode, entries: [], probe: { seq: 0x1fffff, targetVersion: version + 1 } });
  const ack = encodeGossip({ kind: 'ack', sender, mode, entries: [], probe: { seq: 0x1fffff } });
  assert.deepEqual([ping.length, ack.length], [30, 24]);
});

test('random bytes never throw', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    noInternalError(bytes);
  }), { numRuns: 2000 });
});

test('every truncation of a valid packet is malformed', () => {
  fc.assert(fc.property(message, (msg) => {
    const bytes = encodeGossip(msg);
    for (let n = 0; n < bytes.length; n++) assert.equal(noInternalError(bytes.subarray(0, n)), false);
  }), { numRuns: 100 });
});

test('trailing garbage is malformed', () => {
  fc.assert(fc.property(message, fc.uint8Array({ minLength: 1, maxLength: 8 }), (msg, tail) => {
    const bytes = encodeGossip(msg);
    const longer = new Uint8Array(bytes.length + tail.length);
    longer.set(bytes);
    longer.set(tail, bytes.length);
    assert.equal(noInternalError(longer), false);
  }), { numRuns: 200 });
});

test('mutated packets never throw, and what decodes is canonical', () => {
  fc.assert(fc.property(message, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (msg, flips) => {
    const bytes = encodeGossip(msg).slice();
    for (const [at, value] of flips) bytes[at % bytes.length] = value;
    const r = decodeGossip(bytes);
    if (!r.ok) return assert.ok(!r.reason.startsWith('internal'), r.reason);
    for (const e of [r.msg.sender, ...r.msg.entries]) assert.equal(e.id, formatMemberId(e.host, e.port, e.version));
  }), { numRuns: 1000 });
});

test('the core counts malformed datagrams and drops them', () => {
  const core = new MembershipCore({ self: '127.0.0.1:1000@1', config: DEFAULT_CONFIG, rng: createRng(1) });
  core.start(0);
  const garbage = [new Uint8Array(0), new Uint8Array([0x48]), new Uint8Array([1, 2, 3, 4, 5]), new Uint8Array(2000).fill(0xff)];
  for (const bytes of garbage) {
    const out = core.receive(10, '127.0.0.1:2000', bytes);
    assert.deepEqual(out.events, []);
    assert.deepEqual(out.send, []);
  }
  assert.deepEqual({ ...core.counters(), limits: undefined }, { received: 4, dropped: 0, malformed: 4, sent: 0, blockedIn: 0, blockedOut: 0, limits: undefined });
  assert.equal(core.members().length, 1);
});

test('decoded ids are built once: the same member is the same string in every packet', () => {
  const sender: WireMember = { host: '127.0.0.1', port: 21000, version: 5, id: formatMemberId('127.0.0.1', 21000, 5) };
  const msg: GossipMessage = { kind: 'gossip', sender, mode: { family: 'gossip', enabled: false, epoch: 0, tie: 0 }, entries: [{ ...sender, heartbeat: 1, incarnation: 0, status: 'alive' }] };
  const a = decodeGossip(encodeGossip(msg));
  const b = decodeGossip(encodeGossip({ ...msg, entries: [{ ...sender, heartbeat: 2, incarnation: 0, status: 'alive' }] }));
  assert.ok(a.ok && b.ok);
  assert.equal(a.msg.entries[0]!.id, sender.id);
  assert.ok(Object.is(a.msg.entries[0]!.id, b.msg.entries[0]!.id) && Object.is(a.msg.sender.id, a.msg.entries[0]!.id));
});

test('a host that cannot make a canonical id is malformed, every time it comes', () => {
  const bad: WireMember = { host: 'a@b', port: 1, version: 1, id: 'a@b:1@1' };
  const bytes = encodeGossip({ kind: 'gossip', sender: bad, mode: { family: 'gossip', enabled: false, epoch: 0, tie: 0 }, entries: [] });
  for (let i = 0; i < 2; i++) {
    const r = decodeGossip(bytes);
    assert.ok(!r.ok && /invalid host/.test(r.reason));
  }
});
