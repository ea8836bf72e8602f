// CPU time a process tree used, by kind of process, from /proc (Linux): what a frame costs however loaded the machine
// is — a starved browser's frames take longer on the wall clock, not more CPU. Chromium's processes are told apart by
// their --type= flag (gpu-process runs WebGL in SwiftShader, renderer runs the page, no flag is the browser itself);
// `hearsay node` processes as such, anything else by its executable's name.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU ms used so far by `root` (as 'root') and its descendants, summed per kind. */
export function cpuByKind(root: number): Map<string, number> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  }
  const out = new Map<string, number>();
  const walk = (pid: number): void => {
    const stat = readStat(pid);
    const kind = pid === root ? 'root' : kindOf(pid);
    if (stat) out.set(kind, (out.get(kind) ?? 0) + stat.cpuMs);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** What each kind used between two readings of cpuByKind. */
export function cpuSince(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([k, ms]) => [k, ms - (before.get(k) ?? 0)]));
}

/** This process's main thread (the event loop): ms on a CPU and ms runnable but waiting for one, from
 *  /proc/self/task/<pid>/schedstat; undefined where the kernel does not keep it. The wait says how much of a
 *  figure is the machine's load rather than the work. */
export function mainThreadSched(): { onCpuMs: number; waitMs: number } | undefined {
  try {
    const [onCpuNs, waitNs] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { onCpuMs: onCpuNs! / 1e6, waitMs: waitNs! / 1e6 };
  } catch {
    return undefined;
  }
}

function readStat(pid: number): { ppid: number; cpuMs: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after its closing parenthesis.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined; // gone meanwhile
  }
}

function kindOf(pid: number): string {
  try {
    // Chromium rewrites its children's command lines into one space-separated string.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const exe = cmdline.split(/[\0 ]/)[0] ?? '?';
    if (/hearsay\.mjs node /.test(cmdline.replaceAll('\0', ' '))) return 'hearsay node processes';
    if (!/chrom/.test(exe)) return path.basename(exe);
    const type = /--type=([\w-]+)/.exec(cmdline)?.[1];
    return type ? `chromium ${type}` : 'chromium browser';
  } catch {
    return '?';
  }
}
