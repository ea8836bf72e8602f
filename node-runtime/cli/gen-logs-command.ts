// `hearsay gen-logs`: course-style application logs with known planted patterns, for dgrep's tests and benchmark.
import path from 'node:path';
import { PLANTED, writeClusterLogs, writeMachineLog } from '../grep/gen-logs.ts';
import type { LogFilePlan, PlantedKind } from '../grep/gen-logs.ts';
import { formatHelp, numberFlag, parseFlags, portFlag, stringFlag } from './flags.ts';
import type { FlagSpecs } from './flags.ts';
import { UserError } from '../user-error.ts';
import type { CliCommand } from './commands.ts';

const FLAGS: FlagSpecs = {
  dir: { type: 'string', value: 'DIR', help: 'write DIR/<host>_<port>/machine.<i>.log for each node (the layout of hearsay cluster)' },
  nodes: { type: 'string', value: 'N', help: 'how many nodes (with --dir)', default: '4' },
  host: { type: 'string', value: 'HOST', help: 'host part of the node directories', default: '127.0.0.1' },
  'base-port': { type: 'string', value: 'PORT', help: 'port of the first node; the others follow', default: '3000' },
  out: { type: 'string', value: 'FILE', help: 'instead of --dir: write one log to FILE, with all three patterns planted' },
  size: { type: 'string', value: 'SIZE', help: 'bytes per node: 500KB, 1MB, 60MB, 1GiB, ...', default: '60MB' },
  seed: { type: 'string', value: 'N', help: 'the same seed writes the same logs', default: '1' },
};

const USAGE = 'hearsay gen-logs (--dir DIR [--nodes N] [--base-port PORT] | --out FILE) [--size SIZE] [--seed N]';
const DESCRIPTION = `Writes Apache-style access and syslog lines with increasing timestamps, and plants three known patterns:
  rare      ${JSON.stringify(PLANTED.rare)}: a handful of lines, in one node
  somewhat  ${JSON.stringify(PLANTED.somewhat)}: ~5 % of lines, in the odd-numbered machines
  frequent  ${JSON.stringify(PLANTED.frequent)}: ~30 % of lines, in every node
and prints how many lines of each it wrote where.`;

export const genLogsCommand: CliCommand = {
  summary: 'write course-style test logs with known rare / somewhat-frequent / frequent patterns',
  async run(argv) {
    const { values } = parseFlags(argv, FLAGS);
    if (values.help) {
      process.stdout.write(`${formatHelp(USAGE, DESCRIPTION, FLAGS)}\n`);
      return 0;
    }
    const dir = stringFlag(values, 'dir');
    const out = stringFlag(values, 'out');
    if ((dir === undefined) === (out === undefined)) throw new UserError('usage', `give one of --dir or --out (usage: ${USAGE})`);
    const sizeBytes = parseSize(stringFlag(values, 'size') ?? '60MB');
    const seed = numberFlag(values, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true }) ?? 1;
    const started = Date.now();
    let plans: LogFilePlan[];
    try {
      plans = dir !== undefined
        ? writeClusterLogs({
          dir, sizeBytes, seed,
          nodes: numberFlag(values, 'nodes', { min: 1, max: 1000, integer: true }) ?? 4,
          host: stringFlag(values, 'host') ?? '127.0.0.1',
          basePort: portFlag(values, 'base-port') ?? 3000,
        })
        : [writeMachineLog(path.resolve(out!), { index: 1, sizeBytes, seed, rare: true, somewhat: true })];
    } catch (err) {
      if (err instanceof UserError) throw err;
      const e = err as NodeJS.ErrnoException;
      if (e.code === undefined) throw err;
      throw new UserError('file', `cannot write the logs: ${e.message}`);
    }
    process.stdout.write(report(plans, (Date.now() - started) / 1000));
    return 0;
  },
};

const UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3,
};

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) * unit < 1 || Number(m[1]) * unit > 64 * 1024 ** 3) {
    throw new UserError('usage', `--size ${text}: expected a size such as 500KB, 60MB or 1GiB (at most 64 GiB)`);
  }
  return Math.round(Number(m[1]) * unit);
}

function report(plans: LogFilePlan[], seconds: number): string {
  const kinds = Object.keys(PLANTED) as PlantedKind[];
  const rows = plans.map((p) => `${p.path}  ${(p.bytes / 1e6).toFixed(1)} MB  ${p.lines} lines  ` +
    kinds.map((k) => `${k} ${p.planted[k]}`).join('  '));
  const bytes = plans.reduce((s, p) => s + p.bytes, 0);
  const planted = kinds.map((k) => `  ${k.padEnd(9)} ${JSON.stringify(PLANTED[k])}: ${plans.reduce((s, p) => s + p.planted[k], 0)} lines in ` +
    `${plans.filter((p) => p.planted[k] > 0).map((p) => `machine.${p.index}`).join(', ') || 'no file'}`);
  return [...rows, 'planted:', ...planted,
    `${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s (${(bytes / 1e6 / Math.max(seconds, 0.001)).toFixed(0)} MB/s)`, ''].join('\n');
}
