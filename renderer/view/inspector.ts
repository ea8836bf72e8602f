// The inspector: everything about the selected node slot — id, version, incarnation, its process state, who
// suspects it or considers it failed, its own membership list — and, live, the buttons that act on it.
import { el } from './dom.ts';
import type { Feedback } from './feedback.ts';
import { parseDropPercent } from '../model/launch-form.ts';
import { parseMemberId } from '../../node-runtime/protocol/member-id.ts';
import type { MembershipState } from '../model/membership-state.ts';
import type { Slot } from '../model/node-slots.ts';
import type { DisplayStatus } from '../model/node-status.ts';
import { describeHop } from '../model/spread-tree.ts';
import type { Spread } from '../model/spread-tree.ts';
import { addressOf } from '../../node-runtime/protocol/member-id.ts';
import type { HostRequest, NodeAction, NodeStats } from '../../electron/host/api.ts';

/** What the live view acts through; replay has none (its inspector only reads). */
export interface LiveControls {
  readonly request: (request: HostRequest) => Promise<unknown>;
  readonly feedback: Feedback;
}

const LIST_LIMIT = 300;
const ACTIONS: readonly { action: NodeAction; label: string; key: string }[] = [
  { action: 'kill', label: 'Kill', key: 'k' },
  { action: 'pause', label: 'Pause', key: 'l' },
  { action: 'resume', label: 'Resume', key: 'K' },
  { action: 'leave', label: 'Leave', key: '' },
  { action: 'restart', label: 'Restart', key: 'K' },
  { action: 'force-leave', label: 'Force-leave', key: '' },
];

export class Inspector {
  private readonly body = el('div', { class: 'inspector-body' });
  private readonly buttons = new Map<NodeAction, HTMLButtonElement>();
  private readonly bar = el('div', { class: 'actions' });
  private readonly drop = el('input', { testid: 'inspector-drop', type: 'number', min: '0', max: '100', step: 'any', placeholder: '0–100' });
  private readonly dropApply = el('button', { testid: 'inspector-drop-apply' }, 'Set');
  private address: string | undefined;

  constructor(root: HTMLElement, private readonly live: LiveControls | undefined) {
    root.append(el('h2', {}, 'Inspector'));
    if (live) {
      for (const a of ACTIONS) {
        const b = el('button', { testid: `action-${a.action}`, title: a.key ? `shortcut: ${a.key}` : '' }, a.label);
        b.disabled = true;
        b.addEventListener('click', () => this.act(a.action));
        this.buttons.set(a.action, b);
        this.bar.append(b);
      }
      const dropRow = el('label', { class: 'drop-row' }, el('span', {}, 'drop %'), this.drop, this.dropApply);
      this.drop.addEventListener('input', () => live.feedback.clear(dropRow));
      this.dropApply.addEventListener('click', () => {
        const address = this.address;
        if (address === undefined) return;
        const r = parseDropPercent(this.drop.value);
        if (!r.ok) return live.feedback.error(r.error, dropRow);
        live.feedback.run(dropRow, () => live.request({ type: 'set-drop', rate: r.value, address }),
          () => `drop rate ${+(r.value * 100).toFixed(2)} % set on ${address}`);
      });
      root.append(this.bar, dropRow);
    }
    root.append(this.body);
    this.show(undefined, undefined, undefined, undefined);
  }

  /** Acts on the shown node as its button would (the keyboard shortcuts come here); a refusal shows beside the buttons. */
  act(action: NodeAction): void {
    const address = this.address;
    const b = this.buttons.get(action);
    if (!this.live || address === undefined || !b || b.disabled) return;
    const live = this.live;
    live.feedback.run(this.bar, () => live.request({ type: 'node-action', action, address }));
  }

