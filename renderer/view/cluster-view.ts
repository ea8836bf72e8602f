// The graph, the convergence matrix and the inspector over one MembershipState — the same for the live view and for
// replay (which folds recorded events into its own state and calls update() after each seek or step). Nothing here
// reads the host: `nodes` (the host's process states) comes in when live, and actions go out through `live`.
import { el } from './dom.ts';
import { GraphView } from './graph-view.ts';
import { MatrixView } from './matrix-view.ts';
import { Inspector } from './inspector.ts';
import type { LiveControls } from './inspector.ts';
import { slotAt } from '../model/ring-layout.ts';
import { slotsOnOneSide } from '../model/ring-cut.ts';
import { buildSlots, sameAddresses, slotLabel } from '../model/node-slots.ts';
import type { Slot } from '../model/node-slots.ts';
import { cellStatus, CELL } from '../model/membership-state.ts';
import { SpreadIndex } from '../model/spread-tree.ts';
import type { Spread } from '../model/spread-tree.ts';
import type { MembershipState } from '../model/membership-state.ts';
import type { MembershipEvent } from '../../node-runtime/protocol/events.ts';
import type { Address, MemberId } from '../../node-runtime/protocol/member-id.ts';
import type { ClusterNode, NodeAction, NodeStats, Trace } from '../../electron/host/api.ts';

export interface ClusterFrame {
  readonly state: MembershipState;
  /** The host's node list (live); omit in replay, where slots come from the events. */
  readonly nodes?: readonly ClusterNode[];
  /** Replay of a pair: the addresses of the side this view shows (slots come from the events, these only). */
  readonly only?: ReadonlySet<Address>;
  readonly stats?: ReadonlyMap<Address, NodeStats>;
  /** fail / suspect events applied since the last update (pulses); omit after a seek. */
  readonly detections?: readonly MembershipEvent[];
  /** The state jumped since the last update (a replay seek): pulses in flight are dropped. */
  readonly jumped?: boolean;
  /** The nodes cut off from the rest by the current partition (the last partition action; none after heal). */
  readonly partition?: readonly Address[];
  /** Replay: the full spread of a member's failure up to the cursor (the recording's index). Live folds its own from
   *  the detections the frames bring. */
  readonly spreadOf?: (member: MemberId) => Spread | undefined;
  /** performance.now() of this frame. */
  readonly now: number;
}

export interface ClusterViewOptions {
  /** Live only: makes the inspector's buttons, drop control and the keyboard act on nodes. */
  readonly live?: LiveControls;
}

export interface SlotSnapshot {
  address: Address;
  id: MemberId | undefined;
  /** As the graph shows it with the majority (the default) observer. */
  majority: string;
  /** Cut off from the rest by the partition in force (the graph rings it and draws the cut). */
  cut: boolean;
  tally: { alive: number; suspect: number; failed: number; left: number };
}

const INSPECTOR_MS = 200;

/** Heal's titles: why it cannot act, and what it will do. */
const NOTHING_CUT = 'Nothing is cut. Shift-drag a line across the ring, or ctrl-click nodes and Isolate, to cut the cluster in two; ' +
  'this then heals it. (A block list set outside the app, by hearsay ctl partition, is lifted by hearsay ctl ADDR heal.)';
const healTitle = (cut: number): string => `${cut} node(s) cut off from the rest: heal, so every node hears every node again`;

export class ClusterView {
  /** Beside the matrix: for figures the embedder wants to show (live latency, replay markers). */
  readonly aside: HTMLElement;
  slots: readonly Slot[] = [];
  /** Bumped when the slots' addresses change (the ring's layout); ids and run states are compared per slot. */
  private layoutRevision = 0;
  private selectedAddress: Address | undefined;
  private readonly observerSelect: HTMLSelectElement;
  private readonly packetToggle: HTMLInputElement;
  private readonly tooltip: HTMLElement;
  private readonly inspector: Inspector;
  private lastState: MembershipState | undefined;
  private lastSize = -1;
  private lastNodes: readonly ClusterNode[] | undefined;
  private lastOnly: ReadonlySet<Address> | undefined;
  private inspectorDrawnAt = -Infinity;
  /** Where the last update's time went (ms), for the benchmark. */
  readonly phases = { graphUpdate: 0, matrixUpdate: 0, graphRender: 0, matrixRender: 0, inspector: 0 };
  private inspectorKey = '';
  private frame: ClusterFrame | undefined;
  /** Who told whom, folded from the detections the frames bring; cleared on a seek or a new state. */
  private readonly spreads = new SpreadIndex();
  private spreadState: MembershipState | undefined;
  /** A shift-drag across the ring being drawn (x1, y1, x2, y2), and whether the click that ends it is the drag's. */
  private cutDraft: [number, number, number, number] | undefined;
  private cutting = false;
  /** Live: nodes picked with ctrl/cmd-click, to be cut off from the rest by Isolate. */
  private readonly group = new Set<Address>();
  private readonly isolateButton: HTMLButtonElement | undefined;
  private readonly healButton: HTMLButtonElement | undefined;

