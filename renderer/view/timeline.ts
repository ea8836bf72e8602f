// The replay timeline (DOM): scrubber over the whole run with kill / detection markers, transport buttons, log-scale
// speed, filters, the event list around the cursor, the failures with their latency (shown where the replay view
// puts `failuresPane`), the skipped-lines report and the load progress. Draws only; every control calls back into
// the replay view, which owns a ReplayController.
import { el } from './dom.ts';
import { EVENT_KINDS } from '../../node-runtime/protocol/events.ts';
import type { MemberId } from '../../node-runtime/protocol/member-id.ts';
import { addressOf } from '../../node-runtime/protocol/member-id.ts';
import { KIND_CODE } from '../model/replay/event-columns.ts';
import type { EventFilter } from '../model/replay/event-filter.ts';
import type { Failure } from '../model/replay/failure-analysis.ts';
import { layoutLabels } from '../model/replay/label-layout.ts';
import { formatReplayTime, formatSpeed, sliderFor, speedAt } from '../model/replay/playback.ts';
import type { ReplayController } from '../model/replay/replay-controller.ts';
import type { Recording } from '../model/replay/recording.ts';
import { describeProtocols, ProtocolHistory } from '../model/replay/protocol-history.ts';

export interface TimelineHandlers {
  seek(t: number): void;
  togglePlay(): void;
  step(direction: 1 | -1): void;
  nextFailure(): void;
  setSpeed(speed: number): void;
  setFilter(filter: EventFilter): void;
}

const SCRUB_STEPS = 100_000;
const LIST_BEFORE = 8;
const LIST_AFTER = 14;
/** Rows of latency labels above the scrubber (the markers strip is 22 px: two rows of 10 px text). */
const LABEL_LANES = 2;
/** Estimated width of one character of a 10 px label, px (digits are tabular). */
const LABEL_CHAR_PX = 6;

const secs = (ms: number | undefined): string => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);

/** `kill 127.0.0.1:3003 → first 1.20 s, all 2.31 s (9/9)`; a failure with no kill or pause on record has no start
 *  to measure from, so only how long it took to reach everyone: `127.0.0.1:3003 failed, no kill or pause recorded → all
 *  0.20 s after the first (9/9)`. */
export function describeFailure(f: Failure): string {
  const all = f.allTs === undefined ? undefined : f.allTs - f.fromTs;
  if (f.cause === 'fail') return `${f.address} failed, no kill or pause recorded → all ${secs(all)} after the first (${f.detected}/${f.expected})`;
  const first = f.firstTs === undefined ? undefined : f.firstTs - f.fromTs;
  return `${f.cause} ${f.address} → first ${secs(first)}, all ${secs(all)} (${f.detected}/${f.expected})`;
}

/** The marker's short label: `+1.20 s/2.31 s` after a kill or pause, `⇢0.20 s` (first → all) otherwise. */
function failureLabel(f: Failure): string {
  const all = f.allTs === undefined ? undefined : f.allTs - f.fromTs;
  if (f.cause === 'fail') return `⇢${secs(all)}`;
  return f.firstTs === undefined ? '' : `+${secs(f.firstTs - f.fromTs)}/${secs(all)}`;
}

export class Timeline {
  readonly root = el('section', { class: 'replay-timeline' });
  private readonly progress = el('progress', { testid: 'replay-progress', max: '1', value: '0' });
  private readonly progressLabel = el('span', { class: 'hint' });
  private readonly scrubber = el('input', { type: 'range', testid: 'replay-scrubber', min: '0', max: String(SCRUB_STEPS), step: '1', value: '0' });
  private readonly markers = el('div', { class: 'replay-markers' });
  private readonly play = el('button', { testid: 'replay-play', title: 'play / pause (space)' }, '▶ play');
  private readonly speed = el('input', { type: 'range', testid: 'replay-speed', min: '0', max: '1000', step: '1' });
  private readonly speedLabel = el('span', { class: 'replay-speed-label' });
  private readonly time = el('span', { testid: 'replay-time', class: 'replay-time' }, '—');
  /** The protocol the running observers ran at the cursor (their `protocol` lines). */
  private readonly protocol = el('span', { testid: 'replay-protocol', class: 'hint', title: 'the protocol in force at the cursor, from the nodes\' protocol lines' });
  private protocols: ProtocolHistory | undefined;
  private readonly nodeFilter = el('select', { testid: 'replay-filter-node' }, el('option', { value: '' }, 'all nodes'));
  private readonly kindBoxes = new Map<number, HTMLInputElement>();
  private readonly list = el('tbody');
  private readonly failures = el('ul', { class: 'replay-failures', testid: 'replay-failures' });
  /** The failures with their latency; the replay view shows it beside the matrix (the cluster view's aside). */
  readonly failuresPane = el('div', {}, el('h3', {}, 'Failures (detection latency)'), this.failures);
  private readonly skipped = el('div', { testid: 'replay-skipped', class: 'replay-skipped' });
  private recording: Recording | undefined;
  /** The failure markers that carry a label, with their label text, for layoutLabels on load and resize. */
  private labelled: { marker: HTMLElement; text: string; fraction: number }[] = [];
  private dragging = false;
  private listKey = '';

