// Records logs/samples/serf: a REAL run of 5 Serf agents (Debian's serf, the `local` profile) on loopback, the agents'
// own text logs as Replay reads them, and actions.jsonl as the app's recorder writes it: one kill -9 (failed by all),
// one SIGSTOP long enough to be suspected and short enough to be refuted, one graceful leave, then all stop.
//   npx tsx scripts/record-serf-sample.ts [--out logs/samples/serf] [--base-port 24200]      (run it under nsrun)
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { addressFileStem } from '../node-runtime/log/jsonl-log.ts';
import { formatAddress } from '../node-runtime/protocol/member-id.ts';
import { serfMemberId } from '../node-runtime/protocol/serf-log.ts';
import { SerfRpc } from '../node-runtime/serf/rpc-client.ts';
import { startSerfAgent } from '../node-runtime/serf/serf-agent.ts';
import type { SerfAgent } from '../node-runtime/serf/serf-agent.ts';
import type { HostActionRecord } from '../electron/host/api.ts';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'logs/samples/serf' }, 'base-port': { type: 'string', default: '24200' } } });
const out = values.out;
const base = Number(values['base-port']);
const N = 5;
const KILLED = 3;
const PAUSED = 1;
const LEAVING = 4;
/** Long enough for a probe to go unanswered (local profile: probe every 1 s, 200 ms timeout), well under the
 *  suspicion timeout (≥ 3 s with confirmations) so the agent refutes it when it wakes. */
const PAUSE_MS = 2500;

fs.rmSync(out, { recursive: true, force: true });
const host = '127.0.0.1';
const port = (i: number): number => base + 2 * i;
const address = (i: number): string => formatAddress(host, port(i));
const name = (i: number): string => `agent-${i}`;
const agents: SerfAgent[] = [];
const actions: HostActionRecord[] = [];
const record = (action: HostActionRecord['action'], i: number): void => {
  actions.push({ ts: Date.now(), action, address: address(i), member: serfMemberId(host, port(i), name(i)) });
};

async function statusAt(i: number, of: number): Promise<string | undefined> {
  const rpc = await SerfRpc.connect(agents[i]!.rpcAddress);
  try {
    return (await rpc.members()).find((m) => m.Name === name(of))?.Status;
  } finally {
    rpc.close();
  }
}

async function until(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const others = (...not: number[]): number[] => Array.from({ length: N }, (_, i) => i).filter((i) => !not.includes(i));

try {
  for (let i = 0; i < N; i++) {
    agents.push(await startSerfAgent({
      host, port: port(i), name: name(i), join: i > 0 ? address(0) : undefined,
      logFile: path.join(out, addressFileStem(address(i)), 'serf-agent.log'),
    }));
  }
  await until('everyone to see everyone', async () => {
    for (const i of others()) for (const j of others(i)) if ((await statusAt(i, j)) !== 'alive') return false;
    return true;
  });
  await new Promise((r) => setTimeout(r, 2000));

  record('kill', KILLED);
  agents[KILLED]!.child.kill('SIGKILL');
  await until('the kill to be failed by all', async () => {
    for (const i of others(KILLED)) if ((await statusAt(i, KILLED)) !== 'failed') return false;
    return true;
  });
  await new Promise((r) => setTimeout(r, 2000));

  record('pause', PAUSED);
  agents[PAUSED]!.child.kill('SIGSTOP');
  await new Promise((r) => setTimeout(r, PAUSE_MS));
  record('resume', PAUSED);
  agents[PAUSED]!.child.kill('SIGCONT');
  await new Promise((r) => setTimeout(r, 4000));

  record('leave', LEAVING);
  const rpc = await SerfRpc.connect(agents[LEAVING]!.rpcAddress);
  await rpc.leave().catch(() => undefined);
  rpc.close();
  await until('the leave to be seen', async () => (await statusAt(0, LEAVING)) === 'left');
  await new Promise((r) => setTimeout(r, 1000));
} finally {
  for (const a of agents) a.child.kill('SIGTERM');
  await Promise.all(agents.map((a) => a.exited));
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'actions.jsonl'), actions.map((a) => `${JSON.stringify(a)}\n`).join(''));
}
for (const f of fs.readdirSync(out, { recursive: true }) as string[]) {
  if (f.endsWith('.config.json')) fs.rmSync(path.join(out, f));
}
console.log(`recorded ${out}: ${N} agents, ${actions.length} actions`);
