// The node's membership log: one JSONL file per node address, appended across restarts, one MembershipEvent per line
// (docs/log-format.md). Writes go through a write stream so the membership loop never waits on the disk, and the
// lines of one turn of the event loop go to it as one write: a node embedded among 1,000 logs ~1,000 lines while it
// joins, and a stream write per line cost more than the line itself.
import fs from 'node:fs';
import path from 'node:path';
import type { MembershipEvent } from '../protocol/events.ts';
import type { Address } from '../protocol/member-id.ts';
import { makeDir } from './make-dir.ts';

/** `127.0.0.1:3000` → `127.0.0.1_3000`; IPv6 brackets and colons become `_` too, so the name is portable. */
export function addressFileStem(address: Address): string {
  return address.replace(/[[\]]/g, '').replace(/:/g, '_');
}

export function logFileName(address: Address): string {
  return `${addressFileStem(address)}.jsonl`;
}

/** One event as a log line, fields in the documented order. */
export function formatLogLine(e: MembershipEvent): string {
  const record: Record<string, unknown> = { ts: e.ts, node: e.node, event: e.event, member: e.member };
  if (e.incarnation !== undefined) record.incarnation = e.incarnation;
  if (e.reason !== undefined) record.reason = e.reason;
  if (e.via !== undefined) record.via = e.via;
  return `${JSON.stringify(record)}\n`;
}

export class JsonlLog {
  private failed: Error | undefined;
  /** Lines appended in this turn, written together on the next (setImmediate). */
  private pending = '';

  private constructor(readonly path: string, private readonly stream: fs.WriteStream) {
    // A disk error must not take the node down: the log stops, membership goes on, and `error` says why.
    stream.on('error', (err) => { this.failed = err; });
  }

  /** Creates `dir` if needed and opens `<dir>/<host>_<port>.jsonl` for appending. Throws if the directory cannot be
   *  created or the file opened (checked synchronously so the CLI can say so at start). */
  static open(dir: string, address: Address): JsonlLog {
    makeDir(dir);
    const file = path.join(dir, logFileName(address));
    fs.closeSync(fs.openSync(file, 'a'));
    return new JsonlLog(file, fs.createWriteStream(file, { flags: 'a' }));
  }

  get error(): Error | undefined {
    return this.failed;
  }

  append(event: MembershipEvent): void {
    if (this.failed || this.stream.writableEnded) return;
    if (this.pending === '') setImmediate(() => this.flush());
    this.pending += formatLogLine(event);
  }

  /** Flushes what was appended and closes the file. */
  close(): Promise<void> {
    if (this.stream.writableEnded) return Promise.resolve();
    this.flush();
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }

  private flush(): void {
    if (this.pending === '' || this.stream.writableEnded) return;
    this.stream.write(this.pending);
    this.pending = '';
  }
}
