// Issue 9, item 1: no single datagram or join, however crafted, keeps a live member out for longer than one rejoin,
// isolates a node, switches the mode for good, makes the group send to an address that never spoke, or grows memory
// past a bound. Each attack the issue measured is replayed here against a simulated group of 10 (the core's clock
// is epoch-aligned in the simulator, so versions and ages are real numbers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from './simulation.ts';
import { encodeGossip } from '../protocol/codec.ts';
import type { WireEntry, WireMode } from '../protocol/codec.ts';
import { formatMemberId, parseMemberId } from '../protocol/member-id.ts';
import type { MemberId } from '../protocol/member-id.ts';
import { DEFAULT_CONFIG } from '../protocol/config.ts';

const MAX = Number.MAX_SAFE_INTEGER;
/** The simulator's epoch (its cores' clock at virtual 0). */
const EPOCH = 1_700_000_000_000;
const STRANGER = '127.0.0.1:9999';
const OFF: WireMode = { family: 'gossip', enabled: false, epoch: 0, tie: 0 };

function warm(suspicion = false): Simulation {
  const s = new Simulation({ nodes: 10, seed: 11, joinSpacingMs: 23, suspicion });
  s.runUntil(4000);
  return s;
}

function entry(id: MemberId, heartbeat: number, incarnation: number, status: WireEntry['status']): WireEntry {
  return { id, ...parseMemberId(id)!, heartbeat, incarnation, status };
}

/** A gossip datagram from the stranger at 127.0.0.1:9999 (its own address: it is not spoofing). */
function fromStranger(s: Simulation, entries: WireEntry[], mode: WireMode = OFF, kind: 'gossip' | 'failed-notice' = 'gossip'): Uint8Array {
  const sender = entry(formatMemberId('127.0.0.1', 9999, EPOCH + Math.floor(s.now)), 1, 0, 'alive');
  return encodeGossip({ kind, sender, mode, entries: kind === 'gossip' ? [sender, ...entries] : entries });
}

/** Every node up and listing every other's current id alive; nobody failed a live id or restarted since `from`. */
function assertHealthy(s: Simulation, from: number): void {
  const ids = Array.from({ length: s.size }, (_, i) => s.id(i));
  for (let i = 0; i < s.size; i++) {
    const alive = s.view(i).filter((m) => m.status === 'alive').map((m) => m.id);
    for (const id of ids) assert.ok(alive.includes(id), `${s.id(i)} lists ${id} alive`);
  }
  const bad = s.events().filter((e) => e.ts >= from && (e.event === 'stop' || (e.event === 'fail' && ids.includes(e.member))));
  assert.deepEqual(bad, []);
}

test('a join under the largest version (2^53 − 1) locks nobody out: refused as from the future, restarts readmitted', () => {
  const s = warm();
  const t0 = s.now;
  s.command(0, { kind: 'admit', member: formatMemberId('127.0.0.1', 10003, MAX) });
  s.runFor(3000);
  assertHealthy(s, t0);
  assert.equal(s.core(0).counters().limits.implausible, 1);
  s.crash(3);
  s.restart(3);
  s.runFor(3000);
  for (let i = 0; i < 10; i++) assert.equal(s.view(i).find((m) => m.id === s.id(3))?.status, 'alive');
});

test('a join or gossip under a plausible future version of a live address lists a phantom, never supersedes', () => {
  const s = warm();
  const t0 = s.now;
  const forged = formatMemberId('127.0.0.1', 10004, EPOCH + Math.floor(s.now) + 60_000);
  s.command(0, { kind: 'admit', member: forged });
  s.inject(5, STRANGER, fromStranger(s, [entry(forged, 1, 0, 'alive')]));
  s.runFor(DEFAULT_CONFIG.failTimeoutMs + DEFAULT_CONFIG.cleanupTimeoutMs + 1000);
  assertHealthy(s, t0);
  // The phantom came and went; the real member never did.
  assert.ok(s.events().some((e) => e.member === forged && e.event === 'remove'));
});

test('an entry naming a foreign address never makes the group send there (no reflector)', () => {
  const s = warm();
  const victim = '127.0.0.1:7';
  const phantoms = [entry(formatMemberId('127.0.0.1', 7, EPOCH), 50, 0, 'alive'), entry(formatMemberId('10.9.9.9', 53, EPOCH + 1), 5, 0, 'suspect')];
  for (let i = 0; i < 10; i++) s.inject(i, STRANGER, fromStranger(s, phantoms));
  s.command(0, { kind: 'admit', member: formatMemberId('127.0.0.1', 7, EPOCH + 2) });
  s.runFor(10_000);
  assert.equal(s.strays().get(victim), undefined);
  assert.equal(s.strays().get('10.9.9.9:53'), undefined);
  // The stranger spoke, so answering it is fine; nothing else strays.
  assert.deepEqual([...s.strays().keys()].filter((a) => a !== STRANGER), []);
});

