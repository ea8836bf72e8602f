// SWIM and Lifeguard mechanisms driven directly under a fake clock: datagrams are handed between cores by hand (or
// dropped), so each step — ping, ack, ping-req, relay, nack, verdict, health, suspicion timeout — is checked exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MembershipCore } from './core.ts';
import type { Output, Send } from './core.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { decodeGossip, encodeGossip } from './codec.ts';
import type { MessageKind } from './codec.ts';
import type { MembershipEvent } from './events.ts';
import { addressOf, formatMemberId } from './member-id.ts';
import { createRng } from './rng.ts';
import { retransmitLimit, BroadcastQueue } from './broadcast.ts';
import { suspicionTimeout } from './suspicion.ts';
import { newEntry } from './state.ts';

const C = DEFAULT_CONFIG;
const id = (port: number) => formatMemberId('127.0.0.1', port, 1);

/** A group in ping mode, joined through the first core at t = 0, every member confirmed everywhere. */
function group(n: number, suspicion = true): MembershipCore[] {
  const cores = Array.from({ length: n }, (_, i) => new MembershipCore({
    self: id(2000 + i), config: C, rng: createRng(7 + i), family: 'ping', suspicion,
    ...(i === 0 ? {} : { introducer: addressOf(id(2000)) }),
  }));
  for (const c of cores) c.start(0);
  for (const c of cores.slice(1)) cores[0]!.command(0, { kind: 'admit', member: c.self });
  for (const c of cores.slice(1)) c.command(0, { kind: 'joined', snapshot: cores[0]!.snapshot() });
  // Everyone hears a datagram from everyone once: confirmed, so they may be probed (member-list.ts).
  for (const a of cores) {
    const port = 2000 + cores.indexOf(a);
    const self = { id: a.self, host: '127.0.0.1', port, version: 1 };
    const bytes = encodeGossip({ kind: 'gossip', sender: self, mode: { family: 'ping', enabled: suspicion, epoch: 0, tie: 0 }, entries: [{ ...self, heartbeat: 0, incarnation: 0, status: 'alive' }] });
    for (const b of cores) if (a !== b) b.receive(0, addressOf(a.self), bytes);
  }
  return cores;
}

const kindOf = (s: Send): MessageKind => (decodeGossip(s.bytes) as { ok: true; msg: { kind: MessageKind } }).msg.kind;

/** Runs `c` alone from `from` to `until` (everything it sends is lost); returns every datagram it sent. */
/** Ticks `c` from 0 until it sends its first ping: the ping, when it went, and the wake-up after. */
function firstPing(c: MembershipCore): { ping: Send; at: number; next: number } {
  let t = 0;
  for (let i = 0; i < 100; i++) {
    const out = c.tick(t);
    const ping = out.send.find((s) => kindOf(s) === 'ping');
    if (ping) return { ping, at: t, next: out.nextWakeAt };
    t = out.nextWakeAt;
  }
  assert.fail('a ping within 100 wake-ups');
}

function runAlone(c: MembershipCore, from: number, until: number): { at: number; send: Send }[] {
  const sent: { at: number; send: Send }[] = [];
  for (let t = from, i = 0; t <= until; i++) {
    assert.ok(i < 100_000, 'bounded');
    const out = c.tick(t);
    for (const s of out.send) sent.push({ at: t, send: s });
    assert.ok(out.nextWakeAt > t);
    t = out.nextWakeAt;
  }
  return sent;
}

function to(cores: MembershipCore[], s: Send): MembershipCore {
  return cores.find((c) => addressOf(c.self) === s.to)!;
}

function deliver(now: number, from: MembershipCore, s: Send, cores: MembershipCore[]): Output {
  return to(cores, s).receive(now, addressOf(from.self), s.bytes);
}

