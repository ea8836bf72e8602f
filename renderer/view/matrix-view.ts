// The convergence matrix: observer (row) × member (column), one texel per pair, by slot order, so a converged cluster
// is a solid green square and a spreading failure a red column filling up. The texels live in one Uint8Array; only
// texel rows whose member changed are rewritten, at most a budget of them per frame, and only those spans are put
// into a 2D canvas the browser scales to the square. Up to a few dozen nodes the square gets port labels for
// observers (left) and members (top), a grid and a marked diagonal (each node's view of itself), drawn by Pixi on a
// transparent canvas above the cells; beyond, the cells are too small to label and the hover tooltip names them.
// The cells are not a WebGL texture: without a GPU (SwiftShader) every frame a WebGL canvas changes costs Chromium's
// GPU process ~5-9 ms of CPU (draw, read back, composite) whatever it draws, and at 1,000 nodes the cells change on
// most frames; a 2D canvas costs ~1 ms there (docs/benchmarks.md, "Round six: rendering").
import { Application, Container, Graphics, Text } from 'pixi.js';
import { parseAddress } from '../../node-runtime/protocol/member-id.ts';
import { CELL_RGBA } from '../model/node-status.ts';
import type { MembershipState } from '../model/membership-state.ts';
import type { Slot } from '../model/node-slots.ts';

const PALETTE = new Uint32Array(CELL_RGBA.map(([r, g, b, a]) => (a << 24) | (b << 16) | (g << 8) | r)); // little-endian RGBA
const UNLISTED = PALETTE[0]!;
/** A drawn revision no state reaches: the row must be refilled. */
const STALE = 0xffffffff;
/** Texels refilled and uploaded per frame at most (1 MiB): about 260 rows of a 1,000-node matrix. */
const TEXELS_PER_FRAME = 1 << 18;
/** Labels, grid and diagonal while cells are at least this big (px) — and a label's text fits beside a cell. */
const LABELLED_CELL_PX = 9;
const GRID_CELL_PX = 5;
const LABEL_FONT_PX = 10;
/** Estimated width of one label character, px (digits). */
const LABEL_CHAR_PX = 6.2;
const PAD = 8;
const LABEL_STYLE = { fontFamily: 'system-ui, sans-serif', fontSize: LABEL_FONT_PX, fill: 0x8b93a1 };
const SELECTED_FILL = 0xffffff;
const DIM_FILL = 0x8b93a1;

/** A slot's matrix label: its port (the host too when it is not loopback). */
function matrixLabel(slot: Slot): string {
  const parsed = parseAddress(slot.address);
  if (!parsed) return slot.address;
  return parsed.host === '127.0.0.1' ? String(parsed.port) : slot.address;
}

export class MatrixView {
  private pixels = new Uint32Array(0);
  /** The same texels as an ImageData, put into `cells` a span of rows at a time. */
  private image: ImageData | undefined;
  private readonly cellsContext: CanvasRenderingContext2D;
  private readonly marks = new Graphics();
  /** Grid and diagonal, over the cells. */
  private readonly overlay = new Graphics();
  private readonly labels = new Container();
  private rowLabels: Text[] = [];
  private colLabels: Text[] = [];
  private labelTexts: string[] = [];
  /** Whether the current fit has room for labels, grid and diagonal. */
  private labelled = false;
  private size = 0;
  private layoutRevision = -1;
  /** Per slot: the state index of its current id (-1: none yet). */
  private slotIndex = new Int32Array(0);
  /** Per member slot: the column revision its texel row was drawn at. */
  private drawnRevs = new Uint32Array(0);
  private readonly dirtyRows: number[] = [];
  /** Where the next frame's scan for stale rows starts, and whether the last one stopped short of the end. */
  private scanFrom = 0;
  private pendingRows = false;
  private selected = -2;
  private width = 0;
  private height = 0;
  /** Side of the drawn square and its top-left corner, in CSS pixels. */
  private side = 0;
  private x0 = 0;
  private y0 = 0;

  private constructor(readonly app: Application, private readonly cells: HTMLCanvasElement) {
    app.stage.addChild(this.overlay, this.labels, this.marks);
    this.cellsContext = cells.getContext('2d')!;
  }

