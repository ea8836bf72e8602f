// The host core with real nodes on loopback (ports 23000-23299): process clusters (kill, pause/resume, restart,
// add), an embedded cluster of 20, attaching to a cluster started with the CLI, the recording each leaves, and no
// orphan nodes when the host itself is killed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnNode } from '../../node-runtime/cli/spawn-node.ts';
import { controlRequest } from '../../node-runtime/control/client.ts';
import { generateKey } from '../../node-runtime/transport/keyring.ts';
import { Host } from './host.ts';
import { HostStream } from './host-stream.test-support.ts';
import { ACTIONS_FILE } from './recorder.ts';
import { RecordingFiles } from './recording-files.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-host-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function newHost(name: string): { host: Host; stream: HostStream; logsDir: string } {
  const logsDir = path.join(tmp, name);
  const host = new Host({ logsDir, recordings: new RecordingFiles({ cwd: tmp, logsDir }) });
  return { host, stream: new HostStream(host), logsDir };
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('process cluster', () => {
  const { host, stream, logsDir } = newHost('process');
  let session = '';
  const pids: number[] = [];
  after(async () => {
    await host.close();
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  test('launches 4 nodes that all join', async () => {
    const r = await host.request({
      type: 'launch',
      options: { nodes: 4, mode: 'process', suspicion: true, dropRate: 0, basePort: 23000, timings: { suspectTimeoutMs: 3000 } },
    });
    session = r.session;
    assert.deepEqual(r.nodes.map((n) => n.address), ['127.0.0.1:23000', '127.0.0.1:23001', '127.0.0.1:23002', '127.0.0.1:23003']);
    for (const n of r.nodes) {
      assert.equal(n.state, 'running');
      assert.ok(n.pid && alive(n.pid));
      pids.push(n.pid);
    }
    await stream.waitFor('4 nodes listing each other alive', 15_000, () => stream.converged(4));
    const progress = stream.changes.flatMap((c) => (c.type === 'progress' ? [c.progress] : []));
    assert.ok(progress.some((p) => p?.total === 4), 'start-up progress was reported');
    assert.equal(progress.at(-1), null, 'and cleared when every node runs');
    assert.equal(stream.gaps, 0);
  });

  test('kill: every other node fails the victim, and the stream carries it', async () => {
    const victim = stream.nodes.find((n) => n.address === '127.0.0.1:23002')!;
    const { node } = await host.request({ type: 'node-action', action: 'kill', address: victim.address });
    assert.equal(node.state, 'killed');
    assert.ok(!alive(victim.pid));
    const others = stream.runningIds(victim.address);
    assert.equal(others.length, 3);
    await stream.waitFor('3 fail events about the victim', 12_000,
      () => others.every((o) => stream.events.some((e) => e.node === o && e.member === victim.id && e.event === 'fail')));
  });

  test('pause with suspicion on: suspected, then alive again after resume', async () => {
    const target = stream.nodes.find((n) => n.address === '127.0.0.1:23001')!;
    const others = stream.runningIds(target.address);
    const { node } = await host.request({ type: 'node-action', action: 'pause', address: target.address });
    assert.equal(node.state, 'paused');
    await stream.waitFor('the paused node suspected by the others', 6000,
      () => others.every((o) => stream.status(o, target.id!) === 'suspect'));
    await host.request({ type: 'node-action', action: 'resume', address: target.address });
    await stream.waitFor('the resumed node alive again for the others', 6000,
      () => others.every((o) => stream.status(o, target.id!) === 'alive'));
  });

  test('restart: a new process on the same port under a new id; add: the next port', async () => {
    const old = stream.nodes.find((n) => n.address === '127.0.0.1:23002')!;
    const { node } = await host.request({ type: 'node-action', action: 'restart', address: old.address });
    assert.equal(node.address, old.address);
    assert.equal(node.state, 'running');
    assert.ok(node.id && node.id !== old.id, `new id ${node.id} after ${old.id}`);
    pids.push(node.pid!);
    const added = (await host.request({ type: 'add-node' })).node;
    assert.equal(added.address, '127.0.0.1:23004');
    pids.push(added.pid!);
    await stream.waitFor('5 running nodes listing each other alive', 15_000, () => stream.converged(5));
    assert.equal(stream.nodes.find((n) => n.address === old.address)?.id, node.id, 'the view has the new id');
    assert.equal(stream.lists.get(old.id!)?.size ?? 0, 0, 'the old run lists no one any more');
  });

  test('a subscriber that comes late gets a snapshot that is the stream so far, folded', async () => {
    const late = new HostStream(host);
    late.unsubscribe();
    assert.equal(late.snapshot?.session, session);
    assert.deepEqual(late.nodes, stream.nodes);
    for (const id of stream.runningIds()) assert.deepEqual(late.lists.get(id), stream.lists.get(id), `the list of ${id}`);
    assert.equal(stream.gaps, 0);
  });

  test('the session is recorded: node logs and actions.jsonl', async () => {
    await host.request({ type: 'stop-cluster' });
    assert.ok(pids.every((pid) => !alive(pid)), 'every node process is gone');
    const dir = path.join(logsDir, session);
    const actions = fs.readFileSync(path.join(dir, ACTIONS_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string });
    assert.deepEqual(actions.map((a) => a.action), ['kill', 'pause', 'resume', 'restart', 'add']);
    const log = path.join(dir, '127.0.0.1_23002', '127.0.0.1_23002.jsonl');
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { node: string; event: string });
    assert.equal(new Set(lines.filter((l) => l.event === 'start').map((l) => l.node)).size, 2, 'two runs in one file');
    const { recordings } = await host.request({ type: 'list-recordings' });
    const recording = recordings.find((r) => r.path.endsWith(session))!;
    assert.ok(recording.files.some((f) => f.name === ACTIONS_FILE));
    assert.ok(recording.files.some((f) => f.name === '127.0.0.1_23004/127.0.0.1_23004.jsonl'));
  });
});

describe('embedded cluster', () => {
  const { host, stream } = newHost('embedded');
  after(() => host.close());

  test('20 nodes in this process all join; a crash is failed by all the others', async () => {
    const r = await host.request({ type: 'launch', options: { nodes: 20, mode: 'embedded', suspicion: false, dropRate: 0, basePort: 23100 } });
    assert.equal(r.nodes.length, 20);
    assert.ok(r.nodes.every((n) => n.state === 'running' && n.pid === undefined));
    await stream.waitFor('20 nodes listing each other alive', 20_000, () => stream.converged(20));
    const victim = stream.nodes[7]!;
    await host.request({ type: 'node-action', action: 'kill', address: victim.address });
    const others = stream.runningIds(victim.address);
    assert.equal(others.length, 19);
    await stream.waitFor('19 observers failing the crashed node', 10_000,
      () => others.every((o) => stream.events.some((e) => e.node === o && e.member === victim.id && e.event === 'fail')));
    const { node } = await host.request({ type: 'node-action', action: 'restart', address: victim.address });
    assert.notEqual(node.id, victim.id);
  });
});

describe('attach', () => {
  const { host, stream, logsDir } = newHost('attach');
  const children: ChildProcess[] = [];
  const cliLogs = path.join(tmp, 'cli-cluster');
  const start = (port: number, join?: string): ChildProcess => {
    const child = spawnNode(['--port', String(port), '--log-dir', cliLogs, ...(join ? ['--join', join] : [])]);
    children.push(child);
    return child;
  };
  before(() => {
    start(23200);
  });
  after(async () => {
    await host.close();
    for (const child of children) child.kill('SIGKILL');
  });

  test('follows a cluster started with the CLI: its members, a new joiner, a crash, a leave', async () => {
    for (const port of [23201, 23202]) start(port, '127.0.0.1:23200');
    // The CLI nodes need a moment to boot; attach when the introducer lists all three.
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const r = await host.request({ type: 'attach', address: '127.0.0.1:23200' });
        if (r.nodes.filter((n) => n.state === 'running').length === 3) break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error('the CLI cluster did not come up');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(stream.nodes.every((n) => !n.managed));
    await stream.waitFor('3 attached nodes listing each other alive', 10_000, () => stream.converged(3));

    start(23203, '127.0.0.1:23200');
    await stream.waitFor('the new joiner followed', 15_000, () => stream.converged(4));

    const victim = stream.nodes.find((n) => n.address === '127.0.0.1:23201')!;
    await assert.rejects(host.request({ type: 'node-action', action: 'kill', address: victim.address }), /not launched by this app/);
    children[1]!.kill('SIGKILL');
    const others = stream.runningIds(victim.address);
    await stream.waitFor('the crash failed by the 3 others', 12_000,
      () => others.every((o) => stream.events.some((e) => e.node === o && e.member === victim.id && e.event === 'fail')));

    const leaver = stream.nodes.find((n) => n.address === '127.0.0.1:23202')!;
    await host.request({ type: 'node-action', action: 'leave', address: leaver.address });
    await stream.waitFor('the leave recorded by the others', 8000,
      () => stream.runningIds(leaver.address).every((o) => stream.status(o, leaver.id!) === 'left'));

    // The attached session is recorded from the stream: one file per observer.
    const session = fs.readdirSync(logsDir).sort().pop();
    await host.request({ type: 'stop-cluster' });
    const observerFile = path.join(logsDir, session!, '127.0.0.1_23200', '127.0.0.1_23200.jsonl');
    assert.match(fs.readFileSync(observerFile, 'utf8'), /"event":"leave"/);
    assert.ok(children.slice(2).every((c) => c.exitCode === null), 'detaching leaves the nodes running');
  });
});

describe('a host that dies', () => {
  test('takes its process nodes with it (stdin pipe), even when killed with SIGKILL', async (t) => {
    const script = `
      import { Host } from ${JSON.stringify(new URL('./host.ts', import.meta.url).href)};
      import { RecordingFiles } from ${JSON.stringify(new URL('./recording-files.ts', import.meta.url).href)};
      const logsDir = ${JSON.stringify(path.join(tmp, 'dying'))};
      const host = new Host({ logsDir, recordings: new RecordingFiles({ cwd: logsDir, logsDir }) });
      const r = await host.request({ type: 'launch', options: { nodes: 2, mode: 'process', suspicion: false, dropRate: 0, basePort: 23250 } });
      process.stdout.write(JSON.stringify(r.nodes.map((n) => n.pid)) + '\\n');
      setInterval(() => {}, 1000);`;
    const hostProcess = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => hostProcess.kill('SIGKILL'));
    const pids = await new Promise<number[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the host did not launch within 20 s')), 20_000);
      hostProcess.stdout.setEncoding('utf8').once('data', (line: string) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as number[]);
      });
    });
    t.after(() => { for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL'); });
    assert.equal(pids.length, 2);
    assert.ok(pids.every(alive));
    hostProcess.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(!pids.some(alive), 'no node outlives its host');
  });
});

describe('keyed cluster', () => {
  const launcher = newHost('keyed');
  const attacher = newHost('keyed-attach');
  after(async () => {
    await attacher.host.close();
    await launcher.host.close();
  });

  test('a launch with a key runs a keyed cluster; attach needs the key', async () => {
    const key = generateKey();
    const r = await launcher.host.request({
      type: 'launch', options: { nodes: 3, mode: 'process', suspicion: false, dropRate: 0, basePort: 23270, key },
    });
    assert.ok(r.nodes.every((n) => n.state === 'running'));
    await launcher.stream.waitFor('3 keyed nodes listing each other alive', 15_000, () => launcher.stream.converged(3));
    await assert.rejects(controlRequest('127.0.0.1:23270', 'list_mem'), /requires authenticated hellos/);
    await assert.rejects(attacher.host.request({ type: 'attach', address: '127.0.0.1:23270' }), /requires authenticated hellos/);
    const attached = await attacher.host.request({ type: 'attach', address: '127.0.0.1:23270', key });
    assert.equal(attached.nodes.length, 3);
    await attacher.stream.waitFor('the attached view converged', 10_000, () => attacher.stream.converged(3));
  });
});
