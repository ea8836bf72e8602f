// Resident memory of a process (Linux /proc), for the fuzz test and the soak: what a hostile peer could grow.
import fs from 'node:fs';

/** VmRSS of `pid` in KiB; NaN when the process is gone or /proc is not there. */
export function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
