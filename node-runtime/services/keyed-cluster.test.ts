// A keyed cluster (docs/protocol.md "Security"): embedded nodes on loopback sharing a key. Forged, unkeyed and
// other-cluster input is counted and dropped; the key rotates (install, use, remove) without a false failure.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import dgram from 'node:dgram';
import { after, describe, it } from 'node:test';
import { controlRequest } from '../control/client.ts';
import type { MembershipNode, MembershipNodeOptions } from '../node/membership-node.ts';
import { waitFor } from '../node/testing/wait-for.ts';
import { encodeGossip } from '../protocol/codec.ts';
import type { MembershipEvent } from '../protocol/events.ts';
import { formatMemberId } from '../protocol/member-id.ts';
import { requestLine } from '../transport/request-line.ts';
import { generateKey, keyFingerprint, Keyring, parseKey } from '../transport/keyring.ts';
import { UDP_AAD } from '../transport/udp-transport.ts';
import { UserError } from '../user-error.ts';
import { HEARSAY_BIN } from '../cli/spawn-node.ts';
import { startNode } from './node-services.ts';

const run = promisify(execFile);

const FAST = { gossipIntervalMs: 50, failTimeoutMs: 400, suspectTimeoutMs: 600, cleanupTimeoutMs: 1000, introducerProbeMs: 200 };
const started: MembershipNode[] = [];
after(async () => { await Promise.all(started.map((n) => n.stop())); });

async function cluster(base: number, n: number, key: string, opts: Partial<MembershipNodeOptions> = {}): Promise<MembershipNode[]> {
  const nodes: MembershipNode[] = [];
  for (let i = 0; i < n; i++) {
    const node = await startNode({
      host: '127.0.0.1', port: base + i, config: FAST, seed: base + i, keyring: new Keyring([parseKey(key)]),
      ...(i > 0 ? { join: `127.0.0.1:${base}` } : {}), ...opts,
    });
    started.push(node);
    nodes.push(node);
  }
  await waitFor(() => nodes.every((node) => node.members().filter((m) => m.status === 'alive').length === n),
    { timeoutMs: 5000, what: 'the keyed cluster to converge' });
  return nodes;
}

/** Resolves once every node has heard every other's heartbeat advance `rounds` times: gossip flows. */
async function gossipFlows(nodes: MembershipNode[], rounds: number): Promise<void> {
  const beats = (node: MembershipNode) => new Map(node.members().map((m) => [m.id, m.heartbeat]));
  const before = nodes.map(beats);
  await waitFor(() => nodes.every((node, i) => node.members().every((m) => m.heartbeat >= (before[i]!.get(m.id) ?? 0) + rounds)),
    { timeoutMs: 5000, what: `${rounds} heartbeat rounds everywhere` });
}

