// `hearsay cluster`: an introducer plus N-1 nodes on loopback, each a child process with its own log directory
// (as separate machines would have, so dgrep sees each line once). Ctrl-C or SIGTERM stops them all; children
// also stop by themselves when this process dies (their stdin pipe closes).
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { controlRequest, subscribe } from '../control/client.ts';
import { renderHuman } from '../control/commands.ts';
import type { ListMemResult } from '../control/commands.ts';
import { addressFileStem } from '../log/jsonl-log.ts';
import { MAX_LOCAL_GROUP } from '../protocol/config.ts';
import { formatAddress } from '../protocol/member-id.ts';
import type { Address } from '../protocol/member-id.ts';
import { describeEvent } from './console-events.ts';
import { formatHelp, numberFlag, parseFlags, portFlag, stringFlag } from './flags.ts';
import type { FlagSpecs } from './flags.ts';
import { SHARED_NODE_FLAGS, nodeOptionsFromFlags, sharedFlagArgs } from './node-flags.ts';
import { spawnNode } from './spawn-node.ts';
import { KEY_ENV, KEY_FLAGS, keyringFromFlags } from './key-flags.ts';
import { UserError } from '../user-error.ts';
import type { CliCommand } from './commands.ts';

const FLAGS: FlagSpecs = {
  nodes: { type: 'string', value: 'N', help: `how many nodes, the introducer included (1..${MAX_LOCAL_GROUP.process})` },
  'base-port': { type: 'string', value: 'PORT', help: 'the introducer\'s port; the others take the next N-1', default: '3000' },
  'log-dir': { type: 'string', value: 'DIR', help: 'each node logs in DIR/<host>_<port>/', default: 'logs/cluster-<timestamp>' },
  quiet: { type: 'boolean', help: "do not print the introducer's membership events once the cluster is up" },
  seed: { type: 'string', value: 'N', help: 'node i gets seed N+i (default: random)' },
  ...SHARED_NODE_FLAGS,
  key: KEY_FLAGS.key!,
};

const USAGE = 'hearsay cluster --nodes N [--base-port 3000] [--log-dir DIR] [node flags]';
const DESCRIPTION = `Starts an introducer on 127.0.0.1:PORT and N-1 nodes joining it on the next ports, as child
processes. Prints the members once all have joined, then the introducer's membership changes as its own console
shows them (members new from one sender past its log's limit are summed up in a line, not listed).
Control any node with hearsay ctl 127.0.0.1:PORT COMMAND. Ctrl-C stops them all.`;

const READY_TIMEOUT_MS = 60_000;
const POLL_MS = 250;
const STOP_GRACE_MS = 5000;

