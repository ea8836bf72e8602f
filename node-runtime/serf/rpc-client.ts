// A client for a Serf agent's RPC (`serf agent -rpc-addr`): msgpack values over one TCP connection. Each request is
// a header {Command, Seq} and maybe a body; each response a header {Seq, Error} and, for some commands, a body. A
// stream (`stream`, `monitor`) is acknowledged by a bare header, then every record comes as header + body under the
// request's Seq. Every value read is checked against rpc-schema.ts; a value that fails is counted and dropped, a
// stream we cannot follow any more (unknown Seq, not msgpack) closes the connection with one clear reason.
import net from 'node:net';
import * as v from 'valibot';
import type * as MsgpackModule from '@msgpack/msgpack';
import {
  LogRecordSchema, MemberEventSchema, MembersBodySchema, ResponseHeaderSchema, StatsBodySchema,
} from './rpc-schema.ts';
import type { SerfMember, SerfMemberEvent } from './rpc-schema.ts';

/** Why a call or the connection failed; callers tell failures apart by this, never by message text. */
export type SerfRpcErrorCode =
  | 'unreachable' // nothing listens there, or the connection broke before the handshake
  | 'not-serf' // something answered, but not Serf's RPC handshake
  | 'auth' // the agent wants an RPC auth key, or not this one
  | 'timeout'
  | 'agent-error' // the agent refused the command (its Error string is in the message)
  | 'closed'; // the connection ended (agent stopped or killed, or close())

export class SerfRpcError extends Error {
  constructor(readonly code: SerfRpcErrorCode, message: string) {
    super(message);
    this.name = 'SerfRpcError';
  }
}

export interface SerfRpcOptions {
  readonly authKey?: string;
  /** For the connection and every request (default 5 s). */
  readonly timeoutMs?: number;
}

/** The msgpack codec, imported by the first connect: every `hearsay` command is one bundle, and a node process that
 *  never talks to Serf should not load it (~5 MiB of RSS in each of 200 node processes). */
type Msgpack = typeof MsgpackModule;

/** Bounds for the decoder, so a hostile peer cannot make it buffer a gigabyte string or a million-element map. */
const DECODE_LIMITS = {
  maxStrLength: 65_536, maxBinLength: 64, maxArrayLength: 10_000, maxMapLength: 1024, maxExtLength: 0, context: undefined,
};

type Waiter =
  | { readonly kind: 'once'; readonly body: v.GenericSchema | undefined; resolve(body: unknown): void; reject(err: SerfRpcError): void; readonly timer: NodeJS.Timeout }
  | { readonly kind: 'stream'; acked: boolean; resolve(): void; reject(err: SerfRpcError): void; readonly timer: NodeJS.Timeout; readonly record: (body: unknown) => void };

export class SerfRpc {
  private seq = 0;
  private readonly waiters = new Map<number, Waiter>();
  /** The waiter whose body is the next value on the wire. */
  private bodyFor: { waiter: Waiter; ok: boolean } | undefined;
  private ended: SerfRpcError | undefined;
  private readonly closeListeners: ((err: SerfRpcError) => void)[] = [];
  /** Values that failed their schema and were dropped. */
  malformed = 0;

  private constructor(readonly address: string, private readonly socket: net.Socket, private readonly timeoutMs: number,
    private readonly msgpack: Msgpack) {}

