// Real `hearsay node` processes on loopback: the detection bounds of issue 2 and the fail-stop life cycle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { controlRequest } from '../control/client.ts';
import { firstEvent } from './testing/node-process.ts';
import type { NodeProcess } from './testing/node-process.ts';
import { testGroups } from './testing/test-groups.ts';
import { waitFor } from './testing/wait-for.ts';

const group = testGroups('it');

/** Detection times (ms after `since`) of `member`'s `fail` in each observer's log, in the observers' order. */
async function failDetections(observers: NodeProcess[], member: string, since: number, timeoutMs: number): Promise<number[]> {
  return waitFor(() => {
    const ts = observers.map((o) => firstEvent(o, 'fail', member)?.ts);
    return ts.every((t) => t !== undefined) && ts.map((t) => t! - since);
  }, { timeoutMs, what: `every node to log fail of ${member}` });
}

describe('membership nodes as processes', { concurrency: false }, () => {
  it('kill -9: one node detects within 3 s, all within 6 s (default timings)', async () => {
    const nodes = await group('kill').startCluster(21100, 4);
    const victim = nodes[2]!;
    const victimId = await victim.id();
    const killedAt = Date.now();
    victim.signal('SIGKILL');
    const observers = nodes.filter((n) => n !== victim);
    const latencies = await failDetections(observers, victimId, killedAt, 8000);
    assert.ok(Math.min(...latencies) <= 3000, `first detection ${Math.min(...latencies)} ms`);
    assert.ok(Math.max(...latencies) <= 6000, `last detection ${Math.max(...latencies)} ms`);
    const list = await controlRequest(observers[0]!.address, 'list_mem', [], {}) as { members: { id: string; status: string }[] };
    assert.equal(list.members.find((m) => m.id === victimId)?.status ?? 'removed', list.members.some((m) => m.id === victimId) ? 'failed' : 'removed');
  });

  it('SIGSTOP then SIGCONT with suspicion on: suspected, then refuted as alive, never failed', async () => {
    const nodes = await group('pause', ['--suspicion', 'on', '--fail-ms', '1000', '--suspect-ms', '4000'])
      .startCluster(21110, 3);
    const sleeper = nodes[1]!;
    const id = await sleeper.id();
    const others = nodes.filter((n) => n !== sleeper);
    sleeper.signal('SIGSTOP');
    await waitFor(() => others.some((o) => firstEvent(o, 'suspect', id)), { timeoutMs: 3500, what: `a suspect of ${id}` });
    sleeper.signal('SIGCONT');
    await waitFor(() => others.every((o) => {
      const evs = o.events().filter((e) => e.member === id && (e.event === 'suspect' || e.event === 'alive'));
      return evs.length === 0 || evs.at(-1)!.event === 'alive';
    }) && others.some((o) => firstEvent(o, 'alive', id)), { timeoutMs: 4000, what: `${id} refuted as alive` });
    for (const o of others) assert.equal(firstEvent(o, 'fail', id), undefined, `${o.address} failed ${id}`);
  });

  it('leave: peers record leave, not fail', async () => {
    const nodes = await group('leave', ['--cleanup-ms', '1500']).startCluster(21120, 3);
    const leaver = nodes[2]!;
    const id = await leaver.id();
    assert.deepEqual(await controlRequest(leaver.address, 'leave', [], {}), { self: id, left: true });
    const others = nodes.filter((n) => n !== leaver);
    await waitFor(() => others.every((o) => firstEvent(o, 'leave', id) && firstEvent(o, 'remove', id)),
      { timeoutMs: 6000, what: `leave and remove of ${id}` });
    for (const o of others) assert.equal(firstEvent(o, 'fail', id), undefined);
    assert.equal(firstEvent(leaver, 'stop', id)?.reason, 'leave');
  });

  it('restart on the same port: the new version joins, the old id fails and is removed', async () => {
    const g = group('restart', ['--cleanup-ms', '1500']);
    const nodes = await g.startCluster(21130, 3);
    const old = nodes[2]!;
    const oldId = await old.id();
    old.signal('SIGKILL');
    await old.exited;
    const fresh = g.start(old.port, { join: 21130 });
    const newId = await fresh.id();
    assert.notEqual(newId, oldId);
    assert.ok(Number(newId.split('@')[1]) > Number(oldId.split('@')[1]), 'versions increase');
    const others = nodes.filter((n) => n !== old);
    await waitFor(() => others.every((o) => firstEvent(o, 'join', newId) && firstEvent(o, 'fail', oldId) && firstEvent(o, 'remove', oldId)),
      { timeoutMs: 8000, what: `join of ${newId}, fail and remove of ${oldId}` });
    // The restarted process appended to the same log file.
    assert.deepEqual(fresh.events().filter((e) => e.event === 'start').map((e) => e.member), [oldId, newId]);
  });

  it('introducer killed: detection still works, and a join reports the error clearly', async () => {
    const g = group('intro');
    const nodes = await g.startCluster(21140, 4);
    const [intro, a, b, c] = nodes as [NodeProcess, NodeProcess, NodeProcess, NodeProcess];
    intro.signal('SIGKILL');
    const victimId = await c.id();
    c.signal('SIGKILL');
    const killedAt = Date.now();
    const latencies = await failDetections([a, b], victimId, killedAt, 8000);
    assert.ok(Math.max(...latencies) <= 6000, `detection ${latencies.join(', ')} ms`);
    const late = g.start(21144, { join: 21140, args: ['--join-timeout', '1'] });
    const { code } = await late.exited;
    assert.notEqual(code, 0);
    assert.match(late.stderr.at(-1)!, /^hearsay: cannot join through 127\.0\.0\.1:21140: .*connection refused.*gave up after \d+ attempt/);
    assert.ok(late.stderr.slice(0, -1).every((l) => /^join attempt \d+ failed/.test(l)), late.stderr.join('\n'));
    await assert.rejects(controlRequest(a.address, 'join', [], {}), /cannot join through 127\.0\.0\.1:21140/);
  });

  it('declared failed while the introducer is down: it rejoins with backoff, and SIGTERM ends it at once', async () => {
    const g = group('rejoin', ['--fail-ms', '400', '--gossip-ms', '50', '--cleanup-ms', '4000']);
    const [intro, a, b] = await g.startCluster(21150, 3) as [NodeProcess, NodeProcess, NodeProcess];
    const bId = await b.id();
    b.signal('SIGSTOP');
    await waitFor(() => firstEvent(a, 'fail', bId), { timeoutMs: 8000, what: 'a fails the paused b' });
    intro.signal('SIGKILL');
    b.signal('SIGCONT');
    // a tells b it was failed; b restarts under a new version and retries the dead introducer with backoff.
    await waitFor(() => b.stdout.some((l) => /join attempt 3 failed: .*retrying in 2\.0 s/.test(l)),
      { timeoutMs: 15_000, what: 'b in its third join backoff' });
    const signalled = Date.now();
    b.signal('SIGTERM');
    const { code } = await b.exited;
    assert.equal(code, 0);
    assert.ok(Date.now() - signalled < 1500, `exited ${Date.now() - signalled} ms after SIGTERM`);
    assert.ok(!b.stdout.some((l) => /gave up|Infinity/.test(l)), b.stdout.join('\n'));
  });
});
