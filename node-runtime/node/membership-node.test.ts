// MembershipNode embedded in this process (as the app's host runs it): real UDP/TCP on loopback, fast timings.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { UserError } from '../user-error.ts';
import { controlRequest, subscribe } from '../control/client.ts';
import type { StreamMessage } from '../control/client.ts';
import { runCommand } from '../control/commands.ts';
import type { ListMemResult, MemoryResult } from '../control/commands.ts';
import { logFileName } from '../log/jsonl-log.ts';
import { readLog } from '../log/read-log.ts';
import type { MembershipEvent } from '../protocol/events.ts';
import type { Trace } from '../protocol/trace.ts';
import type { MembershipNode } from './membership-node.ts';
import { startNode } from '../services/node-services.ts';
import type { MembershipNodeOptions } from './membership-node.ts';
import { waitFor } from './testing/wait-for.ts';
import { phantomGossip } from './testing/udp-fuzz.ts';
import { requestPushPull } from './tcp-push-pull.ts';
import { formatMemberId } from '../protocol/member-id.ts';

const FAST = { gossipIntervalMs: 50, failTimeoutMs: 300, suspectTimeoutMs: 600, cleanupTimeoutMs: 1000, introducerProbeMs: 200 };
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-node-'));
const started: MembershipNode[] = [];
after(async () => {
  await Promise.all(started.map((n) => n.stop()));
  fs.rmSync(logDir, { recursive: true, force: true });
});

async function start(port: number, opts: Partial<MembershipNodeOptions> = {}): Promise<MembershipNode> {
  const node = await startNode({ host: '127.0.0.1', port, logDir, config: FAST, seed: port, ...opts });
  started.push(node);
  return node;
}

function statusIn(node: MembershipNode, id: string): string | undefined {
  return node.members().find((m) => m.id === id)?.status;
}

function logOf(port: number): MembershipEvent[] {
  return readLog(path.join(logDir, logFileName(`127.0.0.1:${port}`))).events;
}

/** The introducer sends to a joiner only once the joiner's first datagram has proved its address (member-list.ts
 *  `confirmed`): wait for that gossip to arrive. */
function heardFromIntroducer(node: MembershipNode): Promise<unknown> {
  return waitFor(() => node.stats().bytesIn > 0, { timeoutMs: 3000, what: 'gossip from the introducer' });
}

