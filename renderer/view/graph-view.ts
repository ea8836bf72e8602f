// The membership graph: one disc per slot on a ring, tinted by the status the chosen observer (or the majority) gives
// it; around each disc a ring split by how many running observers see it alive / suspected / failed / left, so a
// failure visibly fills up as it spreads; a short pulse at each observer the moment it detects a failure (one per
// node at a time, never wider than half the gap to its neighbour, so a burst of detections stays readable).
// Draws only: state comes in through update(). Only slots whose column (or the chosen observer's row) changed are
// redrawn, discs are tinted particles of one texture (one static ParticleContainer, re-uploaded only when a disc
// changed: half the draw of as many sprites in SwiftShader), pulses come from a fixed pool.
// Packets in flight move every frame, so they are drawn on a 2D canvas under the (transparent) WebGL one: without a
// GPU every frame a WebGL canvas changes costs Chromium's GPU process ~5 ms of CPU whatever it draws, while the ring,
// discs and tallies change only a few times a second (docs/benchmarks.md, "Round six: rendering").
import { Application, Color, Container, Graphics, Particle, ParticleContainer, Sprite, Text } from 'pixi.js';
import type { Texture } from 'pixi.js';
import { ringLayout, angleOf, labelRadius } from '../model/ring-layout.ts';
import type { RingLayout } from '../model/ring-layout.ts';
import { STATUS_COLOUR, majorityOf, displayStatus } from '../model/node-status.ts';
import { isDown } from '../../node-runtime/protocol/view-state.ts';
import type { DisplayStatus } from '../model/node-status.ts';
import { CELL, cellStatus } from '../model/membership-state.ts';
import type { MembershipState } from '../model/membership-state.ts';
import { slotLabel } from '../model/node-slots.ts';
import type { Slot } from '../model/node-slots.ts';
import type { MembershipEvent } from '../../node-runtime/protocol/events.ts';
import type { MemberId } from '../../node-runtime/protocol/member-id.ts';
import { addressOf } from '../../node-runtime/protocol/member-id.ts';
import type { Address } from '../../node-runtime/protocol/member-id.ts';
import type { Trace } from '../../node-runtime/protocol/trace.ts';
import { DROP_END, FLIGHT_MS, PacketFlights, TONE } from '../model/packet-flights.ts';
import type { Spread } from '../model/spread-tree.ts';
import { cutChord } from '../model/ring-cut.ts';

export interface GraphInput {
  readonly state: MembershipState;
  readonly slots: readonly Slot[];
  /** Changes whenever the slots' addresses (so the ring's layout) change; ids and run states are compared per slot. */
  readonly layoutRevision: number;
  /** Whose view colours the discs: a member id, or undefined for the majority. */
  readonly observer: MemberId | undefined;
  readonly selected: number;
  /** fail / suspect events since the last update: each pulses at its observer. */
  readonly detections: readonly MembershipEvent[];
  /** The state jumped (a replay seek): pulses still in flight belong to another time and are dropped. */
  readonly jumped: boolean;
  readonly now: number;
  /** Draw the packets in flight (the toggle): hidden, none are kept. */
  readonly packets: boolean;
  /** The selected member's failure (or suspicion) spread: drawn as a tree of who told whom. */
  readonly spread?: Spread;
  /** Slots cut off from the rest by a partition: the cut is drawn, and the cut-off nodes ringed. */
  readonly partition?: ReadonlySet<number>;
  /** A cut being dragged across the ring (x1, y1, x2, y2). */
  readonly cutDraft?: readonly [number, number, number, number];
  /** Slots picked as a group to isolate (ctrl/cmd-click): ringed until isolated or unpicked. */
  readonly group?: ReadonlySet<number>;
}

