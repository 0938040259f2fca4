/**
 * Box and point prompts on the NiiVue canvas: pointer gestures on a slice tile become
 * world positions (mm), and prompt marks are drawn on a 2D canvas laid over the GL one.
 * While a prompt tool is active, pointer presses on the canvas are kept from NiiVue
 * (preventDefault on pointerdown suppresses the mouse events NiiVue listens to).
 */
import type { Niivue } from '@niivue/niivue';
import type { Vec3 } from '../shared/volume.ts';

export type ViewPlane = 'axial' | 'coronal' | 'sagittal';
/** Box and point prompts; 'fill' uses the same click to fill a closed region. */
export type PromptTool = 'box' | 'positive' | 'negative' | 'fill';

const PLANES: Record<number, ViewPlane> = { 0: 'axial', 1: 'coronal', 2: 'sagittal' };
const PLANE_TYPE: Record<ViewPlane, number> = { axial: 0, coronal: 1, sagittal: 2 };

/** A finished gesture: a box from start to end, or a point at start (= end). */
export interface PromptGesture {
  tool: PromptTool;
  plane: ViewPlane;
  start: Vec3;
  end: Vec3;
}

/** A prompt to draw: on `plane`, at world positions (a box has two corners). */
export interface PromptMark {
  plane: ViewPlane;
  kind: PromptTool;
  a: Vec3;
  b?: Vec3;
  color: [number, number, number];
  /** The active object's prompts are drawn solid, the others dashed. */
  active: boolean;
}

interface Drag {
  pointerId: number;
  plane: ViewPlane;
  startCanvas: [number, number];
  start: Vec3;
  nowCanvas: [number, number];
}

export class PromptLayer {
  readonly overlay: HTMLCanvasElement;
  #tool: PromptTool | null = null;
  #drag: Drag | null = null;
  #marks: PromptMark[] = [];
  /** The shapes last drawn (JSON), '' before the first draw. */
  #drawn = '';
  #listeners = new AbortController();
  /** The slice plane the pointer was last over (slice keys scroll that one). */
  hoverPlane: ViewPlane | null = null;
  onPrompt: ((g: PromptGesture) => void) | null = null;