describe('MembershipNode (embedded)', () => {
  it('joins, answers commands with the documented shapes, and streams events to subscribers', async () => {
    const intro = await start(21200);
    const seen: MembershipEvent[] = [];
    intro.on('event', (e) => seen.push(e));
    const node = await start(21201, { join: intro.address });
    await waitFor(() => statusIn(intro, node.id) === 'alive' && statusIn(node, intro.id) === 'alive', { timeoutMs: 3000, what: 'join' });
    assert.ok(seen.some((e) => e.event === 'join' && e.member === node.id));
    await heardFromIntroducer(node);

    const list = await runCommand(node, 'list_mem', []) as ListMemResult;
    assert.equal(list.self, node.id);
    assert.deepEqual(Object.keys(list.members[0]!).sort(), ['address', 'heartbeat', 'id', 'incarnation', 'status']);
    assert.deepEqual(await controlRequest(node.address, 'list_mem', [], {}).then((r) => (r as ListMemResult).self), node.id);
    assert.deepEqual(await runCommand(node, 'drop', ['10%']), { dropRate: 0.1 });
    assert.deepEqual(await runCommand(node, 'drop', ['0']), { dropRate: 0 });
    await assert.rejects(runCommand(node, 'drop', ['2']), UserError);
    await assert.rejects(runCommand(node, 'nope', []), /unknown command 'nope'/);
    await assert.rejects(runCommand(node, 'switch', ['gossip']), /usage: switch gossip\|ping suspect\|nosuspect/);
    assert.deepEqual(await runCommand(node, 'switch', ['gossip', 'suspect']), { protocol: 'gossip+suspect', family: 'gossip', suspicion: true, epoch: 1 });
    assert.deepEqual(await runCommand(node, 'switch', ['ping', 'suspect']), { protocol: 'ping+suspect', family: 'ping', suspicion: true, epoch: 2 });
    await waitFor(() => intro.suspicion().enabled && intro.mode().family === 'ping', { timeoutMs: 2000, what: 'the switch to spread' });
    await runCommand(node, 'disable_sus', []);
    const self = await runCommand(node, 'list_self', []) as Record<string, unknown>;
    assert.equal(self.id, node.id);
    assert.equal(self.introducer, intro.address);
    const bw = await runCommand(node, 'bandwidth', []) as Record<string, number>;
    assert.ok(bw.bytesOutPerSec! > 0 && bw.bytesInPerSec! > 0, JSON.stringify(bw));
    const memory = await runCommand(node, 'memory', []) as MemoryResult;
    assert.ok(memory.heapUsed > 0 && memory.rss >= memory.heapUsed, JSON.stringify(memory));
    assert.deepEqual({ members: memory.footprint.members, ring: memory.footprint.ring }, { members: 2, ring: 2 });
    // A full GC on request only where node was started to allow it (the soak's nodes are).
    if ((globalThis as { gc?: unknown }).gc === undefined) await assert.rejects(runCommand(node, 'memory', ['gc']), /--expose-gc/);
    else assert.equal((await runCommand(node, 'memory', ['gc']) as MemoryResult).collected, true);

    const messages: StreamMessage[] = [];
    const sub = subscribe(intro.address, { onMessage: (m) => messages.push(m) });
    await waitFor(() => messages.some((m) => m.type === 'stats'), { timeoutMs: 3000, what: 'stats on the stream' });
    assert.equal(messages[0]!.type === 'hello' && messages[0]!.self, intro.id);
    node.crash();
    await waitFor(() => messages.some((m) => m.type === 'event' && m.event === 'fail' && m.member === node.id),
      { timeoutMs: 3000, what: 'fail on the stream' });
    sub.close();
    // A crash leaves no stop line behind; the log keeps what was written.
    assert.equal(logOf(21201).filter((e) => e.event === 'stop').length, 0);
    assert.ok(logOf(21201).some((e) => e.event === 'start'));
  });

  it('pause → suspected, resume → refuted; stop logs stop and no leave', async () => {
    const intro = await start(21210, { suspicion: true });
    const node = await start(21211, { join: intro.address, suspicion: true });
    await waitFor(() => statusIn(intro, node.id) === 'alive', { timeoutMs: 3000, what: 'join' });
    await heardFromIntroducer(node);
    node.pause();
    await waitFor(() => statusIn(intro, node.id) === 'suspect', { timeoutMs: 3000, what: 'suspect' });
    node.resume();
    await waitFor(() => statusIn(intro, node.id) === 'alive', { timeoutMs: 3000, what: 'refutation' });
    assert.ok(node.stats().dropped > 0, 'datagrams received while paused are counted as dropped');
    const id = node.id;
    await node.stop();
    assert.equal(node.state, 'stopped');
    const last = logOf(21211).at(-1)!;
    assert.deepEqual([last.event, last.member, last.reason], ['stop', id, 'shutdown']);
    await waitFor(() => statusIn(intro, id) === 'suspect' || statusIn(intro, id) === 'failed', { timeoutMs: 3000, what: 'detection after stop' });
    assert.equal(logOf(21210).some((e) => e.event === 'leave' && e.member === id), false);
  });

  it('a tick woken late reads the datagrams that arrived meanwhile first: an ack in time needs no ping-req', async () => {
    // Ping timings (probe 500 ms, ping-req after 200 ms). Each time an ack to A leaves, the loop is held 300 ms with
    // the ack already in A's socket: A's timer then fires 100 ms past the ping-req step while the ack waits to be read.
    const ping = { family: 'ping', suspicion: true, config: {} } as const;
    const a = await start(21280, ping);
    const b = await start(21281, { ...ping, join: a.address });
    const c = await start(21282, { ...ping, join: a.address });
    const ids = [a.id, b.id, c.id];
    await waitFor(() => [a, b, c].every((n) => ids.every((id) => id === n.id || statusIn(n, id) === 'alive')), { timeoutMs: 5000, what: 'all three see all three' });
    const pingReqs: string[] = [];
    a.on('trace', (t) => { if (t.type === 'send' && t.kind === 'ping-req') pingReqs.push(t.to); });
    let held = 0;
    const hold = (t: Trace): void => {
      if (t.type !== 'send' || t.kind !== 'ack' || t.to !== a.address || held >= 5) return;
      held++;
      // After the send has left (dgram sends on a later tick of this turn), before the next turn's timers.
      setImmediate(() => {
        const until = performance.now() + 300;
        while (performance.now() < until) { /* the loop is held, as by 1,000 busy neighbours */ }
      });
    };
    b.on('trace', hold);
    c.on('trace', hold);
    await waitFor(() => held >= 5, { timeoutMs: 10_000, what: 'five held acks' });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the last held probe's ping-req step is past
    assert.deepEqual(pingReqs, []);
  });

  it('declared failed by the group: logs stop and rejoins under a new version', async () => {
    // Without suspicion, a long pause makes both sides fail each other; whichever first hears that it was declared
    // failed (the paused node, or the introducer through the paused node's introducer probe — see the report to
    // the protocol owner) must end that member and rejoin as a new version.
    const intro = await start(21220);
    const node = await start(21221, { join: intro.address });
    await waitFor(() => statusIn(intro, node.id) === 'alive', { timeoutMs: 3000, what: 'join' });
    const before = [intro.id, node.id];
    const notices: string[] = [];
    for (const n of [intro, node]) n.on('notice', (line) => notices.push(line));
    node.pause();
    await waitFor(() => statusIn(intro, before[1]!) === 'failed', { timeoutMs: 3000, what: 'fail while paused' });
    node.resume();
    await waitFor(() => (intro.id !== before[0] || node.id !== before[1])
      && statusIn(intro, node.id) === 'alive' && statusIn(node, intro.id) === 'alive',
    { timeoutMs: 5000, what: 'a rejoin as a new version' });
    const [reborn, port] = intro.id !== before[0] ? [intro, 21220] : [node, 21221];
    const oldId = before[reborn === intro ? 0 : 1]!;
    assert.ok(notices.some((l) => l.includes(`${oldId} declared failed by the group: restarted as ${reborn.id}`)), notices.join('\n'));
    const stops = logOf(port).filter((e) => e.event === 'stop' && e.member === oldId);
    assert.deepEqual(stops.map((e) => e.reason), ['declared failed by the group']);
    // Who told it: the other one (a failed-notice, or the failed entry in an introducer probe), named in the log and
    // the notice, so a restart can be traced to its cause.
    const teller = before[reborn === intro ? 1 : 0]!;
    assert.deepEqual(stops.map((e) => e.via), [teller]);
    assert.ok(notices.some((l) => l.includes(`from ${teller})`)), notices.join('\n'));
    assert.ok(logOf(port).some((e) => e.event === 'start' && e.member === reborn.id));
  });

  it('leave, then join again as a new version', async () => {
    const intro = await start(21230);
    const node = await start(21231, { join: intro.address });
    await waitFor(() => statusIn(intro, node.id) === 'alive', { timeoutMs: 3000, what: 'join' });
    const oldId = node.id;
    await node.leave();
    await waitFor(() => statusIn(intro, oldId) === 'left', { timeoutMs: 3000, what: 'leave' });
    const result = await runCommand(node, 'join', []) as { self: string };
    assert.notEqual(result.self, oldId);
    await waitFor(() => statusIn(intro, result.self) === 'alive', { timeoutMs: 3000, what: 'rejoin' });
    await assert.rejects(runCommand(intro, 'join', []), /this node is the introducer/);
  });

  it('a log that stops (disk full) shows in bandwidth as logError; the node goes on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-full-'));
    try {
      // Every write to /dev/full fails with ENOSPC, as a full disk would.
      fs.symlinkSync('/dev/full', path.join(dir, logFileName('127.0.0.1:21260')));
      const node = await start(21260, { logDir: dir });
      await waitFor(() => node.stats().logError !== null, { timeoutMs: 3000, what: 'logError' });
      const bw = await runCommand(node, 'bandwidth', []) as { logError: string; sendErrors: number };
      assert.match(bw.logError, /ENOSPC/);
      assert.equal(bw.sendErrors, 0);
      assert.equal(node.state, 'running');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('phantoms from one sender past the log limit: their lines are not written (nor printed, nor streamed to a person), but counted and summed up', async () => {
    const node = await start(21290, { config: { ...FAST, logNewMembersBurst: 10, logNewMembersPerSecond: 5 } });
    const notices: string[] = [];
    node.on('notice', (line) => notices.push(line));
    // A person's stream (`hearsay cluster`): the console's lines and notices, not every event.
    const watched: StreamMessage[] = [];
    const watcher = subscribe(node.address, { lines: true, onMessage: (m) => watched.push(m) });
    after(() => watcher.close());
    await waitFor(() => watched.some((m) => m.type === 'hello'), { timeoutMs: 3000, what: 'the watcher to connect' });
    const printed: string[] = [];
    node.on('line', (e) => { if (e.member.startsWith('10.9.9.9:')) printed.push(`${e.event} ${e.member}`); });
    let streamed = 0;
    node.on('event', (e) => { if (e.member.startsWith('10.9.9.9:') && e.event === 'join') streamed++; });
    const stranger = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => stranger.bind(21291, '127.0.0.1', resolve));
    after(() => stranger.close());
    const sender = { host: '127.0.0.1', port: 21291, version: Date.now() - 1000 };
    const senderId = formatMemberId(sender.host, sender.port, sender.version);
    // 200 phantoms in 4 datagrams: listed (under the protocol's own limit), then timed out and removed.
    for (let d = 0; d < 4; d++) stranger.send(phantomGossip(sender, '10.9.9.9', 1000 + d * 50, 50), 21290, '127.0.0.1');
    const phantoms = () => node.members().filter((m) => m.id.startsWith('10.9.9.9:'));
    const phantomLines = () => logOf(21290).filter((e) => e.member.startsWith('10.9.9.9:'));
    // The log is written on a later turn (jsonl-log.ts): wait for it to hold the fail of each join it wrote too.
    const logged = (kind: string) => phantomLines().filter((e) => e.event === kind).length;
    await waitFor(() => phantoms().length === 200 && phantoms().every((m) => m.status === 'failed') && notices.some((l) => l.includes('not written')) &&
      logged('join') > 0 && logged('fail') >= logged('join'),
    { timeoutMs: 10_000, what: 'the phantoms to be timed out, logged, and the held-back lines summed up' });
    const lines = phantomLines();
    const joined = new Set(lines.filter((e) => e.event === 'join').map((e) => e.member));
    // The burst and what the rate refilled meanwhile; each written join has its fail, the others no line at all.
    assert.ok(joined.size >= 10 && joined.size <= 20, `${joined.size} joins written`);
    assert.deepEqual(new Set(lines.map((e) => e.member)), joined);
    assert.equal(lines.filter((e) => e.event === 'fail').length, joined.size);
    // The console gets exactly the log's lines; the event stream (the view) gets every member.
    assert.deepEqual(printed, lines.map((e) => `${e.event} ${e.member}`));
    assert.equal(streamed, 200);
    assert.ok(node.stats().logSuppressed >= 2 * (200 - joined.size), `${node.stats().logSuppressed} held back`);
    assert.ok(notices.some((l) => l.includes(`member(s) new from ${senderId} not written`)), notices.join('\n'));
    // The person's stream shows what the console shows, and the summing-up notice.
    await waitFor(() => watched.some((m) => m.type === 'notice' && m.message.includes(`new from ${senderId} not written`)),
      { timeoutMs: 3000, what: 'the notice on the lines stream' });
    const streamedLines = watched.flatMap((m) => (m.type === 'event' && m.member.startsWith('10.9.9.9:') ? [`${m.event} ${m.member}`] : []));
    assert.deepEqual(streamedLines, printed.slice(0, streamedLines.length));
    assert.ok(streamedLines.filter((l) => l.startsWith('join ')).length === joined.size, `${streamedLines.length} phantom lines streamed`);
  });

  it('a push-pull list naming a non-member among members: the node merges the members and counts the rest (one parse per id, in the core)', async () => {
    const node = await start(21295, { family: 'ping' });
    const good = formatMemberId('127.0.0.1', 21296, Date.now() - 1000);
    const entry = (id: string) => ({ id, heartbeat: 0, incarnation: 0, status: 'alive' as const });
    const before = node.stats().limits.implausible;
    const reply = await requestPushPull(node.address, {
      members: [entry(good), entry('not a member'), entry('127.0.0.1:021296@1')], mode: { family: 'ping', suspicion: false, epoch: 0 },
    }, 3000);
    assert.ok(reply.members.some((m) => m.id === node.id), 'answered with its own list');
    assert.ok(statusIn(node, good) !== undefined, 'the member merged');
    assert.equal(node.members().length, 2);
    assert.equal(node.stats().limits.implausible - before, 2);
  });

  it('names a busy UDP or TCP port', async () => {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(21240, '127.0.0.1', resolve));
    try {
      await assert.rejects(start(21240), (e: Error) => e instanceof UserError && e.code === 'busy' &&
        e.message === 'port 21240 is busy: 127.0.0.1:21240 (UDP) is already in use');
    } finally {
      udp.close();
    }
    await start(21241);
    await assert.rejects(start(21241), (e: Error) => e instanceof UserError && e.code === 'busy' && /21241 \(TCP\) is already in use/.test(e.message));
  });

  it('gives up on an unreachable introducer with one clear error, after visible retries', async () => {
    const retries: number[] = [];
    await assert.rejects(
      start(21250, { join: '127.0.0.1:21259', joinTimeoutMs: 700, onJoinRetry: (r) => retries.push(r.attempt) }),
      (e: Error) => e instanceof UserError && e.code === 'unreachable' &&
        /^cannot join through 127\.0\.0\.1:21259: connection refused/.test(e.message),
    );
    assert.ok(retries.length >= 1);
    assert.equal(logOf(21250).at(-1)?.event, 'stop');
  });
  it('partition cuts a node off both ways (counted, traced), heal reconverges; via names who told whom', async () => {
    const intro = await start(21270);
    const b = await start(21271, { join: intro.address });
    const c = await start(21272, { join: intro.address });
    const others = (n: MembershipNode) => [intro, b, c].filter((x) => x !== n);
    const converged = () => [intro, b, c].every((n) => others(n).every((o) => statusIn(n, o.id) === 'alive'));
    await waitFor(converged, { timeoutMs: 5000, what: 'three alive' });
    // b heard of c from a datagram, not over TCP: the log names the member that told it.
    assert.ok(logOf(21271).some((e) => e.event === 'join' && e.member === c.id && e.via !== undefined && [intro.id, c.id].includes(e.via)));

    const traces: StreamMessage[] = [];
    const sub = subscribe(c.address, { onMessage: (m) => m.type === 'traces' && traces.push(m), trace: true });
    after(() => sub.close());
    assert.deepEqual(await runCommand(c, 'partition', [intro.address, b.address]), { blocked: [intro.address, b.address] });
    await waitFor(() => others(c).every((o) => statusIn(c, o.id) === 'failed') && others(c).every((o) => statusIn(o, c.id) === 'failed'),
      { timeoutMs: 5000, what: 'the two sides fail each other' });
    const stats = c.stats();
    assert.ok(stats.blockedIn > 0 && stats.blockedOut > 0, JSON.stringify(stats));
    const all = traces.flatMap((m) => (m.type === 'traces' ? m.traces : []));
    assert.ok(all.some((t) => t.type === 'send' && t.from === c.address && t.dropped === 'blocked'));
    assert.ok(all.some((t) => t.type === 'drop' && t.to === c.address && t.cause === 'blocked'));

    assert.deepEqual(await runCommand(c, 'heal', []), { blocked: [] });
    await waitFor(converged, { timeoutMs: 10_000, what: 'healed: all alive again (under new versions)' });
    await assert.rejects(runCommand(c, 'partition', ['nowhere']), (e: UserError) => e.code === 'usage');
  });
});
