// Records a session under logs/<session>/ so it can be replayed: launched nodes write their own JSONL logs into
// per-node folders there (nodeLogDir), and the recorder adds actions.jsonl — the host's kills, pauses, restarts… —
// so a replay can measure detection latency from the kill. For an attached cluster the nodes' logs live on their
// own hosts, so the recorder writes the streamed events itself, one file per observer, in the same format.
import fs from 'node:fs';
import path from 'node:path';
import { JsonlLog, addressFileStem } from '../../node-runtime/log/jsonl-log.ts';
import { makeDir } from '../../node-runtime/log/make-dir.ts';
import { UserError } from '../../node-runtime/user-error.ts';
import { addressOf } from '../../node-runtime/protocol/member-id.ts';
import type { Address, HostActionRecord, MembershipEvent } from './api.ts';

export const ACTIONS_FILE = 'actions.jsonl';

/** `2025-11-24T09-41-07-123Z-process`: sorts by time, portable as a folder name. */
function sessionName(mode: string, now: Date): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${mode}`;
}

export class Recorder {
  private readonly actions: fs.WriteStream;
  /** null: that observer's file could not be opened; its events are dropped (reported once). */
  private readonly observerLogs = new Map<Address, JsonlLog | null>();

  private constructor(readonly session: string, readonly dir: string) {
    this.actions = fs.createWriteStream(path.join(dir, ACTIONS_FILE), { flags: 'a' });
    this.actions.on('error', () => { /* a full disk stops the recording, not the cluster */ });
  }

  static create(logsRoot: string, mode: string, now = new Date()): Recorder {
    let session = sessionName(mode, now);
    for (let n = 2; fs.existsSync(path.join(logsRoot, session)); n++) session = `${sessionName(mode, now)}-${n}`;
    const dir = path.join(logsRoot, session);
    makeDir(dir);
    return new Recorder(session, dir);
  }

  /** Where the node at `address` writes its own log (`--log-dir`). */
  nodeLogDir(address: Address): string {
    return path.join(this.dir, addressFileStem(address));
  }

  action(record: HostActionRecord): void {
    if (!this.actions.writableEnded) this.actions.write(`${JSON.stringify(record)}\n`);
  }

  /** Attached clusters only: appends streamed events to their observer's file. Called from a socket's data
   *  callback, so it never throws: a file that cannot be opened is returned as a one-line problem (once per
   *  observer) for the host to report, and that observer's events are not recorded. */
  events(events: readonly MembershipEvent[]): string | undefined {
    let problem: string | undefined;
    for (const e of events) {
      const observer = addressOf(e.node);
      let log = this.observerLogs.get(observer);
      if (log === undefined) {
        const dir = this.nodeLogDir(observer);
        try {
          log = JsonlLog.open(dir, observer);
        } catch (err) {
          log = null;
          const why = err instanceof UserError ? err.message : `cannot write in ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
          problem = `not recording ${observer}: ${why}`;
        }
        this.observerLogs.set(observer, log);
      }
      log?.append(e);
    }
    return problem;
  }

  /** After close(): removes the session folder when nothing in it holds a byte (a launch that never ran). */
  removeIfEmpty(): void {
    const holdsData = (dir: string): boolean => fs.readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? holdsData(full) : fs.statSync(full).size > 0;
    });
    try {
      if (!holdsData(this.dir)) fs.rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // Gone already, or unreadable: nothing to tidy.
    }
  }

  async close(): Promise<void> {
    const logs = [...this.observerLogs.values()].map((log) => log?.close());
    this.observerLogs.clear();
    const actions = this.actions.writableEnded
      ? Promise.resolve()
      : new Promise<void>((resolve) => this.actions.end(() => resolve()));
    await Promise.all([...logs, actions]);
  }
}
