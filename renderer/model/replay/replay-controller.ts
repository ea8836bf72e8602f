// The replay's transport: where the cursor is (time and event position), playing or not and how fast, the filter
// that stepping and the event list obey, and the jump to the next failure. Pure: the view calls tick() from its
// animation frame and draws `state` after every change.
import type { MembershipEvent } from '../../../node-runtime/protocol/events.ts';
import type { Address, MemberId } from '../../../node-runtime/protocol/member-id.ts';
import { partitionAfter } from '../../../node-runtime/protocol/partition.ts';
import type { Spread } from '../spread-tree.ts';
import type { MembershipState } from '../membership-state.ts';
import { eventAt, KIND_CODE } from './event-columns.ts';
import { eventsAround, nextMatch, prevMatch } from './event-filter.ts';
import type { EventFilter } from './event-filter.ts';
import type { Failure } from './failure-analysis.ts';
import { advance } from './playback.ts';
import type { Recording } from './recording.ts';
import type { ReplayCursor } from './replay-index.ts';

export interface ListedEvent {
  readonly index: number;
  readonly event: MembershipEvent;
  readonly file: string;
  readonly line: number;
}

/** Above this speed pulses would flicker faster than anyone can read them. */
export const PULSE_MAX_SPEED = 10;
/** A move over more events than this is a jump, whatever caused it. */
const PULSE_MAX_EVENTS = 2000;

export class ReplayController {
  playing = false;
  speed = 1;
  filter: EventFilter = {};
  /** fail / suspect events applied by forward steps and by playing at ≤ PULSE_MAX_SPEED since the last
   *  takeMotion() (graph pulses); a seek, a jump or a step back empties it, where pulses would be noise. */
  detections: MembershipEvent[] = [];
  /** Whether a seek, jump or step back happened since the last takeMotion() (the view drops pulses in flight). */
  jumped = false;
  private readonly cursor: ReplayCursor;
  private t: number;

  constructor(readonly recording: Recording) {
    this.cursor = recording.index.cursor();
    this.t = recording.index.startTs;
    this.cursor.seek(this.t);
  }

  get time(): number {
    return this.t;
  }

  get position(): number {
    return this.cursor.position;
  }

  get state(): MembershipState {
    return this.cursor.state;
  }

  get startTs(): number {
    return this.recording.index.startTs;
  }

  get endTs(): number {
    return this.recording.index.endTs;
  }

  /** The nodes a partition had cut off at the cursor (recorded `partition` actions, cleared by `heal`), if any. */
  get partition(): readonly Address[] | undefined {
    let side: readonly Address[] | null = null;
    for (const a of this.recording.actions) {
      if (a.ts > this.t) break;
      side = partitionAfter(a, side);
    }
    return side ?? undefined;
  }

  /** How the failure (else the suspicion) of `member` had spread by the cursor: every hop, whatever was skipped. */
  spreadOf(member: MemberId): Spread | undefined {
    return this.recording.spreads.spreadAt(member, this.position);
  }

  /** Moves to time t (clamped to the run); every event with ts ≤ t applied. */
  seek(t: number): void {
    this.moveTo(this.positionAt(t), false);
  }

  /** Steps to the next (+1) or previous (-1) event that passes the filter; false when there is none. */
  step(direction: 1 | -1): boolean {
    const c = this.recording.index.columns;
    // The "current" event is the last applied one; previous = the matching one before it.
    const i = direction > 0 ? nextMatch(c, this.position, this.filter) : prevMatch(c, this.position - 1, this.filter);
    if (i === undefined) return false;
    this.t = c.ts[i]!;
    this.moveTo(i + 1, true);
    return true;
  }

  /** The next failure whose first detection is after the cursor (or, undetected, whose kill is). */
  nextFailure(): Failure | undefined {
    const at = (f: Failure): number => f.firstTs ?? f.fromTs;
    const next = this.recording.failures.filter((f) => at(f) > this.t).sort((a, b) => at(a) - at(b))[0];
    if (next) this.seek(at(next));
    return next;
  }

  /** Advances by `wallMs` of playing; stops at the end. */
  tick(wallMs: number): void {
    if (!this.playing) return;
    const { t, ended } = advance(this.t, wallMs, this.speed, this.endTs);
    this.moveTo(this.positionAt(t), this.speed <= PULSE_MAX_SPEED);
    if (ended) this.playing = false;
  }

  /** Hands the view the pulses and jumps since the last call, and forgets them (a redraw for another reason, such as
   *  a filter change, must not pulse again). */
  takeMotion(): { detections: readonly MembershipEvent[]; jumped: boolean } {
    const motion = { detections: this.detections, jumped: this.jumped };
    this.detections = [];
    this.jumped = false;
    return motion;
  }

  /** Events around the cursor that pass the filter; those with index < position are applied. */
  eventList(before: number, after: number): ListedEvent[] {
    const { columns: c, interner } = this.recording.index;
    return eventsAround(c, this.position, this.filter, before, after).map((i) => ({
      index: i, event: eventAt(c, i, interner), file: this.recording.files[c.file[i]!] ?? '', line: c.line[i]!,
    }));
  }

  /** Sets the time to t (clamped to the run) and returns the position there. */
  private positionAt(t: number): number {
    this.t = Math.min(this.endTs, Math.max(this.startTs, t));
    return this.recording.index.positionAt(this.t);
  }

  private moveTo(position: number, pulses: boolean): void {
    const from = this.cursor.position;
    const { columns: c, interner } = this.recording.index;
    if (!pulses || position < from || position - from > PULSE_MAX_EVENTS) {
      this.detections = [];
      this.jumped = true;
    } else {
      for (let i = from; i < position; i++) {
        if (c.kind[i] === KIND_CODE.fail || c.kind[i] === KIND_CODE.suspect) this.detections.push(eventAt(c, i, interner));
      }
    }
    this.cursor.seekPosition(position);
  }
}
