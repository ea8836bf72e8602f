// Splits a byte stream into lines without ever holding the whole file, and without decoding: a line is handed over as
// a byte range of the chunk it lies in (a newline byte never occurs inside a UTF-8 character, so splitting bytes is
// safe), and only a line cut by a chunk boundary is copied, joined with the rest of it from the next chunk.

/** A membership log line is ~150 bytes; anything past this is not one (a corrupt or hostile file). Skipped and
 *  reported, in time linear in its length: its bytes are dropped as they arrive, never joined. */
export const MAX_LINE_BYTES = 1 << 20;

export interface LineSink {
  /** Bytes `buf[from, to)` without the newline (or a trailing `\r`); `lineNo` counts from 1; `terminated` is false
   *  only for a last line with no newline (often a torn write). Blank lines are not handed over. */
  line(buf: Uint8Array, from: number, to: number, lineNo: number, terminated: boolean): void;
  /** A line longer than the bound, skipped. */
  tooLong(lineNo: number): void;
  /** Bytes consumed so far in this stream, after each chunk. */
  bytes?(done: number): void;
}

const NL = 10;
const CR = 13;

/** Only spaces and tabs (a line of control characters is garbage, and reported). */
function isBlank(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 32 && buf[i] !== 9 && buf[i] !== CR) return false;
  return true;
}

export async function readLines(
  stream: ReadableStream<Uint8Array>, sink: LineSink, signal?: AbortSignal, maxLineBytes = MAX_LINE_BYTES,
): Promise<void> {
  const reader = stream.getReader();
  // The start of a line cut by chunk boundaries, as the pieces it came in (joined once, at its end: a long line
  // costs one copy, not one per chunk). `dropping`: past the bound, its bytes are no longer kept.
  let pieces: Uint8Array[] = [];
  let carried = 0;
  let dropping = false;
  let lineNo = 0;
  let done = 0;
  const emit = (buf: Uint8Array, from: number, to: number, terminated: boolean): void => {
    lineNo++;
    if (to - from > maxLineBytes) return sink.tooLong(lineNo);
    const end = to > from && buf[to - 1] === CR ? to - 1 : to;
    if (!isBlank(buf, from, end)) sink.line(buf, from, end, lineNo, terminated);
  };
  /** Ends the carried line with `tail` (bytes up to its newline, or the stream's end). */
  const emitCarried = (tail: Uint8Array, terminated: boolean): void => {
    if (dropping || carried + tail.byteLength > maxLineBytes) {
      lineNo++;
      sink.tooLong(lineNo);
    } else {
      const joined = new Uint8Array(carried + tail.byteLength);
      let at = 0;
      for (const piece of [...pieces, tail]) {
        joined.set(piece, at);
        at += piece.byteLength;
      }
      emit(joined, 0, joined.byteLength, terminated);
    }
    pieces = [];
    carried = 0;
    dropping = false;
  };
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const { value, done: finished } = await reader.read();
      if (finished) break;
      done += value.byteLength;
      let start = 0;
      let nl = value.indexOf(NL);
      if ((carried > 0 || dropping) && nl >= 0) {
        emitCarried(value.subarray(0, nl), true);
        start = nl + 1;
        nl = value.indexOf(NL, start);
      }
      for (; nl >= 0; nl = value.indexOf(NL, start)) {
        emit(value, start, nl, true);
        start = nl + 1;
      }
      if (start < value.byteLength && !dropping) {
        const rest = value.subarray(start);
        carried += rest.byteLength;
        if (carried > maxLineBytes) {
          dropping = true;
          pieces = [];
        } else {
          pieces.push(rest.slice());
        }
      }
      sink.bytes?.(done);
    }
    if (carried > 0 || dropping) emitCarried(new Uint8Array(0), false);
  } finally {
    reader.releaseLock();
  }
}