describe('keyed cluster', () => {
  it('forged, unkeyed and other-cluster datagrams and hellos are counted and dropped, all of them', async () => {
    const key = generateKey();
    const nodes = await cluster(21500, 3, key);
    const target = nodes[0]!;
    const before = target.stats();
    const phantom = { id: formatMemberId('127.0.0.1', 21599, 1), host: '127.0.0.1', port: 21599, version: 1 };
    const valid = encodeGossip({
      kind: 'gossip', sender: phantom, mode: { family: 'gossip', enabled: false, epoch: 0, tie: 0 },
      entries: [{ ...phantom, heartbeat: 1, incarnation: 0, status: 'alive' }],
    });
    const otherCluster = new Keyring([parseKey(generateKey())]);
    const sameKey = new Keyring([parseKey(key)]);
    const datagrams: Uint8Array[] = [];
    for (let i = 0; i < 100; i++) {
      datagrams.push(crypto.randomBytes(1 + (i % 200)));           // forged: random bytes
      datagrams.push(valid);                                        // unkeyed: a valid packet, not sealed
      datagrams.push(otherCluster.seal(valid, UDP_AAD));            // replayed from another cluster
      const box = Buffer.from(sameKey.seal(valid, UDP_AAD));
      box[box.length - 1 - (i % 16)]! ^= 1 << (i % 8);              // forged: a sealed packet with a bit flipped
      datagrams.push(box);
    }
    const socket = dgram.createSocket('udp4');
    try {
      // In batches that fit the receive buffer (~256 small datagrams): the node shares this test's event loop.
      for (let at = 0; at < datagrams.length; at += 50) {
        for (const d of datagrams.slice(at, at + 50)) await new Promise<void>((resolve) => socket.send(d, 21500, '127.0.0.1', () => resolve()));
        await waitFor(() => target.stats().unauthenticated - before.unauthenticated >= Math.min(at + 50, datagrams.length),
          { timeoutMs: 5000, what: `forged datagrams ${at}..${at + 50} counted` });
      }
    } finally {
      socket.close();
    }
    assert.equal(target.stats().unauthenticated - before.unauthenticated, datagrams.length);
    assert.equal(target.stats().malformed, before.malformed, 'none reached the core');
    for (const node of nodes) assert.ok(!node.members().some((m) => m.id === phantom.id), 'the phantom was never admitted');

    // TCP: an unsealed join, ctl without the key, ctl with another cluster's key; an unkeyed node cannot join.
    const tcpBefore = target.stats().unauthenticated;
    assert.deepEqual(await requestLine('127.0.0.1:21500', { v: 1, type: 'join', id: phantom.id }, 2000),
      { ok: false, error: 'this node requires authenticated hellos (start the client with the cluster key)' });
    await assert.rejects(controlRequest('127.0.0.1:21500', 'leave'), (e) => e instanceof UserError && e.code === 'refused');
    await assert.rejects(controlRequest('127.0.0.1:21500', 'leave', [], { keyring: otherCluster }),
      (e) => e instanceof UserError && /authentication failed/.test(e.message));
    await assert.rejects(startNode({ host: '127.0.0.1', port: 21510, join: '127.0.0.1:21500', joinTimeoutMs: 0, config: FAST }),
      (e) => e instanceof UserError && e.code === 'refused');
    assert.equal(target.stats().unauthenticated - tcpBefore, 4);
    assert.equal(target.hasLeft(), false);
    assert.deepEqual(await controlRequest('127.0.0.1:21500', 'list_self', [], { keyring: sameKey }).then((r) => (r as { left: boolean }).left), false);
  });

  it('rotates the key (install everywhere, use everywhere, remove the old) without a false failure', async () => {
    const oldKey = generateKey();
    const newKey = generateKey();
    const nodes = await cluster(21520, 4, oldKey);
    const events: MembershipEvent[] = [];
    for (const node of nodes) node.on('event', (e) => events.push(e));
    // Each step as an operator runs it: `hearsay keys …` on every live member, authenticated with a key they hold.
    const everywhere = async (args: string[], key: string): Promise<string> => {
      const { stdout } = await run(process.execPath, [HEARSAY_BIN, 'keys', ...args, '--via', nodes[0]!.address],
        { env: { ...process.env, HEARSAY_KEY: key }, timeout: 30_000 });
      await gossipFlows(nodes, 3);
      return stdout;
    };
    await everywhere(['install', newKey], oldKey);
    await everywhere(['use', newKey], oldKey);
    await everywhere(['remove', oldKey], newKey);
    const listed = await everywhere(['list'], newKey);
    assert.equal(listed.trim().split('\n').length, 4);
    assert.ok(listed.trim().split('\n').every((l) => l.endsWith(`  ${keyFingerprint(parseKey(newKey))}*`)), listed);
    for (const node of nodes) {
      assert.deepEqual(node.keyring()!.list().keys.length, 1);
      assert.equal(node.stats().unauthenticated, 0);
      assert.ok(node.members().every((m) => m.status === 'alive'));
    }
    assert.deepEqual(events.filter((e) => e.event !== 'join'), [], 'no fail, suspect or restart during the rotation');
    // The old key now opens nothing.
    await assert.rejects(controlRequest(nodes[0]!.address, 'list_mem', [], { keyring: new Keyring([parseKey(oldKey)]) }), UserError);
  });
});