  constructor(private readonly on: TimelineHandlers) {
    const button = (testid: string, label: string, title: string, action: () => void): HTMLButtonElement => {
      const b = el('button', { testid, title }, label);
      b.addEventListener('click', action);
      return b;
    };
    this.speed.value = String(Math.round(sliderFor(1) * 1000));
    this.speedLabel.textContent = formatSpeed(1);
    this.scrubber.addEventListener('input', () => {
      this.dragging = true;
      this.on.seek(this.timeAt(Number(this.scrubber.value)));
    });
    this.scrubber.addEventListener('change', () => { this.dragging = false; });
    this.play.addEventListener('click', () => this.on.togglePlay());
    this.speed.addEventListener('input', () => {
      const s = speedAt(Number(this.speed.value) / 1000);
      this.speedLabel.textContent = formatSpeed(s);
      this.on.setSpeed(s);
    });
    const kinds = el('span', { class: 'replay-kinds' });
    for (const kind of EVENT_KINDS) {
      const box = el('input', { type: 'checkbox', testid: `replay-filter-${kind}` });
      box.checked = true;
      box.addEventListener('change', () => this.emitFilter());
      this.kindBoxes.set(KIND_CODE[kind], box);
      kinds.append(el('label', {}, box, kind));
    }
    this.nodeFilter.addEventListener('change', () => this.emitFilter());
    new ResizeObserver(() => this.layoutLabels()).observe(this.markers);
    this.root.append(
      el('div', { class: 'replay-load' }, this.progress, this.progressLabel),
      el('div', { class: 'replay-track' }, this.markers, this.scrubber),
      el('div', { class: 'replay-transport' },
        button('replay-prev', '◀ prev', 'previous event (←)', () => this.on.step(-1)),
        this.play,
        button('replay-next', 'next ▶', 'next event (→)', () => this.on.step(1)),
        button('replay-next-failure', 'next failure ▶▶', 'jump to the next failure (f)', () => this.on.nextFailure()),
        el('label', { class: 'replay-speed' }, 'speed ', this.speed, this.speedLabel),
        this.time, this.protocol),
      el('div', { class: 'replay-filters' }, el('span', { class: 'hint' }, 'list & step: '), this.nodeFilter, kinds),
      el('div', { class: 'replay-panes' },
        el('table', { class: 'replay-events', testid: 'replay-events' },
          el('thead', {}, el('tr', {}, ...['t (s)', 'observer', 'event', 'member', 'inc', 'reason', 'source'].map((h) => el('th', {}, h)))),
          this.list),
        el('div', { class: 'replay-side' }, el('h3', {}, 'Input report'), this.skipped)),
    );
  }

  setProgress(done: number, total: number, label: string): void {
    this.progress.max = Math.max(1, total);
    this.progress.value = done;
    this.progressLabel.textContent = label;
  }

  setRecording(recording: Recording, onFailureClick: (f: Failure) => void): void {
    this.recording = recording;
    this.protocols = new ProtocolHistory(recording.columns, recording.interner);
    const { startTs, endTs } = recording.index;
    const span = Math.max(1, endTs - startTs);
    const at = (ts: number): string => `${(((ts - startTs) / span) * 100).toFixed(3)}%`;
    this.markers.replaceChildren();
    this.failures.replaceChildren();
    this.labelled = [];
    recording.failures.forEach((f) => {
      const title = describeFailure(f);
      const marker = el('span', { class: `marker ${f.cause}`, style: `left:${at(f.fromTs)}`, title, testid: 'replay-marker' });
      this.markers.append(marker);
      const text = failureLabel(f);
      if (text !== '') this.labelled.push({ marker, text, fraction: (f.fromTs - startTs) / span });
      if (f.firstTs !== undefined) this.markers.append(el('span', { class: 'marker first', style: `left:${at(f.firstTs)}`, title: `first detection: ${title}` }));
      if (f.allTs !== undefined) this.markers.append(el('span', { class: 'marker all', style: `left:${at(f.allTs)}`, title: `all detected: ${title}` }));
      const item = el('li', {}, title);
      item.addEventListener('click', () => onFailureClick(f));
      this.failures.append(item);
    });
    if (recording.failures.length === 0) this.failures.append(el('li', { class: 'hint' }, 'no failures in this recording'));
    this.layoutLabels();
    for (const a of recording.actions) {
      if (a.action !== 'kill') this.markers.append(el('span', { class: `marker action ${a.action}`, style: `left:${at(a.ts)}`, title: `${a.action} ${a.address}` }));
    }
    const addresses = [...new Set(recording.interner.ids.map(addressOf))].sort();
    this.nodeFilter.replaceChildren(el('option', { value: '' }, 'all nodes'), ...addresses.map((a) => el('option', { value: a }, a)));
    const report = recording.report.summary();
    this.skipped.replaceChildren(
      el('p', {}, `${recording.index.length.toLocaleString('en')} events from ${recording.files.length} log files` +
        `${recording.actions.length > 0 ? ` and ${recording.actions.length} host actions` : ''}; ` +
        `${recording.report.skippedLines} lines skipped`),
      ...report.map((line) => el('p', { class: 'replay-report-line' }, line)),
    );
    this.listKey = '';
  }