  private constructor(readonly root: HTMLElement, readonly graph: GraphView, readonly matrix: MatrixView, parts: {
    observerSelect: HTMLSelectElement; packetToggle: HTMLInputElement; tooltip: HTMLElement; inspectorRoot: HTMLElement; aside: HTMLElement;
    healButton: HTMLButtonElement | undefined; isolateButton: HTMLButtonElement | undefined;
  }, options: ClusterViewOptions) {
    this.observerSelect = parts.observerSelect;
    this.packetToggle = parts.packetToggle;
    this.packetToggle.addEventListener('change', () => this.refresh());
    this.tooltip = parts.tooltip;
    this.aside = parts.aside;
    this.inspector = new Inspector(parts.inspectorRoot, options.live);
    this.observerSelect.addEventListener('change', () => this.refresh());
    const graphCanvas = graph.app.canvas;
    graphCanvas.addEventListener('pointermove', (e) => this.hoverGraph(e));
    graphCanvas.addEventListener('pointerleave', () => this.hideTooltip());
    const live = options.live;
    graphCanvas.addEventListener('click', (e) => {
      const s = slotAt(graph.layout, e.offsetX, e.offsetY);
      if (s >= 0 && !this.cutting) {
        if (live && (e.ctrlKey || e.metaKey)) this.togglePicked(this.slots[s]!.address);
        else this.select(this.slots[s]!.address);
      }
      this.cutting = false;
    });
    this.isolateButton = parts.isolateButton;
    this.healButton = parts.healButton;
    if (live && parts.healButton && parts.isolateButton) {
      const bar = parts.healButton;
      const isolate = parts.isolateButton;
      const cut = (anchor: HTMLElement, side: Address[]): void => live.feedback.run(anchor, async () => {
        await live.request({ type: 'partition', side });
        this.group.clear();
        this.refresh();
      }, () => `cut off ${side.length} node(s) from the rest`);
      bar.addEventListener('click', () => live.feedback.run(bar, () => live.request({ type: 'heal' }), () => 'healed: every node hears every node'));
      isolate.addEventListener('click', () => cut(isolate, [...this.group]));
      this.cutGesture(graphCanvas, (side) => cut(bar, side));
    }
    const matrixCanvas = matrix.app.canvas;
    matrixCanvas.addEventListener('pointermove', (e) => this.hoverMatrix(e));
    matrixCanvas.addEventListener('pointerleave', () => this.hideTooltip());
    matrixCanvas.addEventListener('click', (e) => {
      const c = matrix.cellAt(e.offsetX, e.offsetY);
      if (c) this.select(this.slots[c.col]!.address);
    });
  }

