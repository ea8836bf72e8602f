// Play speed and the replay clock. Speed runs on a log scale (0.1×–100×) so one slider covers slow motion of a
// detection and fast-forward through a quiet hour alike.

export const MIN_SPEED = 0.1;
export const MAX_SPEED = 100;

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** Slider position 0..1 → speed. */
export function speedAt(slider: number): number {
  return MIN_SPEED * (MAX_SPEED / MIN_SPEED) ** clamp01(slider);
}

/** Speed → slider position 0..1. */
export function sliderFor(speed: number): number {
  return clamp01(Math.log(speed / MIN_SPEED) / Math.log(MAX_SPEED / MIN_SPEED));
}

export function formatSpeed(speed: number): string {
  return `${speed < 1 ? speed.toFixed(speed < 0.995 ? 2 : 1) : speed < 10 ? speed.toFixed(1) : Math.round(speed)}×`;
}

/** The replay time after `wallMs` of playing at `speed`; `ended` once it reaches `endTs`. */
export function advance(t: number, wallMs: number, speed: number, endTs: number): { t: number; ended: boolean } {
  const next = t + Math.max(0, wallMs) * speed;
  return next >= endTs ? { t: endTs, ended: true } : { t: next, ended: false };
}

/** `12.345 s` from the start of the run, with the wall clock time beside it. */
export function formatReplayTime(t: number, startTs: number): string {
  const rel = (t - startTs) / 1000;
  const clock = new Date(t).toISOString().slice(11, 23);
  return `${rel.toFixed(3)} s · ${clock} UTC`;
}
