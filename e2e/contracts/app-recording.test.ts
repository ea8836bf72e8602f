// The app's own recordings pass its own replay check: a session driven through every host action (node actions,
// add, drop rates for one node and for all, the suspicion switch) records files the replay loader reads with no
// skipped line, and its failures carry their cause (a kill, a pause, or none on record). A launch or attach that
// fails leaves no empty folder in logs/. A pair's recording stores its sides and bandwidth, and replay splits by the
// stored sides. Embedded nodes on ports 23400-23419, the pair's on 23430-23460.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { Host } from '../../electron/host/host.ts';
import { RecordingFiles } from '../../electron/host/recording-files.ts';
import type { Address, HostRequest } from '../../electron/host/api.ts';
import { controlRequest } from '../../node-runtime/control/client.ts';
import type { ListMemResult } from '../../node-runtime/control/commands.ts';
import { openRecording } from '../../renderer/model/replay/recording.ts';
import { pairSides } from '../../renderer/model/replay/pair-sides.ts';
import type { RecordingSource } from '../../renderer/model/replay/recording-loader.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-app-recording-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const ADDRESS = (i: number): Address => `127.0.0.1:${23400 + i}`;

/** Polls `check` until it holds, up to `ms`; fails with `what` otherwise. */
async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function statusOf(observer: Address, member: Address): Promise<string | undefined> {
  const list = await controlRequest(observer, 'list_mem', [], { timeoutMs: 1000 }) as ListMemResult;
  return list.members.find((m) => m.id.startsWith(`${member}@`))?.status;
}

function folderSources(dir: string): RecordingSource[] {
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return files.map((e) => {
    const full = path.join(e.parentPath, e.name);
    return {
      name: path.relative(dir, full),
      bytes: fs.statSync(full).size,
      stream: () => Readable.toWeb(fs.createReadStream(full)) as ReadableStream<Uint8Array>,
    };
  });
}

test('a session through every host action records what replay loads with 0 skipped lines; failures carry their cause', async () => {
  const logsDir = path.join(tmp, 'session');
  const host = new Host({ logsDir, recordings: new RecordingFiles({ cwd: tmp, logsDir }) });
  try {
    const ask = (request: HostRequest): Promise<unknown> => host.request(request);
    const { session } = await host.request({
      type: 'launch',
      options: {
        nodes: 4, mode: 'embedded', suspicion: false, dropRate: 0, basePort: 23400,
        timings: { gossipIntervalMs: 50, failTimeoutMs: 400, suspectTimeoutMs: 300, cleanupTimeoutMs: 3000 },
      },
    });
    const all = [0, 1, 2, 3].map(ADDRESS);
    await until('4 nodes alive in the introducer\'s list', 10_000, async () =>
      (await Promise.all(all.map((a) => statusOf(ADDRESS(0), a)))).every((s) => s === 'alive'));
    await ask({ type: 'set-suspicion', enabled: true });
    await ask({ type: 'set-drop', rate: 0.1 });
    await ask({ type: 'set-drop', rate: 0.2, address: ADDRESS(1) });
    await ask({ type: 'set-drop', rate: 0 });
    await ask({ type: 'node-action', action: 'pause', address: ADDRESS(3) });
    await until('the paused node suspected', 10_000, async () => (await statusOf(ADDRESS(0), ADDRESS(3))) === 'suspect');
    await ask({ type: 'node-action', action: 'resume', address: ADDRESS(3) });
    await ask({ type: 'node-action', action: 'kill', address: ADDRESS(2) });
    await until('the killed node failed', 10_000, async () => (await statusOf(ADDRESS(0), ADDRESS(2))) === 'failed');
    await ask({ type: 'node-action', action: 'restart', address: ADDRESS(2) });
    await ask({ type: 'node-action', action: 'leave', address: ADDRESS(1) });
    await until('the leaver left', 10_000, async () => (await statusOf(ADDRESS(0), ADDRESS(1))) === 'left');
    await ask({ type: 'add-node' });
    await ask({ type: 'set-suspicion', enabled: false });
    await ask({ type: 'set-protocol', protocol: 'ping', suspicion: true });
    await ask({ type: 'stop-cluster' });

    const recording = await openRecording(folderSources(path.join(logsDir, session)));
    assert.equal(recording.report.skippedLines, 0, recording.report.summary().join('\n'));
    assert.ok(recording.actions.length >= 12, `${recording.actions.length} actions loaded`);
    assert.deepEqual(recording.actions.filter((a) => a.action === 'set-protocol').map((a) => [a.protocol, a.value]), [['ping', true]]);
    const killed = recording.failures.filter((f) => f.address === ADDRESS(2));
    assert.equal(killed[0]?.cause, 'kill');
    assert.ok(killed[0]!.firstTs! - killed[0]!.fromTs < 5000, 'measured from the kill');
    // Measured from a recorded cause, or (none on record) only as a spread: never from an old join.
    for (const f of recording.failures) {
      if (f.cause === 'fail') assert.equal(f.fromTs, f.firstTs);
    }
  } finally {
    await host.close();
  }
});

