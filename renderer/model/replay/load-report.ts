// What loading a recording skipped and what it kept but had to adjust, per reason, with a few example lines so the
// user can look at them. Shown in the replay UI (data-testid replay-skipped).
import type { SkipReason } from './parse-record.ts';

/** Kept, but not as written. */
export type AdjustReason =
  | 'ts-backwards' // a line's ts is earlier than the line before it in the same file: kept in file order, ts raised
  | 'seen-before-start' // an observer lists a member before that member's own `start`: clocks of two hosts disagree
  | 'stop-inferred'; // a `stop` added where a killed process could not log one (line: the kill or the new start)

export interface LineRef {
  readonly file: string;
  readonly line: number;
}

export interface Tally<R extends string> {
  readonly reason: R;
  count: number;
  readonly examples: LineRef[];
  /** Largest adjustment in ms (adjustments only). */
  maxMs: number;
}

const EXAMPLES = 3;

export class LoadReport {
  readonly skipped = new Map<SkipReason, Tally<SkipReason>>();
  readonly adjusted = new Map<AdjustReason, Tally<AdjustReason>>();
  /** Files given but not read as logs (not .jsonl / .log). */
  readonly ignoredFiles: string[] = [];

  skip(reason: SkipReason, file: string, line: number): void {
    add(this.skipped, reason, file, line, 0);
  }

  adjust(reason: AdjustReason, file: string, line: number, ms: number): void {
    add(this.adjusted, reason, file, line, ms);
  }

  get skippedLines(): number {
    let n = 0;
    for (const t of this.skipped.values()) n += t.count;
    return n;
  }

  /** One line per reason, e.g. `torn-line: 2 (a.jsonl:17, b.jsonl:9)`. */
  summary(): string[] {
    const lines: string[] = [];
    for (const t of this.skipped.values()) lines.push(`skipped ${describe(t)}`);
    for (const t of this.adjusted.values()) lines.push(`${t.reason === 'stop-inferred' ? 'added' : 'kept'} ${describe(t)}${t.maxMs > 0 ? `, up to ${Math.round(t.maxMs)} ms` : ''}`);
    if (this.ignoredFiles.length > 0) lines.push(`ignored files: ${this.ignoredFiles.join(', ')}`);
    return lines;
  }
}

function add<R extends string>(map: Map<R, Tally<R>>, reason: R, file: string, line: number, ms: number): void {
  let t = map.get(reason);
  if (!t) map.set(reason, (t = { reason, count: 0, examples: [], maxMs: 0 }));
  t.count++;
  if (t.examples.length < EXAMPLES) t.examples.push({ file, line });
  if (ms > t.maxMs) t.maxMs = ms;
}

function describe(t: Tally<string>): string {
  const where = t.examples.map((e) => `${e.file}:${e.line}`).join(', ');
  return `${t.reason}: ${t.count} (${where}${t.count > t.examples.length ? ', …' : ''})`;
}
