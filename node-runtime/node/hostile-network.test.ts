// Issue 9 against real `hearsay node` processes: a forged TCP join, a bounded UDP fuzz (random, truncated, mutated and
// valid-but-hostile datagrams) and a crash wave of half the group. The single-packet attacks one by one are in
// sim/hostile-input.test.ts; the 1M-datagram fuzz is scripts/bench-fuzz.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { controlRequest } from '../control/client.ts';
import type { BandwidthResult, ListMemResult } from '../control/commands.ts';
import { requestLine } from '../transport/request-line.ts';
import { formatMemberId } from '../protocol/member-id.ts';
import { casualties, firstEvent } from './testing/node-process.ts';
import type { NodeProcess } from './testing/node-process.ts';
import { testGroups } from './testing/test-groups.ts';
import { waitFor } from './testing/wait-for.ts';
import { bindCounting, sendFuzz, UdpFuzzer } from './testing/udp-fuzz.ts';
import { rssKiB } from './testing/rss.ts';

const sockets: { close(): void }[] = [];
const group = testGroups('hostile', () => { for (const s of sockets) s.close(); });

async function ids(nodes: NodeProcess[]): Promise<string[]> {
  return Promise.all(nodes.map((n) => n.id()));
}

async function allAlive(nodes: NodeProcess[], live: readonly string[]): Promise<boolean> {
  for (const n of nodes) {
    const list = await controlRequest(n.address, 'list_mem', [], { timeoutMs: 2000 }) as ListMemResult;
    if (!live.every((id) => list.members.some((m) => m.id === id && m.status === 'alive'))) return false;
  }
  return true;
}

describe('hostile network, real processes', { concurrency: false }, () => {
  it('a forged join (2^53 − 1, or a plausible future version) locks nobody out; the member restarts and is readmitted', async () => {
    const g = group('join');
    const nodes = await g.startCluster(21620, 4);
    const live = await ids(nodes);
    for (const version of [Number.MAX_SAFE_INTEGER, Date.now() + 120_000]) {
      const reply = await requestLine(nodes[0]!.address, { v: 1, type: 'join', id: formatMemberId('127.0.0.1', 21622, version) }, 3000);
      assert.equal((reply as { ok: boolean }).ok, true);
    }
    // A few rounds for any damage to spread, then: the real member at 21622 still in, nobody failed or restarted.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.ok(await allAlive(nodes, live));
    assert.deepEqual(casualties(nodes, live), []);
    // kill -9 and start again on the same port: a new version, readmitted by everyone.
    const victim = nodes[2]!;
    victim.signal('SIGKILL');
    await victim.exited;
    const again = g.start(21622, { join: 21620 });
    const fresh = await again.id();
    const members = [...nodes.filter((n) => n !== victim), again];
    await waitFor(() => allAlive(members, [...live.filter((id) => !id.startsWith('127.0.0.1:21622@')), fresh]),
      { timeoutMs: 8000, intervalMs: 200, what: `${fresh} readmitted everywhere` });
  });

  it('20,000 fuzz datagrams: no crash, no false failure, no restart, no reflection, bounded memory', async () => {
    // A fail timeout of 4 s: the fuzz is about values, and a machine loaded by other work must not pass for damage.
    const nodes = await group('fuzz', ['--fail-ms', '4000']).startCluster(21600, 5);
    const live = await ids(nodes);
    const trap = await bindCounting(21609);
    const fuzz = await bindCounting(21610);
    sockets.push(trap.socket, fuzz.socket);
    const rssBefore = nodes.map((n) => rssKiB(n.proc.pid!));
    const fuzzer = new UdpFuzzer({ host: '127.0.0.1', port: 21610 }, { members: live, trap: '127.0.0.1:21609' }, 9, Date.now());
    const sent = await sendFuzz(fuzz.socket, fuzzer, nodes.map((n) => n.port), 20_000);
    assert.equal(sent, 20_000);
    // Past T_fail after the last datagram: any damage would show as a fail or a restart by now.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    assert.ok(nodes.every((n) => n.running), 'every node still runs');
    assert.ok(await allAlive(nodes, live), 'every member still lists every member alive');
    assert.deepEqual(casualties(nodes, live), []);
    assert.equal(trap.received(), 0, 'nothing was sent to the phantoms\' address');
    const rssAfter = nodes.map((n) => rssKiB(n.proc.pid!));
    for (let i = 0; i < nodes.length; i++) assert.ok(rssAfter[i]! - rssBefore[i]! < 64 * 1024, `RSS ${rssBefore[i]} → ${rssAfter[i]} KiB`);
    const stats = await controlRequest(nodes[0]!.address, 'bandwidth', [], {}) as BandwidthResult;
    assert.ok(stats.malformed > 1000 && stats.limits.implausible > 100 && stats.limits.spoofed > 100, JSON.stringify(stats));
  });

  it('a crash wave of 5 of 10: every survivor fails the 5 (first ≤ 3 s, all ≤ 6 s) and never a survivor', async () => {
    const nodes = await group('wave').startCluster(21650, 10);
    const all = await ids(nodes);
    const dead = nodes.slice(5);
    const survivors = nodes.slice(0, 5);
    const killedAt = Date.now();
    for (const n of dead) n.signal('SIGKILL');
    const deadIds = all.slice(5);
    const latencies = await waitFor(() => {
      const ts = deadIds.flatMap((id) => survivors.map((s) => firstEvent(s, 'fail', id)?.ts));
      return ts.every((t) => t !== undefined) && ts.map((t) => t! - killedAt);
    }, { timeoutMs: 10_000, what: 'every survivor to fail every crashed node' });
    for (let k = 0; k < deadIds.length; k++) {
      const mine = latencies.slice(k * 5, k * 5 + 5);
      assert.ok(Math.min(...mine) <= 3000 && Math.max(...mine) <= 6000, `${deadIds[k]}: ${mine.join(', ')} ms`);
    }
    assert.deepEqual(casualties(survivors, all.slice(0, 5)), []);
  });
});