  static async create(root: HTMLElement, options: ClusterViewOptions = {}): Promise<ClusterView> {
    const observerSelect = el('select', { testid: 'observer-select', title: 'Whose membership list colours the nodes: the majority of observers, or one observer' },
      el('option', { value: '' }, 'majority'));
    const packetToggle = el('input', { type: 'checkbox', testid: 'packets-toggle', checked: '' });
    const healButton = options.live
      ? el('button', { testid: 'heal', disabled: '', title: NOTHING_CUT }, 'Heal')
      : undefined;
    const isolateButton = options.live
      ? el('button', { testid: 'isolate', disabled: '', title: 'Ctrl-click (cmd-click) nodes to pick a group; this cuts it off from the rest' }, 'Isolate')
      : undefined;
    const graphHost = el('div', { class: 'graph-host' });
    const matrixHost = el('div', { class: 'matrix-host' });
    const tooltip = el('div', { class: 'tooltip', testid: 'tooltip' });
    const inspectorRoot = el('aside', { class: 'inspector', testid: 'inspector' });
    const aside = el('div', { class: 'cluster-aside' });
    root.classList.add('cluster-view');
    root.append(
      el('section', { class: 'graph-pane' },
        el('div', { class: 'pane-bar' }, el('label', {}, 'colour by ', observerSelect),
          el('label', { title: 'Datagrams in flight, coloured by the news they carry; dropped ones fade half-way' }, packetToggle, ' packets'),
          ...(healButton && isolateButton ? [el('span', { class: 'hint' }, 'cut: shift-drag, ctrl-click'), isolateButton, healButton] : []),
          legend()),
        graphHost),
      el('section', { class: 'matrix-pane' },
        el('div', { class: 'pane-bar' }, el('span', {}, 'Convergence: observer (row) × member (column)')),
        matrixHost),
      aside,
      inspectorRoot,
      tooltip,
    );
    const [graph, matrix] = await Promise.all([GraphView.create(graphHost), MatrixView.create(matrixHost)]);
    return new ClusterView(root, graph, matrix, { observerSelect, packetToggle, tooltip, inspectorRoot, aside, healButton, isolateButton }, options);
  }

  get selected(): Address | undefined {
    return this.selectedAddress;
  }

  select(address: Address | undefined): void {
    this.selectedAddress = address;
    this.inspectorKey = '';
    this.refresh();
  }

  /** Acts on the selected node as the inspector's button would (live only). */
  act(action: NodeAction): void {
    this.inspector.act(action);
  }

  /** Brings the views up to date with `frame` and draws what changed. Returns whether anything was drawn. */
  update(frame: ClusterFrame): boolean {
    this.frame = frame;
    const { state } = frame;
    if (state !== this.lastState || state.size !== this.lastSize || frame.nodes !== this.lastNodes || frame.only !== this.lastOnly) {
      const slots = buildSlots(state, frame.nodes, frame.only);
      if (!sameAddresses(slots, this.slots) || state !== this.lastState) {
        this.layoutRevision++;
        this.rebuildObserverOptions(slots);
      }
      this.slots = slots;
      this.lastState = state;
      this.lastSize = state.size;
      this.lastNodes = frame.nodes;
      this.lastOnly = frame.only;
    }
    if (frame.jumped || state !== this.spreadState) this.spreads.clear();
    this.spreadState = state;
    for (const e of frame.detections ?? []) this.spreads.add(e);
    const selected = this.selectedIndex();
    const selectedId = this.slots[selected]?.id;
    const spread = this.spreadFor(frame, selectedId);
    const observerAddress = this.observerSelect.value;
    const observer = observerAddress ? this.slots.find((s) => s.address === observerAddress)?.id : undefined;
    const t0 = performance.now();
    const drawGraph = this.graph.update({
      state, slots: this.slots, layoutRevision: this.layoutRevision, observer, selected,
      detections: frame.detections ?? [], jumped: frame.jumped ?? false, now: frame.now, packets: this.packetToggle.checked, spread,
      partition: this.partitionSlots(frame.partition), cutDraft: this.cutDraft, group: this.pickedSlots(),
    });
    const t1 = performance.now();
    const drawMatrix = this.matrix.update(state, this.slots, this.layoutRevision, selected);
    const t2 = performance.now();
    if (drawGraph) this.graph.render();
    const t3 = performance.now();
    if (drawMatrix) this.matrix.render();
    const t4 = performance.now();
    this.showHeal(frame.partition);
    this.updateInspector(frame, selected);
    const p = this.phases;
    p.graphUpdate = t1 - t0;
    p.matrixUpdate = t2 - t1;
    p.graphRender = t3 - t2;
    p.matrixRender = t4 - t3;
    p.inspector = performance.now() - t4;
    return drawGraph || drawMatrix;
  }

  /** Whether the views need more frames (pulses, matrix rows left for later): an embedder that updates only on
   *  change must keep updating. */
  get animating(): boolean {
    return this.graph.animating || this.matrix.pending;
  }

