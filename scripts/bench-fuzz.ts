// UDP fuzz benchmark (issue 9): a 5-node group of real `hearsay node` processes takes --datagrams (default 1M) hostile
// datagrams — random, truncated, bit-flipped and valid-with-hostile-values, a quarter each (node/testing/udp-fuzz.ts) —
// and must come out with no crash, no false failure, no restart, nothing sent to the phantoms' trap, and bounded RSS.
//   npx tsx scripts/bench-fuzz.ts [--datagrams 1000000] [--base-port 28400] [--seed 1]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { controlRequest } from '../node-runtime/control/client.ts';
import type { BandwidthResult, ListMemResult } from '../node-runtime/control/commands.ts';
import { formatHelp, numberFlag, parseFlags, portFlag } from '../node-runtime/cli/flags.ts';
import type { FlagSpecs } from '../node-runtime/cli/flags.ts';
import { UserError } from '../node-runtime/user-error.ts';
import { casualties, NodeGroup } from '../node-runtime/node/testing/node-process.ts';
import { rssKiB } from '../node-runtime/node/testing/rss.ts';
import { bindCounting, sendFuzz, UdpFuzzer } from '../node-runtime/node/testing/udp-fuzz.ts';

const FLAGS: FlagSpecs = {
  datagrams: { type: 'string', value: 'N', help: 'how many to send', default: '1000000' },
  'base-port': { type: 'string', value: 'PORT', help: 'first port (5 nodes, then the trap and the fuzzer at +9, +10)', default: '28400' },
  seed: { type: 'string', value: 'N', help: 'seed of the fuzz', default: '1' },
};

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), FLAGS);
  if (values.help) {
    process.stdout.write(`${formatHelp('npx tsx scripts/bench-fuzz.ts [flags]', 'UDP fuzz of a live 5-node group.', FLAGS)}\n`);
    return;
  }
  const total = numberFlag(values, 'datagrams', { min: 1, max: 100_000_000, integer: true }) ?? 1_000_000;
  const base = portFlag(values, 'base-port') ?? 28400;
  const seed = numberFlag(values, 'seed', { min: 0, max: 2 ** 31, integer: true }) ?? 1;
  const logRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-fuzz-'));
  const group = new NodeGroup(logRoot);
  const trap = await bindCounting(base + 9);
  const fuzz = await bindCounting(base + 10);
  try {
    const nodes = await group.startCluster(base, 5, 60_000);
    const live = await Promise.all(nodes.map((n) => n.id()));
    const rssBefore = nodes.map((n) => rssKiB(n.proc.pid!));
    const rssMax = [...rssBefore];
    const fuzzer = new UdpFuzzer({ host: '127.0.0.1', port: base + 10 }, { members: live, trap: `127.0.0.1:${base + 9}` }, seed, Date.now());
    const t0 = performance.now();
    for (let sent = 0; sent < total;) {
      sent += await sendFuzz(fuzz.socket, fuzzer, nodes.map((n) => n.port), Math.min(50_000, total - sent));
      nodes.forEach((n, i) => { rssMax[i] = Math.max(rssMax[i]!, rssKiB(n.proc.pid!)); });
      console.error(`${sent} sent, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    const seconds = (performance.now() - t0) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 3000)); // past T_fail: damage would show by now
    const crashed = nodes.filter((n) => !n.running).length;
    let stillAlive = true;
    for (const n of nodes.filter((x) => x.running)) {
      const list = await controlRequest(n.address, 'list_mem', [], { timeoutMs: 3000 }) as ListMemResult;
      stillAlive &&= live.every((id) => list.members.some((m) => m.id === id && m.status === 'alive'));
    }
    const stats = await Promise.all(nodes.filter((x) => x.running).map((n) => controlRequest(n.address, 'bandwidth', [], { timeoutMs: 3000 }) as Promise<BandwidthResult>));
    const sum = (f: (b: BandwidthResult) => number): number => stats.reduce((a, b) => a + f(b), 0);
    const rssAfter = nodes.map((n) => rssKiB(n.proc.pid!));
    const mib = (kib: number): string => (kib / 1024).toFixed(0);
    const hurt = casualties(nodes, live);
    console.log(`${total} datagrams in ${seconds.toFixed(1)} s (${Math.round(total / seconds)}/s) to 5 nodes: ${JSON.stringify(fuzzer.sent)}`);
    console.log('| crashed | false fails + restarts | all still alive everywhere | to the trap | malformed | implausible | spoofed | new-member rate | list full | tombstones evicted | RSS MiB before → max → after (per node) |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    console.log(`| ${crashed} | ${hurt.length} | ${stillAlive ? 'yes' : 'no'} | ${trap.received()} | ${sum((b) => b.malformed)} | ${sum((b) => b.limits.implausible)} | ${sum((b) => b.limits.spoofed)} | ${sum((b) => b.limits.newMemberRate)} | ${sum((b) => b.limits.listFull)} | ${sum((b) => b.limits.tombstonesEvicted)} | ${nodes.map((_, i) => `${mib(rssBefore[i]!)} → ${mib(rssMax[i]!)} → ${mib(rssAfter[i]!)}`).join(', ')} |`);
    for (const line of hurt.slice(0, 20)) console.log(`casualty: ${line}`);
  } finally {
    trap.socket.close();
    fuzz.socket.close();
    await group.killAll();
    fs.rmSync(logRoot, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(err instanceof UserError ? err.message : err.stack);
  process.exit(err instanceof UserError ? err.exitCode : 1);
});