  static async create(host: HTMLElement): Promise<MatrixView> {
    const app = new Application();
    // Transparent: the cells' canvas shows through (the host's background is the matrix's).
    await app.init({ preference: 'webgl', backgroundAlpha: 0, antialias: false, autoStart: false, resizeTo: host });
    app.canvas.dataset.testid = 'matrix-canvas';
    const cells = document.createElement('canvas');
    cells.className = 'matrix-cells';
    host.append(cells, app.canvas);
    return new MatrixView(app, cells);
  }

  // The texture is stored transposed — texel row = member, texel column = observer — because the high-volume change,
  // a failure or join spreading through the cluster, is one member seen anew by many observers: one texel row, one
  // small upload. The sprite's transform turns it back (observers down, members across).

  /** Brings the cells up to date (drawn here, into their 2D canvas); returns whether labels or marks need drawing. */
  update(state: MembershipState, slots: readonly Slot[], layoutRevision: number, selected: number): boolean {
    const n = slots.length;
    if (n !== this.size) this.resize(n);
    let full = layoutRevision !== this.layoutRevision;
    this.layoutRevision = layoutRevision;
    if (full) {
      this.labelTexts = slots.map(matrixLabel);
      this.width = 0; // refit: the labels' room may have changed
    }
    for (let s = 0; s < n; s++) {
      const id = slots[s]!.id;
      const index = id === undefined ? -1 : state.index(id) ?? -1;
      // A new id in a slot moves a whole texel column (as observer) too.
      if (index !== this.slotIndex[s]) {
        this.slotIndex[s] = index;
        full = true;
      }
    }
    if (full) this.drawnRevs.fill(STALE);
    // At most a frame's budget of texel rows, resuming where the last frame stopped: a change that touches every row
    // (a node stops, a joiner learns the whole list) is spread over a few frames instead of stalling one.
    const dirty = this.dirtyRows;
    dirty.length = 0;
    const budget = Math.max(1, Math.floor(TEXELS_PER_FRAME / Math.max(1, n)));
    this.pendingRows = false;
    for (let k = 0; k < n; k++) {
      const m = (this.scanFrom + k) % n;
      const index = this.slotIndex[m]!;
      const rev = index < 0 ? 0 : state.columnRevision(index);
      if (rev === this.drawnRevs[m]) continue;
      if (dirty.length === budget) {
        this.scanFrom = m;
        this.pendingRows = true;
        break;
      }
      this.drawnRevs[m] = rev;
      this.fillRow(state, m, index);
      dirty.push(m);
    }
    if (this.image && dirty.length > 0) {
      // Contiguous runs of dirty rows, one put each.
      dirty.sort((a, b) => a - b);
      for (let i = 0; i < dirty.length;) {
        let j = i;
        while (j + 1 < dirty.length && dirty[j + 1] === dirty[j]! + 1) j++;
        this.cellsContext.putImageData(this.image, 0, 0, 0, dirty[i]!, n, dirty[j]! - dirty[i]! + 1);
        i = j + 1;
      }
    }
    let changed = false;
    if (this.fit() || selected !== this.selected) {
      this.selected = selected;
      this.drawMarks();
      changed = true;
    }
    return changed;
  }

  /** Whether stale rows are left for the next frames (an embedder that updates only on change must keep updating). */
  get pending(): boolean {
    return this.pendingRows;
  }

  render(): void {
    this.app.render();
  }

  /** The (observer slot, member slot) under a point in CSS pixels of the canvas, or undefined. */
  cellAt(x: number, y: number): { row: number; col: number } | undefined {
    if (this.size === 0) return undefined;
    const col = Math.floor(((x - this.x0) / this.side) * this.size);
    const row = Math.floor(((y - this.y0) / this.side) * this.size);
    if (col < 0 || row < 0 || col >= this.size || row >= this.size) return undefined;
    return { row, col };
  }

  /** Texel row of member slot m: how each observer slot sees it. */
  private fillRow(state: MembershipState, m: number, member: number): void {
    const n = this.size;
    const row = this.pixels.subarray(m * n, (m + 1) * n);
    if (member < 0) {
      row.fill(UNLISTED);
      return;
    }
    for (let o = 0; o < n; o++) {
      const observer = this.slotIndex[o]!;
      row[o] = observer < 0 ? UNLISTED : PALETTE[state.cell(observer, member)]!;
    }
  }

  private resize(n: number): void {
    this.size = n;
    this.pixels = new Uint32Array(Math.max(1, n * n));
    this.slotIndex = new Int32Array(n).fill(-2);
    this.drawnRevs = new Uint32Array(n).fill(STALE);
    this.scanFrom = 0;
    this.cells.width = this.cells.height = Math.max(1, n);
    this.image = new ImageData(new Uint8ClampedArray(this.pixels.buffer), Math.max(1, n), Math.max(1, n));
    this.cells.style.display = n === 0 ? 'none' : '';
    this.width = 0; // force a refit
  }