  update(ctl: ReplayController): void {
    const { startTs, endTs } = ctl;
    if (!this.dragging) this.scrubber.value = String(Math.round(((ctl.time - startTs) / Math.max(1, endTs - startTs)) * SCRUB_STEPS));
    this.time.textContent = formatReplayTime(ctl.time, startTs);
    this.play.textContent = ctl.playing ? '❚❚ pause' : '▶ play';
    const p = this.protocols;
    this.protocol.textContent = !p || p.empty ? '' : `protocol: ${describeProtocols(p.at(ctl.time, ctl.recording.interner.ids, (id) => ctl.state.isRunning(id)))}`;
    const key = `${ctl.position} ${this.nodeFilter.value} ${[...this.kindBoxes.values()].map((b) => (b.checked ? 1 : 0)).join('')}`;
    if (key === this.listKey) return;
    this.listKey = key;
    this.list.replaceChildren(...ctl.eventList(LIST_BEFORE, LIST_AFTER).map(({ index, event: e, file, line }) => {
      const row = el('tr', { class: `ev-${e.event}${index === ctl.position - 1 ? ' current' : index >= ctl.position ? ' future' : ''}` },
        el('td', {}, ((e.ts - startTs) / 1000).toFixed(3)), el('td', {}, short(e.node)), el('td', {}, e.event),
        el('td', {}, short(e.member)), el('td', {}, e.incarnation === undefined ? '' : String(e.incarnation)),
        el('td', {}, e.reason ?? ''), el('td', { class: 'hint' }, line === 0 ? `${file} (inferred)` : `${file}:${line}`));
      row.addEventListener('click', () => this.on.seek(e.ts));
      return row;
    }));
  }

  /** Latency labels without overlap: in lanes, and folded into a `+n` count where too dense (the failures list
   *  beside the matrix has every figure). */
  private layoutLabels(): void {
    const width = this.markers.clientWidth;
    if (width === 0) return; // hidden: laid out when shown (the observer fires then)
    const places = layoutLabels(this.labelled.map((l) => ({ x: l.fraction * width, width: l.text.length * LABEL_CHAR_PX + 4 })), LABEL_LANES);
    this.labelled.forEach(({ marker, text }, i) => {
      const p = places[i]!;
      marker.textContent = p.lane === undefined ? '' : p.folded > 0 ? `${text} +${p.folded}` : text;
      marker.classList.toggle('low', p.lane === 1);
      marker.title = marker.title.split('\n')[0]! + (p.folded > 0 ? `\n+${p.folded} more failures close by (see the list)` : '');
    });
  }

  private timeAt(value: number): number {
    const r = this.recording;
    if (!r) return 0;
    return r.index.startTs + (value / SCRUB_STEPS) * (r.index.endTs - r.index.startTs);
  }

  private emitFilter(): void {
    const r = this.recording;
    const address = this.nodeFilter.value;
    const ids = address && r ? new Set(r.interner.ids.flatMap((id, i) => (addressOf(id) === address ? [i] : []))) : undefined;
    const checked = [...this.kindBoxes].filter(([, b]) => b.checked).map(([k]) => k);
    const kinds = checked.length === this.kindBoxes.size ? undefined : new Set(checked);
    this.on.setFilter({ ids, kinds });
  }
}

/** `127.0.0.1:3001@1732…` → `:3001@…4321` (the list is narrow; the inspector has the full id). */
function short(id: MemberId): string {
  const at = id.lastIndexOf('@');
  const address = at < 0 ? id : id.slice(0, at);
  const port = address.slice(address.lastIndexOf(':'));
  return at < 0 ? id : `${address.startsWith('127.0.0.1') ? port : address}@…${id.slice(-4)}`;
}
