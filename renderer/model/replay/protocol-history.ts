// Which protocol was in force at each moment of a recording, from the nodes' own `protocol` lines (logged at start
// and after every switch, reason = `ping+suspect` …; events.ts): per observer, its lines in time order, so the replay
// can say at the cursor what the running observers ran — one configuration, or a switch still spreading.
import { modeName, parseModeName } from '../../../node-runtime/protocol/mode.ts';
import type { MemberId } from '../../../node-runtime/protocol/member-id.ts';
import type { EventColumns, Interner } from './event-columns.ts';
import { KIND_CODE } from './event-columns.ts';
import { CONFIGURATIONS } from '../launch-form.ts';

export class ProtocolHistory {
  /** Observer id index → its protocol lines: times (ascending) and names. */
  private readonly lines = new Map<number, { ts: number[]; name: string[] }>();

  constructor(columns: EventColumns, interner: Interner) {
    const code = KIND_CODE.protocol;
    for (let i = 0; i < columns.length; i++) {
      if (columns.kind[i] !== code) continue;
      const mode = parseModeName(interner.reasons[columns.reason[i]!] ?? '');
      if (!mode) continue;
      const o = columns.observer[i]!;
      let l = this.lines.get(o);
      if (!l) this.lines.set(o, (l = { ts: [], name: [] }));
      l.ts.push(columns.ts[i]!);
      l.name.push(modeName(mode));
    }
  }

  /** Whether the recording says anything about protocols (Serf's logs and older hearsay logs do not). */
  get empty(): boolean {
    return this.lines.size === 0;
  }

  /** At time `t`: how many of the observers `running` accepts ran each protocol (their last line at or before t),
   *  most first. */
  at(t: number, ids: readonly MemberId[], running: (id: MemberId) => boolean): [name: string, count: number][] {
    const counts = new Map<string, number>();
    for (const [o, l] of this.lines) {
      if (!running(ids[o]!)) continue;
      let lo = 0;
      let hi = l.ts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (l.ts[mid]! <= t) lo = mid + 1;
        else hi = mid;
      }
      if (lo === 0) continue;
      const name = l.name[lo - 1]!;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1]);
  }
}

/** `ping + suspicion`, or `ping + suspicion (4) · gossip (1)` while a switch spreads; `—` when nothing is known. */
export function describeProtocols(counts: readonly [string, number][]): string {
  const label = (name: string): string => CONFIGURATIONS.find((c) => c.value === name)?.label ?? name;
  if (counts.length === 0) return '—';
  if (counts.length === 1) return label(counts[0]![0]);
  return counts.map(([name, n]) => `${label(name)} (${n})`).join(' · ');
}
