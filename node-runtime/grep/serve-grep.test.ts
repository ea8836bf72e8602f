// The grep server and the fan-out client against real TCP listeners on loopback (no membership): answers equal GNU
// grep's, hostile input is refused or harmless, and every query ends by its deadline.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { TcpListener } from '../transport/tcp-listener.ts';
import { writeClusterLogs, nodeLogDirName, PLANTED } from './gen-logs.ts';
import { heavyGreps, isHeavy, MAX_HEAVY, MEMORY_ERROR, serveGrep } from './serve-grep.ts';
import { queryNodes } from './dgrep.ts';
import type { DgrepReport } from './dgrep.ts';
import { jsonRenderer, renderText } from './dgrep-output.ts';
import type { Render } from './dgrep-output.ts';
import { GrepArgsError, parseGrepArgs } from './grep-args.ts';
import { linesOf, localGrep } from './testing/local-grep.ts';
import { waitFor } from '../node/testing/wait-for.ts';

const HOST = '127.0.0.1';
const BASE_PORT = 22100;
const NODES = 4;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dgrep-serve-'));
const listeners: TcpListener[] = [];
const addresses = Array.from({ length: NODES }, (_, i) => `${HOST}:${BASE_PORT + i}`);
const dirOf = (i: number): string => path.join(root, nodeLogDirName(HOST, BASE_PORT + i));

async function run(args: string[], opts: { timeoutMs?: number; render?: Render; targets?: string[]; signal?: AbortSignal } = {}):
  Promise<{ out: string; report: DgrepReport }> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  const report = await queryNodes((opts.targets ?? addresses).map((address) => ({ address })), {
    args, timeoutMs: opts.timeoutMs ?? 10_000, output, render: opts.render ?? renderText, signal: opts.signal,
  });
  return { out: Buffer.concat(chunks).toString('latin1'), report };
}



before(async () => {
  writeClusterLogs({ dir: root, nodes: NODES, host: HOST, basePort: BASE_PORT, sizeBytes: 1_000_000, seed: 7 });
  for (let i = 0; i < NODES; i++) {
    const listener = await TcpListener.listen(HOST, BASE_PORT + i);
    listener.handle('grep', (hello, socket) => serveGrep(hello, socket, { logDir: dirOf(i), nodeId: () => `${addresses[i]}@1` }));
    listeners.push(listener);
  }
  // A membership-style log beside the application log, so JSONL files are searched too.
  fs.writeFileSync(path.join(dirOf(0), '127.0.0.1_22100.jsonl'), '{"ts":1,"node":"a","event":"fail","member":"b"}\n');
});

after(async () => {
  await Promise.all(listeners.map((l) => l.close()));
  fs.rmSync(root, { recursive: true, force: true });
});

describe('dgrep equals GNU grep on every node', () => {
  const cases: [string, string[]][] = [
    ['rare (one node)', ['-F', PLANTED.rare]],
    ['somewhat frequent (some nodes)', [PLANTED.somewhat]],
    ['frequent (all nodes)', [PLANTED.frequent]],
    ['regex -E', ['-E', 'segfault|" 50[0-3] [0-9]+ ']],
    ['-v', ['-v', 'GET']],
    ['-i -w', ['-i', '-w', 'post']],
    ['-n -x -e -e', ['-n', '-e', '^.*curl/8.5.0"$', '-e', 'nothing-matches-this', '-x']],
    ['-m', ['-m', '3', 'GET /index.html']],
    ['membership log', ['"event":"fail"']],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      const { out, report } = await run(args);
      let expectedTotal = 0;
      for (let i = 0; i < NODES; i++) {
        const expected = localGrep(dirOf(i), addresses[i]!, args);
        assert.equal(linesOf(out, addresses[i]!), expected, `node ${addresses[i]}`);
        const lines = expected === '' ? 0 : expected.split('\n').length - 1;
        assert.equal(report.nodes[i]!.count, lines);
        expectedTotal += lines;
      }
      assert.equal(report.total, expectedTotal);
      assert.equal(out.split('\n').length - 1, expectedTotal, 'no other output');
      assert.equal(report.exitCode, expectedTotal > 0 ? 0 : 1);
    });
  }

  it('the planted patterns sit where gen-logs says: rare in one node, somewhat in some, frequent in all', async () => {
    const nodesWith = async (p: string): Promise<number> => (await run(['-F', p])).report.nodes.filter((n) => n.count > 0).length;
    assert.equal(await nodesWith(PLANTED.rare), 1);
    assert.equal(await nodesWith(PLANTED.somewhat), 2);
    assert.equal(await nodesWith(PLANTED.frequent), NODES);
  });

  it('-c gives grep\'s per-file counts and per-node totals', async () => {
    for (const args of [['-c', PLANTED.frequent], ['-c', '-v', '-i', 'get'], ['-c', PLANTED.rare]]) {
      const { out, report } = await run(args);
      for (let i = 0; i < NODES; i++) {
        const expected = localGrep(dirOf(i), addresses[i]!, args);
        assert.equal(linesOf(out, addresses[i]!), expected);
        const sum = expected.split('\n').filter(Boolean).reduce((s, l) => s + Number(l.slice(l.lastIndexOf(':') + 1)), 0);
        assert.equal(report.nodes[i]!.count, sum);
      }
    }
  });

  it('--json gives one object per line', async () => {
    const { out } = await run(['-n', PLANTED.rare], { render: jsonRenderer({ counting: false, numbered: true }) });
    const objects = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(objects.length, 5);
    for (const o of objects) {
      assert.equal(o.type, 'line');
      assert.match(String(o.file), /^machine\.\d\.log$/);
      assert.equal(typeof o.line, 'number');
      assert.ok(String(o.text).includes(PLANTED.rare));
    }
  });
});