test('a launch or an attach that fails leaves no recording folder', async () => {
  const logsDir = path.join(tmp, 'failed');
  const host = new Host({ logsDir, recordings: new RecordingFiles({ cwd: tmp, logsDir }) });
  try {
    // Nobody listens there: the attach is refused.
    await assert.rejects(host.request({ type: 'attach', address: ADDRESS(19) }));
    const busy = await import('node:dgram').then((dgram) => dgram.createSocket('udp4'));
    await new Promise<void>((resolve) => busy.bind(23418, '127.0.0.1', resolve));
    try {
      await assert.rejects(host.request({
        type: 'launch', options: { nodes: 1, mode: 'embedded', suspicion: false, dropRate: 0, basePort: 23418 },
      }));
    } finally {
      busy.close();
    }
    assert.deepEqual(fs.existsSync(logsDir) ? fs.readdirSync(logsDir) : [], []);
  } finally {
    await host.close();
  }
});

test('a pair recording stores each node\'s side and bandwidth samples; replay splits by the stored side', async () => {
  const logsDir = path.join(tmp, 'pair');
  fs.mkdirSync(logsDir);
  const host = new Host({ logsDir, recordings: new RecordingFiles({ cwd: tmp, logsDir }), firstNodePort: 23430 });
  let nodes: { address: Address; group?: number }[] = [];
  try {
    ({ nodes } = await host.request({ type: 'launch-pair', options: [
      { nodes: 3, mode: 'embedded', suspicion: false, dropRate: 0 },
      { nodes: 3, mode: 'embedded', suspicion: true, dropRate: 0 },
    ] }));
    // Long enough for two stats samples of every node (one every 2 s is recorded).
    const session = fs.readdirSync(logsDir)[0]!;
    await until('two bandwidth samples per node', 20_000, async () => {
      const file = path.join(logsDir, session, 'stats.jsonl');
      return fs.existsSync(file) && fs.readFileSync(file, 'utf8').split('\n').length > 2 * nodes.length;
    });
    await host.request({ type: 'pair-action', action: 'kill', index: 1 });
    await host.request({ type: 'pair-partition', from: 0, to: 0 });
    await host.request({ type: 'heal' });
  } finally {
    await host.close();
  }
  const session = fs.readdirSync(logsDir)[0]!;
  const recording = await openRecording(folderSources(path.join(logsDir, session)));
  assert.equal(recording.report.skippedLines, 0, recording.report.summary().join('\n'));
  assert.deepEqual(recording.actions.map((a) => a.action), ['kill', 'kill', 'partition', 'heal']);
  const stored = (g: number) => nodes.filter((n) => n.group === g).map((n) => n.address);
  assert.deepEqual([...recording.sides].filter(([, g]) => g === 0).map(([a]) => a), stored(0));
  assert.deepEqual([...recording.sides].filter(([, g]) => g === 1).map(([a]) => a), stored(1));
  assert.deepEqual(pairSides(recording.columns, recording.interner, recording.sides)?.map((s) => [...s]), [stored(0), stored(1)]);
  // Bandwidth for both sides: every node has samples with bytes out.
  for (const n of nodes) assert.ok((recording.stats.get(n.address)?.out.some((b) => b > 0)), `${n.address} has bandwidth samples`);
});
