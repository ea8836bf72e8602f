// Side by side (ports 24500-24599): two hearsay clusters — suspicion off and on — under one fault schedule. One pair
// kill hits the k-th node of each at the same moment, both detections reach the stream, and the recording holds both.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClusterNode, LaunchOptions } from './api.ts';
import { Host } from './host.ts';
import { HostStream } from './host-stream.test-support.ts';
import { RecordingFiles } from './recording-files.ts';
import { iptablesUsable } from './iptables-faults.ts';
import { serfInstalled } from '../../node-runtime/serf/serf-agent.ts';

/** The first `k` nodes of a side and the rest logged each other failed (a failed member may be gone from a list
 *  by now: its `fail` event counts). */
function failedAcross(s: HostStream, nodes: readonly ClusterNode[], k: number): boolean {
  const failed = new Set(s.events.filter((e) => e.event === 'fail').map((e) => `${e.node} ${e.member}`));
  const [a, b] = [nodes.slice(0, k), nodes.slice(k)];
  return [[a, b], [b, a]].every(([xs, ys]) => xs!.every((o) => ys!.every((m) => failed.has(`${o.id} ${m.id}`))));
}

/** Launches a pair and waits until each side lists all its nodes alive; `side(g)` and `converged(g)` follow the stream. */
async function launchPair(host: Host, s: HostStream, options: [LaunchOptions, LaunchOptions]) {
  await host.request({ type: 'launch-pair', options });
  const side = (g: number) => s.nodes.filter((n) => n.group === g);
  const converged = (g: number): boolean => side(g).every((o) => side(g).every((m) => o === m || s.status(o.id!, m.id!) === 'alive'));
  await s.waitFor('both sides converged', 30_000, () => side(0).length === options[0].nodes && side(1).length === options[1].nodes && converged(0) && converged(1));
  return { side, converged };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-pair-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('two hearsay clusters side by side: one pair kill, both detections, one recording', async () => {
  const host = new Host({ logsDir: tmp, recordings: new RecordingFiles({ cwd: tmp, logsDir: tmp }), firstNodePort: 24500 });
  const s = new HostStream(host);
  try {
    const { nodes } = await host.request({ type: 'launch-pair', options: [
      { nodes: 4, mode: 'embedded', suspicion: false, dropRate: 0 },
      { nodes: 4, mode: 'embedded', suspicion: true, dropRate: 0 },
    ] });
    assert.deepEqual(nodes.map((n) => n.group), [0, 0, 0, 0, 1, 1, 1, 1]);
    const side = (g: number) => s.nodes.filter((n) => n.group === g);
    const converged = (g: number): boolean => side(g).every((o) => side(g).every((m) => o === m || s.status(o.id!, m.id!) === 'alive'));
    await s.waitFor('both sides converged', 20_000, () => side(0).length === 4 && side(1).length === 4 && converged(0) && converged(1));
    // Neither side ever lists a member of the other.
    for (const [o, m] of [[0, 1], [1, 0]] as const) {
      for (const a of side(o)) for (const b of side(m)) assert.equal(s.status(a.id!, b.id!), undefined);
    }
    const { nodes: hit } = await host.request({ type: 'pair-action', action: 'kill', index: 2 });
    assert.deepEqual(hit.map((n) => [n.group, n.state]), [[0, 'killed'], [1, 'killed']]);
    const victims = [side(0)[2]!, side(1)[2]!];
    for (const [g, v] of victims.entries()) {
      await s.waitFor(`side ${g}: ${v.address} failed by its 3 peers`, 15_000,
        () => side(g).filter((o) => o.address !== v.address).every((o) => s.status(o.id!, v.id!) === 'failed'))
        .catch((err: Error) => { throw new Error(`${err.message}: ${side(g).map((o) => `${o.address} ${o.state} ${s.status(o.id!, v.id!)}`).join(', ')}`); });
    }
    // One kill stamp for both, so both latencies are measured from the same instant.
    const kills = s.actions.filter((a) => a.action === 'kill');
    assert.equal(kills.length, 2);
    assert.equal(kills[0]!.ts, kills[1]!.ts);
    // The same drop rate for both.
    await host.request({ type: 'set-drop', rate: 0.1 });
  } finally {
    s.unsubscribe();
    await host.close();
  }
  // One recording (complete once the host closed it) with both sides' logs and the schedule.
  const session = fs.readdirSync(tmp).find((d) => d.endsWith('-pair'))!;
  const actions = fs.readFileSync(path.join(tmp, session, 'actions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string });
  assert.deepEqual(actions.map((a) => a.action), ['kill', 'kill', 'set-drop']);
  assert.equal(fs.readdirSync(path.join(tmp, session)).filter((d) => d.startsWith('127.0.0.1_')).length, 8);
});

test('a pair partition cuts the same launch positions off on both sides at once; heal reconverges both', async () => {
  const host = new Host({ logsDir: tmp, recordings: new RecordingFiles({ cwd: tmp, logsDir: tmp }), firstNodePort: 24550 });
  const s = new HostStream(host);
  try {
    const { side, converged } = await launchPair(host, s, [
      { nodes: 4, mode: 'embedded', suspicion: false, dropRate: 0 },
      { nodes: 4, mode: 'embedded', suspicion: true, dropRate: 0 },
    ]);
    const { side: cut } = await host.request({ type: 'pair-partition', from: 0, to: 1 });
    assert.deepEqual(cut, [...side(0).slice(0, 2), ...side(1).slice(0, 2)].map((n) => n.address));
    // On each side, each half fails the other half (and only that: the other cluster stays unknown).
    const halvesFail = (g: number): boolean => failedAcross(s, side(g), 2);
    await s.waitFor('each side\'s halves failed each other', 30_000, () => halvesFail(0) && halvesFail(1));
    for (const a of side(0)) for (const b of side(1)) assert.equal(s.status(a.id!, b.id!), undefined);
    await host.request({ type: 'heal' });
    // A failed member rejoins under a new version; reconverged: every running node lists every other's current id alive.
    await s.waitFor('both sides reconverged after heal', 40_000, () => converged(0) && converged(1));
    const recorded = s.actions.filter((a) => a.action === 'partition' || a.action === 'heal');
    assert.deepEqual(recorded.map((a) => [a.action, a.side?.length]), [['partition', 4], ['heal', undefined]]);
  } finally {
    s.unsubscribe();
    await host.close();
  }
});

test('hearsay vs Serf: a pair partition and a drop rate reach Serf through iptables as root, or are refused in one line', { skip: serfInstalled() ? false : 'no serf binary' }, async () => {
  const host = new Host({ logsDir: tmp, recordings: new RecordingFiles({ cwd: tmp, logsDir: tmp }), firstNodePort: 24520 });
  const s = new HostStream(host);
  const root = iptablesUsable();
  const rules = (): string => (root ? spawnSync('iptables', ['-w', '-S'], { encoding: 'utf8' }).stdout : '');
  try {
    const { side } = await launchPair(host, s, [
      { nodes: 3, mode: 'embedded', suspicion: true, dropRate: 0 },
      { nodes: 3, mode: 'serf', suspicion: true, dropRate: 0 },
    ]);
    const { side: cut } = await host.request({ type: 'pair-partition', from: 0, to: 0 });
    const halvesFail = (g: number): boolean => failedAcross(s, side(g), 1);
    if (root) {
      assert.deepEqual(cut, [side(0)[0]!.address, side(1)[0]!.address]);
      assert.match(rules(), /HSNET/);
      await s.waitFor('each side\'s halves failed each other (Serf through iptables)', 40_000, () => halvesFail(0) && halvesFail(1));
      await host.request({ type: 'heal' });
      assert.doesNotMatch(rules(), /HSNET/, 'heal removes every rule');
      // One drop rate for both sides: the hearsay nodes' own, the Serf agents' through iptables; a heal keeps it.
      await host.request({ type: 'set-drop', rate: 0.05 });
      const drops = (): number => rules().match(/-m statistic .* -j DROP/g)?.length ?? 0;
      assert.equal(drops(), 3, rules());
      await host.request({ type: 'pair-partition', from: 1, to: 2 });
      assert.match(rules(), /multiport/);
      await host.request({ type: 'heal' });
      assert.doesNotMatch(rules(), /multiport/, 'heal lifts the cut');
      assert.equal(drops(), 3, 'a heal keeps the drop rate');
    } else {
      await assert.rejects(host.request({ type: 'set-drop', rate: 0.05 }), /needs root/);
      assert.deepEqual(cut, [side(0)[0]!.address], 'only the hearsay side is cut');
      const notices = s.messages.flatMap((m) => (m.type === 'notice' ? [m.message] : []));
      assert.deepEqual(notices.filter((m) => m.includes('root')), ['right side (serf) not cut: partitioning Serf agents needs root (iptables)']);
      await s.waitFor('the hearsay side\'s halves failed each other', 30_000, () => halvesFail(0));
    }
  } finally {
    s.unsubscribe();
    await host.close();
  }
  assert.doesNotMatch(rules(), /HSNET/, 'stopping the pair leaves no rule behind');
});