  show(slot: Slot | undefined, state: MembershipState | undefined, status: DisplayStatus | undefined, stats: NodeStats | undefined, spread?: Spread): void {
    if (slot?.address !== this.address) this.live?.feedback.clear(this.bar);
    this.address = slot?.address;
    for (const [action, b] of this.buttons) b.disabled = !slot || !canAct(action, slot);
    this.drop.disabled = this.dropApply.disabled = slot?.run !== 'running';
    if (!slot || !state) {
      this.body.replaceChildren(el('p', { class: 'hint' }, this.live
        ? 'Click a node on the ring or a cell of the matrix. Keys on the selected node: k kill, l pause, K revive, j join a new node.'
        : 'Click a node on the ring or a cell of the matrix.'));
      return;
    }
    const id = slot.id;
    const version = id ? parseMemberId(id)?.version : undefined;
    const incarnation = id ? state.incarnationOf(id, id) : undefined;
    const suspects: string[] = [];
    const failers: string[] = [];
    if (id) {
      for (const o of state.allIds()) {
        if (o === id || !state.isRunning(o)) continue;
        const s = state.statusOf(o, id);
        if (s === 'suspect') suspects.push(o);
        else if (s === 'failed') failers.push(o);
      }
    }
    const rows: [string, string, string][] = [
      ['address', slot.address, 'inspector-address'],
      ['id', id ?? '—', 'inspector-id'],
      ['version', version === undefined ? '—' : String(version), 'inspector-version'],
      ['incarnation', incarnation === undefined ? '—' : String(incarnation), 'inspector-incarnation'],
      ['status', status ?? '—', 'inspector-status'],
      ['process', slot.run ?? '—', 'inspector-run'],
    ];
    if (stats) rows.push(['bandwidth', `${fmtBytes(stats.bytesInPerSec)}/s in · ${fmtBytes(stats.bytesOutPerSec)}/s out`, 'inspector-bandwidth']);
    if (stats) rows.push(['dropped', `${stats.dropped} by drop rate · blocked ${stats.blockedIn ?? 0} in, ${stats.blockedOut ?? 0} out`, 'inspector-dropped']);
    const list = id ? state.listOf(id) : [];
    const table = el('table', { testid: 'inspector-list' },
      el('thead', {}, el('tr', {}, el('th', {}, 'member'), el('th', {}, 'status'), el('th', {}, 'inc'))),
      el('tbody', {}, ...list.slice(0, LIST_LIMIT).map((m) =>
        el('tr', { class: `st-${m.status}` }, el('td', {}, m.member), el('td', {}, m.status), el('td', {}, String(m.incarnation))))),
    );
    this.body.replaceChildren(
      el('dl', {}, ...rows.flatMap(([k, v, t]) => [el('dt', {}, k), el('dd', { testid: t }, v)])),
      el('h3', {}, `Suspected by (${suspects.length})`),
      el('p', { testid: 'inspector-suspected-by', class: 'ids' }, summarise(suspects)),
      el('h3', {}, `Failed by (${failers.length})`),
      el('p', { testid: 'inspector-failed-by', class: 'ids' }, summarise(failers)),
      ...spreadSection(spread),
      el('h3', {}, `Its membership list (${list.length}${list.length > LIST_LIMIT ? `, first ${LIST_LIMIT}` : ''})`),
      table,
    );
  }
}

function canAct(action: NodeAction, slot: Slot): boolean {
  const run = slot.run;
  if (run === undefined) return false;
  switch (action) {
    case 'kill': return slot.managed && (run === 'running' || run === 'paused');
    case 'pause': return slot.managed && run === 'running';
    case 'resume': return slot.managed && run === 'paused';
    case 'leave': return run === 'running';
    case 'restart': return slot.managed;
    // Serf marks a failed agent left when a running one is asked to.
    case 'force-leave': return slot.serf === true && run !== 'running' && run !== 'starting' && run !== 'paused';
  }
}

function summarise(ids: readonly string[]): string {
  if (ids.length === 0) return 'nobody';
  const shown = ids.slice(0, 40).map((id) => id.slice(0, id.lastIndexOf('@')) || id);
  return shown.join(', ') + (ids.length > shown.length ? ` … +${ids.length - shown.length}` : '');
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Who told whom: each observer's first word of this member's failure (or suspicion), from the first detector on. */
function spreadSection(spread: Spread | undefined): HTMLElement[] {
  if (!spread || spread.hops.length === 0) return [];
  const first = spread.hops[0]!;
  const name = (id: string) => addressOf(id);
  const rows = spread.hops.slice(0, LIST_LIMIT).map((h) =>
    el('li', {}, el('b', {}, name(h.observer)), ` ${describeHop(h, first, name)}`));
  return [
    el('h3', {}, `How its ${spread.kind === 'fail' ? 'failure' : 'suspicion'} spread (${spread.hops.length})`),
    el('ol', { testid: 'inspector-spread', class: 'spread' }, ...rows),
  ];
}