interface Child {
  readonly address: Address;
  readonly proc: ChildProcess;
  /** How it exited ('code 2', 'SIGKILL'), once it has. */
  exit: string | undefined;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

export const clusterCommand: CliCommand = {
  summary: 'run an introducer and N-1 nodes on loopback as child processes',
  async run(argv) {
    const { values } = parseFlags(argv, FLAGS);
    if (values.help) {
      process.stdout.write(`${formatHelp(USAGE, DESCRIPTION, FLAGS)}\n`);
      return 0;
    }
    const n = numberFlag(values, 'nodes', { min: 1, max: MAX_LOCAL_GROUP.process, integer: true });
    if (n === undefined) throw new UserError('usage', '--nodes N is required (see hearsay cluster --help)');
    const basePort = portFlag(values, 'base-port') ?? 3000;
    if (basePort + n - 1 > 65535) throw new UserError('usage', `--base-port ${basePort} leaves no room for ${n} nodes`);
    nodeOptionsFromFlags(values); // validates the shared flags once, before any child sees them
    const seed = numberFlag(values, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true });
    const logDir = stringFlag(values, 'log-dir') ?? path.join('logs', `cluster-${timestamp()}`);
    const shared = sharedFlagArgs(values);
    const keyring = keyringFromFlags(values);
    // Children get the key through the environment: argv would show it in ps.
    const key = stringFlag(values, 'key') ?? process.env[KEY_ENV];
    const host = '127.0.0.1';
    const introducer = formatAddress(host, basePort);

    const children: Child[] = [];
    let stopping = false;
    const start = (i: number): Child => {
      const port = basePort + i;
      const address = formatAddress(host, port);
      const args = ['--host', host, '--port', String(port), '--log-dir', path.join(logDir, addressFileStem(address)), ...shared];
      if (i > 0) args.push('--join', introducer);
      if (seed !== undefined) args.push('--seed', String((seed + i) % 2 ** 32));
      const child: Child = { address, proc: spawnNode(args, { key }), exit: undefined };
      // The child's own words reach the user verbatim, tagged with its address; nothing parses them.
      readline.createInterface({ input: child.proc.stderr! }).on('line', (line) => {
        process.stderr.write(`[${address}] ${line}\n`);
      });
      child.proc.on('exit', (code, signal) => {
        child.exit = signal ?? `code ${code}`;
        if (!stopping) process.stderr.write(`node ${address} exited (${child.exit})\n`);
      });
      children.push(child);
      return child;
    };
    const stopAll = async (): Promise<void> => {
      stopping = true;
      const live = children.filter((c) => c.exit === undefined);
      await Promise.all(live.map((c) => new Promise<void>((resolve) => {
        const kill = setTimeout(() => c.proc.kill('SIGKILL'), STOP_GRACE_MS);
        c.proc.once('exit', () => { clearTimeout(kill); resolve(); });
        c.proc.kill('SIGTERM');
      })));
    };
    process.once('exit', () => { for (const c of children) if (c.exit === undefined) c.proc.kill('SIGKILL'); });

    let watcher: { close(): void } | undefined;
    let onSignal: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => { onSignal = resolve; });
    process.once('SIGINT', () => onSignal());
    process.once('SIGTERM', () => onSignal());
    try {
      const first = start(0);
      await untilReady(() => controlRequest(introducer, 'list_self', [], { timeoutMs: 1000, keyring }).then(() => true), [first], stopped);
      for (let i = 1; i < n; i++) start(i);
      const members = await untilReady(async () => {
        const list = await controlRequest(introducer, 'list_mem', [], { timeoutMs: 1000, keyring }) as ListMemResult;
        return list.members.filter((m) => m.status === 'alive').length >= n ? list : undefined;
      }, children, stopped);
      process.stdout.write(`${renderHuman('list_mem', members)}\n`);
      process.stdout.write(`cluster of ${n} up; logs in ${logDir}/<host>_<port>/; ctl any node with ` +
        `hearsay ctl ${introducer} list_mem; Ctrl-C stops all\n`);
      if (values.quiet !== true) {
        // What the introducer's log and console show, not every event: a forger's phantoms would flood the terminal.
        watcher = subscribe(introducer, {
          keyring,
          lines: true,
          onMessage: (m) => {
            if (m.type === 'event') process.stdout.write(`${describeEvent(m)}\n`);
            else if (m.type === 'notice') process.stdout.write(`${m.message}\n`);
          },
          onClose: () => undefined,
        });
      }
      await stopped;
      return 0;
    } finally {
      watcher?.close();
      await stopAll();
    }
  },
};

/** Polls `probe` until it yields a value; fails when a child exits (with its last stderr line), on Ctrl-C, or at
 *  the deadline. */
async function untilReady<T>(probe: () => Promise<T | undefined>, watched: readonly Child[], stopped: Promise<void>): Promise<T> {
  let interrupted = false;
  void stopped.then(() => { interrupted = true; });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const dead = watched.find((c) => c.exit !== undefined);
    if (dead) throw new UserError('state', `node ${dead.address} failed to start (${dead.exit}): its reason is on the [${dead.address}] lines above`);
    if (interrupted) throw new UserError('state', 'interrupted while the cluster was starting');
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new UserError('state', `the cluster did not come up within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
