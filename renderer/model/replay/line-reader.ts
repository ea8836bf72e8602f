// Splits a byte stream into lines without ever holding the whole file, and without decoding: a line is handed over as
// a byte range of the chunk it lies in (a newline byte never occurs inside a UTF-8 character, so splitting bytes is
// safe), and only a line cut by a chunk boundary is copied, joined with the rest of it from the next chunk.

export interface LineSink {
  /** Bytes `buf[from, to)` without the newline (or a trailing `\r`); `lineNo` counts from 1; `terminated` is false
   *  only for a last line with no newline (often a torn write). Blank lines are not handed over. */
  line(buf: Uint8Array, from: number, to: number, lineNo: number, terminated: boolean): void;
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

export async function readLines(stream: ReadableStream<Uint8Array>, sink: LineSink, signal?: AbortSignal): Promise<void> {
  const reader = stream.getReader();
  let carry: Uint8Array | undefined;
  let lineNo = 0;
  let done = 0;
  const emit = (buf: Uint8Array, from: number, to: number, terminated: boolean): void => {
    lineNo++;
    const end = to > from && buf[to - 1] === CR ? to - 1 : to;
    if (!isBlank(buf, from, end)) sink.line(buf, from, end, lineNo, terminated);
  };
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const { value, done: finished } = await reader.read();
      if (finished) break;
      done += value.byteLength;
      let start = 0;
      let nl = value.indexOf(NL);
      if (carry !== undefined && nl >= 0) {
        const joined = new Uint8Array(carry.byteLength + nl);
        joined.set(carry);
        joined.set(value.subarray(0, nl), carry.byteLength);
        emit(joined, 0, joined.byteLength, true);
        carry = undefined;
        start = nl + 1;
        nl = value.indexOf(NL, start);
      }
      for (; nl >= 0; nl = value.indexOf(NL, start)) {
        emit(value, start, nl, true);
        start = nl + 1;
      }
      if (start < value.byteLength) {
        const rest = value.subarray(start);
        if (carry === undefined) {
          carry = rest.slice();
        } else {
          const joined = new Uint8Array(carry.byteLength + rest.byteLength);
          joined.set(carry);
          joined.set(rest, carry.byteLength);
          carry = joined;
        }
      }
      sink.bytes?.(done);
    }
    if (carry !== undefined) emit(carry, 0, carry.byteLength, false);
  } finally {
    reader.releaseLock();
  }
}