const PULSE_MS = 700;
/** Pulses at once; with one per node (coalesced), more than this many nodes detecting together is a blur anyway. */
const PULSE_POOL = 192;
/** Smallest radius (px) of a suspected, failed or left node's disc. */
const EMPHASIS_RADIUS = 4;
/** Below this disc radius (px) nodes do not pulse. */
const PULSE_MIN_NODE_RADIUS = 4;
/** The ring texture's circle radius within its 64-pixel texture (the stroke reaches a little beyond). */
const PULSE_TEXTURE_RADIUS = 28;
const RING_ORDER = [CELL.alive, CELL.suspect, CELL.failed, CELL.left] as const;
const RING_COLOUR = [0, STATUS_COLOUR.alive, STATUS_COLOUR.suspect, STATUS_COLOUR.failed, STATUS_COLOUR.left];
/** Packet colour and opacity by tone (packet-flights.ts TONE): plain heartbeats faint, news bright. */
const PACKET_TINT = [0x9aa3b2, STATUS_COLOUR.alive, 0x6fa8ff, STATUS_COLOUR.suspect, STATUS_COLOUR.failed];
const PACKET_ALPHA = [0.35, 1, 1, 1, 1];
/** The partition's cut and the nodes it cuts off. */
const CUT_COLOUR = 0xff8c42;
/** The group picked to isolate. */
const GROUP_COLOUR = 0x4dd0e1;
/** A plain heartbeat that was dropped: its own colour, so loss shows against the faint chatter. */
const DROPPED_TINT = 0xc77dff;
/** The same colours for the packets' 2D canvas. */
const PACKET_CSS = PACKET_TINT.map((c) => new Color(c).toHex());
const DROPPED_CSS = new Color(DROPPED_TINT).toHex();
/** Below this radius (device px) a packet is filled as a square. */
const SQUARE_DOT_PX = 2.5;

interface Pulse {
  sprite: Sprite;
  startedAt: number;
  slot: number;
  fail: boolean;
}

export class GraphView {
  /** Per slot: majority status code (CELL code, or 0 when no one lists it), for the test hook's snapshot. */
  majorityCodes = new Uint8Array(0);
  /** Per slot: tally by cell code, 5 entries each. */
  tallies = new Uint32Array(0);
  layout: RingLayout = ringLayout(0, 1, 1);

  /** Discs change only with a status or the layout: nothing is uploaded per frame (update() after a change). */
  private readonly discLayer = new ParticleContainer({ dynamicProperties: { position: false, vertex: false, rotation: false, uvs: false, color: false } });
  private discsChanged = false;
  private readonly ringLayer = new Container();
  private readonly labelLayer = new Container();
  private readonly pulseLayer = new Container();
  private readonly packetContext: CanvasRenderingContext2D;
  /** Packets drawn by the last frame (the canvas is cleared only when it holds some). */
  private packetsDrawn = 0;
  readonly flights = new PacketFlights();
  private readonly selection = new Graphics();
  private readonly spreadLines = new Graphics();
  private readonly spreadLabels = new Container();
  private spreadKey = '';
  private readonly cut = new Graphics();
  private cutKey = '';
  private selectionKey = '';
  private discs: Particle[] = [];
  private rings: Graphics[] = [];
  private labels: Text[] = [];
  private drawnColumn = new Uint32Array(0);
  private drawnRow = 0;
  private drawnIds: (MemberId | undefined)[] = [];
  private drawnRuns: (string | undefined)[] = [];
  /** Whether slot i's tally ring has arcs (an all-alive node has none: its Graphics is left untouched). */
  private ringDrawn = new Uint8Array(0);
  private shown: DisplayStatus[] = [];
  private pulses: Pulse[] = [];
  private active = 0;
  /** Per slot: the index in `pulses` of its running pulse, or -1 (a node has at most one: detections coalesce). */
  private pulseOf = new Int16Array(0);
  /** A pulse grows from just outside the tally ring to at most half the way to the next node. */
  private pulseFrom = 0;
  private pulseTo = 0;
  private slotsRevision = -1;
  private observer: MemberId | undefined;
  private width = 0;
  private height = 0;
  private readonly scratch = new Uint32Array(5);
  private readonly slotOfAddress = new Map<string, number>();
  private dirty = true;

