// Side by side (ports 24500-24599): two hearsay clusters — suspicion off and on — under one fault schedule. One pair
// kill hits the k-th node of each at the same moment, both detections reach the stream, and the recording holds both.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Host } from './host.ts';
import { HostStream } from './host-stream.test-support.ts';
import { RecordingFiles } from './recording-files.ts';

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
