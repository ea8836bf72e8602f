// The protocol family from the app's side (ports 25100-25199): a launch starts its nodes in the family it names, in
// both ways the host runs nodes, and the nodes' own `display_protocol` says so; `set-protocol` switches a launched or
// an attached cluster through the nodes' own switch, the view follows what the nodes report, nobody is failed by it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { controlRequest } from '../../node-runtime/control/client.ts';
import type { ProtocolResult } from '../../node-runtime/control/commands.ts';
import { spawnNode } from '../../node-runtime/cli/spawn-node.ts';
import type { Address, LaunchOptions, ProtocolInForce } from './api.ts';
import { switchCommand } from './cluster.ts';
import type { Cluster } from './cluster.ts';
import { Host } from './host.ts';
import { parseHostRequest } from './host-request-schema.ts';
import { PairCluster } from './pair-cluster.ts';
import { HostStream } from './host-stream.test-support.ts';
import { RecordingFiles } from './recording-files.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-family-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function newHost(name: string): { host: Host; stream: HostStream } {
  const logsDir = path.join(tmp, name);
  const host = new Host({ logsDir, recordings: new RecordingFiles({ cwd: tmp, logsDir }) });
  return { host, stream: new HostStream(host) };
}

test('set-protocol: the schema takes the four configurations and nothing else; the nodes\' own switch carries it', () => {
  assert.deepEqual(parseHostRequest({ type: 'set-protocol', protocol: 'ping', suspicion: true }), { type: 'set-protocol', protocol: 'ping', suspicion: true });
  for (const bad of [{ protocol: 'swim', suspicion: true }, { protocol: 'ping' }, { suspicion: false }, { protocol: 'gossip', suspicion: 'on' },
    { protocol: 'gossip', suspicion: false, address: '127.0.0.1:1' }]) {
    assert.equal(parseHostRequest({ type: 'set-protocol', ...bad }), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(switchCommand({ family: 'ping', suspicion: true }), ['switch', ['ping', 'suspect']]);
  assert.deepEqual(switchCommand({ family: 'gossip', suspicion: false }), ['switch', ['gossip', 'nosuspect']]);
  assert.deepEqual(switchCommand({ suspicion: false }), ['disable_sus', []]);
});

test('side by side, the family stays as launched (suspicion still goes to both)', async () => {
  const told: unknown[] = [];
  const side = {
    mode: 'process', start: async () => undefined, nodes: () => [], setMode: async (change: unknown) => { told.push(change); },
  } as unknown as Cluster;
  const pair = new PairCluster(side, () => side, () => undefined);
  await pair.start();
  await assert.rejects(pair.setMode({ family: 'ping', suspicion: true }), /keeps the protocol it was launched with/);
  await pair.setMode({ suspicion: true });
  assert.deepEqual(told, [{ suspicion: true }, { suspicion: true }]);
});

async function protocols(addresses: readonly Address[]): Promise<string[]> {
  return Promise.all(addresses.map(async (a) => ((await controlRequest(a, 'display_protocol', [])) as ProtocolResult).protocol));
}

for (const [mode, basePort] of [['process', 25100], ['embedded', 25120]] as const) {
  test(`a ${mode} launch with protocol ping + suspicion starts every node in it`, async () => {
    const { host, stream } = newHost(mode);
    try {
      const options: LaunchOptions = { nodes: 3, mode, protocol: 'ping', suspicion: true, dropRate: 0, basePort };
      const r = await host.request({ type: 'launch', options });
      await stream.waitFor('3 nodes listing each other alive', 20_000, () => stream.converged(3));
      assert.deepEqual(await protocols(r.nodes.map((n) => n.address)), ['ping+suspect', 'ping+suspect', 'ping+suspect']);
    } finally {
      await host.close();
    }
  });
}

/** The protocol in force as the view has it now (the last `protocol` delta, else the snapshot's). */
function inForce(stream: HostStream): ProtocolInForce | null | undefined {
  const changes = stream.changes.flatMap((c) => (c.type === 'protocol' ? [c.protocol] : []));
  return changes.length > 0 ? changes.at(-1) : stream.snapshot?.protocol;
}

const showing = (stream: HostStream, family: string, suspicion: boolean): boolean => {
  const p = inForce(stream);
  return p?.family === family && p.suspicion === suspicion && p.settled;
};

test('set-protocol switches a launched cluster: the view shows the nodes\' mode, the action is recorded, no one failed', async () => {
  const { host, stream } = newHost('switch');
  try {
    const r = await host.request({ type: 'launch', options: { nodes: 4, mode: 'process', protocol: 'ping', suspicion: true, dropRate: 0, basePort: 25140 } });
    await stream.waitFor('4 nodes listing each other alive', 20_000, () => stream.converged(4));
    await stream.waitFor('the view showing ping + suspicion', 10_000, () => showing(stream, 'ping', true));
    const eventsBefore = stream.events.length;
    await host.request({ type: 'set-protocol', protocol: 'gossip', suspicion: false });
    await stream.waitFor('the view showing gossip, settled', 15_000, () => showing(stream, 'gossip', false));
    assert.deepEqual(await protocols(r.nodes.map((n) => n.address)), Array(4).fill('gossip+nosuspect'));
    const action = stream.actions.find((a) => a.action === 'set-protocol');
    assert.deepEqual(action && { address: action.address, protocol: action.protocol, value: action.value }, { address: '*', protocol: 'gossip', value: false });
    // Past a fail timeout in the new family, still nobody failed or suspected anyone.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = stream.events.slice(eventsBefore);
    assert.deepEqual(after.filter((e) => e.event === 'fail' || e.event === 'suspect'), []);
    assert.ok(after.filter((e) => e.event === 'protocol' && e.reason === 'gossip+nosuspect').length >= 4, 'each node logged the protocol it switched to');
    assert.ok(stream.converged(4));
  } finally {
    await host.close();
  }
});

test('an attached hearsay cluster switches too', async () => {
  const children = [0, 1, 2].map((i) => spawnNode(['--port', String(25160 + i), '--protocol', 'gossip',
    ...(i > 0 ? ['--join', '127.0.0.1:25160'] : [])]));
  const { host, stream } = newHost('attached');
  try {
    // The CLI nodes need a moment to boot: attach once the introducer lists all three.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await host.request({ type: 'attach', address: '127.0.0.1:25160' }).catch((err: unknown) => {
        if (Date.now() > deadline) throw err;
        return undefined;
      });
      if (r?.nodes.filter((n) => n.state === 'running').length === 3) break;
      if (Date.now() > deadline) throw new Error('the CLI cluster did not come up');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await stream.waitFor('3 attached nodes listing each other alive', 20_000, () => stream.converged(3));
    await host.request({ type: 'set-protocol', protocol: 'ping', suspicion: true });
    await stream.waitFor('the view showing ping + suspicion, settled', 15_000, () => showing(stream, 'ping', true));
    assert.deepEqual(await protocols(['127.0.0.1:25160', '127.0.0.1:25161', '127.0.0.1:25162']), Array(3).fill('ping+suspect'));
  } finally {
    await host.close();
    for (const c of children) c.kill('SIGKILL');
  }
});