  private constructor(readonly app: Application, private readonly disc: Texture, private readonly ringTexture: Texture,
    private readonly packetCanvas: HTMLCanvasElement) {
    app.stage.addChild(this.ringLayer, this.spreadLines, this.discLayer, this.selection, this.pulseLayer, this.labelLayer, this.spreadLabels, this.cut);
    this.discLayer.texture = disc;
    this.packetContext = packetCanvas.getContext('2d')!;
    for (let i = 0; i < PULSE_POOL; i++) {
      const sprite = new Sprite(ringTexture);
      sprite.anchor.set(0.5);
      sprite.visible = false;
      this.pulseLayer.addChild(sprite);
      this.pulses.push({ sprite, startedAt: 0, slot: -1, fail: false });
    }
  }

  static async create(host: HTMLElement): Promise<GraphView> {
    const app = new Application();
    // No MSAA: discs, packets and pulses are sprites of textures (smooth under linear filtering), only the thin tally
    // rings and lines lose it; in software GL (SwiftShader, no GPU) MSAA more than doubled a 1,000-node frame's draw
    // (~5.5 → ~2.4 ms, graph render + finish; docs/benchmarks.md, "See the gossip, round four").
    // Transparent: the packets' canvas below shows through (the host's background is the graph's).
    await app.init({
      preference: 'webgl', backgroundAlpha: 0, antialias: false, autoStart: false, resizeTo: host,
      resolution: Math.min(2, globalThis.devicePixelRatio || 1), autoDensity: true,
    });
    app.canvas.dataset.testid = 'graph-canvas';
    const packets = document.createElement('canvas');
    packets.className = 'graph-packets';
    host.append(packets, app.canvas);
    const disc = app.renderer.generateTexture(new Graphics().circle(32, 32, 32).fill(0xffffff));
    const ring = app.renderer.generateTexture(new Graphics().circle(32, 32, 28).stroke({ width: 5, color: 0xffffff }));
    return new GraphView(app, disc, ring, packets);
  }

  /** Brings the scene up to date; returns whether anything needs drawing. */
  update(input: GraphInput): boolean {
    const { state, slots } = input;
    const w = this.app.screen.width;
    const h = this.app.screen.height;
    const relayout = input.layoutRevision !== this.slotsRevision || w !== this.width || h !== this.height;
    if (relayout) this.rebuild(slots, w, h, input.layoutRevision);
    const observerIndex = input.observer === undefined ? undefined : state.index(input.observer);
    const observerChanged = input.observer !== this.observer;
    this.observer = input.observer;
    const rowRev = observerIndex === undefined ? 0 : state.rowRevision(observerIndex);
    const rowChanged = rowRev !== this.drawnRow;
    this.drawnRow = rowRev;
    for (let s = 0; s < slots.length; s++) {
      const slot = slots[s]!;
      const m = slot.id === undefined ? undefined : state.index(slot.id);
      const colRev = m === undefined ? 0 : state.columnRevision(m);
      if (!relayout && !observerChanged && !rowChanged && colRev === this.drawnColumn[s] && this.drawnIds[s] === slot.id
        && this.drawnRuns[s] === slot.run) continue;
      this.drawnColumn[s] = colRev;
      this.drawnIds[s] = slot.id;
      this.drawnRuns[s] = slot.run;
      this.redrawSlot(s, slot, state, m, observerIndex);
      this.dirty = true;
    }
    this.drawSelection(input.selected, input.group, relayout);
    this.drawSpread(input.spread, relayout);
    this.drawCut(input.partition, input.cutDraft, relayout);
    if (input.jumped) this.dropPulses();
    this.startPulses(input.detections, input.now);
    if (this.animatePulses(input.now)) this.dirty = true;
    if (!input.packets) this.flights.clear();
    this.drawPackets(input.now);
    if (this.discsChanged) {
      this.discLayer.update();
      this.discsChanged = false;
    }
    const needed = this.dirty;
    this.dirty = false;
    return needed;
  }

