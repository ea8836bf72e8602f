// The reference dgrep's tests compare with: GNU grep run here over one node's directory, in the nodes' C locale,
// each line prefixed as dgrep prints it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export function localGrep(dir: string, address: string, args: readonly string[]): string {
  const files = fs.readdirSync(dir).filter((f) => /\.(log|jsonl)$/.test(f)).sort();
  let out: string;
  try {
    out = execFileSync('/usr/bin/grep', ['-H', ...args, '--', ...files], { cwd: dir, env: { LC_ALL: 'C' }, encoding: 'latin1', maxBuffer: 1 << 30 });
  } catch (err) {
    const { status, stdout } = err as { status?: number; stdout?: string };
    if (status !== 1 || stdout === undefined) throw err;
    out = stdout; // nothing selected (with -c, the zero counts)
  }
  return out.split('\n').filter(Boolean).map((l) => `${address} ${l}\n`).join('');
}

/** One node's lines of dgrep's output, in the order that node sent them (nodes interleave by whole lines). */
export function linesOf(out: string, address: string): string {
  return out.split('\n').filter((l) => l.startsWith(`${address} `)).map((l) => `${l}\n`).join('');
}
