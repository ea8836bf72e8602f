// `hearsay serf-cluster`: N local `serf agent`s on loopback (gossip on PORT+2i, RPC on the next port), the first
// agent's view of every membership change printed as hearsay events (suspicions from its log included). Each agent's
// own log is DIR/<host>_<port>/serf-agent.log, which `npm start -- --replay DIR` reads. Ctrl-C stops them all; they
// also die with this process (serf-agent.ts).
import path from 'node:path';
import { formatAddress } from '../protocol/member-id.ts';
import { maxSuspicionMs } from '../protocol/serf-bounds.ts';
import { RPC_PORT_OFFSET, SERF_PROFILE, startSerfAgent } from '../serf/serf-agent.ts';
import type { SerfAgent } from '../serf/serf-agent.ts';
import { SerfObserver } from '../serf/serf-observer.ts';
import { formatIp } from '../serf/rpc-schema.ts';
import { addressFileStem } from '../log/jsonl-log.ts';
import { describeEvent } from './console-events.ts';
import { formatHelp, numberFlag, parseFlags, portFlag, stringFlag } from './flags.ts';
import type { FlagSpecs } from './flags.ts';
import { UserError } from '../user-error.ts';
import type { CliCommand } from './commands.ts';

const FLAGS: FlagSpecs = {
  nodes: { type: 'string', value: 'N', help: 'how many agents (1..32)' },
  'base-port': { type: 'string', value: 'PORT', help: 'the first agent gossips on PORT, RPC on PORT+1; the next on PORT+2…', default: '7946' },
  'log-dir': { type: 'string', value: 'DIR', help: 'each agent logs to DIR/<host>_<port>/serf-agent.log', default: 'logs/serf-<timestamp>' },
  quiet: { type: 'boolean', help: "do not print the first agent's membership events once the cluster is up" },
};

const USAGE = 'hearsay serf-cluster --nodes N [--base-port 7946] [--log-dir DIR]';
const DESCRIPTION = `Starts N Serf agents (Debian's serf, the 'local' timing profile) on 127.0.0.1, each joining the
first, and prints the first agent's membership changes. Agent i gossips on PORT+2i and answers RPC on PORT+2i+1
(serf members -rpc-addr 127.0.0.1:PORT+1). Ctrl-C stops them all.`;

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

export const serfClusterCommand: CliCommand = {
  summary: 'run N Serf agents on loopback and print their membership changes',
  async run(argv) {
    const { values } = parseFlags(argv, FLAGS);
    if (values.help) {
      process.stdout.write(`${formatHelp(USAGE, DESCRIPTION, FLAGS)}\n`);
      return 0;
    }
    const n = numberFlag(values, 'nodes', { min: 1, max: 32, integer: true });
    if (n === undefined) throw new UserError('usage', '--nodes N is required (see hearsay serf-cluster --help)');
    const basePort = portFlag(values, 'base-port') ?? 7946;
    if (basePort + 2 * n - 1 > 65535) throw new UserError('usage', `--base-port ${basePort} leaves no room for ${n} agents`);
    const logDir = stringFlag(values, 'log-dir') ?? path.join('logs', `serf-${timestamp()}`);
    const host = '127.0.0.1';
    const tag = Date.now().toString(36);
    const agents: SerfAgent[] = [];
    let observer: SerfObserver | undefined;
    let onSignal: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => { onSignal = resolve; });
    process.once('SIGINT', () => onSignal());
    process.once('SIGTERM', () => onSignal());
    try {
      for (let i = 0; i < n; i++) {
        const port = basePort + 2 * i;
        const address = formatAddress(host, port);
        agents.push(await startSerfAgent({
          host, port, name: `serf-${port}-${tag}`, join: i > 0 ? formatAddress(host, basePort) : undefined,
          logFile: path.join(logDir, addressFileStem(address), 'serf-agent.log'),
        }));
      }
      const first = formatAddress(host, basePort + RPC_PORT_OFFSET);
      const died = new Promise<void>((resolve) => { for (const a of agents) void a.exited.then(resolve); });
      observer = await SerfObserver.open(first, {
        events: (events) => { if (values.quiet !== true) for (const e of events) process.stdout.write(`${describeEvent(e)}\n`); },
        malformed: () => undefined,
        closed: (err) => process.stderr.write(`hearsay: lost the first agent's RPC: ${err.message}\n`),
      }, { suspicionMaxMs: maxSuspicionMs(SERF_PROFILE, n) });
      for (const m of await observer.members()) {
        process.stdout.write(`${m.Name.padEnd(24)} ${formatAddress(formatIp(m.Addr), m.Port).padEnd(21)} ${m.Status}\n`);
      }
      process.stdout.write(`${n} Serf agents up; logs in ${logDir}/<host>_<port>/serf-agent.log; ` +
        `serf members -rpc-addr ${first}; Ctrl-C stops all\n`);
      await Promise.race([stopped, died.then(() => { throw new UserError('state', 'a serf agent exited; stopping the others'); })]);
      return 0;
    } finally {
      observer?.close();
      for (const a of agents) a.child.kill('SIGTERM');
      const grace = setTimeout(() => { for (const a of agents) a.child.kill('SIGKILL'); }, 3000);
      await Promise.all(agents.map((a) => a.exited));
      clearTimeout(grace);
    }
  },
};