  render(): void {
    this.app.render();
  }

  /** Whether pulses are running (the next frames must update even if the state stands still). */
  get animating(): boolean {
    return this.active > 0 || this.flights.count > 0;
  }

  /** Traced datagrams arrived: they start flying now. */
  addTraces(traces: readonly Trace[], unsampled: number, now: number): void {
    this.flights.add(traces, unsampled, now, (a: Address) => this.slotOfAddress.get(a));
  }

  statusAt(slot: number): DisplayStatus | undefined {
    return this.shown[slot];
  }

  private rebuild(slots: readonly Slot[], w: number, h: number, revision: number): void {
    this.width = w;
    this.height = h;
    this.slotsRevision = revision;
    this.layout = ringLayout(slots.length, w, h);
    const n = slots.length;
    while (this.discs.length < n) {
      const d = new Particle({ texture: this.disc, anchorX: 0.5, anchorY: 0.5 });
      this.discLayer.addParticle(d);
      this.discs.push(d);
      const r = new Graphics();
      this.ringLayer.addChild(r);
      this.rings.push(r);
    }
    while (this.discs.length > n) {
      this.discLayer.removeParticle(this.discs.pop()!);
      this.rings.pop()!.destroy();
    }
    for (const t of this.labels) t.destroy();
    this.labels = [];
    this.slotOfAddress.clear();
    const { positions, nodeRadius, labels, cx, cy } = this.layout;
    for (let s = 0; s < n; s++) {
      this.slotOfAddress.set(slots[s]!.address, s);
      const d = this.discs[s]!;
      d.x = positions[2 * s]!;
      d.y = positions[2 * s + 1]!;
      d.scaleX = d.scaleY = (nodeRadius * 2) / this.disc.width;
      if (labels) {
        const a = angleOf(s, n);
        const t = new Text({ text: slotLabel(slots[s]!), style: { fontFamily: 'system-ui, sans-serif', fontSize: 11, fill: 0xc9ced6 } });
        // Anchored on the side facing the ring, so a label never runs over its own disc.
        t.anchor.set(0.5 - 0.5 * Math.cos(a), 0.5 - 0.5 * Math.sin(a));
        const r = labelRadius(this.layout);
        t.position.set(cx + r * Math.cos(a), cy + r * Math.sin(a));
        this.labelLayer.addChild(t);
        this.labels.push(t);
      }
    }
    this.dropPulses();
    this.flights.clear();
    this.pulseOf = new Int16Array(n).fill(-1);
    const spacing = n > 1 ? (2 * Math.PI * this.layout.radius) / n : Infinity;
    this.pulseFrom = nodeRadius * 1.2;
    this.pulseTo = Math.max(this.pulseFrom + 2, Math.min(nodeRadius * 2, spacing / 2));
    this.majorityCodes = new Uint8Array(n);
    this.tallies = new Uint32Array(n * 5);
    this.drawnColumn = new Uint32Array(n);
    this.drawnIds = new Array(n).fill(undefined);
    this.drawnRuns = new Array(n).fill(undefined);
    this.ringDrawn = new Uint8Array(n).fill(1);
    this.shown = new Array(n).fill('down');
    this.discsChanged = true;
    this.dirty = true;
  }

