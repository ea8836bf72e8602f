// Real `hearsay node` processes in ping mode (SWIM + Lifeguard) and a run-time switch between the families: kill -9
// is detected everywhere, a SIGSTOP/SIGCONT is refuted, and switching under traffic fails nobody.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { controlRequest } from '../control/client.ts';
import { firstEvent } from './testing/node-process.ts';
import type { NodeProcess } from './testing/node-process.ts';
import { testGroups } from './testing/test-groups.ts';
import { waitFor } from './testing/wait-for.ts';

const group = testGroups('swim');

const fails = (nodes: NodeProcess[]): string[] =>
  nodes.flatMap((n) => n.events().filter((e) => e.event === 'fail' || e.event === 'stop').map((e) => `${e.node} ${e.event} ${e.member} ${e.reason ?? ''}`));

describe('SWIM nodes as processes', { concurrency: false }, () => {
  it('ping + suspicion: kill -9 is failed by every member', async () => {
    const nodes = await group('kill', ['--protocol', 'ping', '--suspicion', 'on']).startCluster(21700, 4);
    const victim = nodes[3]!;
    const id = await victim.id();
    victim.signal('SIGKILL');
    const observers = nodes.filter((n) => n !== victim);
    // Lifeguard's longest suspicion here is 12 s (6 × 4 probe intervals); confirmations bring it down to ~2 s.
    await waitFor(() => observers.every((o) => firstEvent(o, 'fail', id)), { timeoutMs: 25_000, what: `every member to fail ${id}` });
    assert.ok(observers.some((o) => firstEvent(o, 'suspect', id)?.reason === 'probe'), 'a prober suspected it first');
  });

  it('ping + suspicion: SIGSTOP then SIGCONT is suspected, then refuted, never failed', async () => {
    const nodes = await group('pause', ['--protocol', 'ping', '--suspicion', 'on']).startCluster(21710, 3);
    const sleeper = nodes[1]!;
    const id = await sleeper.id();
    const others = nodes.filter((n) => n !== sleeper);
    sleeper.signal('SIGSTOP');
    await waitFor(() => others.some((o) => firstEvent(o, 'suspect', id)), { timeoutMs: 8000, what: `a suspect of ${id}` });
    sleeper.signal('SIGCONT');
    await waitFor(() => others.every((o) => {
      const evs = o.events().filter((e) => e.member === id && (e.event === 'suspect' || e.event === 'alive'));
      return evs.length === 0 || evs.at(-1)!.event === 'alive';
    }), { timeoutMs: 8000, what: `${id} refuted as alive` });
    assert.deepEqual(fails(nodes), []);
  });

  it('switch gossip → ping suspect → gossip nosuspect under traffic: spreads to all, fails nobody', async () => {
    const nodes = await group('switch').startCluster(21720, 4);
    const modeOf = async (n: NodeProcess) => (await controlRequest(n.address, 'display_protocol', [], {}) as { protocol: string }).protocol;
    for (const [family, suspicion] of [['ping', 'suspect'], ['gossip', 'nosuspect'], ['ping', 'nosuspect']] as const) {
      await controlRequest(nodes[1]!.address, 'switch', [family, suspicion], {});
      await waitFor(async () => (await Promise.all(nodes.map(modeOf))).every((p) => p === `${family}+${suspicion}`),
        { timeoutMs: 5000, what: `every node in ${family}+${suspicion}` });
      // A few seconds in the new mode: longer than T_fail of the mode left.
      await new Promise((resolve) => setTimeout(resolve, 2500));
    }
    assert.deepEqual(fails(nodes), []);
    assert.ok(nodes.every((n) => n.events().some((e) => e.event === 'protocol' && e.reason === 'ping+nosuspect')), 'each log records the switch');
  });
});
