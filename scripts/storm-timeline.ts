// What a suspicion storm in an embedded cluster looked like, from the nodes' own events: per second, the suspicions
// a member raised from its own failed probe and those it heard, the refutations, the failures, and how late the
// shared event loop ran; then the first suspicions raised by probes (who suspected whom). The question it answers:
// did the storm start with the loop running late (every member starved at once), or with one member's suspicion.
import type { MembershipEvent } from '../electron/host/api.ts';
import { monotonicNow } from '../node-runtime/node/membership-node.ts';

interface Second {
  probed: number;
  heard: number;
  refuted: number;
  failed: number;
  /** The latest a 20-ms timer fired in this second, ms. */
  lateMs: number;
}

const LAG_TICK_MS = 20;
const FIRST_SHOWN = 12;
const ROWS_SHOWN = 40;

const portOf = (id: string): string => id.slice(id.lastIndexOf(':') + 1, id.indexOf('@'));

export class StormTimeline {
  private readonly seconds: Second[] = [];
  private readonly first: string[] = [];
  private readonly byTarget = new Map<string, number>();
  private readonly lag: NodeJS.Timeout;
  private expected: number;

  constructor(private readonly t0: number) {
    this.expected = performance.now() + LAG_TICK_MS;
    this.lag = setInterval(() => {
      const now = performance.now();
      const s = this.at(monotonicNow());
      s.lateMs = Math.max(s.lateMs, now - this.expected);
      this.expected = now + LAG_TICK_MS;
    }, LAG_TICK_MS);
  }

  add(e: MembershipEvent): void {
    if (e.event === 'suspect') {
      const s = this.at(e.ts);
      if (e.reason === 'probe') {
        s.probed++;
        this.byTarget.set(e.member, (this.byTarget.get(e.member) ?? 0) + 1);
        if (this.first.length < FIRST_SHOWN) {
          this.first.push(`${this.rel(e.ts)} ${portOf(e.node)} suspected ${portOf(e.member)} (inc ${e.incarnation ?? 0})`);
        }
      } else s.heard++;
    } else if (e.event === 'alive' && e.reason === 'refute') this.at(e.ts).refuted++;
    else if (e.event === 'fail') this.at(e.ts).failed++;
  }

  stop(): void {
    clearInterval(this.lag);
  }

  /** Nothing when no member was ever suspected. */
  report(): string[] {
    if (this.byTarget.size === 0 && this.seconds.every((s) => s === undefined || s.heard === 0)) return [];
    const lines = ['storm timeline (s from launch: suspected by own probe / heard / refuted / failed, loop late max):'];
    let shown = 0;
    this.seconds.forEach((s, i) => {
      if (s === undefined || s.probed + s.heard + s.refuted + s.failed === 0 || shown++ >= ROWS_SHOWN) return;
      lines.push(`  ${i} s: ${s.probed} / ${s.heard} / ${s.refuted} / ${s.failed}, late ${s.lateMs.toFixed(0)} ms`);
    });
    const counts = [...this.byTarget.values()].sort((a, b) => b - a);
    lines.push(`members suspected by probes: ${this.byTarget.size}; probe suspicions of the most suspected: ${counts.slice(0, 5).join(', ')}`);
    lines.push('first probe suspicions (s, suspecter port, suspect port):', ...this.first.map((l) => `  ${l}`));
    return lines;
  }

  private rel(ts: number): string {
    return ((ts - this.t0) / 1000).toFixed(2);
  }

  private at(ts: number): Second {
    const i = Math.max(0, Math.floor((ts - this.t0) / 1000));
    return (this.seconds[i] ??= { probed: 0, heard: 0, refuted: 0, failed: 0, lateMs: 0 });
  }
}