  private redrawSlot(s: number, slot: Slot, state: MembershipState, m: number | undefined, observerIndex: number | undefined): void {
    const tally = this.scratch;
    if (m === undefined) tally.fill(0);
    else state.tallyAt(m, tally);
    this.tallies.set(tally, s * 5);
    const majority = majorityOf(tally);
    this.majorityCodes[s] = majority === undefined ? 0 : CELL[majority];
    const seen = observerIndex === undefined ? majority : m === undefined ? undefined : cellStatus(state.cell(observerIndex, m));
    const running = slot.run !== undefined ? !isDown(slot.run) : m !== undefined && state.isRunningAt(m);
    const status = displayStatus(seen, running);
    this.shown[s] = status;
    const disc = this.discs[s]!;
    disc.tint = STATUS_COLOUR[status];
    // Hundreds of nodes make discs a few pixels wide: a node others suspect, fail or saw leave is drawn larger so a
    // spreading failure stands out of the ring.
    const discRadius = status === 'suspect' || status === 'failed' || status === 'left'
      ? Math.max(this.layout.nodeRadius, EMPHASIS_RADIUS) : this.layout.nodeRadius;
    disc.scaleX = disc.scaleY = (discRadius * 2) / this.disc.width;
    this.discsChanged = true;
    if (this.labels[s]) this.labels[s].text = slotLabel(slot);

    // The tally ring: arcs in proportion, alive first from the top, clockwise. None while everyone agrees it is
    // alive, and then the Graphics is not even cleared (a cleared Graphics is rebuilt at the next render).
    let total = 0;
    for (const code of RING_ORDER) total += tally[code]!;
    const empty = total === 0 || tally[CELL.alive] === total;
    if (empty && this.ringDrawn[s] === 0) return;
    const ring = this.rings[s]!.clear();
    this.ringDrawn[s] = empty ? 0 : 1;
    if (empty) return;
    const { positions, nodeRadius } = this.layout;
    const x = positions[2 * s]!;
    const y = positions[2 * s + 1]!;
    const width = Math.max(1.5, nodeRadius * 0.45);
    const r = discRadius + width / 2 + 1;
    let a = -Math.PI / 2;
    for (const code of RING_ORDER) {
      const n = tally[code]!;
      if (n === 0) continue;
      const sweep = (2 * Math.PI * n) / total;
      ring.moveTo(x + r * Math.cos(a), y + r * Math.sin(a)).arc(x, y, r, a, a + sweep).stroke({ width, color: RING_COLOUR[code] });
      a += sweep;
    }
  }

  /** The selected node (white) and the group picked to isolate (a wider ring each). Redrawn on change only. */
  private drawSelection(selected: number, group: ReadonlySet<number> | undefined, relayout: boolean): void {
    const key = `${selected} ${group ? [...group].join(',') : ''}`;
    if (key === this.selectionKey && !relayout) return;
    this.selectionKey = key;
    this.dirty = true;
    const g = this.selection.clear();
    const { positions, nodeRadius, count } = this.layout;
    const r = nodeRadius + Math.max(1.5, nodeRadius * 0.45) + 4;
    for (const s of group ?? []) {
      if (s < count) g.circle(positions[2 * s]!, positions[2 * s + 1]!, r + 3).stroke({ width: 2.5, color: GROUP_COLOUR });
    }
    if (selected >= 0 && selected < count) g.circle(positions[2 * selected]!, positions[2 * selected + 1]!, r).stroke({ width: 2, color: 0xffffff });
  }

  /** One pulse per node: a node detecting again restarts its pulse (a failure outranks a suspicion in one frame). */
  private startPulses(detections: readonly MembershipEvent[], now: number): void {
    // Discs a few pixels wide (hundreds of nodes) leave no room for a visible pulse, only a redraw every frame.
    if (this.layout.nodeRadius < PULSE_MIN_NODE_RADIUS) return;
    for (const e of detections) {
      const s = this.slotOfAddress.get(addressOf(e.node));
      if (s === undefined) continue;
      const fail = e.event === 'fail';
      let i = this.pulseOf[s]!;
      if (i >= 0) {
        if (this.pulses[i]!.startedAt === now && this.pulses[i]!.fail && !fail) continue;
      } else {
        if (this.active >= PULSE_POOL) continue;
        i = this.active++;
        this.pulseOf[s] = i;
      }
      const p = this.pulses[i]!;
      p.startedAt = now;
      p.slot = s;
      p.fail = fail;
      p.sprite.position.set(this.layout.positions[2 * s]!, this.layout.positions[2 * s + 1]!);
      p.sprite.tint = fail ? STATUS_COLOUR.failed : STATUS_COLOUR.suspect;
      p.sprite.visible = true;
    }
  }

