// Timings that follow the group's size: the formula (config.ts `configForSize`) over random valid bases and sizes,
// and the core under a fake clock re-deriving its timeouts as its list grows and shrinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkConfig, configForSize, DEFAULT_CONFIG, resolveConfig, SMALL_GROUP } from './config.ts';
import type { ProtocolConfig } from './config.ts';
import { MembershipCore } from './core.ts';
import type { JoinSnapshot } from './core.ts';
import { formatMemberId } from './member-id.ts';
import { createRng } from './rng.ts';

const TIMINGS = ['gossipIntervalMs', 'failTimeoutMs', 'suspectTimeoutMs', 'cleanupTimeoutMs', 'tombstoneMs', 'introducerProbeMs'] as const;

const base = fc.record({
  gossipIntervalMs: fc.integer({ min: 10, max: 2000 }),
  fanout: fc.integer({ min: 1, max: 8 }),
  failTimeoutMs: fc.integer({ min: 0, max: 20_000 }),
  suspectTimeoutMs: fc.integer({ min: 0, max: 20_000 }),
  maxPacketBytes: fc.integer({ min: 256, max: 9000 }),
}).map((b): ProtocolConfig => resolveConfig({
  ...b,
  failTimeoutMs: Math.max(b.failTimeoutMs, 2 * b.gossipIntervalMs),
  suspectTimeoutMs: Math.max(b.suspectTimeoutMs, b.gossipIntervalMs),
  cleanupTimeoutMs: Math.max(DEFAULT_CONFIG.cleanupTimeoutMs, b.gossipIntervalMs),
}));

test('configForSize: the base up to SMALL_GROUP; beyond, valid, never below the base, growing with n, idempotent', () => {
  fc.assert(fc.property(base, fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 20_000 }), fc.constantFrom('gossip' as const, 'ping' as const), (b, n1, n2, family) => {
    const [small, large] = n1 <= n2 ? [n1, n2] : [n2, n1];
    if (small <= SMALL_GROUP) assert.equal(configForSize(b, small, family), b);
    const a = configForSize(b, small, family);
    const z = configForSize(b, large, family);
    assert.equal(checkConfig(z), undefined);
    for (const key of TIMINGS) {
      assert.ok(a[key] >= b[key], `${key} never below the base`);
      assert.ok(z[key] >= a[key], `${key} grows with n (${small} → ${large})`);
    }
    // Scaling the scaled timings again changes nothing: a launch that starts from configForGroupSize is not scaled twice.
    assert.deepEqual(configForSize(z, large, family), z);
    // Ping mode sends only news at the base pace; the budget slows heartbeat gossip only.
    if (family === 'ping') assert.equal(z.gossipIntervalMs, b.gossipIntervalMs);
  }), { numRuns: 300 });
});

const id = (port: number, version = 1) => formatMemberId('127.0.0.1', port, version);

function snapshotOf(ports: number[], status: 'alive' | 'failed' = 'alive'): JoinSnapshot {
  return {
    members: ports.map((p) => ({ id: id(p), heartbeat: 1, incarnation: 0, status })),
    mode: { family: 'gossip', suspicion: false, epoch: 0 },
  };
}

test('a core that learns a large group fails a silent member after the T_fail for that size, not the base one', () => {
  const c = new MembershipCore({ self: id(9000), config: DEFAULT_CONFIG, rng: createRng(1), introducer: id(10_000).split('@')[0]! });
  c.start(0);
  const ports = Array.from({ length: 199 }, (_, i) => 10_000 + i);
  c.command(0, { kind: 'joined', snapshot: snapshotOf(ports) });
  const scaled = configForSize(DEFAULT_CONFIG, 200, 'gossip');
  assert.ok(scaled.failTimeoutMs > 2 * DEFAULT_CONFIG.failTimeoutMs, 'the premise: 200 members need a longer T_fail');
  let t = 0;
  const fails: number[] = [];
  while (t < scaled.failTimeoutMs + scaled.gossipIntervalMs) {
    const out = c.tick(t);
    for (const e of out.events) if (e.event === 'fail') fails.push(e.ts);
    t = out.nextWakeAt;
  }
  assert.equal(fails.length, 199, 'every silent member is failed');
  assert.ok(Math.min(...fails) >= scaled.failTimeoutMs, `none before the scaled T_fail (${scaled.failTimeoutMs} ms): ${Math.min(...fails)}`);
  assert.ok(Math.max(...fails) <= scaled.failTimeoutMs + scaled.gossipIntervalMs, 'all within a round of it');
});

test('a list that shrinks back shortens the timeouts again, for the members it already holds too', () => {
  const c = new MembershipCore({ self: id(9000), config: DEFAULT_CONFIG, rng: createRng(2), introducer: id(10_000).split('@')[0]! });
  c.start(0);
  c.command(0, { kind: 'joined', snapshot: snapshotOf(Array.from({ length: 199 }, (_, i) => 10_000 + i)) });
  const scaled = configForSize(DEFAULT_CONFIG, 200, 'gossip');
  // The 199 fail at the scaled T_fail and are removed one scaled cleanup later: the list is back to self alone.
  const removedAt = scaled.failTimeoutMs + scaled.cleanupTimeoutMs;
  const learnedAt = removedAt - 1000;
  let t = 0;
  let learned = false;
  let removed = 0;
  let failedX = Number.NaN;
  while (t < removedAt + 10_000 && Number.isNaN(failedX)) {
    if (!learned && t >= learnedAt) {
      // X is learned while the list is large: its deadline is set by the scaled T_fail...
      c.command(t, { kind: 'push-pull', snapshot: snapshotOf([30_000]) });
      learned = true;
    }
    const out = c.tick(t);
    for (const e of out.events) {
      if (e.event === 'remove') removed++;
      if (e.event === 'fail' && e.member === id(30_000)) failedX = e.ts;
    }
    t = learned ? out.nextWakeAt : Math.min(out.nextWakeAt, learnedAt);
  }
  assert.equal(removed, 199);
  // ...and once the others are removed, by the base one: it fails a base T_fail after it was learned (within a round).
  const expected = learnedAt + DEFAULT_CONFIG.failTimeoutMs;
  assert.ok(failedX >= removedAt && failedX <= Math.max(removedAt, expected) + DEFAULT_CONFIG.gossipIntervalMs, `failed at ${failedX}, removal at ${removedAt}`);
  assert.ok(failedX < learnedAt + scaled.failTimeoutMs);
});