  /** Connects, handshakes and authenticates; rejects with a SerfRpcError whose code says what went wrong. */
  static async connect(address: string, options: SerfRpcOptions = {}): Promise<SerfRpc> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const msgpack = await import('@msgpack/msgpack');
    const sep = address.lastIndexOf(':');
    const host = address.slice(0, sep).replace(/^\[|\]$/g, '');
    const socket = net.connect({ host, port: Number(address.slice(sep + 1)) });
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new SerfRpcError('unreachable', `${address}: no connection within ${timeoutMs} ms`)), timeoutMs);
      const fail = (err: SerfRpcError): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      socket.once('error', (err: NodeJS.ErrnoException) => fail(new SerfRpcError('unreachable', `${address}: ${err.code ?? err.message}`)));
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve();
      });
    });
    const rpc = new SerfRpc(address, socket, timeoutMs, msgpack);
    rpc.read();
    try {
      await rpc.call('handshake', { Version: 1 }).catch((err: SerfRpcError) => {
        throw new SerfRpcError(err.code === 'auth' ? 'auth' : 'not-serf', `${address} is not a Serf RPC endpoint (${err.message})`);
      });
      if (options.authKey !== undefined) {
        await rpc.call('auth', { AuthKey: options.authKey }).catch((err: SerfRpcError) => {
          throw err.code === 'agent-error' ? new SerfRpcError('auth', `${address} refused the RPC auth key`) : err;
        });
      }
    } catch (err) {
      rpc.close();
      throw err;
    }
    return rpc;
  }

  /** The agent's view of the cluster. Without a key, an agent that needs one refuses it: that is an auth error
   *  (`members` cannot fail otherwise). */
  async members(): Promise<SerfMember[]> {
    const body = await this.call('members', undefined, MembersBodySchema).catch((err: SerfRpcError) => {
      throw err.code === 'agent-error' ? new SerfRpcError('auth', `${this.address} wants an RPC auth key (${err.message})`) : err;
    });
    return (body as v.InferOutput<typeof MembersBodySchema>).Members;
  }

  /** The agent's own node name (`stats` → agent.name). */
  async name(): Promise<string> {
    return ((await this.call('stats', undefined, StatsBodySchema)) as v.InferOutput<typeof StatsBodySchema>).agent.name;
  }

  leave(): Promise<unknown> {
    return this.call('leave');
  }

  forceLeave(node: string): Promise<unknown> {
    return this.call('force-leave', { Node: node });
  }

  /** Member events as they happen; resolves once the agent acknowledged the stream. */
  streamMembers(onEvent: (event: SerfMemberEvent) => void): Promise<void> {
    return this.openStream('stream', { Type: 'member-join,member-leave,member-failed,member-update,member-reap' }, (body) => {
      const parsed = v.safeParse(MemberEventSchema, body);
      if (parsed.success) onEvent(parsed.output);
      else this.malformed++;
    });
  }

  /** The agent's log lines at `level` and above (the agent first replays the lines it buffered). */
  monitor(level: 'DEBUG' | 'INFO' | 'WARN', onLine: (line: string) => void): Promise<void> {
    return this.openStream('monitor', { LogLevel: level }, (body) => {
      const parsed = v.safeParse(LogRecordSchema, body);
      if (parsed.success) onLine(parsed.output.Log);
      else this.malformed++;
    });
  }

  /** Called once when the connection ends: `closed` after close(), else why. */
  onClose(listener: (err: SerfRpcError) => void): void {
    if (this.ended) listener(this.ended);
    else this.closeListeners.push(listener);
  }

  close(): void {
    this.end(new SerfRpcError('closed', `${this.address}: closed`));
  }

  private call(command: string, body?: object, bodySchema?: v.GenericSchema): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.expect(command, body, reject, (timer) => ({ kind: 'once', body: bodySchema, resolve, reject, timer }));
    });
  }

  private openStream(command: string, body: object, record: (body: unknown) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.expect(command, body, reject, (timer) => ({ kind: 'stream', acked: false, resolve, reject, timer, record }));
    });
  }

  /** Sends a request and waits for its answer under the deadline (a call's reply, or a stream's first ack). */
  private expect(command: string, body: object | undefined, reject: (err: SerfRpcError | undefined) => void,
    waiter: (timer: NodeJS.Timeout) => Waiter): void {
    const seq = this.send(command, body);
    if (seq === undefined) return reject(this.ended);
    const timer = setTimeout(() => {
      this.waiters.delete(seq);
      reject(new SerfRpcError('timeout', `${this.address}: no answer to ${command} within ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    this.waiters.set(seq, waiter(timer));
  }

  private send(command: string, body?: object): number | undefined {
    if (this.ended) return undefined;
    const seq = this.seq++;
    this.socket.write(this.msgpack.encode({ Command: command, Seq: seq }));
    if (body !== undefined) this.socket.write(this.msgpack.encode(body));
    return seq;
  }

  private read(): void {
    this.socket.on('error', () => undefined); // the read loop below ends and says why
    void (async () => {
      try {
        for await (const value of this.msgpack.decodeMultiStream(this.socket, DECODE_LIMITS)) this.receive(value);
        this.end(new SerfRpcError('closed', `${this.address}: the agent closed the connection`));
      } catch (err) {
        this.end(this.ended ?? (err instanceof SerfRpcError ? err
          : (err as NodeJS.ErrnoException).code !== undefined
            ? new SerfRpcError('closed', `${this.address}: ${(err as NodeJS.ErrnoException).code}`)
            : new SerfRpcError('not-serf', `${this.address} sent something that is not Serf RPC (msgpack)`)));
      }
    })();
  }

  private receive(value: unknown): void {
    const pending = this.bodyFor;
    if (pending) {
      this.bodyFor = undefined;
      const { waiter, ok } = pending;
      if (waiter.kind === 'stream') {
        waiter.record(value);
      } else if (ok) {
        const parsed = v.safeParse(waiter.body!, value);
        if (parsed.success) waiter.resolve(parsed.output);
        else {
          this.malformed++;
          waiter.reject(new SerfRpcError('not-serf', `${this.address} answered with a body that is not what Serf sends`));
        }
      }
      return;
    }
    const header = v.safeParse(ResponseHeaderSchema, value);
    if (!header.success) throw new SerfRpcError('not-serf', `${this.address} sent something that is not a Serf RPC response`);
    const { Seq, Error: error } = header.output;
    const waiter = this.waiters.get(Seq);
    // An answer to a request that timed out (its body may follow): the stream can no longer be followed.
    if (!waiter) throw new SerfRpcError('not-serf', `${this.address} answered a request it was not asked (seq ${Seq})`);
    if (waiter.kind === 'stream') {
      if (waiter.acked) {
        this.bodyFor = { waiter, ok: true };
        return;
      }
      clearTimeout(waiter.timer);
      if (error) {
        this.waiters.delete(Seq);
        waiter.reject(new SerfRpcError('agent-error', `${this.address}: ${error}`));
      } else {
        waiter.acked = true;
        waiter.resolve();
      }
      return;
    }
    clearTimeout(waiter.timer);
    this.waiters.delete(Seq);
    if (error) {
      waiter.reject(new SerfRpcError('agent-error', `${this.address}: ${error}`));
    } else if (waiter.body) {
      this.bodyFor = { waiter, ok: true };
    } else {
      waiter.resolve(undefined);
    }
  }

  private end(err: SerfRpcError): void {
    if (this.ended) return;
    this.ended = err;
    this.socket.destroy();
    for (const w of this.waiters.values()) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.waiters.clear();
    for (const listener of this.closeListeners.splice(0)) listener(err);
  }
}
