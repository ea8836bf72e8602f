// One TCP request/reply: connect to host:port, send a hello line, read one reply line. The shape of a join and of a
// `ctl` command. Failures reject with a one-line message naming the peer (never a raw stack).
import net from 'node:net';
import { parseAddress } from '../protocol/member-id.ts';
import type { Address } from '../protocol/member-id.ts';
import { parseJson, readLines, writeLine } from './json-lines.ts';
import type { Keyring } from './keyring.ts';
import { sealHello } from './sealed-hello.ts';

export class RequestError extends Error {
  /** `detail`: what went wrong without naming the peer, for callers that name it themselves. */
  constructor(
    message: string,
    readonly code: 'unreachable' | 'timeout' | 'closed' | 'malformed' | 'refused',
    readonly detail: string = message,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** Connects to `address`, or rejects with a RequestError whose message names it. The caller owns the socket. */
export function connect(address: Address, timeoutMs: number): Promise<net.Socket> {
  const target = parseAddress(address);
  if (!target) return Promise.reject(new RequestError(`'${address}' is not HOST:PORT`, 'unreachable'));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      const detail = `no answer within ${timeoutMs / 1000} s`;
      reject(new RequestError(`cannot reach ${address}: ${detail}`, 'timeout', detail));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.setNoDelay(true);
      resolve(socket);
    });
    const onError = (err: NodeJS.ErrnoException): void => {
      clearTimeout(timer);
      socket.destroy();
      const detail = describeSocketError(err);
      reject(new RequestError(`cannot reach ${address}: ${detail}`, 'unreachable', detail));
    };
    socket.once('error', onError);
  });
}

export function describeSocketError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED': return 'connection refused (is a node running there?)';
    case 'ECONNRESET': return 'connection reset';
    case 'EHOSTUNREACH': return 'host unreachable';
    case 'ENETUNREACH': return 'network unreachable';
    case 'ENOTFOUND': return 'unknown host';
    case 'ETIMEDOUT': return 'timed out';
    default: return err.code ?? err.message;
  }
}

/** Sends `hello` (sealed with `keyring`'s primary key when given) and resolves with the first reply line parsed as
 *  JSON (not yet validated), within `timeoutMs` counted from the start of the connection. */
export async function requestLine(address: Address, hello: object, timeoutMs: number, keyring?: Keyring): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  const socket = await connect(address, timeoutMs);
  return new Promise((resolve, reject) => {
    const finish = (err: Error | undefined, value?: unknown): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(
      () => finish(new RequestError(`no reply from ${address} within ${timeoutMs / 1000} s`, 'timeout')),
      Math.max(0, deadline - Date.now()),
    );
    readLines(socket, (line) => {
      const value = parseJson(line);
      if (value === undefined) finish(new RequestError(`malformed reply from ${address}`, 'malformed'));
      else finish(undefined, value);
    }, { onOverflow: () => finish(new RequestError(`reply from ${address} too long`, 'malformed')) });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish(new RequestError(`${address}: ${describeSocketError(err)}`, 'closed', describeSocketError(err))));
    socket.on('close', () => finish(new RequestError(`${address} closed the connection without a reply`, 'closed')));
    writeLine(socket, helloFor(hello, keyring));
  });
}

/** What a client writes as its hello: sealed in a keyed cluster, as is otherwise. */
export function helloFor(hello: object, keyring: Keyring | undefined): unknown {
  return keyring ? sealHello(hello, keyring) : hello;
}
