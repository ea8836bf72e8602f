// `hearsay dgrep [grep options] PATTERN [--via HOST:PORT] [--timeout S] [--json]`: grep every live member's logs.
// Matching lines go to stdout as they arrive (`ADDRESS FILE:LINE`); the per-node counts, the nodes that did not
// answer and the total go to stderr, so a pipe sees only lines. Exit status as grep's (docs/dgrep.md).
import { dgrep } from '../grep/dgrep.ts';
import type { DgrepReport, NodeReport } from '../grep/dgrep.ts';
import { jsonRenderer, renderText } from '../grep/dgrep-output.ts';
import { GrepArgsError, parseGrepArgs } from '../grep/grep-args.ts';
import type { GrepQuery } from '../grep/grep-args.ts';
import { checkAddress, formatHelp, numberFlag } from './flags.ts';
import type { FlagSpecs } from './flags.ts';
import { UserError } from '../user-error.ts';
import { KEY_FLAGS, keyringFromFlags } from './key-flags.ts';
import type { CliCommand } from './commands.ts';

const FLAGS: FlagSpecs = {
  via: { type: 'string', value: 'HOST:PORT', help: 'ask this member for the membership', default: '127.0.0.1:3000' },
  timeout: { type: 'string', value: 'S', help: 'deadline for the whole query; silent nodes are reported after it', default: '10' },
  json: { type: 'boolean', help: 'one JSON object per line: line/count records, then node records, then a total' },
  ...KEY_FLAGS,
};

const USAGE = 'hearsay dgrep [grep options] PATTERN [--via HOST:PORT] [--timeout S] [--json]';
const DESCRIPTION = `Greps the log directory of every live member at once and prints each matching line prefixed with the
node's address and the file, as "ADDRESS FILE:LINE", then a count per node and a total on stderr.
grep options, with GNU grep's meaning: -E -F -G -i -v -w -x -c -n -m NUM -e PATTERN (repeatable); -- ends them.
Refused: options that name files or directories (-f -r -R -d -D --include --exclude...) and file operands.
Exit status: 0 a line was selected, 1 none, 2 a node failed, timed out or was cut off (its reason is printed),
130 cancelled (Ctrl-C), 141 stdout closed (as grep killed by SIGPIPE). Details: docs/dgrep.md.`;

const CANCELLED_EXIT = 130;
const PIPE_CLOSED_EXIT = 141;

export const dgrepCommand: CliCommand = {
  summary: 'grep the logs of every live member (grep options, ADDRESS FILE:LINE output)',
  async run(argv) {
    const { flags, grepArgs } = splitArgs(argv);
    if (flags.help) {
      process.stdout.write(`${formatHelp(USAGE, DESCRIPTION, FLAGS)}\n`);
      return 0;
    }
    let query: GrepQuery;
    try {
      query = parseGrepArgs(grepArgs);
    } catch (err) {
      if (err instanceof GrepArgsError) throw new UserError('usage', err.message);
      throw err;
    }
    const via = checkAddress(typeof flags.via === 'string' ? flags.via : '127.0.0.1:3000', '--via');
    const timeoutS = numberFlag(flags, 'timeout', { min: 0.1, max: 600 }) ?? 10;
    const json = flags.json === true;
    const keyring = keyringFromFlags(flags);
    const abort = new AbortController();
    const onSigint = (): void => abort.abort();
    process.once('SIGINT', onSigint);
    // A closed pipe (`| head`) ends the query everywhere, like a Ctrl-C, and quietly, as grep's SIGPIPE death does.
    let pipeClosed = false;
    process.stdout.on('error', () => {
      pipeClosed = true;
      abort.abort();
    });
    let report: DgrepReport;
    try {
      report = await dgrep(via, {
        args: grepArgs, timeoutMs: timeoutS * 1000, signal: abort.signal, output: process.stdout, keyring,
        render: json ? jsonRenderer({ counting: query.flags.includes('c'), numbered: query.flags.includes('n') }) : renderText,
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (pipeClosed) return PIPE_CLOSED_EXIT;
    if (json) {
      for (const node of report.nodes) process.stdout.write(`${JSON.stringify({ type: 'node', ...node })}\n`);
      process.stdout.write(`${JSON.stringify(totalRecord(report))}\n`);
    } else {
      // With -c the counts are the answer: per node and in total on stdout too, after grep's per-file counts.
      if (query.flags.includes('c')) process.stdout.write(countTotals(report));
      process.stderr.write(summary(report));
    }
    return abort.signal.aborted ? CANCELLED_EXIT : report.exitCode;
  },
};

function totalRecord(report: DgrepReport): Record<string, unknown> {
  return { type: 'total', count: report.total, nodes: report.nodes.length,
    answered: report.nodes.filter((n) => n.ok).length, exit: report.exitCode };
}

/** `ADDRESS total:N` for each node that answered (served files are *.log and *.jsonl: no file is called "total"),
 *  then `total:N`. */
function countTotals(report: DgrepReport): string {
  const answered = report.nodes.filter((n) => n.ok || n.files.length > 0);
  return `${answered.map((n) => `${n.address} total:${n.count}\n`).join('')}total:${report.total}\n`;
}

function summary(report: DgrepReport): string {
  const width = Math.max(0, ...report.nodes.map((n) => n.address.length));
  const lines = report.nodes.map((n) => `-- ${n.address.padEnd(width)}  ${describe(n)}\n`);
  const answered = report.nodes.filter((n) => n.ok).length;
  return `${lines.join('')}-- total: ${report.total} line${report.total === 1 ? '' : 's'} from ${answered} of ${report.nodes.length} nodes\n`;
}

function describe(n: NodeReport): string {
  const seconds = `${(n.elapsedMs / 1000).toFixed(2)} s`;
  const counted = `${n.count} line${n.count === 1 ? '' : 's'} in ${n.files.length} file${n.files.length === 1 ? '' : 's'}`;
  if (n.ok) return `${counted} (${seconds})`;
  return n.files.length > 0 ? `${counted}, INCOMPLETE: ${n.reason}` : `NO ANSWER: ${n.reason}`;
}

/** Separates dgrep's own flags from grep's options, which keep their order; the word after -e/-m (or a bundle ending
 *  in them) is grep's argument even if it looks like a dgrep flag, and everything after `--` is grep's. */
function splitArgs(argv: readonly string[]): { flags: Record<string, string | boolean | undefined>; grepArgs: string[] } {
  const flags: Record<string, string | boolean | undefined> = {};
  const grepArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      grepArgs.push(...argv.slice(i));
      break;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : undefined;
    if (arg === '--help' || arg === '-h') {
      flags.help = true;
    } else if (arg === '--json') {
      flags.json = true;
    } else if (name === 'via' || name === 'timeout' || name === 'key' || name === 'keyring-file') {
      if (eq >= 0) flags[name] = arg.slice(eq + 1);
      else if (i + 1 < argv.length) flags[name] = argv[++i];
      else throw new UserError('usage', `--${name} needs a value (see --help)`);
    } else {
      grepArgs.push(arg);
      if (takesArgument(arg) && i + 1 < argv.length) grepArgs.push(argv[++i]!);
    }
  }
  return { flags, grepArgs };
}

function takesArgument(arg: string): boolean {
  if (arg === '--regexp' || arg === '--max-count') return true;
  if (arg.startsWith('--') || !arg.startsWith('-')) return false;
  // In a bundle, the first of e/m takes the rest of the word, or the next word when it is last.
  const at = arg.slice(1).search(/[em]/);
  return at >= 0 && at === arg.length - 2;
}