  /** Scales the square to fit the canvas (with room for labels when the cells can carry them); returns whether it
   *  moved. */
  private fit(): boolean {
    const w = this.app.screen.width;
    const h = this.app.screen.height;
    if (w === this.width && h === this.height) return false;
    this.width = w;
    this.height = h;
    const n = Math.max(1, this.size);
    const labelRoom = Math.ceil(Math.max(0, ...this.labelTexts.map((t) => t.length)) * LABEL_CHAR_PX) + 6;
    // Whole texels per cell where they fit, so cells stay crisp.
    const cellFor = (room: number): number => (room >= n ? Math.floor(room / n) : room / n);
    const labelledCell = cellFor(Math.max(1, Math.min(w - labelRoom, h - labelRoom) - 2 * PAD));
    this.labelled = this.size > 0 && labelledCell >= LABELLED_CELL_PX;
    const margin = this.labelled ? labelRoom : 0;
    const per = this.labelled ? labelledCell : cellFor(Math.max(1, Math.min(w, h) - 2 * PAD));
    this.side = per * this.size;
    this.x0 = Math.round(margin + (w - margin - this.side) / 2);
    this.y0 = Math.round(margin + (h - margin - this.side) / 2);
    // The cells' canvas over the square, transposed (texel x = observer, y = member lands at member, observer);
    // crisp where a cell is whole pixels, smoothed where many texels share one.
    const style = this.cells.style;
    style.left = `${this.x0}px`;
    style.top = `${this.y0}px`;
    style.width = style.height = `${this.side}px`;
    style.imageRendering = per >= 1 ? 'pixelated' : 'auto';
    this.drawOverlay(per);
    return true;
  }

  /** Grid lines between cells, the diagonal dimmed (a node's view of itself), and the port labels. */
  private drawOverlay(cell: number): void {
    const g = this.overlay.clear();
    for (const t of [...this.rowLabels, ...this.colLabels]) t.destroy();
    this.rowLabels = [];
    this.colLabels = [];
    const n = this.size;
    if (n === 0) return;
    if (cell >= GRID_CELL_PX) {
      for (let i = 1; i < n; i++) {
        g.rect(this.x0 + i * cell - 0.5, this.y0, 1, this.side);
        g.rect(this.x0, this.y0 + i * cell - 0.5, this.side, 1);
      }
      g.fill({ color: 0x14161a, alpha: 0.9 });
      for (let i = 0; i < n; i++) g.rect(this.x0 + i * cell + 1, this.y0 + i * cell + 1, cell - 2, cell - 2);
      g.fill({ color: 0x000000, alpha: 0.45 });
    }
    if (!this.labelled) return;
    for (let i = 0; i < n; i++) {
      const text = this.labelTexts[i] ?? '';
      const row = new Text({ text, style: LABEL_STYLE });
      row.anchor.set(1, 0.5);
      row.position.set(this.x0 - 4, this.y0 + (i + 0.5) * cell);
      const col = new Text({ text, style: LABEL_STYLE });
      col.anchor.set(0, 0.5);
      col.rotation = -Math.PI / 2;
      col.position.set(this.x0 + (i + 0.5) * cell, this.y0 - 4);
      this.rowLabels.push(row);
      this.colLabels.push(col);
      this.labels.addChild(row, col);
    }
  }

  /** The selected node's row and column: its labels highlighted, or (unlabelled) marks in the margin, so the cells
   *  themselves stay visible. */
  private drawMarks(): void {
    const g = this.marks.clear();
    this.rowLabels.forEach((t, i) => { t.style.fill = i === this.selected ? SELECTED_FILL : DIM_FILL; });
    this.colLabels.forEach((t, i) => { t.style.fill = i === this.selected ? SELECTED_FILL : DIM_FILL; });
    if (this.selected < 0 || this.selected >= this.size || this.labelled) return;
    const cell = this.side / this.size;
    const mid = (this.selected + 0.5) * cell;
    const len = Math.max(2, cell);
    g.rect(this.x0 - 7, this.y0 + mid - len / 2, 5, len).fill(0xffffff);
    g.rect(this.x0 + mid - len / 2, this.y0 - 7, len, 5).fill(0xffffff);
  }
}