  /**
   * `pendingDraw` draws now a redraw that waits for the next frame: NiiVue maps canvas
   * positions through the tiles of its last drawn scene, so one must be drawn for the
   * current slice before a pointer position means anything.
   */
  constructor(
    private readonly nv: Niivue,
    private readonly canvas: HTMLCanvasElement,
    private readonly pendingDraw: () => void = () => undefined,
  ) {
    this.overlay = document.createElement('canvas');
    this.overlay.setAttribute('aria-hidden', 'true');
    Object.assign(this.overlay.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', pointerEvents: 'none' });
    canvas.insertAdjacentElement('afterend', this.overlay);
    const signal = this.#listeners.signal;
    const host = canvas.parentElement ?? canvas;
    host.addEventListener('pointerdown', (e) => this.#down(e), { capture: true, signal });
    host.addEventListener('pointermove', (e) => this.#move(e), { capture: true, signal });
    host.addEventListener('pointerup', (e) => this.#up(e), { capture: true, signal });
    host.addEventListener('pointercancel', () => this.#cancel(), { capture: true, signal });
  }

  dispose(): void {
    this.#listeners.abort();
    this.overlay.remove();
  }

  get tool(): PromptTool | null {
    return this.#tool;
  }

  setTool(tool: PromptTool | null): void {
    this.#tool = tool;
    this.#drag = null;
    this.canvas.style.cursor = tool ? 'crosshair' : '';
    this.redraw();
  }

  setMarks(marks: PromptMark[]): void {
    this.#marks = marks;
    this.redraw();
  }

  /** Canvas pixel (device pixels) of a client position. */
  #canvasPos(e: { clientX: number; clientY: number }): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * this.canvas.width) / r.width, ((e.clientY - r.top) * this.canvas.height) / r.height];
  }

  /** The slice plane under a canvas position, or null (outside the slice tiles). */
  #planeAt(pos: [number, number]): ViewPlane | null {
    const tile = this.nv.tileIndex(pos[0], pos[1]);
    if (tile < 0) return null;
    const type = (this.nv.screenSlices[tile] as { axCorSag: number } | undefined)?.axCorSag;
    return type === undefined ? null : (PLANES[type] ?? null);
  }

  #mm(pos: [number, number]): Vec3 | null {
    const frac = this.nv.canvasPos2frac(pos);
    if (!frac || frac[0]! < 0) return null;
    const mm = this.nv.frac2mm(frac);
    return [mm[0]!, mm[1]!, mm[2]!];
  }

  #down(e: PointerEvent): void {
    // Also before NiiVue's own press (brush, crosshair), which comes after this capture listener.
    this.pendingDraw();
    if (!this.#tool || e.button !== 0 || this.nv.volumes.length === 0) return;
    const pos = this.#canvasPos(e);
    const plane = this.#planeAt(pos);
    const mm = plane ? this.#mm(pos) : null;
    if (!plane || !mm) return;
    e.preventDefault(); // no compatibility mouse events: NiiVue does not move the crosshair
    e.stopPropagation();
    (e.target as Element).setPointerCapture?.(e.pointerId);
    this.#drag = { pointerId: e.pointerId, plane, startCanvas: pos, start: mm, nowCanvas: pos };
  }

  #move(e: PointerEvent): void {
    if (this.nv.volumes.length > 0) this.hoverPlane = this.#planeAt(this.#canvasPos(e)) ?? this.hoverPlane;
    const d = this.#drag;
    if (!d || e.pointerId !== d.pointerId) return;
    e.stopPropagation();
    d.nowCanvas = this.#canvasPos(e);
    if (this.#tool === 'box') this.redraw();
  }

  #up(e: PointerEvent): void {
    const d = this.#drag;
    if (!d || e.pointerId !== d.pointerId || !this.#tool) return;
    e.stopPropagation();
    this.#drag = null;
    this.pendingDraw();
    const end = this.#tool === 'box' ? this.#mm(d.nowCanvas) : d.start;
    this.redraw();
    if (!end) return;
    this.onPrompt?.({ tool: this.#tool, plane: d.plane, start: d.start, end });
  }

  #cancel(): void {
    this.#drag = null;
    this.redraw();
  }

  /** Client (CSS pixel) position of a world point in the tile of `plane`, or null. */
  mmToClient(mm: Vec3, plane: ViewPlane): [number, number] | null {
    this.pendingDraw();
    const hit = this.nv.frac2canvasPosWithTile(this.nv.mm2frac(mm), PLANE_TYPE[plane]);
    if (!hit) return null;
    const r = this.canvas.getBoundingClientRect();
    return [r.left + (hit.pos[0]! * r.width) / this.canvas.width, r.top + (hit.pos[1]! * r.height) / this.canvas.height];
  }

  #canvasOf(mm: Vec3, plane: ViewPlane): [number, number] | null {
    const hit = this.nv.frac2canvasPosWithTile(this.nv.mm2frac(mm), PLANE_TYPE[plane]);
    return hit ? [hit.pos[0]!, hit.pos[1]!] : null;
  }

  /** Redraw marks and the box being dragged (call after NiiVue redraws). */
  redraw(): void {
    const o = this.overlay;
    const sized = o.width === this.canvas.width && o.height === this.canvas.height;
    const dpr = this.canvas.width / Math.max(1, this.canvas.getBoundingClientRect().width);
    const shapes = this.#shapes(dpr);
    // Touching a 2D canvas, even clearing an empty one, makes the browser recomposite it and,
    // on a software GL, wait for the GPU before the next frame: a slice change that moves no
    // mark (the usual case while scrolling) leaves the overlay alone.
    const key = JSON.stringify(shapes);
    if (sized && key === this.#drawn) return;
    // An empty overlay is taken out of the page: the compositor would still blend it over
    // every frame of the viewer (a fifth of a frame's cost on a software GL).
    o.style.display = shapes.length === 0 ? 'none' : '';
    if (!sized) {
      o.width = this.canvas.width;
      o.height = this.canvas.height;
    }
    const ctx = o.getContext('2d');
    if (!ctx) return;
    this.#drawn = key;
    ctx.clearRect(0, 0, o.width, o.height);
    ctx.lineWidth = 2 * dpr;
    for (const s of shapes) drawShape(ctx, s, dpr);
    ctx.setLineDash([]);
  }

  /** What the overlay shows now, in canvas pixels. */
  #shapes(dpr: number): Shape[] {
    const shapes: Shape[] = [];
    for (const m of this.#marks) {
      if (m.kind === 'fill') continue;
      const a = this.#canvasOf(m.a, m.plane);
      if (!a) continue;
      const stroke = `rgb(${m.color[0]}, ${m.color[1]}, ${m.color[2]})`;
      const dash = m.active ? [] : [4 * dpr, 3 * dpr];
      if (m.kind === 'box') {
        const b = m.b ? this.#canvasOf(m.b, m.plane) : null;
        if (b) shapes.push({ kind: 'box', a, b, stroke, dash });
      } else {
        shapes.push({ kind: m.kind, a, stroke, dash });
      }
    }
    const d = this.#drag;
    if (d && this.#tool === 'box') shapes.push({ kind: 'box', a: d.startCanvas, b: d.nowCanvas, stroke: '#ffd24a', dash: [6 * dpr, 4 * dpr] });
    return shapes;
  }
}

type Shape =
  | { kind: 'box'; a: [number, number]; b: [number, number]; stroke: string; dash: number[] }
  | { kind: 'positive' | 'negative'; a: [number, number]; stroke: string; dash: number[] };

function drawShape(ctx: CanvasRenderingContext2D, s: Shape, dpr: number): void {
  ctx.setLineDash(s.dash);
  ctx.strokeStyle = s.stroke;
  const [ax, ay] = s.a;
  if (s.kind === 'box') {
    const [bx, by] = s.b;
    ctx.strokeRect(Math.min(ax, bx), Math.min(ay, by), Math.abs(bx - ax), Math.abs(by - ay));
    return;
  }
  const r = 5 * dpr;
  ctx.beginPath();
  ctx.arc(ax, ay, r, 0, Math.PI * 2);
  ctx.fillStyle = s.kind === 'positive' ? s.stroke : 'rgba(0,0,0,0.6)';
  ctx.fill();
  ctx.stroke();
  if (s.kind === 'negative') {
    ctx.beginPath();
    ctx.moveTo(ax - r * 0.6, ay);
    ctx.lineTo(ax + r * 0.6, ay);
    ctx.stroke();
  } else {
    ctx.strokeStyle = '#fff';
    ctx.beginPath();
    ctx.moveTo(ax - r * 0.6, ay);
    ctx.lineTo(ax + r * 0.6, ay);
    ctx.moveTo(ax, ay - r * 0.6);
    ctx.lineTo(ax, ay + r * 0.6);
    ctx.stroke();
  }
}
