// Opens recordings for replay: a folder of JSONL logs (its own files plus those one level down, for per-node
// folders), or one JSONL file. Each opened recording gets a random token, and the shells serve exactly the files
// registered under it at `/recording/<token>/<name>` — a URL never names a path on disk, so nothing outside what
// the user opened can be fetched. The renderer streams the files from there (H6's replay). Only recordings inside the
// recordings folder (logs/) open through the API; one elsewhere only through an explicit choice of the user made
// outside the page — the app's `--replay PATH` — approved with `approve` (a page that got hold of the API must not
// read .jsonl files from anywhere on disk).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../node-runtime/user-error.ts';
import type { RecordingFile, RecordingInfo } from './api.ts';

/** Sample recordings live one level further down (logs/samples/<name>/). */
const COLLECTIONS = ['samples'];

interface Registered {
  readonly info: RecordingInfo;
  readonly files: ReadonlyMap<string, string>;
}

/** hearsay's JSONL logs and actions, and `.log` text logs (Serf/Consul agents' own, which Replay also reads). */
function isJsonl(name: string): boolean {
  return name.endsWith('.jsonl') || name.endsWith('.log');
}

function readDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** JSONL regular files in `dir` and its immediate sub-folders, as [name relative to dir, absolute path].
 *  Symlinks are skipped, so a recording cannot reach outside its folder. */
function jsonlFiles(dir: string): [string, string][] {
  const found: [string, string][] = [];
  for (const entry of readDir(dir)) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && isJsonl(entry.name)) found.push([entry.name, full]);
    else if (entry.isDirectory()) {
      for (const inner of readDir(full)) {
        if (inner.isFile() && isJsonl(inner.name)) found.push([`${entry.name}/${inner.name}`, path.join(full, inner.name)]);
      }
    }
  }
  return found.sort(([a], [b]) => a.localeCompare(b));
}

export class RecordingFiles {
  private readonly byToken = new Map<string, Registered>();
  private readonly tokenOf = new Map<string, string>();
  /** Real paths (symlinks resolved) under which recordings open: the recordings folder, and what the user approved. */
  private readonly roots: string[] = [];

  /** Relative paths resolve against `cwd`; `list()` looks in `logsDir`, which is also where recordings may open. */
  constructor(private readonly opts: { cwd: string; logsDir: string }) {
    this.approve(opts.logsDir);
  }

  /** Lets recordings under `userPath` open (the user chose it outside the page: a command-line flag). */
  approve(userPath: string): void {
    this.roots.push(realPath(path.resolve(this.opts.cwd, userPath)));
  }

  /** Validates and registers a folder or file; throws UserError with one line for anything unusable. */
  open(userPath: string): RecordingInfo {
    const resolved = path.resolve(this.opts.cwd, userPath);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(resolved);
    } catch {
      throw new UserError('file', `recording not found: ${userPath}`);
    }
    const real = realPath(resolved);
    if (!this.roots.some((root) => real === root || real.startsWith(`${root}${path.sep}`))) {
      throw new UserError('file', `${userPath} is outside the recordings folder (${path.relative(this.opts.cwd, this.opts.logsDir) || '.'}/): ` +
        'open it by starting the app with --replay PATH, or copy it into that folder');
    }
    let files: [string, string][];
    if (stat.isDirectory()) {
      files = jsonlFiles(resolved);
      if (files.length === 0) throw new UserError('file', `no .jsonl or .log logs in ${userPath} (nor in its sub-folders)`);
    } else if (stat.isFile()) {
      if (!isJsonl(resolved)) throw new UserError('file', `not a .jsonl or .log log: ${userPath}`);
      files = [[path.basename(resolved), resolved]];
    } else {
      throw new UserError('file', `not a folder or file: ${userPath}`);
    }
    return this.register(userPath, resolved, files);
  }

  /** Every recording under logs/: each folder there (newest session first), then each folder of a collection such
   *  as logs/samples/. */
  list(): RecordingInfo[] {
    const { cwd, logsDir } = this.opts;
    const folders = (dir: string): string[] =>
      readDir(dir).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name)).sort();
    const top = folders(logsDir);
    const sessions = top.filter((dir) => !COLLECTIONS.includes(path.basename(dir))).reverse();
    const samples = top.filter((dir) => COLLECTIONS.includes(path.basename(dir))).flatMap(folders);
    const recordings: RecordingInfo[] = [];
    for (const folder of [...sessions, ...samples]) {
      const files = jsonlFiles(folder);
      if (files.length > 0) recordings.push(this.register(path.relative(cwd, folder), folder, files));
    }
    return recordings;
  }

  /** The absolute path behind a served URL's token and name, or undefined for anything not registered. */
  resolve(token: string, name: string): string | undefined {
    return this.byToken.get(token)?.files.get(name);
  }

  private register(userPath: string, resolved: string, found: [string, string][]): RecordingInfo {
    let token = this.tokenOf.get(resolved);
    if (!token) {
      token = crypto.randomBytes(16).toString('hex');
      this.tokenOf.set(resolved, token);
    }
    const files: RecordingFile[] = [];
    for (const [name, full] of found) {
      let bytes = 0;
      try {
        bytes = fs.statSync(full).size;
      } catch { /* vanished between listing and stat: serve it as empty */ }
      files.push({ name, url: recordingUrl(token, name), bytes });
    }
    const info: RecordingInfo = { path: userPath, files, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
    this.byToken.set(token, { info, files: new Map(found) });
    return info;
  }
}

/** The path with every symlink resolved; as given when it does not exist (yet). */
function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** Relative to the app's origin, so the same URL works over HTTP (browser shell) and the custom protocol (Electron). */
export function recordingUrl(token: string, name: string): string {
  return `/recording/${token}/${encodeURIComponent(name)}`;
}

/** Splits `/recording/<token>/<name>` back; undefined when the path has another shape. */
export function parseRecordingUrl(pathname: string): { token: string; name: string } | undefined {
  const m = /^\/recording\/([0-9a-f]{32})\/([^/]+)$/.exec(pathname);
  if (!m) return undefined;
  try {
    return { token: m[1]!, name: decodeURIComponent(m[2]!) };
  } catch {
    return undefined;
  }
}
