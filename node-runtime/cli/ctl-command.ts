// `hearsay ctl HOST:PORT COMMAND [ARGS]`: one command on a running node over its control channel.
import { controlRequest } from '../control/client.ts';
import { renderHuman } from '../control/commands.ts';
import { checkAddress, formatHelp, numberFlag, parseFlags } from './flags.ts';
import type { FlagSpecs } from './flags.ts';
import { UserError } from '../user-error.ts';
import { KEY_FLAGS, keyringFromFlags } from './key-flags.ts';
import type { CliCommand } from './commands.ts';

const FLAGS: FlagSpecs = {
  json: { type: 'boolean', help: 'print the result as one line of JSON (shapes in docs/control-channel.md)' },
  timeout: { type: 'string', value: 'S', help: 'give up when the node has not answered within S seconds', default: '5' },
  ...KEY_FLAGS,
};

const USAGE = 'hearsay ctl HOST:PORT COMMAND [ARGS] [--json] [--timeout S]';
const DESCRIPTION = `Runs one command on the node at HOST:PORT (its control channel, loopback-only unless the node runs
with --control-open). Commands: list_mem, list_self, join, leave, enable_sus, disable_sus, status_sus,
display_suspects, switch gossip|ping suspect|nosuspect, display_protocol, drop [RATE], bandwidth, memory [gc],
keyring list|install KEY|use KEY|remove KEY, help. A keyed node needs the cluster key here too.`;

export const ctlCommand: CliCommand = {
  summary: 'run a command on a running node (list_mem, leave, drop 0.1, ...)',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, FLAGS, { positionals: true });
    if (values.help) {
      process.stdout.write(`${formatHelp(USAGE, DESCRIPTION, FLAGS)}\n`);
      return 0;
    }
    const [target, command, ...args] = positionals;
    if (target === undefined || command === undefined) throw new UserError('usage', `usage: ${USAGE}`);
    const address = checkAddress(target, 'target');
    const timeoutS = numberFlag(values, 'timeout', { min: 0.1, max: 3600 }) ?? 5;
    const result = await controlRequest(address, command, args, { timeoutMs: timeoutS * 1000, keyring: keyringFromFlags(values) });
    process.stdout.write(`${values.json ? JSON.stringify(result) : human(command, result)}\n`);
    return 0;
  },
};

/** A node of another version may answer with a shape this renderer does not know: show the JSON then. */
function human(command: string, result: unknown): string {
  try {
    return renderHuman(command, result);
  } catch {
    return JSON.stringify(result);
  }
}
