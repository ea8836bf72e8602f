// The one requestAnimationFrame loop of the page. Live and replay each register a step; every frame runs them all in
// registration order, telling each whether its mode is the one on screen (only that one draws; the others only keep
// time), and measures the frame once for both (window.__hearsay.frameStats()).
import { SampleWindow } from '../model/sample-window.ts';

export type Mode = 'live' | 'replay' | 'experiments';
/** One mode's work for a frame: `active` when that mode is on screen (its draw step runs then only). */
export type FrameStep = (now: number, active: boolean) => void;

export class FrameLoop {
  /** The mode on screen: its step draws. */
  mode: Mode = 'live';
  /** requestAnimationFrame deltas (ms). */
  readonly frameTimes = new SampleWindow(1200);
  private readonly steps: { mode: Mode; step: FrameStep }[] = [];
  private lastFrame = performance.now();
  private started = false;

  /** Adds `mode`'s step (and starts the loop with the first one). */
  register(mode: Mode, step: FrameStep): void {
    this.steps.push({ mode, step });
    if (this.started) return;
    this.started = true;
    requestAnimationFrame(this.frame);
  }

  private readonly frame = (now: number): void => {
    this.frameTimes.push(now - this.lastFrame);
    this.lastFrame = now;
    for (const { mode, step } of this.steps) step(now, mode === this.mode);
    requestAnimationFrame(this.frame);
  };
}
