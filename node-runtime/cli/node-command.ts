// `hearsay node`: one membership node in this process, with the course demo's commands on stdin and every
// membership change printed as it happens.
import readline from 'node:readline';
import type { MembershipNode } from '../node/membership-node.ts';
import { startNode } from '../services/node-services.ts';
import { renderHuman, runCommand } from '../control/commands.ts';
import { UserError } from '../user-error.ts';
import { describeEvent } from './console-events.ts';
import { formatHelp, parseFlags } from './flags.ts';
import { NODE_FLAGS, nodeOptionsFromFlags } from './node-flags.ts';
import type { CliCommand } from './commands.ts';

const USAGE = 'hearsay node [--host 127.0.0.1] [--port 3000] [--join HOST:PORT] [--log-dir DIR] [flags]';
const DESCRIPTION = `Runs one membership node. Without --join it is the introducer others join through.
Commands on stdin (also: hearsay ctl HOST:PORT COMMAND): list_mem, list_self, join, leave, enable_sus,
disable_sus, status_sus, display_suspects, switch gossip|ping suspect|nosuspect, display_protocol, drop RATE,
bandwidth, memory [gc], keyring list|install KEY|use KEY|remove KEY, help. Membership changes print as they happen.
Ctrl-C stops the node (logged as stop, not leave). With a cluster key (HEARSAY_KEY, --key or --keyring-file) all
gossip is sealed and every TCP hello authenticated (docs/protocol.md, "Security").`;

const out = (line: string): void => { process.stdout.write(`${line}\n`); };
const err = (line: string): void => { process.stderr.write(`${line}\n`); };

export const nodeCommand: CliCommand = {
  summary: 'run one membership node (the introducer without --join)',
  async run(argv) {
    const { values } = parseFlags(argv, NODE_FLAGS);
    if (values.help) {
      out(formatHelp(USAGE, DESCRIPTION, NODE_FLAGS));
      return 0;
    }
    const { exitWithStdin, ...options } = nodeOptionsFromFlags(values);
    // stdin is read from the start, so that with --exit-with-stdin a parent's death ends us even mid-join.
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    let node: MembershipNode | undefined;
    let finish: (code: number) => void = (code) => process.exit(code);
    const stop = (code: number): void => finish(code);
    rl.on('line', (line) => {
      const [name, ...args] = line.trim().split(/\s+/);
      if (!name) return;
      if (!node) return err('not started yet');
      runCommand(node, name, args).then(
        (result) => out(renderHuman(name, result)),
        (e: Error) => err(e instanceof UserError ? e.message : `error: ${e.message}`),
      );
    });
    rl.on('close', () => { if (exitWithStdin) stop(0); });
    process.once('SIGINT', () => stop(0));
    process.once('SIGTERM', () => stop(0));

    try {
      node = await startNode({
        ...options,
        onJoinRetry: ({ attempt, error, retryInMs }) =>
          err(`join attempt ${attempt} failed: ${error}; retrying in ${(retryInMs / 1000).toFixed(1)} s`),
      });
    } catch (e) {
      finish = () => undefined;
      rl.close();
      process.stdin.destroy();
      throw e;
    }
    const started = node;
    started.on('line', (e) => out(describeEvent(e)));
    started.on('notice', out);
    out(`node ${started.id} ${started.introducer === undefined ? 'is the introducer' : `joined through ${started.introducer}`}` +
      `${options.logDir !== undefined ? `; log in ${options.logDir}` : ''}; type help for commands`);

    return new Promise<number>((resolve) => {
      let stopping = false;
      finish = (code) => {
        if (stopping) return;
        stopping = true;
        rl.close();
        process.stdin.destroy();
        void started.stop().then(() => resolve(code));
      };
    });
  },
};
