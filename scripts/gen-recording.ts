// Generates a large recording for replay benchmarks (too big for git): one JSONL log per node address plus
// actions.jsonl, shaped like a real cluster with suspicion on — staggered joins spreading by gossip, pauses that are
// suspected then refuted with a higher incarnation, kills detected as suspect → fail → remove by every observer and
// followed by a restart under a new version (same address, same file), voluntary leaves and rejoins, and stray
// suspicions refuted. Seeded, so the same flags give the same bytes.
//   npx tsx scripts/gen-recording.ts [--out logs/large] [--nodes 200] [--events 1050000] [--seed 1]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { EventKind, MembershipEvent } from '../node-runtime/protocol/events.ts';
import { formatMemberId } from '../node-runtime/protocol/member-id.ts';
import { formatLogLine, logFileName } from '../node-runtime/log/jsonl-log.ts';
import { UserError } from '../node-runtime/user-error.ts';
import type { HostActionRecord } from '../electron/host/api.ts';
import { createRng } from '../node-runtime/protocol/rng.ts';

export interface GenOptions {
  readonly out: string;
  readonly nodes: number;
  readonly events: number;
  readonly seed: number;
}

export interface GenResult {
  readonly events: number;
  readonly bytes: number;
  readonly files: number;
  readonly ids: number;
}

const T0 = Date.UTC(2026, 0, 1);
const SUSPECT_AFTER_MS = 1000;
const FAIL_AFTER_SUSPECT_MS = 2000;
const REMOVE_AFTER_FAIL_MS = 3000;


interface Slot {
  readonly address: string;
  readonly port: number;
  id: string;
  running: boolean;
  incarnation: number;
  busyUntil: number;
}

