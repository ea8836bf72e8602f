// Records a session under logs/<session>/ so it can be replayed: launched nodes write their own JSONL logs into
// per-node folders there (nodeLogDir), and the recorder adds actions.jsonl — the host's kills, pauses, restarts… —
// so a replay can measure detection latency from the kill. For an attached cluster the nodes' logs live on their
// own hosts, so the recorder writes the streamed events itself, one file per observer, in the same format. For a
// pair, sides.jsonl says which side each node slot is on (replay splits by it); stats.jsonl samples each node's
// bandwidth every 2 s (bounded), so a replay shows bandwidth too. The renderer's loader reads these names.
import fs from 'node:fs';
import path from 'node:path';
import { JsonlLog, addressFileStem } from '../../node-runtime/log/jsonl-log.ts';
import { makeDir } from '../../node-runtime/log/make-dir.ts';
import { UserError } from '../../node-runtime/user-error.ts';
import { addressOf } from '../../node-runtime/protocol/member-id.ts';
import type { Address, ClusterNode, HostActionRecord, MembershipEvent, NodeStats } from './api.ts';

export const ACTIONS_FILE = 'actions.jsonl';
export const SIDES_FILE = 'sides.jsonl';
export const STATS_FILE = 'stats.jsonl';
/** One sample per node this often: the live list shows one a second; a replay's sparkline needs less. */
export const STATS_RECORD_MS = 2000;
/** stats.jsonl stops growing here (≈ 8 hours of 64 nodes), said once. */
export const MAX_STATS_BYTES = 32 << 20;

/** `2025-11-24T09-41-07-123Z-process`: sorts by time, portable as a folder name. */
function sessionName(mode: string, now: Date): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${mode}`;
}

export class Recorder {
  private readonly actions: fs.WriteStream;
  /** Opened on the first line (a session that is no pair writes no sides file). */
  private readonly extra = new Map<string, fs.WriteStream>();
  private readonly sided = new Set<Address>();
  private readonly lastStats = new Map<Address, number>();
  private statsBytes = 0;
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

  /** A pair's node, the first time it is seen with its side. */
  node(node: ClusterNode): void {
    if (node.group === undefined || this.sided.has(node.address)) return;
    this.sided.add(node.address);
    this.append(SIDES_FILE, { address: node.address, group: node.group });
  }

  /** Samples a node's stats (at most one per STATS_RECORD_MS per node); returns a one-line problem once, when the
   *  file reached its bound and stopped growing. */
  stats(stats: NodeStats, now = Date.now()): string | undefined {
    if (this.statsBytes > MAX_STATS_BYTES || now - (this.lastStats.get(stats.address) ?? -Infinity) < STATS_RECORD_MS) return undefined;
    this.lastStats.set(stats.address, now);
    const line = { ts: now, address: stats.address, in: Math.round(stats.bytesInPerSec), out: Math.round(stats.bytesOutPerSec) };
    this.statsBytes += this.append(STATS_FILE, line);
    return this.statsBytes > MAX_STATS_BYTES ? `bandwidth recording stopped at ${MAX_STATS_BYTES >> 20} MiB (${STATS_FILE})` : undefined;
  }

  /** Appends one JSON line to a file of the recording; returns its length. */
  private append(name: string, record: object): number {
    let stream = this.extra.get(name);
    if (!stream) {
      stream = fs.createWriteStream(path.join(this.dir, name), { flags: 'a' });
      stream.on('error', () => { /* a full disk stops the recording, not the cluster */ });
      this.extra.set(name, stream);
    }
    const line = `${JSON.stringify(record)}\n`;
    if (!stream.writableEnded) stream.write(line);
    return line.length;
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
    const ended = [this.actions, ...this.extra.values()].map((stream) => (stream.writableEnded
      ? Promise.resolve()
      : new Promise<void>((resolve) => stream.end(() => resolve()))));
    await Promise.all([...logs, ...ended]);
  }
}
