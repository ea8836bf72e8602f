// How dgrep prints what the nodes send: grep's `file:line` output arrives in arbitrary chunks; each node's stream is
// cut into whole lines and every line gets its node, so lines from nodes answering at once never interleave mid-line.
// Text keeps grep's bytes untouched (`ADDRESS FILE:LINE`); --json gives one object per line (docs/dgrep.md).

export type Render = (address: string, lines: Buffer) => Buffer | string;

/** Per node: keeps the partial last line of a chunk until the rest arrives; emits blocks of whole lines. */
export class LineSplitter {
  private tail: Buffer | undefined;

  constructor(private readonly emit: (lines: Buffer) => void) {}

  push(chunk: Buffer): void {
    const last = chunk.lastIndexOf(10);
    if (last < 0) {
      this.tail = this.tail ? Buffer.concat([this.tail, chunk]) : Buffer.from(chunk);
      return;
    }
    const whole = this.tail ? Buffer.concat([this.tail, chunk.subarray(0, last + 1)]) : chunk.subarray(0, last + 1);
    this.tail = last + 1 < chunk.length ? Buffer.from(chunk.subarray(last + 1)) : undefined;
    this.emit(whole);
  }

  /** A last line without a newline (grep adds one, so only a truncated stream leaves one). */
  flush(): void {
    if (this.tail) this.emit(Buffer.concat([this.tail, Buffer.from('\n')]));
    this.tail = undefined;
  }
}

/** `ADDRESS FILE:LINE`: the node's address and a space before each of grep's -H lines. */
export function renderText(address: string, lines: Buffer): Buffer {
  const prefix = Buffer.from(`${address} `);
  let n = 0;
  for (let at = lines.indexOf(10); at >= 0; at = lines.indexOf(10, at + 1)) n++;
  const out = Buffer.allocUnsafe(lines.length + n * prefix.length);
  let from = 0;
  let to = 0;
  while (from < lines.length) {
    const end = lines.indexOf(10, from) + 1;
    to += prefix.copy(out, to);
    to += lines.copy(out, to, from, end);
    from = end;
  }
  return out;
}

/** One JSON object per line: `{"type":"line","node","file","line"?,"text"}`, or with -c `{"type":"count","node","file","count"}`.
 *  The file name ends at the first colon (served names never hold one); text is decoded as UTF-8. */
export function jsonRenderer(opts: { counting: boolean; numbered: boolean }): Render {
  return (address, lines) => {
    let out = '';
    for (const line of lines.toString('utf8').split('\n')) {
      if (line === '') continue;
      const colon = line.indexOf(':');
      const file = line.slice(0, colon);
      let rest = line.slice(colon + 1);
      if (opts.counting) {
        out += `${JSON.stringify({ type: 'count', node: address, file, count: Number(rest) })}\n`;
        continue;
      }
      let lineNo: number | undefined;
      if (opts.numbered) {
        const second = rest.indexOf(':');
        lineNo = Number(rest.slice(0, second));
        rest = rest.slice(second + 1);
      }
      out += `${JSON.stringify({ type: 'line', node: address, file, ...(lineNo === undefined ? {} : { line: lineNo }), text: rest })}\n`;
    }
    return out;
  };
}