export function generateRecording(o: GenOptions): GenResult {
  const rng = createRng(o.seed);
  const random = (): number => rng.next();
  const perFile = new Map<string, MembershipEvent[]>();
  const endOf = new Map<string, number>();
  const actions: HostActionRecord[] = [];
  let count = 0;
  const slots: Slot[] = Array.from({ length: o.nodes }, (_, i) => ({
    address: `127.0.0.1:${5000 + i}`, port: 5000 + i, id: '', running: false, incarnation: 0, busyUntil: 0,
  }));
  const slotOf = new Map<string, Slot>();
  const emit = (ts: number, observer: Slot, event: EventKind, member: string, incarnation?: number, reason?: string): void => {
    let list = perFile.get(observer.address);
    if (!list) perFile.set(observer.address, (list = []));
    list.push({ ts: Math.round(ts), node: observer.id, event, member, incarnation, reason });
    count++;
  };
  /** Gossip spread: most observers learn within a few rounds, a tail later. */
  const spread = (): number => 20 + Math.floor(-Math.log(1 - random()) * 400);
  const others = (s: Slot): Slot[] => slots.filter((x) => x.running && x !== s);

  const start = (s: Slot, ts: number): void => {
    s.id = formatMemberId('127.0.0.1', s.port, ts);
    s.running = true;
    s.incarnation = 0;
    slotOf.set(s.id, s);
    emit(ts, s, 'start', s.id, 0);
    for (const x of others(s)) {
      emit(ts + 5, s, 'join', x.id, x.incarnation, 'introducer');
      emit(ts + spread(), x, 'join', s.id, 0, 'gossip');
    }
  };
  const crash = (s: Slot, ts: number): void => {
    s.running = false;
    endOf.set(s.id, ts);
    for (const x of others(s)) {
      const suspectAt = ts + SUSPECT_AFTER_MS + spread();
      emit(suspectAt, x, 'suspect', s.id, s.incarnation, 'timeout');
      emit(suspectAt + FAIL_AFTER_SUSPECT_MS + spread() / 4, x, 'fail', s.id, s.incarnation, 'suspect-timeout');
      emit(suspectAt + FAIL_AFTER_SUSPECT_MS + REMOVE_AFTER_FAIL_MS, x, 'remove', s.id, s.incarnation, 'cleanup');
    }
  };

  let t = T0;
  for (const s of slots) start(s, (t += Math.round(40 + random() * 200)));
  t += 5000;
  while (count < o.events) {
    t += Math.round(100 + random() * 400);
    const s = slots[Math.floor(random() * slots.length)]!;
    if (!s.running || s.busyUntil > t) continue;
    const r = random();
    if (r < 0.5) {
      // Pause shorter than the fail timeout: suspected, then refuted with a higher incarnation.
      const resume = t + Math.round(1500 + random() * 800);
      actions.push({ ts: t, action: 'pause', address: s.address, member: s.id }, { ts: resume, action: 'resume', address: s.address, member: s.id });
      s.incarnation++;
      for (const x of others(s)) {
        emit(t + SUSPECT_AFTER_MS + spread() / 2, x, 'suspect', s.id, s.incarnation - 1, 'timeout');
        emit(resume + spread(), x, 'alive', s.id, s.incarnation, 'refuted');
      }
      s.busyUntil = resume + 3000;
    } else if (r < 0.62) {
      actions.push({ ts: t, action: 'kill', address: s.address, member: s.id });
      crash(s, t);
      const restart = t + Math.round(8000 + random() * 4000);
      actions.push({ ts: restart, action: 'restart', address: s.address, member: s.id });
      start(s, restart);
      s.busyUntil = restart + 3000;
    } else if (r < 0.67) {
      actions.push({ ts: t, action: 'leave', address: s.address, member: s.id });
      emit(t, s, 'stop', s.id);
      s.running = false;
      endOf.set(s.id, t);
      for (const x of others(s)) {
        const at = t + spread();
        emit(at, x, 'leave', s.id, s.incarnation, 'gossip');
        emit(at + REMOVE_AFTER_FAIL_MS, x, 'remove', s.id, s.incarnation, 'cleanup');
      }
      const back = t + Math.round(6000 + random() * 4000);
      start(s, back);
      s.busyUntil = back + 3000;
    } else {
      // A stray suspicion (a lost message or two), refuted as it spreads.
      const victim = others(s)[Math.floor(random() * (others(s).length || 1))];
      if (!victim || victim.busyUntil > t) continue;
      victim.incarnation++;
      const reach = others(victim).filter(() => random() < 0.3);
      for (const x of reach) emit(t + spread() / 4, x, 'suspect', victim.id, victim.incarnation - 1, 'gossip');
      for (const x of reach) emit(t + 600 + spread(), x, 'alive', victim.id, victim.incarnation, 'refuted');
    }
  }

  fs.mkdirSync(o.out, { recursive: true });
  let bytes = 0;
  let written = 0;
  for (const [address, list] of perFile) {
    // An observer logs nothing after its process ended (an event scheduled past a later kill is dropped).
    const lines = list
      .filter((e) => !(e.ts > (endOf.get(e.node) ?? Infinity) || (e.ts === endOf.get(e.node) && e.event !== 'stop')))
      .sort((a, b) => a.ts - b.ts)
      .map(formatLogLine);
    written += lines.length;
    const text = lines.join('');
    bytes += Buffer.byteLength(text);
    fs.writeFileSync(path.join(o.out, logFileName(address)), text);
  }
  const actionText = actions.sort((a, b) => a.ts - b.ts).map((a) => `${JSON.stringify(a)}\n`).join('');
  fs.writeFileSync(path.join(o.out, 'actions.jsonl'), actionText);
  bytes += Buffer.byteLength(actionText);
  return { events: written, bytes, files: perFile.size + 1, ids: slotOf.size };
}

export function genOptions(argv: string[]): GenOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string', default: 'logs/large' },
        nodes: { type: 'string', default: '200' },
        events: { type: 'string', default: '1050000' },
        seed: { type: 'string', default: '1' },
      },
    }));
  } catch (err) {
    throw new UserError('usage', (err as Error).message);
  }
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new UserError('usage', `--${name} must be an integer ≥ ${min}, got "${v}"`);
    return n;
  };
  return { out: values.out, nodes: int('nodes', values.nodes, 2), events: int('events', values.events, 1), seed: int('seed', values.seed, 0) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const options = genOptions(process.argv.slice(2));
    const started = performance.now();
    const r = generateRecording(options);
    console.log(`${options.out}: ${r.events} events, ${r.ids} member ids, ${r.files} files, ` +
      `${(r.bytes / 2 ** 20).toFixed(1)} MiB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    console.error(`gen-recording: ${err.message}`);
    process.exit(err.exitCode);
  }
}
