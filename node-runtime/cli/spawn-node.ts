// Starts `hearsay node` as a child process (cluster, tests, benchmarks). The child gets --exit-with-stdin and a
// stdin pipe, so it stops when this process goes away, however it goes.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { KEY_ENV } from './key-flags.ts';

export const HEARSAY_BIN = fileURLToPath(new URL('../../bin/hearsay.mjs', import.meta.url));

export function spawnNode(
  args: readonly string[],
  opts: { stdout?: 'pipe' | 'ignore'; stderr?: 'pipe' | 'ignore'; cwd?: string; key?: string; execArgv?: readonly string[] } = {},
): ChildProcess {
  // execArgv: options for Node itself (a benchmark's --trace-gc, which NODE_OPTIONS does not take).
  return spawn(process.execPath, [...(opts.execArgv ?? []), HEARSAY_BIN, 'node', '--exit-with-stdin', ...args], {
    stdio: ['pipe', opts.stdout ?? 'ignore', opts.stderr ?? 'pipe'],
    cwd: opts.cwd,
    // The cluster key goes through the environment, never argv (which ps shows to everyone).
    env: opts.key === undefined ? process.env : { ...process.env, [KEY_ENV]: opts.key },
  });
}