test('retransmit limit and the Lifeguard suspicion timeout follow memberlist', () => {
  assert.equal(retransmitLimit(4, 10), 8);
  assert.equal(retransmitLimit(4, 100), 12);
  assert.equal(suspicionTimeout(4, 10, 1000), 4000);
  assert.equal(suspicionTimeout(4, 1, 1000), 4000);
  assert.equal(suspicionTimeout(4, 1000, 1000), 12000);
});

test('the broadcast queue sends fewest-sent first and drops news after the limit', () => {
  const [a, b, c] = ['127.0.0.1:1@1', '127.0.0.1:2@1', '127.0.0.1:3@1'].map((id) => newEntry({ id, heartbeat: 0, incarnation: 0 }, 0)!);
  const q = new BroadcastQueue();
  q.enqueue(a!);
  q.enqueue(b!);
  const sends: string[][] = [];
  for (let i = 0; i < 4; i++) {
    const taken: string[] = [];
    q.fill(2, (x) => { taken.push(x.id); return true; });
    sends.push(taken);
  }
  assert.deepEqual(sends[0], [a!.id, b!.id]);
  assert.deepEqual(sends[2], [], 'each sent twice, then dropped');
  assert.equal(q.size, 0);
  q.enqueue(c!);
  q.fill(5, () => false);
  assert.equal(q.size, 1, 'a full message takes nothing');
  q.remove(c!);
  assert.equal(q.size, 0, 'a member leaving the list leaves the queue');
});

test('ping → ack: one probe a period to each member in turn, no suspicion', () => {
  const cores = group(4);
  const a = cores[0]!;
  const probed: string[] = [];
  let t = 0;
  const end = 4 * C.probeIntervalMs;
  for (let i = 0; t <= end; i++) {
    assert.ok(i < 1000, 'bounded');
    const out = a.tick(t);
    for (const s of out.send.filter((x) => kindOf(x) === 'ping')) {
      probed.push(s.to);
      const ack = deliver(t + 1, a, s, cores).send;
      assert.deepEqual(ack.map(kindOf), ['ack']);
      a.receive(t + 2, s.to, ack[0]!.bytes);
    }
    t = out.nextWakeAt;
  }
  assert.ok(probed.length >= 3);
  assert.deepEqual(new Set(probed.slice(0, 3)).size, 3, 'round-robin: every other member once before any twice');
  assert.deepEqual(a.suspects(), []);
  assert.equal(a.health(), 0);
});

test('no ack: ping-req to the others after the probe timeout; a helper relays the ack', () => {
  const cores = group(4);
  const a = cores[0]!;
  const { ping, at: pingAt } = firstPing(a);
  // The direct ping is lost; at the probe timeout ping-reqs go to the others (not the target).
  const step = a.tick(pingAt + C.probeTimeoutMs).send.filter((s) => kindOf(s) === 'ping-req');
  assert.equal(step.length, 2);
  assert.ok(step.every((s) => s.to !== ping.to));
  // One helper pings the target, gets its ack and relays it.
  const helper = to(cores, step[0]!);
  const relayPing = helper.receive(pingAt + 250, addressOf(a.self), step[0]!.bytes).send;
  assert.deepEqual(relayPing.map(kindOf), ['ping']);
  assert.equal(relayPing[0]!.to, ping.to);
  const targetAck = deliver(pingAt + 251, helper, relayPing[0]!, cores).send;
  const relayed = helper.receive(pingAt + 252, ping.to, targetAck[0]!.bytes).send;
  assert.deepEqual(relayed.map(kindOf), ['ack']);
  assert.equal(relayed[0]!.to, addressOf(a.self));
  a.receive(pingAt + 253, addressOf(helper.self), relayed[0]!.bytes);
  runAlone(a, pingAt + 254, pingAt + C.probeIntervalMs);
  assert.deepEqual(a.suspects(), []);
});

