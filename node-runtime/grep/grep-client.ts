// One node's part of a dgrep: connect, send the grep hello, hand grep's output bytes to `onData` as frames arrive
// and settle with the node's trailer, or with the reason it gave none (unreachable, refused, silent past the
// deadline, cancelled). Never rejects: a node's failure is a result, so the others' answers still count.
import type net from 'node:net';
import type { Address } from '../protocol/member-id.ts';
import type { Keyring } from '../transport/keyring.ts';
import { connect, describeSocketError, helloFor, RequestError } from '../transport/request-line.ts';
import { writeLine } from '../transport/json-lines.ts';
import { FrameDecoder } from './grep-frames.ts';
import type { GrepTrailer } from './grep-frames.ts';
import type { GrepHello } from './serve-grep.ts';

export type NodeOutcome = { readonly ok: true; readonly trailer: GrepTrailer } | { readonly ok: false; readonly reason: string };

export interface NodeQuery {
  readonly done: Promise<NodeOutcome>;
  /** Stops reading (the node's grep then blocks on its full pipe) until `resume`: backpressure from our output. */
  pause(): void;
  resume(): void;
}

/** Time kept back from the node's own deadline, so its grep is killed and its trailer arrives before ours fires. */
export function nodeTimeoutMs(remainingMs: number): number {
  return Math.max(1, Math.floor(remainingMs - Math.min(1000, remainingMs * 0.1)));
}

export function grepNode(address: Address, hello: GrepHello, opts: {
  readonly deadline: number;
  readonly signal?: AbortSignal;
  readonly onData: (payload: Buffer) => void;
  readonly keyring?: Keyring;
}): NodeQuery {
  let socket: net.Socket | undefined;
  let paused = false;
  let settle!: (outcome: NodeOutcome) => void;
  const done = new Promise<NodeOutcome>((resolve) => { settle = resolve; });
  let settled = false;
  let received = false;
  const finish = (outcome: NodeOutcome): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    socket?.destroy();
    settle(outcome);
  };
  const remainingS = (): string => `${Math.max(0, (opts.deadline - Date.now()) / 1000).toFixed(1)} s`;
  const timer = setTimeout(() => finish({
    ok: false, reason: received ? `answer incomplete at the deadline (${remainingS()} left)` : 'no answer before the deadline',
  }), Math.max(0, opts.deadline - Date.now()));
  const onAbort = (): void => finish({ ok: false, reason: 'cancelled' });
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort);

  connect(address, Math.max(1, opts.deadline - Date.now())).then((s) => {
    if (settled) return void s.destroy();
    socket = s;
    if (paused) s.pause();
    const decoder = new FrameDecoder((payload) => {
      received = true;
      opts.onData(payload);
    });
    s.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (err) {
        finish({ ok: false, reason: (err as Error).message });
      }
    });
    s.on('end', () => finish(decoder.trailer
      ? { ok: true, trailer: decoder.trailer }
      : { ok: false, reason: 'connection closed before the end of the answer' }));
    s.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, reason: describeSocketError(err) }));
    s.on('close', () => finish({ ok: false, reason: 'connection closed before the end of the answer' }));
    writeLine(s, helloFor(hello, opts.keyring));
  }, (err: Error) => finish({ ok: false, reason: err instanceof RequestError ? err.detail : err.message }));

  return {
    done,
    pause: () => {
      paused = true;
      socket?.pause();
    },
    resume: () => {
      paused = false;
      socket?.resume();
    },
  };
}
