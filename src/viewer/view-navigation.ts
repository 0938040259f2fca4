/**
 * Zoom and pan of the slice tiles, through NiiVue's pan2Dxyzmm (a shift in world mm and a zoom
 * factor that every 2D tile shares): Ctrl+wheel and the zoom keys zoom about the pointer (the
 * point under it stays put; the crosshair when the pointer is off the slices), a middle-drag or
 * Shift+drag pans, and reset shows the whole slice again. Prompts, brush and fill map the
 * pointer through NiiVue's tiles, which follow the zoom and pan, so they stay on the voxel
 * under the pointer.
 */
import type { Niivue } from '@niivue/niivue';
import type { DrawScheduler } from './draw-scheduler.ts';
import type { ViewAction } from './viewer-types.ts';

type Vec3 = [number, number, number];

/** Zoom limits, and the factor of one zoom key press or one wheel notch (100 px of deltaY). */
export const MIN_ZOOM = 0.5;
export const MAX_ZOOM = 12;
export const ZOOM_STEP = 1.25;

/**
 * NiiVue shows world point w of a tile at the fraction (zoom·w + pan − mn) / (mx − mn) of it:
 * keeping the point p under the pointer while the zoom goes from z to z2 moves the pan by
 * (z − z2)·p.
 */
export function panAfterZoom(pan: Vec3, zoom: number, zoom2: number, p: Vec3): Vec3 {
  return [pan[0] + (zoom - zoom2) * p[0], pan[1] + (zoom - zoom2) * p[1], pan[2] + (zoom - zoom2) * p[2]];
}

interface Pan {
  pointerId: number;
  /** Canvas position and the world point under it at the press, and mm per canvas pixel there along x and y. */
  at: [number, number];
  mm: Vec3;
  dx: Vec3;
  dy: Vec3;
  pan: Vec3;
}

export class ViewNavigation {
  /** Canvas position (device pixels) of the pointer over the canvas, or null. */
  #pointer: [number, number] | null = null;
  #pan: Pan | null = null;
  #listeners = new AbortController();