  /** Grows and fades the active pulses; returns whether any was drawn. */
  private animatePulses(now: number): boolean {
    const scale = 2 * (32 / PULSE_TEXTURE_RADIUS);
    let live = 0;
    for (let i = 0; i < this.active; i++) {
      const p = this.pulses[i]!;
      const t = (now - p.startedAt) / PULSE_MS;
      if (t >= 1) {
        p.sprite.visible = false;
        this.pulseOf[p.slot] = -1;
        continue;
      }
      p.sprite.width = p.sprite.height = scale * (this.pulseFrom + (this.pulseTo - this.pulseFrom) * t);
      p.sprite.alpha = 0.9 * (1 - t);
      // Keep the live pulses packed at the front of the pool.
      if (live !== i) {
        [this.pulses[live], this.pulses[i]] = [p, this.pulses[live]!];
        this.pulseOf[p.slot] = live;
      }
      live++;
    }
    const changed = this.active > 0;
    this.active = live;
    return changed;
  }

  /** The partition's cut (a chord through the gaps at the ends of a contiguous side), a ring on each cut-off node,
   *  and the line being dragged. Redrawn on change only. */
  private drawCut(side: ReadonlySet<number> | undefined, draft: readonly number[] | undefined, relayout: boolean): void {
    const key = `${side ? [...side].join(',') : ''} ${draft?.join(',') ?? ''}`;
    if (key === this.cutKey && !relayout) return;
    this.cutKey = key;
    this.dirty = true;
    const g = this.cut.clear();
    if (draft) g.moveTo(draft[0]!, draft[1]!).lineTo(draft[2]!, draft[3]!).stroke({ width: 2, color: CUT_COLOUR, alpha: 0.6 });
    if (!side) return;
    const chord = cutChord(this.layout, side);
    if (chord) g.moveTo(chord[0], chord[1]).lineTo(chord[2], chord[3]).stroke({ width: 3, color: CUT_COLOUR });
    const { positions, nodeRadius } = this.layout;
    for (const s of side) {
      g.circle(positions[2 * s]!, positions[2 * s + 1]!, nodeRadius + Math.max(3, nodeRadius * 0.6)).stroke({ width: 1.5, color: CUT_COLOUR, alpha: 0.8 });
    }
  }

  /** The tree of who told whom: an edge from each teller to each observer it told, rings on the observers that decided
   *  by their own timer (the first detector thicker), and with few nodes the time of each hop. Redrawn on change only. */
  private drawSpread(spread: Spread | undefined, relayout: boolean): void {
    const key = spread === undefined ? '' : `${spread.kind} ${spread.member} ${spread.hops.length}`;
    if (key === this.spreadKey && !relayout) return;
    this.spreadKey = key;
    this.dirty = true;
    const g = this.spreadLines.clear();
    for (const t of this.spreadLabels.removeChildren()) t.destroy();
    if (spread === undefined || spread.hops.length === 0) return;
    const { positions, nodeRadius } = this.layout;
    const colour = spread.kind === 'fail' ? STATUS_COLOUR.failed : STATUS_COLOUR.suspect;
    const first = spread.hops[0]!;
    const width = Math.max(1, Math.min(2.5, nodeRadius * 0.3));
    const labelled = this.layout.count <= 40;
    for (const hop of spread.hops) {
      const o = this.slotOfAddress.get(addressOf(hop.observer));
      if (o === undefined) continue;
      const ox = positions[2 * o]!;
      const oy = positions[2 * o + 1]!;
      const v = hop.via === undefined ? undefined : this.slotOfAddress.get(addressOf(hop.via));
      if (v === undefined) {
        g.circle(ox, oy, nodeRadius + width * 3).stroke({ width: hop === first ? width * 2 : width, color: colour });
      } else {
        g.moveTo(positions[2 * v]!, positions[2 * v + 1]!).lineTo(ox, oy).stroke({ width, color: colour, alpha: 0.8 });
      }
      if (!labelled) continue;
      const t = new Text({
        text: `+${((hop.ts - first.ts) / 1000).toFixed(2)}`,
        style: { fontFamily: 'system-ui, sans-serif', fontSize: 10, fill: colour },
      });
      t.anchor.set(0.5);
      // Inside the ring, towards the centre, so it does not collide with the node's own label outside.
      const { cx, cy } = this.layout;
      const k = 1 - (nodeRadius * 2.6) / Math.max(1, Math.hypot(ox - cx, oy - cy));
      t.position.set(cx + (ox - cx) * k, cy + (oy - cy) * k);
      this.spreadLabels.addChild(t);
    }
  }