describe('hostile input', () => {
  it('shell metacharacters are only a pattern', async () => {
    const marker = path.join(root, 'pwned');
    for (const pattern of [`$(touch ${marker})`, `'; touch ${marker}; '`, `\`touch ${marker}\``, '| cat /etc/passwd', '-rf /']) {
      const { out, report } = await run(['-e', pattern]);
      assert.equal(out, '');
      assert.equal(report.exitCode, 1, pattern);
    }
    const { report } = await run(['--', '-v']); // a pattern that looks like an option, after --
    assert.equal(report.exitCode, 1);
    assert.equal(fs.existsSync(marker), false);
  });

  it('options naming files, file operands and ../ are refused with a clear error', async () => {
    for (const args of [['-f', '/etc/passwd'], ['-r', 'x'], ['-R', 'x'], ['--include=*.log', 'x'], ['-d', 'read', 'x'],
      ['--exclude-dir', 'a', 'x'], ['x', '../../etc/passwd'], ['x', '/etc/passwd'], ['-e', 'x', '../secret.log'], ['-P', 'x'],
      ['--color', 'x'], ['-m', 'many', 'x']]) {
      await assert.rejects(run(args), (err: Error) => err instanceof GrepArgsError && /refused|unknown|needs/.test(err.message),
        args.join(' '));
    }
  });

  it('a node refuses the same from a raw client, naming the reason in its trailer', async () => {
    const answer = await rawRequest(addresses[0]!, { v: 1, type: 'grep', args: ['-r', 'root', '/etc'] });
    assert.match(answer, /"error":"refused: -r searches directories/);
    const malformed = await rawRequest(addresses[0]!, { v: 1, type: 'grep', args: 'x' });
    assert.match(malformed, /"error":"malformed grep request/);
  });

  it('a memory bomb ends with "pattern needs too much memory" on each node, and the node answers the next query', async () => {
    const started = Date.now();
    // The bomb on node 0 while the other nodes answer an ordinary query.
    const [bomb, others] = await Promise.all([
      run(['-E', '((a{1,1000}){1,1000}){1,1000}'], { targets: [addresses[0]!], timeoutMs: 20_000 }),
      run(['-F', 'ERROR'], { targets: addresses.slice(1) }),
    ]);
    assert.equal(bomb.report.exitCode, 2);
    assert.equal(bomb.report.nodes[0]!.reason, MEMORY_ERROR);
    assert.ok(Date.now() - started < 15_000, 'ended by the memory limit, not the deadline');
    assert.ok(others.report.nodes.every((n) => n.ok));
    assert.ok((await run(['-F', 'ERROR'], { targets: [addresses[0]!] })).report.nodes[0]!.ok, 'node 0 answers after it');
  });

  it('heavy patterns run at most MAX_HEAVY at once per node; plain ones are not held back', () => {
    assert.equal(isHeavy(parseGrepArgs(['-E', 'a{1,9}'])), true);
    assert.equal(isHeavy(parseGrepArgs(['(a)\\1'])), true);
    assert.equal(isHeavy(parseGrepArgs(['-F', 'a{1,9}'])), false);
    assert.equal(isHeavy(parseGrepArgs(['-E', 'GET /api'])), false);
  });

  it('a third heavy grep at once is refused as busy while two run', async () => {
    // Two slow heavy greps (a back-reference over every line) hold the node; the third is refused at once.
    const slow = ['-E', '(.*)(.*)(.*)(.*)(.*)\\5\\4\\3\\2\\1z'];
    const one = [addresses[0]!];
    const holding = [run(slow, { targets: one, timeoutMs: 3000 }), run(slow, { targets: one, timeoutMs: 3000 })];
    await waitFor(() => heavyGreps(dirOf(0)) === MAX_HEAVY, { timeoutMs: 2000, what: 'two heavy greps running' });
    const third = await run(slow, { targets: one, timeoutMs: 3000 });
    assert.match(third.report.nodes[0]!.reason ?? '', new RegExp(`^busy: ${MAX_HEAVY} heavy greps`));
    await Promise.all(holding);
  });

  it('a symlink leaving the directory is not followed', async () => {
    const outside = path.join(root, 'outside-secret.txt');
    fs.writeFileSync(outside, 'TOP-SECRET\n');
    fs.symlinkSync(outside, path.join(dirOf(1), 'escape.log'));
    try {
      const { out, report } = await run(['TOP-SECRET']);
      assert.equal(out, '');
      assert.equal(report.exitCode, 1);
    } finally {
      fs.rmSync(path.join(dirOf(1), 'escape.log'));
    }
  });

  it('a catastrophic regex ends at the deadline and its grep is killed', async () => {
    const pattern = '(.*)(.*)(.*)(.*)(.*)\\5\\4\\3\\2\\1z';
    const bomb = path.join(dirOf(2), 'bomb.log');
    fs.writeFileSync(bomb, `${'ab'.repeat(60)}z\n`.repeat(50));
    try {
      const started = Date.now();
      const { report } = await run(['-E', pattern], { timeoutMs: 1500 });
      assert.ok(Date.now() - started < 3000, `returned after ${Date.now() - started} ms`);
      assert.equal(report.exitCode, 2);
      // Backreferences make even the ordinary log lines slow, so every node stops at its deadline and says so.
      for (const node of report.nodes) assert.match(node.reason ?? '', /stopped at the deadline/);
      await waitFor(() => !grepRunning(pattern), { timeoutMs: 3000, what: 'the bomb grep is killed' });
    } finally {
      fs.rmSync(bomb);
    }
  });

  it('cancelling closes the connections and the nodes kill their greps', async () => {
    const pattern = '(.*)(.*)(.*)(.*)(.*)\\5\\4\\3\\2\\1y';
    const bomb = path.join(dirOf(3), 'bomb.log');
    fs.writeFileSync(bomb, `${'ab'.repeat(60)}y\n`.repeat(50));
    try {
      const abort = new AbortController();
      const pending = run(['-E', pattern], { timeoutMs: 60_000, signal: abort.signal });
      await waitFor(() => grepRunning(pattern), { timeoutMs: 3000, what: 'the grep starts' });
      abort.abort();
      const { report } = await pending;
      assert.equal(report.nodes[3]!.reason, 'cancelled');
      await waitFor(() => !grepRunning(pattern), { timeoutMs: 3000, what: 'the grep is killed' });
    } finally {
      fs.rmSync(bomb);
    }
  });
});

describe('nodes that do not answer', () => {
  it('a node that is down and a node that is silent are named with a reason; the rest answer within the deadline', async () => {
    const silent = net.createServer(() => { /* accepts, never answers: a stopped node */ });
    await new Promise<void>((resolve) => silent.listen(BASE_PORT + 50, HOST, resolve));
    const sockets: net.Socket[] = [];
    silent.on('connection', (s) => sockets.push(s));
    try {
      const down = `${HOST}:${BASE_PORT + 51}`;
      const quiet = `${HOST}:${BASE_PORT + 50}`;
      const started = Date.now();
      const { out, report } = await run([PLANTED.frequent], { targets: [...addresses, down, quiet], timeoutMs: 2000 });
      assert.ok(Date.now() - started < 3500, `returned after ${Date.now() - started} ms`);
      assert.equal(report.exitCode, 2);
      const byAddress = new Map(report.nodes.map((n) => [n.address, n]));
      assert.match(byAddress.get(down)!.reason!, /refused/);
      assert.match(byAddress.get(quiet)!.reason!, /no answer before the deadline/);
      for (let i = 0; i < NODES; i++) assert.equal(linesOf(out, addresses[i]!), localGrep(dirOf(i), addresses[i]!, [PLANTED.frequent]));
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('output beyond the per-node cap is cut at a line and reported', async () => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (c: Buffer) => { text += c.toString('latin1'); });
    const report = await queryNodes([{ address: addresses[0]! }], {
      args: [PLANTED.frequent], timeoutMs: 10_000, maxBytesPerNode: 10_000, output, render: renderText,
    });
    assert.equal(report.exitCode, 2);
    assert.match(report.nodes[0]!.reason!, /cut/);
    assert.ok(text.length > 0 && text.endsWith('\n'));
    assert.equal(text, localGrep(dirOf(0), addresses[0]!, [PLANTED.frequent]).slice(0, text.length), 'a prefix of the full answer, whole lines');
  });
});

function rawRequest(address: string, hello: unknown): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('no answer')); }, 5000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString('latin1')); });
    socket.write(`${JSON.stringify(hello)}\n`);
  });
}

function grepRunning(pattern: string): boolean {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some((l) => l.startsWith('/usr/bin/grep') && l.includes(pattern));
}

