// Real `hearsay node` processes for integration tests and benchmarks: spawn on loopback, find their ids, read their
// logs, and kill every one of them in teardown, whatever happened.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { controlRequest } from '../../control/client.ts';
import type { ListSelfResult } from '../../control/commands.ts';
import { addressFileStem, logFileName } from '../../log/jsonl-log.ts';
import { readLog } from '../../log/read-log.ts';
import type { MembershipEvent } from '../../protocol/events.ts';
import type { Address, MemberId } from '../../protocol/member-id.ts';
import { spawnNode } from '../../cli/spawn-node.ts';
import { waitFor } from './wait-for.ts';

export class NodeProcess {
  readonly address: Address;
  readonly logFile: string;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitCode: number | null | undefined;

  constructor(readonly port: number, readonly logDir: string, readonly proc: ChildProcess) {
    this.address = `127.0.0.1:${port}`;
    this.logFile = path.join(logDir, logFileName(this.address));
    collectLines(proc.stdout, this.stdout);
    collectLines(proc.stderr, this.stderr);
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
      this.exitCode = code;
      resolve({ code, signal });
    }));
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  events(): MembershipEvent[] {
    return readLog(this.logFile).events;
  }

  /** The current member id, once the node answers on its control channel. */
  async id(timeoutMs = 15_000): Promise<MemberId> {
    return waitFor(async () => (await controlRequest(this.address, 'list_self', [], { timeoutMs: 1000 }) as ListSelfResult).id,
      { timeoutMs, what: `${this.address} to answer list_self` });
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.proc.kill(sig);
  }
}

function collectLines(stream: NodeJS.ReadableStream | null, into: string[]): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    into.push(...lines);
  });
}

/** Every node a test or benchmark starts, for one `killAll()` in teardown. */
export class NodeGroup {
  readonly nodes: NodeProcess[] = [];

  /** `execArgv`: options for Node itself in every node started (the soak's --expose-gc, for `memory gc`). */
  constructor(readonly logRoot: string, private readonly baseArgs: readonly string[] = [], private readonly execArgv: readonly string[] = []) {}

  /** Starts a node on `port` logging in `<logRoot>/<host>_<port>/`, joining `join` when given. */
  start(port: number, opts: { join?: number; args?: readonly string[]; execArgv?: readonly string[] } = {}): NodeProcess {
    const logDir = path.join(this.logRoot, addressFileStem(`127.0.0.1:${port}`));
    const args = ['--host', '127.0.0.1', '--port', String(port), '--log-dir', logDir, ...this.baseArgs, ...(opts.args ?? [])];
    if (opts.join !== undefined) args.push('--join', `127.0.0.1:${opts.join}`);
    const node = new NodeProcess(port, logDir, spawnNode(args, { stdout: 'pipe', execArgv: [...this.execArgv, ...(opts.execArgv ?? [])] }));
    this.nodes.push(node);
    return node;
  }

  /** An introducer on `basePort` and n-1 nodes joined to it; resolves when every one lists n alive members. */
  async startCluster(basePort: number, n: number, timeoutMs = 30_000): Promise<NodeProcess[]> {
    const intro = this.start(basePort);
    await intro.id(timeoutMs);
    const nodes = [intro];
    for (let i = 1; i < n; i++) nodes.push(this.start(basePort + i, { join: basePort }));
    await waitFor(async () => {
      for (const node of nodes) {
        const list = await controlRequest(node.address, 'list_mem', [], { timeoutMs: 1000 }) as { members: { status: string }[] };
        if (list.members.filter((m) => m.status === 'alive').length < n) return false;
      }
      return true;
    }, { timeoutMs, intervalMs: 200, what: `${n} nodes to see each other` });
    return nodes;
  }

  /** SIGKILLs whatever still runs and waits for the exits. */
  async killAll(): Promise<void> {
    await Promise.all(this.nodes.map(async (node) => {
      node.signal('SIGCONT');
      node.signal('SIGKILL');
      await node.exited;
    }));
  }
}

/** The first `event` about `member` in `node`'s log, if any. */
export function firstEvent(node: NodeProcess, event: MembershipEvent['event'], member: MemberId): MembershipEvent | undefined {
  return node.events().find((e) => e.event === event && e.member === member);
}

/** Fail events about any of `live`, and stop events (restarts), in the nodes' logs: what a fault must not cause. */
export function casualties(nodes: readonly NodeProcess[], live: readonly MemberId[]): string[] {
  return nodes.flatMap((n) => n.events()
    .filter((e) => e.event === 'stop' || (e.event === 'fail' && live.includes(e.member)))
    .map((e) => `${e.node} ${e.event} ${e.member} ${e.reason ?? ''}`));
}
