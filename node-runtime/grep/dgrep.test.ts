// dgrep end to end against real `hearsay node` processes on loopback, each serving its own log directory: the
// answer equals GNU grep's on every node, dead and silent nodes are named, and a heavy query never makes a node
// falsely fail.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { HEARSAY_BIN } from '../cli/spawn-node.ts';
import { NodeGroup } from '../node/testing/node-process.ts';
import type { NodeProcess } from '../node/testing/node-process.ts';
import { dgrep } from './dgrep.ts';
import type { DgrepReport } from './dgrep.ts';
import { renderText } from './dgrep-output.ts';
import { PLANTED, writeClusterLogs, writeMachineLog } from './gen-logs.ts';
import { linesOf, localGrep } from './testing/local-grep.ts';

const BASE = 22200;
const N = 4;
const logRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'dgrep-it-'));
const groups: NodeGroup[] = [];
let nodes: NodeProcess[] = [];

before(async () => {
  writeClusterLogs({ dir: path.join(logRoot, 'a'), nodes: N, host: '127.0.0.1', basePort: BASE, sizeBytes: 1_500_000, seed: 3 });
  const group = new NodeGroup(path.join(logRoot, 'a'), ['--suspicion', 'off']);
  groups.push(group);
  nodes = await group.startCluster(BASE, N);
});

after(async () => {
  await Promise.all(groups.map((g) => g.killAll()));
  fs.rmSync(logRoot, { recursive: true, force: true });
});

async function query(args: string[], opts: { via?: string; timeoutMs?: number; output?: Writable } = {}):
  Promise<{ out: string; report: DgrepReport }> {
  const chunks: Buffer[] = [];
  const output = opts.output ?? new PassThrough().on('data', (c: Buffer) => chunks.push(c));
  const report = await dgrep(opts.via ?? nodes[0]!.address, { args, timeoutMs: opts.timeoutMs ?? 15_000, output, render: renderText });
  return { out: Buffer.concat(chunks).toString('latin1'), report };
}



describe('dgrep over a cluster of node processes', { concurrency: false }, () => {
  const cases: [string, string[]][] = [
    ['rare, in one node', ['-F', PLANTED.rare]],
    ['somewhat frequent, in some nodes', [PLANTED.somewhat]],
    ['frequent, in all nodes', [PLANTED.frequent]],
    ['a regex', ['-E', '"(PUT|DELETE) /api/[a-z]+/[0-9]*7 ']],
    ['-v', ['-v', '-e', 'GET', '-e', 'sshd']],
    ['-i', ['-i', 'post /API/checkout']],
    ['-c', ['-c', PLANTED.frequent]],
    ['-c -v -i', ['-c', '-v', '-i', 'mozilla']],
    ['the membership logs', ['"event":"join"']],
  ];
  for (const [name, args] of cases) {
    it(`equals GNU grep on every node: ${name}`, async () => {
      const { out, report } = await query(args);
      assert.deepEqual(report.nodes.map((n) => n.address), nodes.map((n) => n.address));
      let lines = 0;
      for (const node of nodes) {
        const expected = localGrep(node.logDir, node.address, args);
        assert.equal(linesOf(out, node.address), expected, node.address);
        lines += expected === '' ? 0 : expected.split('\n').length - 1;
      }
      assert.equal(out.split('\n').length - 1, lines, 'nothing else printed');
      assert.ok(report.nodes.every((n) => n.ok));
    });
  }

  it('the command prints lines on stdout, counts on stderr, and exits as grep', async () => {
    const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => new Promise((resolve) => {
      execFile(process.execPath, [HEARSAY_BIN, 'dgrep', '--via', nodes[1]!.address, ...args], { timeout: 20_000, maxBuffer: 1 << 26 },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }));
    });
    const counted = await run(['-c', PLANTED.rare]);
    assert.equal(counted.code, 0);
    // grep's per-file counts, then each node's count and the total (stdout: the counts are the answer with -c).
    for (const node of nodes) {
      const perFile = localGrep(node.logDir, node.address, ['-c', PLANTED.rare]);
      const sum = perFile.split('\n').filter(Boolean).reduce((s, l) => s + Number(l.slice(l.lastIndexOf(':') + 1)), 0);
      assert.equal(linesOf(counted.stdout, node.address), `${perFile}${node.address} total:${sum}\n`);
    }
    assert.match(counted.stdout, /\ntotal:5\n$/);
    assert.match(counted.stderr, /-- total: 5 lines from 4 of 4 nodes/);
    const none = await run(['no such line anywhere']);
    assert.deepEqual([none.code, none.stdout], [1, '']);
    const refused = await run(['-f', '/etc/passwd']);
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, 'hearsay: refused: -f reads patterns from a file; dgrep searches only each node\'s log directory\n');
    const json = await run(['--json', '-F', PLANTED.rare]);
    const records = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; count?: number });
    assert.deepEqual(records.map((r) => r.type), [...Array<string>(5).fill('line'), ...Array<string>(N).fill('node'), 'total']);
    assert.equal(records.at(-1)!.count, 5);
  });

  it('a heavy query over 4 × 20 MB makes no node falsely fail', async () => {
    for (const node of nodes) {
      writeMachineLog(path.join(node.logDir, 'big.log'), { index: node.port, sizeBytes: 20_000_000, seed: 5, rare: false, somewhat: true });
    }
    const discard = (): Writable => new Writable({ write: (_c, _e, done) => done() });
    const started = Date.now();
    for (let round = 0; round < 2; round++) {
      assert.equal((await query([PLANTED.frequent], { output: discard(), timeoutMs: 60_000 })).report.exitCode, 0);
      assert.equal((await query(['-c', '-i', '-E', 'mozilla.*(chrome|firefox)'], { output: discard(), timeoutMs: 60_000 })).report.exitCode, 0);
    }
    const heavyMs = Date.now() - started;
    const fails = await query(['"event":"fail"']);
    assert.equal(fails.report.exitCode, 1, `fail events during ${heavyMs} ms of heavy queries:\n${fails.out}`);
    for (const node of nodes) assert.deepEqual(node.events().filter((e) => e.event === 'fail' || e.event === 'suspect'), []);
  });
});

describe('dgrep with nodes down', () => {
  it('a killed node and a stopped node are named with a reason; the rest answer within the deadline', async () => {
    const root = path.join(logRoot, 'b');
    writeClusterLogs({ dir: root, nodes: 4, host: '127.0.0.1', basePort: BASE + 10, sizeBytes: 200_000, seed: 4 });
    const group = new NodeGroup(root, ['--suspicion', 'off', '--fail-ms', '30000', '--cleanup-ms', '30000']);
    groups.push(group);
    const [via, alive, killed, stopped] = await group.startCluster(BASE + 10, 4);
    killed!.signal('SIGKILL');
    await killed!.exited;
    stopped!.signal('SIGSTOP');
    const started = Date.now();
    const { out, report } = await query([PLANTED.frequent], { via: via!.address, timeoutMs: 2000 });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 3500, `returned after ${elapsed} ms`);
    assert.equal(report.exitCode, 2);
    const byAddress = new Map(report.nodes.map((n) => [n.address, n]));
    assert.match(byAddress.get(killed!.address)!.reason!, /refused/);
    assert.match(byAddress.get(stopped!.address)!.reason!, /no answer before the deadline/);
    for (const node of [via!, alive!]) {
      assert.equal(byAddress.get(node.address)!.ok, true);
      assert.equal(linesOf(out, node.address), localGrep(node.logDir, node.address, [PLANTED.frequent]));
    }
    stopped!.signal('SIGCONT');
  });
});