  /** Message traces from the host (a sampled stream beside the events): drawn as packets unless hidden. */
  traces(traces: readonly Trace[], unsampled: number, now: number): void {
    if (this.packetToggle.checked) this.graph.addTraces(traces, unsampled, now);
  }

  /** Packets on screen (and dropped among them), and traced datagrams seen, for the test hook. */
  packetCounts(): { onScreen: number; droppedOnScreen: number; seen: number; seenDropped: number; unsampled: number } {
    const f = this.graph.flights;
    let dropped = 0;
    for (let i = 0; i < f.count; i++) dropped += f.dropped[i]!;
    return { onScreen: f.count, droppedOnScreen: dropped, seen: f.seen, seenDropped: f.seenDropped, unsampled: f.unsampled };
  }

  /** Counts of the statuses the graph shows (the majority's, or the chosen observer's), for the top bar. */
  counts(): { alive: number; suspect: number; failed: number; left: number; total: number } {
    const c = { alive: 0, suspect: 0, failed: 0, left: 0, total: this.slots.length };
    for (let s = 0; s < this.slots.length; s++) {
      const status = this.graph.statusAt(s);
      if (status === 'alive' || status === 'suspect' || status === 'failed' || status === 'left') c[status]++;
    }
    return c;
  }

  /** What the graph shows, for e2e assertions (window.__hearsay). */
  snapshot(): SlotSnapshot[] {
    const t = this.graph.tallies;
    const cut = new Set(this.frame?.partition ?? []);
    return this.slots.map((slot, s) => ({
      address: slot.address,
      id: slot.id,
      cut: cut.has(slot.address),
      majority: cellStatus(this.graph.majorityCodes[s] ?? 0) ?? (this.graph.statusAt(s) === 'down' ? 'down' : 'unlisted'),
      tally: { alive: t[s * 5 + CELL.alive] ?? 0, suspect: t[s * 5 + CELL.suspect] ?? 0, failed: t[s * 5 + CELL.failed] ?? 0, left: t[s * 5 + CELL.left] ?? 0 },
    }));
  }

  private refresh(): void {
    if (this.frame) this.update({ ...this.frame, detections: [], jumped: false });
  }

