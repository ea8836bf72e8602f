// dgrep benchmark (issue 5): 4 `hearsay node` processes on loopback, 60 MB of generated logs each, against GNU grep
// over the same four files on this machine, in one run. Median of RUNS runs per row, runs interleaved so both sides
// see the same machine state. Prints a Markdown table. `npm run bench:dgrep [-- --size 60MB --runs 7]`.
//
// Both sides write into a pipe this script drains: GNU grep notices a stdout of /dev/null and stops at the first
// match (even with -c), which would not be a measurement of printing anything.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { HEARSAY_BIN } from '../node-runtime/cli/spawn-node.ts';
import { parseSize } from '../node-runtime/cli/gen-logs-command.ts';
import { dgrep } from '../node-runtime/grep/dgrep.ts';
import { renderText } from '../node-runtime/grep/dgrep-output.ts';
import { PLANTED, writeClusterLogs } from '../node-runtime/grep/gen-logs.ts';
import { NodeGroup } from '../node-runtime/node/testing/node-process.ts';

const { values } = parseArgs({ options: { size: { type: 'string', default: '60MB' }, runs: { type: 'string', default: '7' } } });
const SIZE = parseSize(values.size);
const RUNS = Math.max(5, Number(values.runs));
const NODES = 4;
const BASE_PORT = 22900;

interface Timed { ms: number; bytes: number }

/** Runs a command with stdout into a pipe we drain; resolves with wall time and bytes printed. */
function timeProcess(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'], env: env ?? process.env });
    let bytes = 0;
    child.stdout.on('data', (c: Buffer) => { bytes += c.length; });
    child.on('error', reject);
    child.on('close', (code) => (code !== null && code <= 1 ? resolve({ ms: performance.now() - started, bytes })
      : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

/** The dgrep API in this process (what the app's host calls): membership lookup, fan-out, merged output. */
async function timeApi(via: string, args: string[]): Promise<Timed> {
  let bytes = 0;
  const output = new Writable({ write(chunk: Buffer, _enc, done) { bytes += chunk.length; done(); } });
  const started = performance.now();
  const report = await dgrep(via, { args, timeoutMs: 60_000, output, render: renderText });
  if (report.exitCode === 2) throw new Error(`dgrep failed: ${JSON.stringify(report.nodes)}`);
  return { ms: performance.now() - started, bytes };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dgrep-'));
  const group = new NodeGroup(root, ['--suspicion', 'off']);
  try {
    const genStart = performance.now();
    const plans = writeClusterLogs({ dir: root, nodes: NODES, host: '127.0.0.1', basePort: BASE_PORT, sizeBytes: SIZE, seed: 1 });
    const genS = (performance.now() - genStart) / 1000;
    const files = plans.map((p) => p.path);
    const totalMB = plans.reduce((s, p) => s + p.bytes, 0) / 1e6;
    const nodes = await group.startCluster(BASE_PORT, NODES);
    const via = nodes[0]!.address;
    const grepEnv = { LC_ALL: 'C', PATH: '/usr/bin:/bin' };
    const grep = (args: string[]): Promise<Timed> => timeProcess('/usr/bin/grep', [...args, '--', ...files], grepEnv);
    const cli = (args: string[]): Promise<Timed> =>
      timeProcess(process.execPath, [HEARSAY_BIN, 'dgrep', '--via', via, '--timeout', '60', ...args]);

    const rows: { name: string; target: string; grep: () => Promise<Timed>; api: () => Promise<Timed>; cli: () => Promise<Timed> }[] = [
      { name: `-c frequent (\`${PLANTED.frequent}\`)`, target: '≤ 1.0',
        grep: () => grep(['-c', PLANTED.frequent]), api: () => timeApi(via, ['-c', PLANTED.frequent]), cli: () => cli(['-c', PLANTED.frequent]) },
      { name: 'frequent, every line printed', target: '≤ 1.5',
        grep: () => grep(['-H', PLANTED.frequent]), api: () => timeApi(via, [PLANTED.frequent]), cli: () => cli([PLANTED.frequent]) },
      { name: `rare (\`${PLANTED.rare}\`)`, target: 'latency',
        grep: () => grep(['-H', PLANTED.rare]), api: () => timeApi(via, [PLANTED.rare]), cli: () => cli([PLANTED.rare]) },
    ];
    await grep(['-c', 'warm the page cache']);
    const results: string[] = [];
    for (const row of rows) {
      const t = { grep: [] as number[], api: [] as number[], cli: [] as number[] };
      let bytes = { grep: 0, api: 0 };
      for (let i = 0; i < RUNS; i++) {
        const g = await row.grep();
        const a = await row.api();
        t.grep.push(g.ms);
        t.api.push(a.ms);
        t.cli.push((await row.cli()).ms);
        bytes = { grep: g.bytes, api: a.bytes };
      }
      const [g, a, c] = [median(t.grep), median(t.api), median(t.cli)];
      results.push(`| ${row.name} | ${g.toFixed(0)} | ${a.toFixed(0)} | **${(a / g).toFixed(2)}** | ${c.toFixed(0)} | ${(c / g).toFixed(2)} | ${row.target} | ${(bytes.grep / 1e6).toFixed(1)} / ${(bytes.api / 1e6).toFixed(1)} |`);
    }
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    process.stdout.write([
      `dgrep benchmark: ${NODES} nodes × ${(SIZE / 1e6).toFixed(0)} MB (${totalMB.toFixed(0)} MB, generated in ${genS.toFixed(1)} s), ` +
        `loopback, ${os.cpus().length} × ${cpu}, median of ${RUNS} runs, GNU grep with LC_ALL=C over the same 4 files`,
      '',
      '| query | GNU grep ms | dgrep API ms | API / grep | dgrep CLI ms | CLI / grep | target | MB printed grep / dgrep |',
      '|---|---:|---:|---:|---:|---:|---|---|',
      ...results,
      '',
    ].join('\n'));
  } finally {
    await group.killAll();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