test('a silent target is suspected at the period\'s end (failed without suspicion); nacks clear our own health', () => {
  for (const suspicion of [true, false]) {
    const cores = group(4, suspicion);
    const a = cores[0]!;
    const { ping, next } = firstPing(a);
    let t = next;
    const events: MembershipEvent[] = [];
    let reqs: Send[] = [];
    let reqAt = 0;
    for (let i = 0; reqs.length === 0; i++) {
      assert.ok(i < 100, 'ping-reqs within 100 wake-ups');
      const out = a.tick(t);
      reqs = out.send.filter((s) => kindOf(s) === 'ping-req');
      events.push(...out.events);
      reqAt = t;
      t = out.nextWakeAt;
    }
    // Both helpers try, hear nothing, and nack at 80 % of the probe timeout; a is woken on time meanwhile (a late
    // wake-up would stop its probe's clock: probe.ts).
    const runA = (until: number): void => {
      for (let i = 0; t <= until; i++) {
        assert.ok(i < 100, 'bounded');
        const out = a.tick(t);
        events.push(...out.events);
        t = out.nextWakeAt;
      }
    };
    for (const r of reqs) {
      const helper = to(cores, r);
      helper.receive(reqAt, addressOf(a.self), r.bytes);
      const nacks = runAlone(helper, reqAt, reqAt + C.probeTimeoutMs).filter((x) => kindOf(x.send) === 'nack');
      assert.equal(nacks.length, 1);
      runA(nacks[0]!.at);
      a.receive(nacks[0]!.at, addressOf(helper.self), nacks[0]!.send.bytes);
    }
    runA(reqAt + C.probeIntervalMs);
    const verdict = events.find((e) => e.member !== a.self && (e.event === 'suspect' || e.event === 'fail'));
    assert.ok(verdict, 'a verdict');
    assert.equal(verdict.event, suspicion ? 'suspect' : 'fail');
    assert.equal(verdict.reason, 'probe');
    assert.equal(addressOf(verdict.member), ping.to);
    assert.equal(a.health(), 0, 'every expected nack came: the target is the problem, not us');
  }
});

test('Lifeguard: missing nacks raise our health multiplier, which stretches the probe period', () => {
  const cores = group(4);
  const a = cores[0]!;
  // Everything a sends is lost: each probe expects 2 nacks and gets none.
  const sent = runAlone(a, 0, 10 * C.probeIntervalMs);
  assert.ok(a.health() >= 2, `health ${a.health()}`);
  const pings = sent.filter((x) => kindOf(x.send) === 'ping').map((x) => x.at);
  const gaps = pings.slice(1).map((p, i) => p - pings[i]!);
  assert.ok(gaps.at(-1)! > gaps[0]!, `probe periods stretch: ${gaps.join(', ')}`);
});

test('Lifeguard: a runtime woken later than a probe timeout raises our health; a shorter delay or gossip mode does not', () => {
  const [a] = group(2);
  a!.command(0, { kind: 'woke-late', ms: C.probeTimeoutMs });
  assert.equal(a!.health(), 0, 'within a probe timeout an ack could still be read in time');
  a!.command(0, { kind: 'woke-late', ms: C.probeTimeoutMs + 1 });
  a!.command(0, { kind: 'woke-late', ms: 5000 });
  assert.equal(a!.health(), 2);
  const [g] = group(2);
  g!.command(0, { kind: 'set-mode', mode: { family: 'gossip' } });
  g!.command(0, { kind: 'woke-late', ms: 5000 });
  assert.equal(g!.health(), 0, 'gossip mode has no probes to stretch');
});

