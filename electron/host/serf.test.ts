// Serf agents as observers (ports 24400-24499): a launched Serf cluster and attached agents, against Debian's real
// serf. Every row must show a killed agent failed within Serf's own bound (node-runtime/protocol/serf-bounds.ts).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { failureDetectionBoundMs } from '../../node-runtime/protocol/serf-bounds.ts';
import { SerfRpc } from '../../node-runtime/serf/rpc-client.ts';
import type { SerfRpcError } from '../../node-runtime/serf/rpc-client.ts';
import { serfInstalled, startSerfAgent } from '../../node-runtime/serf/serf-agent.ts';
import type { SerfAgent } from '../../node-runtime/serf/serf-agent.ts';
import type { NodeStats } from './api.ts';
import { Host } from './host.ts';
import { iptablesUsable } from './iptables-faults.ts';
import { HostStream } from './host-stream.test-support.ts';
import { RecordingFiles } from './recording-files.ts';

const skip = serfInstalled() ? false : 'no serf binary (apt-get install serf)';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-serf-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function newHost(): Host {
  return new Host({ logsDir: tmp, recordings: new RecordingFiles({ cwd: tmp, logsDir: tmp }), firstNodePort: 24400 });
}

/** What each running row says of `victim` (for a failure's message). */
function rowsOf(s: HostStream, victim: string, victimAddress: string): string {
  return s.runningIds(victimAddress).map((o) => `${o}: ${s.status(o, victim)}`).join(', ');
}

/** Every running row lists `victim` failed, checked against the host's own stream. */
function failedEverywhere(s: HostStream, victim: string, victimAddress: string): boolean {
  const rows = s.runningIds(victimAddress);
  return rows.length > 0 && rows.every((o) => s.status(o, victim) === 'failed');
}

test('launch 5 Serf agents, kill one: every other row shows it failed within Serf\'s own bound', { skip }, async () => {
  const host = newHost();
  const s = new HostStream(host);
  try {
    const { nodes } = await host.request({ type: 'launch', options: { nodes: 5, mode: 'serf', suspicion: true, dropRate: 0 } });
    assert.equal(nodes.length, 5);
    assert.ok(nodes.every((n) => n.kind === 'serf' && n.managed));
    await s.waitFor('5 agents to see each other', 30_000, () => s.converged(5));
    const victim = s.nodes[3]!;
    const killedAt = Date.now();
    await host.request({ type: 'node-action', action: 'kill', address: victim.address });
    const bound = failureDetectionBoundMs('local', 5);
    await s.waitFor(`${victim.address} failed in every row within ${bound} ms`, bound + 5000, () => failedEverywhere(s, victim.id!, victim.address))
      .catch((err: Error) => { throw new Error(`${err.message}; rows: ${rowsOf(s, victim.id!, victim.address)}`); });
    const latency = Date.now() - killedAt;
    assert.ok(latency <= bound, `detected by all after ${latency} ms, Serf's bound ${bound} ms`);
    // The recording holds the rows as JSONL (Serf's own text logs beside them as serf-agent.out) and the kill.
    const session = fs.readdirSync(tmp).find((d) => d.endsWith('-serf'))!;
    const files = fs.readdirSync(path.join(tmp, session), { recursive: true }) as string[];
    assert.equal(files.filter((f) => f.endsWith('.jsonl') && !['actions.jsonl', 'stats.jsonl'].includes(f)).length, 5);
    assert.ok(files.includes('stats.jsonl'), 'the agents\' bandwidth samples');
    assert.equal(files.filter((f) => f.endsWith('serf-agent.out')).length, 5);
    // Serf's own actions on a hearsay-shaped button bar: force-leave the failed agent.
    await host.request({ type: 'node-action', action: 'force-leave', address: victim.address });
    await s.waitFor('the force-leave to show as left', 30_000, () => s.runningIds(victim.address).every((o) => s.status(o, victim.id!) === 'left' || s.status(o, victim.id!) === undefined))
      .catch((err: Error) => { throw new Error(`${err.message}; rows: ${rowsOf(s, victim.id!, victim.address)}`); });
    // A drop rate: iptables' statistic match on each running agent's gossip port as root, refused in one line otherwise.
    if (iptablesUsable()) {
      await host.request({ type: 'set-drop', rate: 0.1 });
      const rules = (): string => spawnSync('iptables', ['-w', '-S'], { encoding: 'utf8' }).stdout;
      assert.equal(rules().match(/^-A HSNET\d+ .*-m statistic --mode random --probability 0\.(09|10)\d* -j DROP$/gm)?.length, 4, rules());
      await host.request({ type: 'set-drop', rate: 0 });
      assert.doesNotMatch(rules(), /HSNET/, 'a zero drop rate removes the rules');
    } else await assert.rejects(host.request({ type: 'set-drop', rate: 0.1 }), /needs root/);
    // Restart: a fresh node name, so a new member id at the same address.
    const { node } = await host.request({ type: 'node-action', action: 'restart', address: victim.address });
    assert.notEqual(node.id, victim.id);
    await s.waitFor('the restarted agent to be seen by all', 30_000, () => s.converged(5));
  } finally {
    s.unsubscribe();
    await host.close();
  }
});

