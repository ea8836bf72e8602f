// Replay of Serf (or Consul) agent logs: each file is one agent's text log, and its `serf: EventMember…` and
// `memberlist: Suspect … / Marking … as failed` lines become events of that agent's row (the line grammar is
// node-runtime/protocol/serf-log.ts, shared with the live monitor stream). Logs name members, not addresses, so the
// files are read first and resolved together: an agent's own banner gives its name and bind address, an Event line
// gives a member's IP; a member whose own log is not in the folder gets Serf's default port. Ids are the live ones
// (serfMemberId), so a recording made live and the agents' own logs show the same rows.
import type { EventKind } from '../../../node-runtime/protocol/events.ts';
import type { MemberId } from '../../../node-runtime/protocol/member-id.ts';
import { maxSuspicionMs } from '../../../node-runtime/protocol/serf-bounds.ts';
import type { SerfProfile } from '../../../node-runtime/protocol/serf-bounds.ts';
import { parseSerfLogLine, SERF_DEFAULT_PORT, serfMemberId } from '../../../node-runtime/protocol/serf-log.ts';
import type { LoadReport } from './load-report.ts';

interface Change {
  readonly ts: number;
  readonly line: number;
  /** undefined: the agent stopped. */
  readonly event: EventKind | undefined;
  readonly name: string;
  readonly reason: string;
}

/** One agent run within a file (an agent restarted into the same file prints its banner again). */
interface Run {
  name: string | undefined;
  bind: { ip: string; port: number } | undefined;
  /** From the banner (`Profile: local`); memberlist's LAN defaults without one. */
  profile: SerfProfile;
  readonly changes: Change[];
}

export class SerfLogFile {
  private readonly runs: Run[] = [];
  private lastTs = -Infinity;

  constructor(readonly name: string, readonly fileIndex: number, private readonly report: LoadReport,
    /** Member IPs from Event lines, shared by the files of one load. */
    private readonly ipSeen: Map<string, string>) {}

  line(text: string, lineNo: number, terminated: boolean): void {
    const parsed = parseSerfLogLine(text);
    if (!parsed) {
      this.report.skip(terminated ? 'not-serf-log' : 'torn-line', this.name, lineNo);
      return;
    }
    let run = this.runs[this.runs.length - 1];
    switch (parsed.type) {
      case 'node-name':
        // A new banner: a new agent run (the first banner line names it).
        this.runs.push({ name: parsed.name, bind: undefined, profile: 'lan', changes: [] });
        return;
      case 'bind-addr':
        if (run) run.bind = { ip: parsed.ip, port: parsed.port };
        return;
      case 'profile':
        if (run) run.profile = parsed.profile;
        return;
      case 'other':
        return;
    }
    if (!run) this.runs.push((run = { name: undefined, bind: undefined, profile: 'lan', changes: [] }));
    let ts = parsed.ts;
    if (ts < this.lastTs) {
      this.report.adjust('ts-backwards', this.name, lineNo, this.lastTs - ts);
      ts = this.lastTs;
    }
    this.lastTs = ts;
    if (parsed.type === 'shutdown') {
      run.changes.push({ ts, line: lineNo, event: undefined, name: '', reason: 'shutdown' });
      return;
    }
    // Without a banner (e.g. logs from journald), the agent's own join is its first Event line.
    run.name ??= parsed.event === 'join' ? parsed.name : undefined;
    if (parsed.ip !== undefined) this.ipSeen.set(parsed.name, parsed.ip);
    run.changes.push({ ts, line: lineNo, event: parsed.event, name: parsed.name, reason: parsed.reason });
  }

  /** The addresses this file's banners give (name → bind address), for resolving every file's member names. */
  addresses(into: Map<string, { ip: string; port: number }>): void {
    for (const run of this.runs) if (run.name && run.bind) into.set(run.name, run.bind);
  }

  /** Emits the file's events with resolved ids, in file order. A member already in a status (memberlist logs a
   *  suspicion at every unanswered probe; `Marking … failed` precedes `EventMemberFailed`) is not logged again. */
  emit(idOf: (name: string) => MemberId, push: (ts: number, observer: MemberId, member: MemberId, event: EventKind, reason: string, line: number) => void): void {
    for (const run of this.runs) {
      if (!run.name) {
        for (const c of run.changes) this.report.skip('bad-id', this.name, c.line);
        continue;
      }
      const self = idOf(run.name);
      // A suspicion that neither failed nor was logged again by memberlist's longest timeout was refuted.
      const suspicionMs = maxSuspicionMs(run.profile, new Set(run.changes.map((c) => c.name)).size);
      const status = new Map<string, EventKind>();
      const suspicions = new Map<string, number>();
      const expire = (until: number): void => {
        for (const [name, deadline] of suspicions) {
          if (deadline > until) continue;
          suspicions.delete(name);
          status.set(name, 'alive');
          push(deadline, self, idOf(name), 'alive', 'suspicion-expired (inferred)', 0);
        }
      };
      for (const c of run.changes) {
        expire(c.ts);
        if (c.event === undefined) {
          push(c.ts, self, self, 'stop', c.reason, c.line);
          continue;
        }
        const isSelf = c.name === run.name;
        const event: EventKind = isSelf && c.event === 'join' ? 'start' : c.event;
        const before = status.get(c.name);
        if (before === event || (before === 'join' && event === 'alive') || (before === 'fail' && event === 'suspect')) continue;
        status.set(c.name, event);
        suspicions.delete(c.name);
        if (event === 'suspect') suspicions.set(c.name, c.ts + suspicionMs);
        push(c.ts, self, isSelf ? self : idOf(c.name), event, c.reason, c.line);
      }
    }
  }
}

/** The Serf files of one load: read one by one, then resolved together. */
export class SerfLogSet {
  readonly files: SerfLogFile[] = [];
  private readonly ipSeen = new Map<string, string>();

  file(name: string, fileIndex: number, report: LoadReport): SerfLogFile {
    const f = new SerfLogFile(name, fileIndex, report, this.ipSeen);
    this.files.push(f);
    return f;
  }

  /** Resolves every file's names to ids and emits their events. */
  resolve(push: (file: SerfLogFile, ts: number, observer: MemberId, member: MemberId, event: EventKind, reason: string, line: number) => void): void {
    const bound = new Map<string, { ip: string; port: number }>();
    for (const f of this.files) f.addresses(bound);
    const ids = new Map<string, MemberId>();
    const idOf = (name: string): MemberId => {
      let id = ids.get(name);
      if (!id) {
        const a = bound.get(name) ?? { ip: this.ipSeen.get(name) ?? '0.0.0.0', port: SERF_DEFAULT_PORT };
        id = serfMemberId(a.ip, a.port, name);
        ids.set(name, id);
      }
      return id;
    };
    for (const f of this.files) f.emit(idOf, (...args) => push(f, ...args));
  }
}