test('a verdict that fell due while this member was late waits as long again: the stalled target can still answer', () => {
  // One process, one loop: a probes b and sends its ping-req on time, then the loop runs late past the period's end
  // (by less than failure.ts forgives). b could not answer meanwhile either: it reads the ping in the turn after.
  const cores = group(3);
  const a = cores[0]!;
  const { ping, at: pingAt, next } = firstPing(a);
  const endAt = pingAt + C.probeIntervalMs;
  let t = next;
  let reqs = 0;
  for (let i = 0; t < endAt; i++) {
    assert.ok(i < 100, 'bounded');
    const out = a.tick(t);
    reqs += out.send.filter((s) => kindOf(s) === 'ping-req').length;
    t = out.nextWakeAt;
  }
  assert.equal(reqs, 1, 'the ping-req went out on time (and was lost)');
  assert.equal(t, endAt, 'the verdict is the next wake-up');
  const resumed = endAt + 100;
  const late = a.tick(resumed);
  assert.deepEqual(late.events.filter((e) => e.event === 'suspect'), [], 'no verdict in the first turn after the stall');
  assert.ok(late.nextWakeAt > resumed, 'the verdict waits');
  const ack = deliver(resumed + 1, a, ping, cores).send;
  a.receive(resumed + 2, ping.to, ack[0]!.bytes);
  runAlone(a, late.nextWakeAt, late.nextWakeAt);
  assert.deepEqual(a.suspects(), []);
});

test('a target that never answers is still judged within one more probe interval however late every wake-up is', () => {
  const cores = group(3);
  const a = cores[0]!;
  const { ping, at: pingAt, next } = firstPing(a);
  const lateBy = 150;
  let verdictAt: number | undefined;
  let reqs = 0;
  for (let t = next + lateBy, i = 0; verdictAt === undefined; i++) {
    assert.ok(i < 100, 'a verdict within 100 wake-ups');
    const out = a.tick(t);
    reqs += out.send.filter((s) => kindOf(s) === 'ping-req').length;
    if (out.events.some((e) => e.event === 'suspect' && addressOf(e.member) === ping.to)) verdictAt = t;
    t = out.nextWakeAt + lateBy;
  }
  assert.equal(reqs, 1, 'the ping-req went out before the verdict');
  assert.ok(verdictAt <= pingAt + 2 * C.probeIntervalMs + lateBy, `verdict ${verdictAt - pingAt} ms after the ping`);
});

test('Lifeguard: a suspicion starts long and each independent confirmation shortens it', () => {
  const n = 6;
  const base = suspicionTimeout(C.suspicionMult, n, C.probeIntervalMs);
  /** When a, having heard the suspicion of x from `1 + confirmations` distinct members, fails x (each its own
   *  suspecter, or all relaying the first one's). */
  const failAfter = (confirmations: number, relayed = false): number => {
    const cores = group(n);
    const [a] = cores;
    const x = cores[n - 1]!;
    const started = 1000;
    for (let k = 1; k <= 1 + confirmations; k++) {
      const from = cores[k]!;
      from.command(started, { kind: 'set-mode', mode: { family: 'ping', suspicion: true } });
      const bytes = encodeGossip({
        kind: 'gossip', sender: { id: from.self, host: '127.0.0.1', port: 2000 + k, version: 1 },
        mode: { family: 'ping', enabled: true, epoch: 0, tie: 0 },
        entries: [{ id: x.self, host: '127.0.0.1', port: 2000 + n - 1, version: 1, heartbeat: 0, incarnation: 0, status: 'suspect',
          suspecter: addressOf((relayed ? cores[1]! : from).self) }],
      });
      a!.receive(started, addressOf(from.self), bytes);
    }
    // a on its own (its datagrams lost) until it fails x; x acks a's own pings (a's failed probe would be a
    // confirmation of its own), and the ack carries no news (no refutation).
    const xMember = { id: x.self, host: '127.0.0.1', port: 2000 + n - 1, version: 1 };
    for (let t = started; t < started + 10 * C.suspicionMaxTimeoutMult * base;) {
      const out = a!.tick(t);
      for (const s of out.send) {
        const d = decodeGossip(s.bytes);
        if (s.to !== addressOf(x.self) || !d.ok || d.msg.kind !== 'ping') continue;
        const ack = encodeGossip({ kind: 'ack', sender: xMember, mode: d.msg.mode, entries: [], probe: { seq: d.msg.probe!.seq } });
        a!.receive(t + 1, addressOf(x.self), ack);
      }
      const fail = out.events.find((e) => e.event === 'fail' && e.member === x.self);
      if (fail) return fail.ts - started;
      t = out.nextWakeAt;
    }
    return Number.NaN;
  };
  const unconfirmed = failAfter(0);
  const once = failAfter(1);
  const k = C.suspicionConfirmations;
  const twice = failAfter(k);
  const relayedTwice = failAfter(k, true);
  assert.ok(Math.abs(unconfirmed - C.suspicionMaxTimeoutMult * base) <= 1, `unconfirmed: ${unconfirmed} vs ${C.suspicionMaxTimeoutMult * base}`);
  assert.ok(once < unconfirmed && twice < once, `${unconfirmed} > ${once} > ${twice}`);
  assert.ok(Math.abs(twice - base) <= 1, `k = suspicionConfirmations reach the shortest: ${twice} vs ${base}`);
  assert.equal(relayedTwice, unconfirmed, 'members relaying one suspecter\'s suspicion confirm nothing');
});

