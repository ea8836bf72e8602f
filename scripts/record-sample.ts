// Records logs/samples/small: a REAL run of 10 `hearsay node` processes on loopback with suspicion on — 3 kill -9s
// and one SIGSTOP/SIGCONT pause long enough to be suspected and short enough to be refuted — and writes the kills
// and the pause to actions.jsonl beside the nodes' own logs, as the app's recorder does.
//   npx tsx scripts/record-sample.ts [--out logs/samples/small] [--base-port 24100]
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readLog } from '../node-runtime/log/read-log.ts';
import { logFileName } from '../node-runtime/log/jsonl-log.ts';
import type { HostActionRecord } from '../electron/host/api.ts';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'logs/samples/small' }, 'base-port': { type: 'string', default: '24100' } } });
const out = values.out;
const base = Number(values['base-port']);
const N = 10;
const KILLS = [7, 2, 9];
const PAUSED = 4;
// > T_fail (1500 ms) since the last heartbeat heard: suspected; under T_fail + T_suspect (2500 ms) by enough for the
// refutation to spread (~2–3 gossip rounds) before the suspicion times out anywhere.
const PAUSE_MS = 1800;

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const address = (i: number): string => `127.0.0.1:${base + i}`;
const logOf = (i: number) => readLog(path.join(out, logFileName(address(i)))).events;
const actions: HostActionRecord[] = [];
const procs: ChildProcess[] = [];

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startNode(i: number): void {
  const args = ['bin/hearsay.mjs', 'node', '--port', String(base + i), '--log-dir', out, '--suspicion', 'on', '--seed', String(i + 1)];
  if (i > 0) args.push('--join', address(0));
  const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  procs[i] = p;
}

const idOf = (i: number): string => logOf(i).filter((e) => e.event === 'start').at(-1)!.member;
const running = (): number[] => Array.from({ length: N }, (_, i) => i).filter((i) => procs[i]?.exitCode === null && !KILLED.has(i));
const KILLED = new Set<number>();
/** Every running node other than i lists i's current id as `status`. */
const allSee = (i: number, events: readonly string[]): boolean => {
  const id = idOf(i);
  return running().filter((o) => o !== i).every((o) => {
    const last = logOf(o).filter((e) => e.member === id).at(-1);
    return last !== undefined && events.includes(last.event);
  });
};

try {
  startNode(0);
  await until('the introducer', () => logOf(0).length > 0);
  for (let i = 1; i < N; i++) startNode(i);
  await until('everyone to join', () => running().every((i) => logOf(i).length > 0) && running().every((i) => allSee(i, ['join', 'alive'])));
  await new Promise((r) => setTimeout(r, 2000));

  const kill = async (i: number): Promise<void> => {
    const member = idOf(i);
    actions.push({ ts: Date.now(), action: 'kill', address: address(i), member });
    procs[i]!.kill('SIGKILL');
    KILLED.add(i);
    await until(`${address(i)} to be failed by all`, () => allSee(i, ['fail', 'remove']));
    await new Promise((r) => setTimeout(r, 1500));
  };
  await kill(KILLS[0]!);
  const member = idOf(PAUSED);
  actions.push({ ts: Date.now(), action: 'pause', address: address(PAUSED), member });
  procs[PAUSED]!.kill('SIGSTOP');
  await new Promise((r) => setTimeout(r, PAUSE_MS));
  actions.push({ ts: Date.now(), action: 'resume', address: address(PAUSED), member });
  procs[PAUSED]!.kill('SIGCONT');
  await until('the pause to be suspected', () => running().some((o) => logOf(o).some((e) => e.member === member && e.event === 'suspect')), 5000);
  // Refuted everywhere, or failed where the refutation came too late: either way every observer has a verdict.
  await until('the pause to be settled', () => allSee(PAUSED, ['alive', 'join', 'fail', 'remove']));
  await new Promise((r) => setTimeout(r, 1500));
  await kill(KILLS[1]!);
  await kill(KILLS[2]!);
  await new Promise((r) => setTimeout(r, 6000)); // past T_cleanup: the removes are in the logs too
} finally {
  for (const p of procs) if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGINT');
  await until('the nodes to stop', () => procs.every((p) => !p || p.exitCode !== null || p.signalCode !== null), 10_000)
    .catch(() => procs.forEach((p) => p?.kill('SIGKILL')));
  fs.writeFileSync(path.join(out, 'actions.jsonl'), actions.map((a) => `${JSON.stringify(a)}\n`).join(''));
}
const files = fs.readdirSync(out);
const events = files.filter((f) => f !== 'actions.jsonl').reduce((n, f) => n + readLog(path.join(out, f)).events.length, 0);
console.log(`${out}: ${files.length} files, ${events} events, ${actions.length} actions`);