test('a launched 3-agent Serf cluster reports bandwidth (memberlist\'s byte counters over statsd), each agent its own', { skip }, async () => {
  const host = newHost();
  const s = new HostStream(host);
  try {
    await host.request({ type: 'launch', options: { nodes: 3, mode: 'serf', suspicion: true, dropRate: 0 } });
    await s.waitFor('3 agents to see each other', 30_000, () => s.converged(3));
    const last = new Map<string, NodeStats>();
    const flowing = (): boolean => {
      for (const c of s.changes) if (c.type === 'stats') for (const st of c.stats) last.set(st.address, st);
      return s.nodes.every((n) => (last.get(n.address)?.bytesOutPerSec ?? 0) > 0 && (last.get(n.address)?.bytesInPerSec ?? 0) > 0);
    };
    await s.waitFor('every agent to report bytes in and out', 20_000, flowing)
      .catch((err: Error) => { throw new Error(`${err.message}: ${JSON.stringify([...last.values()])}`); });
    for (const st of last.values()) {
      assert.equal(st.malformed, 0);
      // memberlist's local profile probes once a second and gossips every 100 ms: tens of bytes to a few KB/s.
      assert.ok(st.bytesOutPerSec < 1e6, `${st.address}: ${st.bytesOutPerSec} B/s out`);
    }
  } finally {
    s.unsubscribe();
    await host.close();
  }
});