  /** Places each packet on its chord (a dropped one stops at half-way and fades), on the packets' 2D canvas: one
   *  path and one fill per colour (a few thousand separate draws cost the page ~3 µs each in software), a dropped
   *  packet on its own as it fades. */
  private drawPackets(now: number): void {
    const f = this.flights;
    f.step(now);
    if (f.count === 0 && this.packetsDrawn === 0) return;
    const ctx = this.packetContext;
    const canvas = this.packetCanvas;
    const resolution = this.app.renderer.resolution;
    const w = Math.round(this.app.screen.width * resolution);
    const h = Math.round(this.app.screen.height * resolution);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    } else {
      ctx.clearRect(0, 0, w, h);
    }
    const { positions, nodeRadius } = this.layout;
    const radius = Math.max(1.5, Math.min(4, nodeRadius * 0.5)) * resolution;
    const place = (i: number, r: number): void => {
      const age = (now - f.startedAt[i]!) / FLIGHT_MS;
      const t = f.dropped[i] === 1 ? Math.min(age, 0.5) : age;
      const a = 2 * f.from[i]!;
      const b = 2 * f.to[i]!;
      const x = (positions[a]! + (positions[b]! - positions[a]!) * t) * resolution;
      const y = (positions[a + 1]! + (positions[b + 1]! - positions[a + 1]!) * t) * resolution;
      // A dot of a few pixels is a square as well as a disc, and far cheaper to fill.
      if (r < SQUARE_DOT_PX) {
        ctx.rect(x - r, y - r, 2 * r, 2 * r);
      } else {
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, 2 * Math.PI);
      }
    };
    for (let tone = 0; tone < PACKET_TINT.length; tone++) {
      const r = radius * (tone === TONE.plain ? 1 : 1.6);
      ctx.beginPath();
      let any = false;
      for (let i = 0; i < f.count; i++) {
        if (f.tone[i] !== tone || f.dropped[i] === 1) continue;
        place(i, r);
        any = true;
      }
      if (!any) continue;
      ctx.globalAlpha = PACKET_ALPHA[tone]!;
      ctx.fillStyle = PACKET_CSS[tone]!;
      ctx.fill();
    }
    for (let i = 0; i < f.count; i++) {
      if (f.dropped[i] === 0) continue;
      const tone = f.tone[i]!;
      const age = (now - f.startedAt[i]!) / FLIGHT_MS;
      ctx.beginPath();
      place(i, radius * (tone === TONE.plain ? 1 : 1.6));
      // A dropped packet is drawn brighter than a plain one, so its stop half-way is seen before it fades.
      ctx.globalAlpha = Math.max(0.8, PACKET_ALPHA[tone]!) * Math.max(0, 1 - Math.max(0, age - 0.25) / (DROP_END - 0.25));
      ctx.fillStyle = tone === TONE.plain ? DROPPED_CSS : PACKET_CSS[tone]!;
      ctx.fill();
    }
    this.packetsDrawn = f.count;
  }

  private dropPulses(): void {
    for (let i = 0; i < this.active; i++) {
      const p = this.pulses[i]!;
      p.sprite.visible = false;
      if (p.slot < this.pulseOf.length) this.pulseOf[p.slot] = -1;
    }
    if (this.active > 0) this.dirty = true;
    this.active = 0;
  }
}