  /** Shift-drag across the ring: the slots on one side of the line are cut off from the others. */
  private cutGesture(canvas: HTMLCanvasElement, cut: (side: Address[]) => void): void {
    canvas.addEventListener('pointerdown', (e) => {
      if (!e.shiftKey) return;
      this.cutDraft = [e.offsetX, e.offsetY, e.offsetX, e.offsetY];
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.cutDraft) return;
      this.cutDraft = [this.cutDraft[0], this.cutDraft[1], e.offsetX, e.offsetY];
      this.refresh();
    });
    canvas.addEventListener('pointerup', (e) => {
      const d = this.cutDraft;
      this.cutDraft = undefined;
      if (!d) return;
      this.cutting = true;
      this.refresh();
      if (Math.hypot(e.offsetX - d[0], e.offsetY - d[1]) < 20) return;
      const side = slotsOnOneSide(this.graph.layout, d[0], d[1], e.offsetX, e.offsetY);
      if (side.length > 0 && side.length < this.slots.length) cut(side.map((s) => this.slots[s]!.address));
    });
  }

  /** Picks or unpicks a node for the group to isolate. */
  private togglePicked(address: Address): void {
    if (!this.group.delete(address)) this.group.add(address);
    this.refresh();
  }

  /** The picked nodes still on the ring (a node gone is unpicked), and the Isolate button to match: it needs nodes on
   *  both sides. */
  private pickedSlots(): ReadonlySet<number> | undefined {
    const picked = new Set<number>();
    this.slots.forEach((s, i) => { if (this.group.has(s.address)) picked.add(i); });
    if (picked.size !== this.group.size) for (const a of [...this.group]) if (!this.slots.some((s) => s.address === a)) this.group.delete(a);
    const button = this.isolateButton;
    if (button) {
      const label = picked.size === 0 ? 'Isolate' : `Isolate ${picked.size}`;
      if (button.textContent !== label) button.textContent = label;
      button.disabled = picked.size === 0 || picked.size >= this.slots.length;
    }
    return picked.size === 0 ? undefined : picked;
  }

  /** Heal acts only on a partition in force, as the view state says (the snapshot, then `partition`/`heal` actions):
   *  no local guess, so a reload or a second window shows the same. */
  private showHeal(side: readonly Address[] | undefined): void {
    const button = this.healButton;
    if (!button) return;
    const cut = side?.length ?? 0;
    const title = cut === 0 ? NOTHING_CUT : healTitle(cut);
    if (button.title === title) return;
    button.title = title;
    button.disabled = cut === 0;
  }

  private partitionSlots(side: readonly Address[] | undefined): ReadonlySet<number> | undefined {
    if (!side || side.length === 0) return undefined;
    const cut = new Set(side);
    const slots = new Set<number>();
    this.slots.forEach((s, i) => { if (cut.has(s.address)) slots.add(i); });
    return slots;
  }

  private spreadFor(frame: ClusterFrame, member: MemberId | undefined): Spread | undefined {
    if (member === undefined) return undefined;
    return frame.spreadOf ? frame.spreadOf(member) : this.spreads.spreadOf(member);
  }

  private selectedIndex(): number {
    return this.selectedAddress === undefined ? -1 : this.slots.findIndex((s) => s.address === this.selectedAddress);
  }

  private updateInspector(frame: ClusterFrame, selected: number): void {
    const slot = this.slots[selected];
    const m = slot?.id === undefined ? undefined : frame.state.index(slot.id);
    const spread = this.spreadFor(frame, slot?.id);
    const key = slot === undefined ? '' : `${slot.address} ${slot.id} ${slot.run} ${m === undefined ? 0 : frame.state.rowRevision(m)} ${m === undefined ? 0 : frame.state.columnRevision(m)} ${spread?.hops.length}`;
    if (key === this.inspectorKey || (key !== '' && frame.now - this.inspectorDrawnAt < INSPECTOR_MS && this.inspectorKey.startsWith(`${slot!.address} `))) return;
    this.inspectorKey = key;
    this.inspectorDrawnAt = frame.now;
    this.inspector.show(slot, frame.state, slot ? this.graph.statusAt(selected) : undefined, slot ? frame.stats?.get(slot.address) : undefined, spread);
  }

  private rebuildObserverOptions(slots: readonly Slot[]): void {
    const current = this.observerSelect.value;
    const options = [el('option', { value: '' }, 'majority')];
    for (const s of slots) options.push(el('option', { value: s.address }, `seen by ${s.address}`));
    this.observerSelect.replaceChildren(...options);
    this.observerSelect.value = slots.some((s) => s.address === current) ? current : '';
  }

  private hoverGraph(e: PointerEvent): void {
    const s = slotAt(this.graph.layout, e.offsetX, e.offsetY);
    const slot = this.slots[s];
    if (!slot) return this.hideTooltip();
    const t = this.graph.tallies;
    const text = `${slot.id ?? slot.address} · ${this.graph.statusAt(s)} · alive ${t[s * 5 + 1]} suspect ${t[s * 5 + 2]} failed ${t[s * 5 + 3]} left ${t[s * 5 + 4]}`;
    this.showTooltip(e, text);
  }

  private hoverMatrix(e: PointerEvent): void {
    const c = this.matrix.cellAt(e.offsetX, e.offsetY);
    const state = this.frame?.state;
    if (!c || !state) return this.hideTooltip();
    const observer = this.slots[c.row]!;
    const member = this.slots[c.col]!;
    const status = observer.id && member.id ? state.statusOf(observer.id, member.id) : undefined;
    this.showTooltip(e, `${slotLabel(observer)} → ${slotLabel(member)}: ${status ?? 'not listed'}`);
  }

  private showTooltip(e: PointerEvent, text: string): void {
    this.tooltip.textContent = text;
    this.tooltip.style.left = `${e.clientX + 12}px`;
    this.tooltip.style.top = `${e.clientY + 12}px`;
    this.tooltip.style.display = 'block';
  }

  private hideTooltip(): void {
    this.tooltip.style.display = 'none';
  }
}

function legend(): HTMLElement {
  const item = (cls: string, label: string) => el('span', { class: 'legend-item' }, el('i', { class: `sw ${cls}` }), label);
  return el('span', { class: 'legend' },
    item('alive', 'alive'), item('suspect', 'suspected'), item('failed', 'failed'), item('left', 'left'), item('down', 'not running'));
}
