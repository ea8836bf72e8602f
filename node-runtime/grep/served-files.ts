// Which files a node lets grep read: the `*.log` and `*.jsonl` regular files directly in its log directory, and only
// those whose real path stays inside that directory (a symlink pointing out of it is skipped and named). A name with
// a colon or a newline is skipped too: it would make grep's `file:line` output ambiguous.
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export interface ServedFiles {
  /** The directory's real path: grep runs there, with these names relative to it. */
  readonly dir: string;
  readonly files: string[];
  readonly skipped: string[];
}

const SERVED = /\.(log|jsonl)$/;

export async function servedFiles(logDir: string): Promise<ServedFiles> {
  const dir = await realpath(logDir);
  const files: string[] = [];
  const skipped: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (!SERVED.test(entry.name)) continue;
    if (!/[:\n]/.test(entry.name) && await isServable(dir, entry.name)) files.push(entry.name);
    else skipped.push(entry.name);
  }
  files.sort();
  skipped.sort();
  return { dir, files, skipped };
}

async function isServable(dir: string, name: string): Promise<boolean> {
  try {
    const real = await realpath(path.join(dir, name));
    // Regular files only: a FIFO would block grep, a directory is not ours to walk.
    return path.dirname(real) === dir && (await stat(real)).isFile();
  } catch {
    return false; // dangling symlink, or removed meanwhile
  }
}