  /** `changed` is called after each zoom or pan (the readout shows the zoom). */
  constructor(
    private readonly nv: Niivue,
    private readonly canvas: HTMLCanvasElement,
    private readonly frames: DrawScheduler,
    private readonly changed: () => void,
  ) {
    const host = canvas.parentElement ?? canvas;
    const signal = this.#listeners.signal;
    host.addEventListener('wheel', (e) => this.#wheel(e), { capture: true, passive: false, signal });
    host.addEventListener('pointerdown', (e) => this.#down(e), { capture: true, signal });
    host.addEventListener('pointermove', (e) => this.#move(e), { capture: true, signal });
    host.addEventListener('pointerup', (e) => this.#end(e), { capture: true, signal });
    host.addEventListener('pointercancel', (e) => this.#end(e), { capture: true, signal });
    host.addEventListener('pointerleave', () => (this.#pointer = null), { signal });
    // A middle click must not paste or start the browser's autoscroll.
    host.addEventListener('auxclick', (e) => e.button === 1 && e.preventDefault(), { signal });
  }

  dispose(): void {
    this.#listeners.abort();
  }

  get zoom(): number {
    return this.nv.scene.pan2Dxyzmm[3] ?? 1;
  }

  /** The shift of the slices in world mm. */
  get pan(): Vec3 {
    const p = this.nv.scene.pan2Dxyzmm;
    return [p[0]!, p[1]!, p[2]!];
  }

  act(action: ViewAction): void {
    if (action === 'reset-view') this.#setView([0, 0, 0], 1);
    else this.zoomBy(action === 'zoom-in' ? ZOOM_STEP : 1 / ZOOM_STEP, this.#pointer);
  }

  /** Zoom by `factor` about a canvas position (else about the crosshair). */
  zoomBy(factor: number, at: [number, number] | null): void {
    if (this.nv.volumes.length === 0) return;
    const zoom = this.zoom;
    const zoom2 = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom * factor));
    if (zoom2 === zoom) return;
    const p = (at && this.#mmAt(at)) ?? (Array.from(this.nv.frac2mm(this.nv.scene.crosshairPos)).slice(0, 3) as Vec3);
    this.#setView(panAfterZoom(this.pan, zoom, zoom2, p), zoom2);
  }

  #setView(pan: Vec3, zoom: number): void {
    this.nv.scene.pan2Dxyzmm = [pan[0], pan[1], pan[2], zoom] as unknown as typeof this.nv.scene.pan2Dxyzmm;
    this.frames.drawNextFrame();
    this.changed();
  }

  #canvasPos(e: { clientX: number; clientY: number }): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * this.canvas.width) / r.width, ((e.clientY - r.top) * this.canvas.height) / r.height];
  }

  /** The 2D slice tile under a canvas position, or -1. */
  #sliceTile(pos: [number, number]): number {
    this.frames.drawPending(); // tiles of the scene as it is now
    const tile = this.nv.tileIndex(pos[0], pos[1]);
    const plane = tile >= 0 ? (this.nv.screenSlices[tile] as { axCorSag?: number } | undefined)?.axCorSag : undefined;
    return plane !== undefined && plane <= 2 ? tile : -1;
  }

  /** World mm under a canvas position on a slice tile (also beyond the volume's edge), or null. */
  #mmAt(pos: [number, number], tile = this.#sliceTile(pos)): Vec3 | null {
    if (tile < 0) return null;
    const mm = this.nv.screenXY2mm(pos[0], pos[1], tile);
    return Number.isFinite(mm[0]) ? [mm[0]!, mm[1]!, mm[2]!] : null;
  }

  #wheel(e: WheelEvent): void {
    if (!(e.ctrlKey || e.metaKey) || this.nv.volumes.length === 0) return;
    // Ctrl+wheel (and a trackpad pinch) zooms the slices, not the page; NiiVue would scroll slices.
    e.preventDefault();
    e.stopPropagation();
    const notches = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? e.deltaY / 3 : e.deltaY / 100;
    this.zoomBy(ZOOM_STEP ** -notches, this.#canvasPos(e));
  }

  #down(e: PointerEvent): void {
    const panning = e.button === 1 || (e.button === 0 && e.shiftKey);
    if (!panning || this.nv.volumes.length === 0) return;
    const at = this.#canvasPos(e);
    const tile = this.#sliceTile(at);
    const mm = this.#mmAt(at, tile);
    const mx = this.#mmAt([at[0] + 1, at[1]], tile);
    const my = this.#mmAt([at[0], at[1] + 1], tile);
    if (!mm || !mx || !my) return;
    // Before the prompt layer, the brush and NiiVue: this press only pans.
    e.preventDefault();
    e.stopImmediatePropagation();
    (e.target as Element).setPointerCapture?.(e.pointerId);
    const d = (a: Vec3): Vec3 => [a[0] - mm[0], a[1] - mm[1], a[2] - mm[2]];
    this.#pan = { pointerId: e.pointerId, at, mm, dx: d(mx), dy: d(my), pan: this.pan };
  }

  #move(e: PointerEvent): void {
    const pos = this.#canvasPos(e);
    this.#pointer = pos;
    const p = this.#pan;
    if (!p || e.pointerId !== p.pointerId) return;
    e.stopImmediatePropagation();
    // The point grabbed goes under the pointer: in the view of the press, the point now under
    // the pointer is mm + J·Δ, and the pan moves by zoom × that difference (see panAfterZoom).
    const [dx, dy] = [pos[0] - p.at[0], pos[1] - p.at[1]];
    const z = this.zoom;
    const shift = [0, 1, 2].map((i) => z * (p.dx[i]! * dx + p.dy[i]! * dy));
    this.#setView([p.pan[0] + shift[0]!, p.pan[1] + shift[1]!, p.pan[2] + shift[2]!], z);
  }

  #end(e: PointerEvent): void {
    const p = this.#pan;
    if (!p || e.pointerId !== p.pointerId) return;
    e.stopImmediatePropagation();
    this.#pan = null;
  }
}
