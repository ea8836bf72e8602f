// Course-style application logs for dgrep's tests and benchmark: Apache-style access lines and syslog lines with
// increasing timestamps, seeded, with three known patterns planted at known rates (PLANTED). Every other line is
// built from pools that never contain a planted string, so `grep -c` of a planted pattern equals the planted count.
import fs from 'node:fs';
import path from 'node:path';
import { formatAddress } from '../protocol/member-id.ts';
import { addressFileStem } from '../log/jsonl-log.ts';
import { makeDir } from '../log/make-dir.ts';
import { createRng } from '../protocol/rng.ts';

export const PLANTED = {
  /** In one node only, RARE_LINES lines spread through its file. */
  rare: 'segfault at 0000dead',
  /** In the odd-numbered machines (1, 3, …), ~5 % of their lines. */
  somewhat: 'POST /api/checkout',
  /** In every machine, ~30 % of lines. */
  frequent: 'GET /index.html',
} as const;
export type PlantedKind = keyof typeof PLANTED;

const RARE_LINES = 5;
const FREQUENT_RATE = 0.3;
const SOMEWHAT_RATE = 0.05;
const SYSLOG_RATE = 0.25;
const CHUNK_LINES = 8192;

export interface LogFilePlan {
  readonly path: string;
  /** 1-based machine number: the file is `machine.<index>.log`. */
  readonly index: number;
  readonly bytes: number;
  readonly lines: number;
  readonly planted: Record<PlantedKind, number>;
}

/** Writes one file of about `sizeBytes` (whole lines, so up to one line more). */
export function writeMachineLog(file: string, opts: { index: number; sizeBytes: number; seed: number; rare: boolean;
  somewhat: boolean }): LogFilePlan {
  const seeded = createRng((opts.seed * 0x9e3779b1 + opts.index) >>> 0);
  const rng = (): number => seeded.next();
  const pick = <T>(pool: readonly T[]): T => pool[Math.floor(rng() * pool.length)]!;
  const planted = { rare: 0, somewhat: 0, frequent: 0 };
  const host = `machine${opts.index}`;
  let ms = Date.UTC(2024, 2, 11, 8, 0, 0) + Math.floor(rng() * 3_600_000);
  let second = -1;
  let apacheDate = '';
  let syslogDate = '';
  let bytes = 0;
  let lines = 0;
  const fd = fs.openSync(file, 'w');
  try {
    while (bytes < opts.sizeBytes) {
      const batch: string[] = [];
      for (let k = 0; k < CHUNK_LINES && bytes < opts.sizeBytes; k++) {
        ms += Math.floor(rng() * 40);
        if (Math.floor(ms / 1000) !== second) {
          second = Math.floor(ms / 1000);
          [apacheDate, syslogDate] = formatDates(new Date(second * 1000));
        }
        let line: string;
        const dueRare = opts.rare && planted.rare < RARE_LINES
          && bytes >= (opts.sizeBytes * (planted.rare + 1)) / (RARE_LINES + 1);
        const r = rng();
        if (dueRare) {
          planted.rare++;
          line = `${syslogDate} ${host} kernel: [${(ms / 1000 % 100000).toFixed(6)}] worker[${1000 + Math.floor(rng() * 9000)}]: ${PLANTED.rare} ip 00007f3a sp 00007ffd error 4 in libc.so.6`;
        } else if (r < FREQUENT_RATE) {
          planted.frequent++;
          line = access(pick(IPS), apacheDate, PLANTED.frequent, 200, 2000 + Math.floor(rng() * 9000), pick(REFERERS), pick(AGENTS));
        } else if (opts.somewhat && r < FREQUENT_RATE + SOMEWHAT_RATE) {
          planted.somewhat++;
          line = access(pick(IPS), apacheDate, PLANTED.somewhat, pick([200, 201, 402, 500]), Math.floor(rng() * 900),
            pick(REFERERS), pick(AGENTS));
        } else if (r < FREQUENT_RATE + SOMEWHAT_RATE + SYSLOG_RATE) {
          line = `${syslogDate} ${host} ${pick(DAEMONS)}[${100 + Math.floor(rng() * 30000)}]: ${pick(MESSAGES)} ${pick(USERS)} from ${pick(IPS)} port ${1024 + Math.floor(rng() * 60000)}`;
        } else {
          line = access(pick(IPS), apacheDate, `${pick(METHODS)} ${pick(PATHS)}${Math.floor(rng() * 5000)}`,
            pick(STATUSES), Math.floor(rng() * 50000), pick(REFERERS), pick(AGENTS));
        }
        batch.push(line);
        bytes += line.length + 1;
        lines++;
      }
      fs.writeSync(fd, `${batch.join('\n')}\n`);
    }
  } finally {
    fs.closeSync(fd);
  }
  return { path: file, index: opts.index, bytes, lines, planted };
}

/** Writes `DIR/<host>_<port>/machine.<i>.log` for nodes i = 1..N on ports basePort.., the layout `hearsay cluster`
 *  serves (one directory per node). The rare pattern goes to one seeded node. */
export function writeClusterLogs(opts: { dir: string; nodes: number; host: string; basePort: number; sizeBytes: number;
  seed: number }): LogFilePlan[] {
  const rareIndex = 1 + (createRng(opts.seed >>> 0).next() * opts.nodes | 0);
  const plans: LogFilePlan[] = [];
  for (let index = 1; index <= opts.nodes; index++) {
    const dir = path.join(opts.dir, nodeLogDirName(opts.host, opts.basePort + index - 1));
    makeDir(dir);
    plans.push(writeMachineLog(path.join(dir, `machine.${index}.log`), {
      index, sizeBytes: opts.sizeBytes, seed: opts.seed, rare: index === rareIndex, somewhat: index % 2 === 1,
    }));
  }
  return plans;
}

export function nodeLogDirName(host: string, port: number): string {
  return addressFileStem(formatAddress(host, port));
}

function access(ip: string, date: string, request: string, status: number, size: number, referer: string, agent: string): string {
  return `${ip} - - [${date}] "${request} HTTP/1.1" ${status} ${size} "${referer}" "${agent}"`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

function formatDates(d: Date): [string, string] {
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const month = MONTHS[d.getUTCMonth()]!;
  return [
    `${pad(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${time} +0000`,
    `${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${time}`,
  ];
}

const IPS = Array.from({ length: 256 }, (_, i) => `10.${(i * 7) % 256}.${(i * 13) % 256}.${(i * 31) % 254 + 1}`);
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'HEAD'];
const PATHS = ['/products/', '/api/items/', '/static/img/banner', '/search?q=item', '/cart/add/', '/user/profile/',
  '/blog/post-', '/api/orders/', '/docs/page', '/images/thumb'];
const STATUSES = [200, 200, 200, 200, 201, 204, 301, 304, 400, 403, 404, 404, 500, 502, 503];
const REFERERS = ['-', 'https://www.example.com/', 'https://search.example.org/results', 'https://blog.example.net/post/17',
  'https://shop.example.com/products/42'];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
  'curl/8.5.0', 'python-requests/2.31.0', 'Googlebot/2.1 (+http://www.google.com/bot.html)',
];
const DAEMONS = ['sshd', 'cron', 'systemd', 'nginx', 'postfix/smtpd', 'dhclient', 'sudo'];
const MESSAGES = ['Accepted publickey for', 'Failed password for', 'session opened for user', 'Connection closed by',
  'pam_unix(cron:session): session closed for user', 'Invalid user', 'Received disconnect from'];
const USERS = ['root', 'alice', 'bob', 'deploy', 'www-data', 'backup', 'carol', 'admin'];
