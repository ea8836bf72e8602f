// A node's side of dgrep: one TCP connection whose hello is `{ "v": 1, "type": "grep", "args": [...] }`. Runs the
// system's GNU grep in a child process (never a shell, never on the event loop) over the node's log directory, with a
// deadline, an address-space limit (prlimit) and an output cap, and streams its stdout back in frames (grep-frames.ts), pausing grep while the socket
// is full. The connection closing early kills grep, so a cancelled query stops everywhere.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type net from 'node:net';
import { setPriority } from 'node:os';
import * as v from 'valibot';
import { GrepArgsError, MAX_PATTERN_LENGTH, grepArgv, parseGrepArgs } from './grep-args.ts';
import type { GrepQuery } from './grep-args.ts';
import { DATA, frameHeader, trailerFrame } from './grep-frames.ts';
import type { GrepTrailer } from './grep-frames.ts';
import { servedFiles } from './served-files.ts';

export const GREP_BINARY = '/usr/bin/grep';
/** The C locale: byte semantics, the same answer on every node whatever its own locale, and grep's fastest path. */
const GREP_ENV = { PATH: '/usr/bin:/bin', LC_ALL: 'C' };
export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const MAX_MAX_BYTES = 4 * 1024 * 1024 * 1024;
const MAX_STDERR = 4096;
/** Greps running at once in this process; more are refused as busy rather than queued behind a slow one. */
const MAX_RUNNING = 16;
/** Heavy greps (isHeavy: regexes whose automaton can grow large) may each take their whole memory limit, so fewer
 *  run: per node, and per process (the app's host embeds many nodes in one): at most 4 × GREP_MEMORY_BYTES. */
export const MAX_HEAVY = 2;
const MAX_HEAVY_PER_PROCESS = 4;
/** Address space each grep may use (util-linux prlimit --as). GNU grep on logs needs ~10 MiB in the C locale; a
 *  pattern such as ((a{1,1000}){1,1000}){1,1000} grows it to gigabytes within seconds. When the limit is hit grep
 *  says "memory exhausted" and exits 2, reported as MEMORY_ERROR for that node. */
export const GREP_MEMORY_BYTES = 256 * 1024 * 1024;
export const PRLIMIT_BINARY = '/usr/bin/prlimit';
/** Checked once: without util-linux's prlimit grep runs unlimited, and heavy greps one at a time. */
const HAS_PRLIMIT = fs.existsSync(PRLIMIT_BINARY);
export const MEMORY_ERROR = `pattern needs too much memory (grep is limited to ${GREP_MEMORY_BYTES / 2 ** 20} MiB per node)`;
/** grep yields the CPU to the node's membership loop (nice 10) so heartbeats keep their timing under load. */
const GREP_NICE = 10;
/** After the trailer, a client that stops reading is cut off. */
const LINGER_MS = 5_000;

export const GrepHelloSchema = v.object({
  v: v.literal(1),
  type: v.literal('grep'),
  /** grep options and patterns, as grep-args.ts reads them; never file names. */
  args: v.pipe(v.array(v.pipe(v.string(), v.maxLength(MAX_PATTERN_LENGTH))), v.maxLength(128)),
  timeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_TIMEOUT_MS))),
  maxBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_MAX_BYTES))),
});
export type GrepHello = v.InferOutput<typeof GrepHelloSchema>;

export interface GrepContext {
  readonly logDir: string;
  readonly nodeId: () => string;
}

let running = 0;
/** Heavy greps running, per node (its log directory). */
const heavyByNode = new Map<string, number>();
const heavyRunning = (): number => [...heavyByNode.values()].reduce((a, b) => a + b, 0);

/** Heavy greps running now for the node serving `logDir`. */
export function heavyGreps(logDir: string): number {
  return heavyByNode.get(logDir) ?? 0;
}

/** Patterns that may compile into a large automaton: counted repetition `{m,n}` or back-references in a regex (not
 *  -F), or very long ones. Only these are held to MAX_HEAVY; plain searches keep the full concurrency. */