test('a member learned only second-hand that never speaks is probed after two rounds, then suspected like any other', () => {
  const n = 4;
  const cores = group(n);
  const [a, b] = cores;
  const y = { id: id(2999), host: '127.0.0.1', port: 2999, version: 1 };
  const bSelf = { id: b!.self, host: '127.0.0.1', port: 2001, version: 1 };
  const gossip = encodeGossip({
    kind: 'gossip', sender: bSelf, mode: { family: 'ping', enabled: true, epoch: 0, tie: 0 },
    entries: [{ ...y, heartbeat: 0, incarnation: 0, status: 'alive' }],
  });
  a!.receive(0, addressOf(b!.self), gossip);
  const sent = runAlone(a!, 0, 20_000);
  const toY = sent.filter((s) => s.send.to === addressOf(y.id));
  assert.ok(toY.length > 0, 'y is probed');
  const live = n + 1;
  assert.ok(toY[0]!.at >= 2 * (live - 1) * C.probeIntervalMs, `not before two rounds of silence (${toY[0]!.at} ms)`);
  assert.equal(kindOf(toY[0]!.send), 'ping');
  assert.ok(a!.suspects().includes(y.id) || !a!.members().some((m) => m.id === y.id && m.status === 'alive'), 'suspected or failed');
});

test('a member that suspects another tells it at once, naming itself; the suspect refutes to that suspecter too', () => {
  const cores = group(4);
  const [a, b, , x] = cores;
  // a alone: its probes go unanswered until it suspects someone; the first such suspicion goes straight to the suspect.
  const sent = runAlone(a!, 0, 10_000);
  const told = sent.map((s) => ({ s, d: decodeGossip(s.send.bytes) })).find(({ d }) => d.ok && d.msg.kind === 'gossip' && d.msg.entries[0]?.status === 'suspect');
  assert.ok(told !== undefined && told.d.ok, 'a told a suspect');
  const first = told.d.msg.entries[0]!;
  assert.equal(told.s.send.to, addressOf(first.id), 'sent to the suspect itself');
  assert.equal(first.suspecter, addressOf(a!.self), 'naming a as the suspecter');
  // x hears, from b, a suspicion of itself raised by a: its refutation goes to b (who told it) and to a.
  const bSelf = { id: b!.self, host: '127.0.0.1', port: 2001, version: 1 };
  const xSelf = { id: x!.self, host: '127.0.0.1', port: 2003, version: 1 };
  const relayed = encodeGossip({
    kind: 'gossip', sender: bSelf, mode: { family: 'ping', enabled: true, epoch: 0, tie: 0 },
    entries: [{ ...xSelf, heartbeat: 0, incarnation: 0, status: 'suspect', suspecter: addressOf(a!.self) }],
  });
  const out = x!.receive(1, addressOf(b!.self), relayed);
  assert.deepEqual(new Set(out.send.map((s) => s.to)), new Set([addressOf(b!.self), addressOf(a!.self)]));
});
