// Resident memory of a process (Linux /proc), for the fuzz test, the soak and the memory benchmark: what a hostile
// peer could grow.
import fs from 'node:fs';

/** VmRSS of `pid` in KiB; NaN when the process is gone or /proc is not there. */
export function rssKiB(pid: number): number {
  return rssParts(pid).total;
}

/** RSS and its parts in KiB: `anon` is the process's own memory (heap, malloc, buffers), `file` pages of mapped files
 *  (the node binary, shared with every other node process): file pages touched late raise RSS without a leak. */
export function rssParts(pid: number): { total: number; anon: number; file: number } {
  let status = '';
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    // gone, or no /proc: NaN below
  }
  const field = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { total: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile') };
}
