// Creates a directory and its missing parents, one level at a time. Node 20's fs.mkdirSync(…, {recursive: true})
// never returns for some unusable paths (under /proc it retries ENOENT forever, at full CPU, and being synchronous
// it ignores SIGTERM); here each level is tried once, so an unusable path is one clear error.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../user-error.ts';

/** Throws a UserError ('file') naming the path and why when `dir` cannot be made a directory. */
export function makeDir(dir: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw unusable(dir, err);
    }
    if (stat) {
      if (!stat.isDirectory()) throw new UserError('file', `cannot use ${dir}: ${at} is not a directory`);
      break;
    }
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  for (const level of missing.reverse()) {
    try {
      fs.mkdirSync(level);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw unusable(dir, err);
    }
  }
}

function unusable(dir: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'this file system does not allow creating it'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'EROFS' ? 'read-only file system'
        : code === 'ENOTDIR' ? 'part of the path is a file, not a directory'
        : code ?? String(err);
  return new UserError('file', `cannot create the directory ${dir}: ${why}`);
}