test('a suspicion at incarnation 2^53 − 1 isolates nobody: dropped as implausible, the victim stays in', () => {
  const s = warm(true);
  const t0 = s.now;
  for (const inc of [MAX, MAX - 1, 2 ** 40]) s.inject(2, STRANGER, fromStranger(s, [entry(s.id(6), 1, inc, 'suspect')], { family: 'gossip', enabled: true, epoch: 0, tie: 0 }));
  s.runFor(5000);
  assertHealthy(s, t0);
  assert.equal(s.core(2).counters().limits.implausible, 3);
  // A suspicion at the highest plausible incarnation is refuted like any other (its successor still encodes).
  const top = Math.floor(EPOCH + s.now - parseMemberId(s.id(6))!.version + DEFAULT_CONFIG.maxClockSkewMs);
  s.inject(2, STRANGER, fromStranger(s, [entry(s.id(6), 1, top, 'suspect')], { family: 'gossip', enabled: true, epoch: 0, tie: 0 }));
  s.runFor(5000);
  assertHealthy(s, t0);
  assert.ok(s.view(4).find((m) => m.id === s.id(6))!.incarnation > top);
});

test('a suspicion epoch of 2^53 − 1 (or 2^40) is ignored; a plausible forged epoch is overruled by the next switch', () => {
  const s = warm();
  const t0 = s.now;
  for (const epoch of [MAX, 2 ** 40]) s.inject(1, STRANGER, fromStranger(s, [], { family: 'gossip', enabled: true, epoch, tie: 0xffffffff }));
  s.runFor(2000);
  for (let i = 0; i < 10; i++) assert.equal(s.core(i).suspicion().enabled, false);
  assert.equal(s.core(1).counters().limits.implausible, 2);
  s.inject(1, STRANGER, fromStranger(s, [], { family: 'gossip', enabled: true, epoch: 1000, tie: 0xffffffff }));
  s.runFor(2000);
  for (let i = 0; i < 10; i++) assert.equal(s.core(i).suspicion().enabled, true);
  s.command(7, { kind: 'set-suspicion', enabled: false });
  s.runFor(2000);
  for (let i = 0; i < 10; i++) assert.equal(s.core(i).suspicion().enabled, false, `node ${i} switched back`);
  assertHealthy(s, t0);
});

test('one forged entry forces no restart: a stranger\'s failed-notice, a left at a huge incarnation, a heartbeat of 2^53 − 1', () => {
  const s = warm();
  const t0 = s.now;
  s.inject(3, STRANGER, fromStranger(s, [entry(s.id(3), 0, 0, 'failed')], OFF, 'failed-notice'));
  s.inject(4, STRANGER, fromStranger(s, [entry(s.id(5), 1, MAX, 'left'), entry(s.id(6), MAX, 0, 'alive')]));
  s.runFor(5000);
  assertHealthy(s, t0);
  // The highest heartbeat its age allows: the member continues from it instead of going silent below it.
  const version = parseMemberId(s.id(8))!.version;
  const top = Math.floor((EPOCH + s.now - version + DEFAULT_CONFIG.maxClockSkewMs) / 10);
  s.inject(4, STRANGER, fromStranger(s, [entry(s.id(8), top, 0, 'alive')]));
  s.runFor(5000);
  assertHealthy(s, t0);
  assert.ok(s.view(0).find((m) => m.id === s.id(8))!.heartbeat > top);
});

test('a datagram naming a sender other than its source address is dropped and counted', () => {
  const s = warm();
  const t0 = s.now;
  const forged = encodeGossip({ kind: 'gossip', sender: entry(s.id(2), 1, 0, 'alive'), mode: OFF, entries: [entry(s.id(2), 1, 0, 'left')] });
  s.inject(5, STRANGER, forged);
  s.runFor(3000);
  assertHealthy(s, t0);
  assert.equal(s.core(5).counters().limits.spoofed, 1);
});

test('a phantom flood is limited per sender and bounded: memory and the group stay put', () => {
  const s = new Simulation({ nodes: 5, seed: 3, joinSpacingMs: 23, config: { maxMembers: 400, maxTombstones: 300, newMembersPerSenderPerSecond: 100 } });
  s.runUntil(3000);
  const t0 = s.now;
  let port = 20_000;
  for (let k = 0; k < 200; k++) {
    const phantoms = Array.from({ length: 50 }, () => entry(formatMemberId('127.0.0.2', port++, EPOCH), 1, 0, 'alive'));
    s.inject(1, STRANGER, fromStranger(s, phantoms));
    s.runFor(50);
  }
  s.runFor(2000);
  const limits = s.core(1).counters().limits;
  assert.ok(limits.newMemberRate > 8000, `rate limit hit ${limits.newMemberRate}`);
  for (let i = 0; i < 5; i++) assert.ok(s.view(i).length <= 400);
  assertHealthy(s, t0);
  assert.deepEqual([...s.strays().keys()].filter((a) => a !== STRANGER), []);
});
