// The `hearsay` command registry: one file per command, one line here each. `main.ts` dispatches on it and builds
// the top-level help from the summaries.
import { clusterCommand } from './cluster-command.ts';
import { ctlCommand } from './ctl-command.ts';
import { dgrepCommand } from './dgrep-command.ts';
import { experimentCommand } from './experiment-command.ts';
import { genLogsCommand } from './gen-logs-command.ts';
import { keygenCommand } from './keygen-command.ts';
import { keysCommand } from './keys-command.ts';
import { nodeCommand } from './node-command.ts';
import { serfClusterCommand } from './serf-cluster-command.ts';

export interface CliCommand {
  /** One line for `hearsay --help`. */
  readonly summary: string;
  /** Runs with the arguments after the command name; resolves with the exit code. Throws UserError for mistakes.
   *  `<command> --help` is the command's own business. */
  run(argv: readonly string[]): Promise<number>;
}

export const COMMANDS: Record<string, CliCommand> = {
  node: nodeCommand,
  ctl: ctlCommand,
  cluster: clusterCommand,
  dgrep: dgrepCommand,
  'gen-logs': genLogsCommand,
  keygen: keygenCommand,
  keys: keysCommand,
  experiment: experimentCommand,
  'serf-cluster': serfClusterCommand,
};
