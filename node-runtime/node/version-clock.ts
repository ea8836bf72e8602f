// Member versions: epoch milliseconds at start, strictly increasing within the process, so two starts of the same
// address (a restart, or embedded nodes restarted in the same millisecond) never share an id.
let last = 0;

export function nextVersion(nowMs: number = Date.now()): number {
  last = Math.max(Math.floor(nowMs), last + 1);
  return last;
}
