// Splits a byte stream into lines without ever holding the whole file: chunks are decoded as UTF-8 in streaming mode
// (a multi-byte character may straddle two chunks) and a line cut by a chunk boundary is carried to the next chunk.

export interface LineSink {
  /** `lineNo` counts from 1; `terminated` is false only for a last line with no newline (often a torn write). */
  line(text: string, lineNo: number, terminated: boolean): void;
  /** Bytes consumed so far in this stream, after each chunk. */
  bytes?(done: number): void;
}

export async function readLines(stream: ReadableStream<Uint8Array>, sink: LineSink, signal?: AbortSignal): Promise<void> {
  const decoder = new TextDecoder('utf-8');
  const reader = stream.getReader();
  let carry = '';
  let lineNo = 0;
  let done = 0;
  const emit = (text: string, terminated: boolean): void => {
    lineNo++;
    const end = text.endsWith('\r') ? text.length - 1 : text.length;
    if (end > 0 && (text.charCodeAt(0) === 123 /* { */ || text.trim() !== '')) sink.line(end === text.length ? text : text.slice(0, end), lineNo, terminated);
  };
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const { value, done: finished } = await reader.read();
      if (finished) break;
      done += value.byteLength;
      const text = carry + decoder.decode(value, { stream: true });
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        emit(text.slice(start, nl), true);
        start = nl + 1;
      }
      carry = text.slice(start);
      sink.bytes?.(done);
    }
    const rest = carry + decoder.decode();
    if (rest !== '') emit(rest, false);
  } finally {
    reader.releaseLock();
  }
}