export function isHeavy(query: GrepQuery): boolean {
  const fixed = query.flags.lastIndexOf('F') > Math.max(query.flags.lastIndexOf('E'), query.flags.lastIndexOf('G'));
  if (fixed) return false;
  return query.patterns.some((p) => /\{|\\[1-9]/.test(p) || p.length > 256);
}

export function serveGrep(hello: unknown, socket: net.Socket, ctx: GrepContext): void {
  const started = Date.now();
  socket.on('error', () => socket.destroy()); // a vanished client is the normal way a query is cancelled
  // The client sends nothing after its hello: reading only lets us see it hang up while grep has nothing to say.
  socket.on('data', () => {});
  socket.resume();
  const end = (result: Omit<GrepTrailer, 'node' | 'elapsedMs'>): void => {
    if (socket.destroyed) return;
    socket.end(trailerFrame({ node: ctx.nodeId(), ...result, elapsedMs: Date.now() - started }));
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
  const refuse = (error: string): void => end({ files: [], count: 0, truncated: false, timedOut: false, error });

  const parsed = v.safeParse(GrepHelloSchema, hello);
  if (!parsed.success) return refuse(`malformed grep request: ${v.summarize(parsed.issues).split('\n')[0]}`);
  let query: GrepQuery;
  try {
    query = parseGrepArgs(parsed.output.args);
  } catch (err) {
    if (err instanceof GrepArgsError) return refuse(err.message);
    throw err;
  }
  if (running >= MAX_RUNNING) return refuse(`busy: ${MAX_RUNNING} greps already running on this node`);
  const heavy = isHeavy(query);
  const heavyLimit = HAS_PRLIMIT ? MAX_HEAVY : 1;
  if (heavy && heavyGreps(ctx.logDir) >= heavyLimit) {
    return refuse(`busy: ${heavyLimit} heavy greps (counted repetition, back-references) already running on this node`);
  }
  if (heavy && heavyRunning() >= MAX_HEAVY_PER_PROCESS) {
    return refuse(`busy: ${MAX_HEAVY_PER_PROCESS} heavy greps already running in this node's process`);
  }
  running++;
  if (heavy) heavyByNode.set(ctx.logDir, heavyGreps(ctx.logDir) + 1);
  const deadline = started + (parsed.output.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const maxBytes = parsed.output.maxBytes ?? DEFAULT_MAX_BYTES;
  servedFiles(ctx.logDir).then(
    ({ dir, files, skipped }) => {
      const base = { files, ...(skipped.length > 0 ? { skipped } : {}) };
      if (files.length === 0) return finish({ ...base, count: 0, exit: 1, truncated: false, timedOut: false });
      if (socket.destroyed) return finish();
      runGrep(query, dir, files, socket, deadline, maxBytes, (result) => finish({ ...base, ...result }));
    },
    (err: NodeJS.ErrnoException) => finish({
      files: [], count: 0, truncated: false, timedOut: false, error: `cannot read the log directory: ${err.code ?? err.message}`,
    }),
  );
  function finish(result?: Omit<GrepTrailer, 'node' | 'elapsedMs'>): void {
    running--;
    if (heavy) {
      const left = heavyGreps(ctx.logDir) - 1;
      if (left > 0) heavyByNode.set(ctx.logDir, left);
      else heavyByNode.delete(ctx.logDir);
    }
    if (result) end(result);
  }
}

type RunResult = Pick<GrepTrailer, 'count' | 'exit' | 'truncated' | 'timedOut' | 'error'>;

function runGrep(query: GrepQuery, dir: string, files: string[], socket: net.Socket, deadline: number,
  maxBytes: number, done: (result: RunResult) => void): void {
  // prlimit sets the limit and execs grep (same pid, so the nice below applies to grep).
  const [binary, argv] = HAS_PRLIMIT
    ? [PRLIMIT_BINARY, [`--as=${GREP_MEMORY_BYTES}`, '--', GREP_BINARY, ...grepArgv(query, files)]]
    : [GREP_BINARY, grepArgv(query, files)];
  const child = spawn(binary, argv, { cwd: dir, env: GREP_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) {
    try {
      setPriority(child.pid, GREP_NICE);
    } catch {
      // not permitted here: grep still runs, only without yielding
    }
  }
  const counting = query.flags.includes('c');
  let countText = '';
  let count = 0;
  let sent = 0;
  let truncated = false;
  let timedOut = false;
  let stderr = '';
  let spawnError: string | undefined;

  const stop = (): void => {
    child.kill('SIGKILL');
    child.stdout.destroy();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, Math.max(0, deadline - Date.now()));
  const onClientGone = (): void => stop();
  socket.once('end', onClientGone);
  socket.once('close', onClientGone);

  child.stdout.on('data', (chunk: Buffer) => {
    if (truncated || socket.destroyed) return;
    let out = chunk;
    if (sent + out.length > maxBytes) {
      // Cut at the last whole line that fits, so the client never sees half a line.
      const room = maxBytes - sent;
      out = room > 0 ? out.subarray(0, out.lastIndexOf(10, room - 1) + 1) : out.subarray(0, 0);
      truncated = true;
      stop();
    }
    if (out.length === 0) return;
    sent += out.length;
    if (counting) countText += out.toString('latin1');
    else count += countLines(out);
    socket.cork();
    socket.write(frameHeader(DATA, out.length));
    const flowing = socket.write(out);
    socket.uncork();
    if (!flowing) {
      child.stdout.pause();
      socket.once('drain', () => child.stdout.resume());
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8').slice(0, MAX_STDERR - stderr.length);
  });
  child.on('error', (err: NodeJS.ErrnoException) => {
    spawnError = `cannot run ${binary}: ${err.code ?? err.message}`;
  });
  child.on('close', (code) => {
    clearTimeout(timer);
    socket.off('end', onClientGone);
    socket.off('close', onClientGone);
    if (counting) count = sumCounts(countText);
    const exit = truncated || timedOut || code === null ? undefined : code;
    // grep tells an allocation failure only in words (gnulib's xalloc_die), so its diagnostic is the one signal.
    const outOfMemory = exit === 2 && /memory exhausted/i.test(stderr);
    const message = spawnError ?? (outOfMemory ? MEMORY_ERROR
      : exit !== undefined && exit > 1 ? stderr.trim() || `grep exited with ${exit}` : undefined);
    done({ count, ...(exit === undefined ? {} : { exit }), truncated, timedOut, ...(message ? { error: message } : {}) });
  });
}

function countLines(buf: Buffer): number {
  let n = 0;
  for (let at = buf.indexOf(10); at >= 0; at = buf.indexOf(10, at + 1)) n++;
  return n;
}

/** Sums grep -cH output, `file:N` per line (the count follows the last colon). */
function sumCounts(text: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const n = Number(line.slice(line.lastIndexOf(':') + 1));
    if (line && Number.isSafeInteger(n)) total += n;
  }
  return total;
}
