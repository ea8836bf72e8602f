// The view contract at its source, for the embedded cluster: the host's view state (node-runtime/protocol/view-state.ts), fed only what
// the cluster reports through its sink, equals every running node's own list — member, status and incarnation — at
// every turn of the event loop, through kills, a pause, a leave, a restart, an add, 85 % drop on every node then 0
// (members fail and rejoin under new versions), a switch to ping and a partition. A list that changed without an
// event, or a slot that changed id without `update`, shows here as a difference that outlives the turn it was made in.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Address, ClusterNode, MembershipEvent } from './api.ts';
import type { ClusterSink } from './cluster.ts';
import { EmbeddedCluster } from './embedded-cluster.ts';
import { ViewState } from '../../node-runtime/protocol/view-state.ts';

const BASE_PORT = 23500;
const NODES = 8;
const CHECK_EVERY_MS = 10;
const STATUS = ['', 'alive', 'suspect', 'failed', 'left'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-embedded-truth-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The cluster's slots, to ask each node for its own list: those running or paused, but not one that has left (it
 *  logged `stop`, so it lists no one; its slot says `left` a turn later, once the leave datagrams are out). */
class Watched extends EmbeddedCluster {
  lists(): { id: string; members: () => { id: string; status: string; incarnation: number }[] }[] {
    return [...this.slots.values()].flatMap(({ node, state }) =>
      (node && (state === 'running' || state === 'paused') && !node.hasLeft() ? [{ id: node.id, members: () => node.members() }] : []));
  }
}

/** `member status@incarnation` per observer, from the view state's snapshot (what a subscriber starts from). */
function viewLists(view: ViewState): Map<string, Map<string, string>> {
  const snap = view.snapshot();
  const lists = new Map<string, Map<string, string>>();
  for (const l of snap.lists) {
    if (!l.running) continue;
    const list = new Map<string, string>();
    for (let i = 0; i < l.entries.length; i += 4) list.set(snap.ids[l.entries[i]!]!, `${STATUS[l.entries[i + 1]!]}@${l.entries[i + 2]}`);
    lists.set(snap.ids[l.observer]!, list);
  }
  return lists;
}

test('embedded cluster: the view state equals every node\'s own list at every turn, through chaos and rejoins', async () => {
  const view = new ViewState(Date.now);
  view.reset('truth', 'embedded');
  /** Failures and rebirths (a `start` that is not a snapshot's) since the drop began. */
  const since = { dropping: false, fails: 0, rebirths: 0 };
  const sink: ClusterSink = {
    events: (events: readonly MembershipEvent[]) => {
      view.apply({ type: 'events', events: [...events] });
      if (!since.dropping) return;
      since.fails += events.filter((e) => e.event === 'fail').length;
      since.rebirths += events.filter((e) => e.event === 'start' && e.reason !== 'snapshot').length;
    },
    node: (node: ClusterNode) => { view.apply({ type: 'nodes', nodes: [node] }); },
    nodeRemoved: (address: Address) => { view.apply({ type: 'nodes', nodes: [], removed: [address] }); },
    stats: () => {},
    traces: () => {},
    progress: () => {},
    error: () => {},
    malformed: () => {},
  };
  const cluster = new Watched({ nodes: NODES, mode: 'embedded', suspicion: true, dropRate: 0, basePort: BASE_PORT },
    { sink, logDir: (a) => path.join(tmp, a.replace(':', '_')), firstPort: BASE_PORT });
  const differences = new Set<string>();
  let checks = 0;
  const check = (): void => {
    checks++;
    const lists = viewLists(view);
    for (const n of cluster.lists()) {
      const own = new Map(n.members().map((m) => [m.id, `${m.status}@${m.incarnation}`]));
      const held = lists.get(n.id) ?? new Map<string, string>();
      for (const id of new Set([...own.keys(), ...held.keys()])) {
        if (own.get(id) !== held.get(id) && differences.size < 10) differences.add(`${n.id} lists ${id} ${own.get(id) ?? 'not at all'}, the view ${held.get(id) ?? 'not'}`);
      }
    }
  };
  const timer = setInterval(check, CHECK_EVERY_MS);
  const at = (i: number): Address => `127.0.0.1:${BASE_PORT + i}`;
  try {
    await cluster.start();
    await sleep(1500);
    await cluster.action('kill', at(2));
    await sleep(800);
    await cluster.action('pause', at(3));
    await sleep(1200);
    await cluster.action('resume', at(3));
    await cluster.action('leave', at(4));
    await cluster.action('restart', at(2));
    await cluster.add();
    await sleep(800);
    since.dropping = true;
    await cluster.setDrop(0.85);
    await until('a failure under 85 % drop', 15_000, () => since.fails > 0);
    await sleep(1000);
    await cluster.setDrop(0);
    // Members failed under the drop hear so once it ends, and rejoin under new versions.
    await until('a member reborn under a new version', 15_000, () => since.rebirths > 0);
    await sleep(1500);
    await cluster.setMode({ suspicion: true, family: 'ping' });
    await sleep(1500);
    await cluster.setBlocked(new Map([[at(0), [at(5), at(6)]], [at(5), [at(0)]], [at(6), [at(0)]]]));
    await sleep(2000);
    await cluster.setBlocked(new Map());
    await sleep(1500);
  } finally {
    clearInterval(timer);
    await cluster.stop();
  }
  assert.deepEqual([...differences], []);
  assert.ok(checks > 200, `${checks} checks`);
});

/** Resolves once `cond` holds (polled); rejects naming `what` at the deadline. */
async function until(what: string, timeoutMs: number, cond: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