test('attach by one RPC address with the port convention; bad endpoints and a wrong key are one clear line each', { skip }, async () => {
  const agents: SerfAgent[] = [];
  const host = newHost();
  const s = new HostStream(host);
  const silent = net.createServer((c) => c.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  await new Promise<void>((resolve) => silent.listen(24499, '127.0.0.1', resolve));
  try {
    for (let i = 0; i < 4; i++) {
      agents.push(await startSerfAgent({
        host: '127.0.0.1', port: 24450 + 2 * i, name: `attach-${i}-${process.pid}`, join: i > 0 ? '127.0.0.1:24450' : undefined,
        logFile: path.join(tmp, `attach-${i}`, 'serf-agent.out'), authKey: 'sesame', ...(i === 0 && { statsdAddr: '127.0.0.1:24440' }),
      }));
    }
    // Not a Serf RPC endpoint; nothing listening; a wrong key: each rejected with its kind and one line.
    await assert.rejects(SerfRpc.connect('127.0.0.1:24499', { timeoutMs: 2000 }), (e: SerfRpcError) => e.code === 'not-serf');
    await assert.rejects(SerfRpc.connect('127.0.0.1:24498', { timeoutMs: 2000 }), (e: SerfRpcError) => e.code === 'unreachable');
    await assert.rejects(SerfRpc.connect('127.0.0.1:24451', { authKey: 'wrong' }), (e: SerfRpcError) => e.code === 'auth');
    const noKey = await SerfRpc.connect('127.0.0.1:24451');
    await assert.rejects(noKey.members(), (e: SerfRpcError) => e.code === 'auth');
    noKey.close();
    await assert.rejects(host.request({ type: 'attach-serf', options: { addresses: ['127.0.0.1:24499'] } }), /not a Serf RPC endpoint/);

    // One good address (plus a bad one, reported, not fatal) and the convention rpc = gossip + 1: all four rows.
    // The first agent's telemetry goes to an address the user names: only it has bandwidth.
    await host.request({ type: 'attach-serf', options: {
      addresses: ['127.0.0.1:24451', '127.0.0.1:24499'], rpcPortOffset: 1, authKey: 'sesame', telemetry: ['127.0.0.1:24440'],
    } });
    await s.waitFor('4 attached rows', 20_000, () => s.converged(4))
      .catch((e: Error) => { throw new Error(`${e.message}: ${JSON.stringify(s.nodes)} ${JSON.stringify(s.messages.filter((m) => m.type === 'notice'))}`); });
    const statsOf = (address: string) => s.changes.flatMap((c) => (c.type === 'stats' ? c.stats : [])).filter((st) => st.address === address);
    await s.waitFor('the first agent\'s bandwidth from its telemetry', 20_000, () => statsOf('127.0.0.1:24450').some((st) => st.bytesOutPerSec > 0));
    assert.deepEqual(['127.0.0.1:24452', '127.0.0.1:24454', '127.0.0.1:24456'].flatMap(statsOf), [], 'no figure for agents without telemetry');
    assert.ok(s.messages.some((m) => m.type === 'notice' && /24499.*not a Serf RPC endpoint/.test(m.message)));
    assert.ok(s.nodes.every((n) => !n.managed && n.kind === 'serf'));
    await assert.rejects(host.request({ type: 'node-action', action: 'kill', address: '127.0.0.1:24452' }), /leave or force-leave/);

    // An agent dies mid-stream: its row stops, one line says so, the other rows go on and see it fail.
    const victim = s.nodes.find((n) => n.address === '127.0.0.1:24454')!;
    agents[2]!.child.kill('SIGKILL');
    const bound = failureDetectionBoundMs('local', 4);
    await s.waitFor('the dead agent failed in the other rows', bound + 5000, () => failedEverywhere(s, victim.id!, victim.address));
    await s.waitFor('its row marked stopped', 5000, () => s.nodes.find((n) => n.address === victim.address)?.state === 'stopped');
    assert.ok(s.messages.some((m) => m.type === 'notice' && m.message.includes('127.0.0.1:24454')));

    // Serf lets an outsider ask an agent to leave.
    await host.request({ type: 'node-action', action: 'leave', address: '127.0.0.1:24456' });
    const leaver = s.nodes.find((n) => n.address === '127.0.0.1:24456')!;
    // Serf's leave: the agent broadcasts its intent and shuts down; a peer that misses the intent sees it fail.
    const gone = (o: string): boolean => s.status(o, leaver.id!) === 'left' || s.status(o, leaver.id!) === 'failed';
    await s.waitFor('the leave seen by the others', 30_000, () => s.runningIds(leaver.address).every(gone));
    assert.ok(s.runningIds(leaver.address).some((o) => s.status(o, leaver.id!) === 'left'), rowsOf(s, leaver.id!, leaver.address));
  } finally {
    s.unsubscribe();
    await host.close();
    silent.close();
    for (const a of agents) a.child.kill('SIGKILL');
    await Promise.all(agents.map((a) => a.exited));
  }
});
