// Property: every change of a core's list is an event. The host and the replay know a node's list only from the events
// it emits (node-runtime/protocol/view-state.ts, renderer/model/membership-state.ts fold them), so for every core, at every
// step of a random fault schedule, its events folded must give exactly its own list. Both families, with kills,
// pauses, leaves, restarts, added nodes, heavy drop, loss, partitions and switches — the paths that make members fail
// and rejoin under new versions, rejoin themselves when isolated, and resync after a join.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Simulation } from './simulation.ts';
import { statusAfter } from '../protocol/events.ts';
import type { MembershipEvent, MemberStatus } from '../protocol/events.ts';
import type { MemberId } from '../protocol/member-id.ts';
import type { ProtocolFamily } from '../protocol/mode.ts';

const NODES = 6;
/** Virtual ms between checks: about one datagram's delay, so a change without an event is caught before the next. */
const STEP_MS = 5;
const SETTLE_MS = 15_000;

type Op =
  | { kind: 'crash' | 'pause' | 'resume' | 'leave' | 'restart'; node: number }
  | { kind: 'drop'; rate: number; node: number | null }
  | { kind: 'loss'; rate: number }
  | { kind: 'partition'; cut: number }
  | { kind: 'heal' | 'add' }
  | { kind: 'switch'; node: number; family: ProtocolFamily; suspicion: boolean };

const node = fc.nat(NODES + 2);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('crash', 'pause', 'resume', 'leave', 'restart'), node }),
  fc.record({ kind: fc.constant('drop'), rate: fc.constantFrom(0, 0.3, 0.85), node: fc.option(node) }),
  fc.record({ kind: fc.constant('loss'), rate: fc.constantFrom(0, 0.2, 0.6) }),
  fc.record({ kind: fc.constant('partition'), cut: fc.integer({ min: 1, max: NODES - 1 }) }),
  fc.record({ kind: fc.constantFrom('heal', 'add') }),
  fc.record({ kind: fc.constant('switch'), node, family: fc.constantFrom('gossip', 'ping'), suspicion: fc.boolean() }),
);
const schedule = fc.array(fc.record({ gapMs: fc.integer({ min: 20, max: 4000 }), op }), { minLength: 4, maxLength: 24 });

/** `status@incarnation`: both are shown (the inspector lists each member's incarnation). */
type Held = `${MemberStatus}@${number}`;

/** Each observer's list as its events build it (as the host's view state folds them: an event without an
 *  incarnation keeps the one known). */
class Folded {
  readonly lists = new Map<MemberId, Map<MemberId, Held>>();

  apply(e: MembershipEvent): void {
    if (e.event === 'stop') {
      this.lists.delete(e.node);
      return;
    }
    let list = this.lists.get(e.node);
    if (!list) this.lists.set(e.node, (list = new Map()));
    const status = statusAfter(e.event);
    if (status === undefined) list.delete(e.member);
    else list.set(e.member, `${status}@${e.incarnation ?? Number(list.get(e.member)?.split('@')[1] ?? 0)}`);
  }
}

function perform(s: Simulation, o: Op): void {
  const i = 'node' in o && o.node !== null ? o.node % s.size : 0;
  switch (o.kind) {
    case 'crash': return s.crash(i);
    case 'pause': return s.pause(i);
    case 'resume': return s.resume(i);
    case 'leave': return s.leave(i);
    case 'restart': return s.state(i) === 'up' ? undefined : s.restart(i);
    case 'drop':
      for (let j = 0; j < s.size; j++) if (o.node === null || j === i) s.command(j, { kind: 'set-drop', rate: o.rate });
      return;
    case 'loss': return s.setLoss(o.rate);
    case 'partition': {
      const all = Array.from({ length: s.size }, (_, j) => j);
      return s.partition([all.slice(0, o.cut), all.slice(o.cut)]);
    }
    case 'heal': return s.heal();
    case 'add': {
      s.addNode();
      return;
    }
    case 'switch': return s.command(i, { kind: 'set-mode', mode: { family: o.family, suspicion: o.suspicion } });
  }
}

/** Every core that is running (or paused: its list stands) against its folded events; the first difference. */
function difference(s: Simulation, folded: Folded): string | undefined {
  for (let i = 0; i < s.size; i++) {
    if (!s.started(i) || (s.state(i) !== 'up' && s.state(i) !== 'paused')) continue;
    const self = s.id(i);
    const own = new Map(s.view(i).map((m) => [m.id, `${m.status}@${m.incarnation}`]));
    const built = folded.lists.get(self) ?? new Map<MemberId, Held>();
    for (const id of new Set([...own.keys(), ...built.keys()])) {
      if (own.get(id) !== built.get(id)) {
        return `at ${s.now} ms ${self} lists ${id} ${own.get(id) ?? 'not at all'}, its events say ${built.get(id) ?? 'not listed'}`;
      }
    }
  }
  return undefined;
}

function runFor(s: Simulation, folded: Folded, ms: number): void {
  const end = s.now + ms;
  while (s.now < end) {
    s.runUntil(Math.min(end, s.now + STEP_MS));
    const diff = difference(s, folded);
    if (diff !== undefined) assert.fail(diff);
  }
}

for (const family of ['gossip', 'ping'] as const) {
  test(`${family}: every core's events folded equal its own list at every step of random fault schedules`, () => {
    const started = Date.now();
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.boolean(), schedule, (seed, suspicion, steps) => {
      const folded = new Folded();
      const s = new Simulation({
        nodes: NODES, seed, family, suspicion, joinSpacingMs: 20, recordEvents: false, onEvent: (e) => folded.apply(e),
      });
      runFor(s, folded, 2000);
      for (const { gapMs, op: o } of steps) {
        perform(s, o);
        runFor(s, folded, gapMs);
      }
      s.heal();
      s.setLoss(0);
      for (let j = 0; j < s.size; j++) s.command(j, { kind: 'set-drop', rate: 0 });
      runFor(s, folded, SETTLE_MS);
    }), { numRuns: 40, seed: family === 'gossip' ? 8 : 9 });
    // Bounded in time as well as count: a slow machine shows here, not as a hang.
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
  });
}
