// Framing of a grep answer (node → client), after the client's one-line JSON hello: a sequence of frames
// `type (1 byte) | length (u32 BE) | payload`. `D` frames carry grep's stdout bytes as they come (lines may span
// frames); one final `T` frame carries the JSON trailer. Five bytes per 64 KiB pipe read keeps throughput at raw
// grep's, and no byte of grep's output can be mistaken for the end, whatever the logs contain. A stream that opens
// with `{` is instead the listener's one-line JSON refusal (`{"ok":false,"error":…}`, e.g. a non-loopback peer).
import * as v from 'valibot';

export const DATA = 0x44; // 'D'
export const TRAILER = 0x54; // 'T'
const HEADER = 5;
/** Larger frames are a protocol error: grep's pipe reads are 64 KiB, a trailer a few hundred bytes. */
export const MAX_FRAME = 1 << 20;

export function frameHeader(type: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER);
  header[0] = type;
  header.writeUInt32BE(length, 1);
  return header;
}

export function trailerFrame(trailer: GrepTrailer): Buffer {
  const body = Buffer.from(JSON.stringify(trailer));
  return Buffer.concat([frameHeader(TRAILER, body.length), body]);
}

export const GrepTrailerSchema = v.object({
  /** The answering node's member id. */
  node: v.string(),
  files: v.array(v.string()),
  /** Files in the directory that were not searched (symlinks leaving it, non-regular files). */
  skipped: v.optional(v.array(v.string())),
  /** Lines sent; with -c the sum of grep's per-file counts. */
  count: v.number(),
  /** grep's exit status (0 selected, 1 none, 2 trouble); absent when grep did not run or was killed. */
  exit: v.optional(v.number()),
  truncated: v.boolean(),
  timedOut: v.boolean(),
  /** Why the query failed on this node (refused option, busy, grep's own error message). */
  error: v.optional(v.string()),
  elapsedMs: v.number(),
});
export type GrepTrailer = v.InferOutput<typeof GrepTrailerSchema>;

const RefusalSchema = v.object({ ok: v.literal(false), error: v.string() });

/** Incremental decoder: feed socket chunks, get data payloads (slices, no copy) and the trailer. */
export class FrameDecoder {
  private header = Buffer.alloc(HEADER);
  private headerFill = 0;
  private remaining = 0;
  private type = 0;
  private trailerParts: Buffer[] = [];
  private refusal: Buffer[] | undefined;
  private started = false;
  trailer: GrepTrailer | undefined;

  constructor(private readonly onData: (payload: Buffer) => void) {}

  /** Throws on a malformed stream (the caller drops the connection and reports the node). */
  push(chunk: Buffer): void {
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk[0] === 0x7b) this.refusal = [];
    }
    if (this.refusal) return this.pushRefusal(chunk);
    let at = 0;
    while (at < chunk.length) {
      if (this.trailer) throw new Error('bytes after the trailer');
      if (this.remaining === 0) {
        const take = Math.min(HEADER - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + take);
        this.headerFill += take;
        at += take;
        if (this.headerFill < HEADER) return;
        this.headerFill = 0;
        this.type = this.header[0]!;
        this.remaining = this.header.readUInt32BE(1);
        if (this.type !== DATA && this.type !== TRAILER) throw new Error(`unknown frame type ${this.type}`);
        if (this.remaining > MAX_FRAME) throw new Error(`frame of ${this.remaining} bytes`);
        if (this.remaining === 0) this.finishFrame();
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - at);
      const part = chunk.subarray(at, at + take);
      at += take;
      this.remaining -= take;
      if (this.type === DATA) this.onData(part);
      else this.trailerParts.push(part);
      if (this.remaining === 0) this.finishFrame();
    }
  }

  private pushRefusal(chunk: Buffer): void {
    this.refusal!.push(chunk);
    const line = Buffer.concat(this.refusal!);
    const nl = line.indexOf(10);
    if (nl < 0 && line.length < MAX_FRAME) return;
    const parsed = v.safeParse(RefusalSchema, JSON.parse(line.subarray(0, nl).toString('utf8')));
    throw new Error(parsed.success ? `refused: ${parsed.output.error}` : 'malformed answer');
  }

  private finishFrame(): void {
    if (this.type !== TRAILER) return;
    const parsed = v.safeParse(GrepTrailerSchema, JSON.parse(Buffer.concat(this.trailerParts).toString('utf8')));
    if (!parsed.success) throw new Error('malformed trailer');
    this.trailer = parsed.output;
  }
}
