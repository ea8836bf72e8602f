import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DemoHostApi } from './demo-host-api.ts';
import { LiveStore } from '../model/live-store.ts';
import { followView } from './follow-view.ts';

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a demo cluster (the real core, simulated network) converges, and a kill spreads to every running observer', async (t) => {
  const demo = new DemoHostApi();
  t.after(() => demo.close());
  const store = new LiveStore();
  followView({ request: (r) => demo.request(r), subscribe: (l) => demo.subscribe((m) => { l(m); store.drain(() => 0, 1e9); }) }, store);
  await demo.request({ type: 'launch', options: { nodes: 5, mode: 'embedded', suspicion: false, dropRate: 0, timings: { gossipIntervalMs: 20, failTimeoutMs: 100, cleanupTimeoutMs: 5000 } } });
  const id = (i: number) => store.nodes[i]!.id!;
  await until(() => store.nodes.every((n) => n.state === 'running') && store.nodes.every((n) => store.state.majority(n.id!) === 'alive'), 5000);
  await demo.request({ type: 'node-action', action: 'kill', address: store.nodes[2]!.address });
  await until(() => store.state.tally(id(2)).failed === 4, 5000);
  assert.equal(store.state.majority(id(2)), 'failed');
  await until(() => store.latency.recent()[0]?.allMs !== undefined, 2000);
  // The real protocol: an observer fails it T_fail after it last heard a heartbeat, which was at most a few gossip
  // rounds (of 20 ms) before the kill.
  const { firstMs, allMs } = store.latency.recent()[0]!;
  assert.ok(firstMs! >= 100 - 3 * 20 && allMs! <= 100 + 10 * 20, `first ${firstMs} ms, all ${allMs} ms`);
});

test('a late subscriber gets a snapshot that shows what the first one folded', async (t) => {
  const demo = new DemoHostApi();
  t.after(() => demo.close());
  const early = new LiveStore();
  followView(demo, early);
  const settle = (): void => { early.drain(() => 0, 1e9); };
  await demo.request({ type: 'launch', options: { nodes: 4, mode: 'embedded', suspicion: false, dropRate: 0, timings: { gossipIntervalMs: 20, failTimeoutMs: 100, cleanupTimeoutMs: 5000 } } });
  await until(() => { settle(); return early.nodes.length === 4 && early.nodes.every((n) => n.state === 'running' && early.state.tally(n.id!).alive === 3); }, 5000);
  await demo.request({ type: 'node-action', action: 'kill', address: early.nodes[1]!.address });
  await until(() => { settle(); return early.state.tally(early.nodes[1]!.id!).failed === 3; }, 5000);
  const late = new LiveStore();
  const stop = followView(demo, late);
  late.drain(() => 0, 1e9);
  stop();
  settle();
  const sorted = (store: LiveStore, id: string) => store.state.listOf(id).sort((a, b) => a.member.localeCompare(b.member));
  for (const n of early.nodes) {
    assert.deepEqual(sorted(late, n.id!), sorted(early, n.id!), `the list of ${n.id}`);
    assert.equal(late.state.isRunning(n.id!), early.state.isRunning(n.id!));
  }
  assert.deepEqual(late.nodes, early.nodes);
});
