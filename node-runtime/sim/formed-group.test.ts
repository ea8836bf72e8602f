// The simulator's warm start (protocol/formed-group.ts): a group formed before the run lists everyone from the first
// instant, spreads no join news, and works as a group — a crash is failed by every member, nobody else is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulation } from './simulation.ts';

for (const family of ['ping', 'gossip'] as const) {
  test(`a formed ${family} group of 100: full lists at once, no joins, a crash failed by all 99 others and nobody else`, () => {
    const fails: string[] = [];
    const joins: string[] = [];
    const sim = new Simulation({
      nodes: 100, seed: 3, family, suspicion: true, start: 'formed', recordEvents: false,
      onEvent: (e) => {
        if (e.event === 'fail' || e.event === 'stop') fails.push(e.member);
        if (e.event === 'join') joins.push(e.member);
      },
    });
    for (let i = 0; i < 100; i++) {
      const view = sim.view(i);
      assert.equal(view.length, 100, `node ${i} lists all 100`);
      assert.ok(view.every((m) => m.status === 'alive'));
    }
    sim.runUntil(20_000);
    assert.deepEqual(joins, [], 'the joins were before the run');
    assert.deepEqual(fails, [], 'no false failure');
    // No join news: a quiet ping group sends pings and acks only (~60 B each), not packets full of members.
    if (family === 'ping') assert.ok(sim.sent(5).bytes / sim.sent(5).packets < 80, `bytes per datagram ${sim.sent(5).bytes / sim.sent(5).packets}`);
    const victim = sim.id(42);
    sim.crash(42);
    sim.runUntil(80_000);
    assert.equal(fails.filter((m) => m === victim).length, 99, 'every other member failed the crashed one');
    assert.deepEqual(fails.filter((m) => m !== victim), [], 'and nobody else');
  });
}
