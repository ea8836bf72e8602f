// Reads a membership log back (tests, benchmarks, replay). Every line is validated; a line that is not a valid
// event — above all a torn last line after kill -9 — is counted and skipped, never thrown.
import fs from 'node:fs';
import * as v from 'valibot';
import { EVENT_KINDS } from '../protocol/events.ts';
import type { MembershipEvent } from '../protocol/events.ts';

export const LogEventSchema = v.object({
  ts: v.number(),
  node: v.string(),
  event: v.picklist(EVENT_KINDS),
  member: v.string(),
  incarnation: v.optional(v.number()),
  reason: v.optional(v.string()),
  // Absent in logs written before it existed, and for what was not learned from a datagram.
  via: v.optional(v.string()),
});

export interface ParsedLog {
  readonly events: MembershipEvent[];
  readonly malformed: number;
}

export function parseLog(text: string): ParsedLog {
  const events: MembershipEvent[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      malformed++;
      continue;
    }
    const parsed = v.safeParse(LogEventSchema, json);
    if (parsed.success) events.push(parsed.output);
    else malformed++;
  }
  return { events, malformed };
}

/** A missing file reads as an empty log. */
export function readLog(file: string): ParsedLog {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { events: [], malformed: 0 };
  }
  return parseLog(text);
}
