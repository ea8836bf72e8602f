// Newline-delimited JSON over TCP: the framing of every TCP exchange (join, control, subscribe, grep). Lines are
// bounded so a peer cannot make us buffer without limit.
import type net from 'node:net';
import { StringDecoder } from 'node:string_decoder';

export const MAX_LINE_BYTES = 1 << 20;

/** Calls `onLine` for each complete line (without the newline). A line longer than `maxBytes` destroys the socket
 *  and calls `onOverflow`. Returns a function that stops listening. A streaming decoder keeps a character whose
 *  UTF-8 bytes are split across chunks whole. */
export function readLines(
  socket: net.Socket,
  onLine: (line: string) => void,
  opts: { maxBytes?: number; onOverflow?: () => void } = {},
): () => void {
  const maxBytes = opts.maxBytes ?? MAX_LINE_BYTES;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const onData = (chunk: Buffer): void => {
    pending += decoder.write(chunk);
    let start = 0;
    let nl: number;
    while ((nl = pending.indexOf('\n', start)) >= 0) {
      const line = pending.slice(start, nl);
      start = nl + 1;
      onLine(line);
      if (socket.destroyed) return;
    }
    pending = pending.slice(start);
    if (pending.length > maxBytes) {
      socket.off('data', onData);
      socket.destroy();
      opts.onOverflow?.();
    }
  };
  socket.on('data', onData);
  return () => socket.off('data', onData);
}

/** Writes one JSON value as a line. */
export function writeLine(socket: net.Socket, value: unknown): boolean {
  if (socket.destroyed || !socket.writable) return false;
  return socket.write(`${JSON.stringify(value)}\n`);
}

/** Parses JSON without throwing: undefined for anything that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
