/**
 * Window / level by right-drag, live, and the readout that shows W and L (in the image's
 * units) in the canvas corner at every step, with the zoom when it is not 1. NiiVue's own
 * right-drag draws a box whose intensity range becomes the window on release, with nothing to
 * see while dragging: the press is kept from NiiVue (preventDefault on pointerdown suppresses
 * its mouse events) and the window follows the pointer instead (window-level.ts).
 */
import type { Niivue } from '@niivue/niivue';
import { dragWindow, formatWindowLevel, rangeOf, windowLevel, type WindowLevel } from './window-level.ts';
import type { DisplayRange } from './viewer-types.ts';

interface Drag {
  pointerId: number;
  x: number;
  y: number;
  start: WindowLevel;
  /** The window of the last move, shown on every slice when the drag ends. */
  last?: DisplayRange;
}

export class WindowDrag {
  readonly readout: HTMLDivElement;
  #drag: Drag | null = null;
  #listeners = new AbortController();

  /**
   * `shown` is the window wanted now (the last one set, even while its colours are computed),
   * `set` shows a new one (`live` while the drag moves; false once for its last window when it
   * ends), `zoom` is the 2D zoom factor.
   */
  constructor(
    private readonly nv: Niivue,
    private readonly canvas: HTMLCanvasElement,
    private readonly shown: () => DisplayRange | null,
    private readonly set: (range: DisplayRange, live: boolean) => void,
    private readonly zoom: () => number,
  ) {
    this.readout = document.createElement('div');
    this.readout.setAttribute('role', 'status');
    this.readout.setAttribute('aria-label', 'Window and level');
    this.readout.title = 'Window width and level in the image\'s units: right-drag on a slice (↔ contrast, ↕ brightness)';
    Object.assign(this.readout.style, {
      position: 'absolute', left: '6px', top: '6px', padding: '2px 7px', borderRadius: '4px', pointerEvents: 'none',
      font: '600 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', color: '#ffe7a3',
      background: 'rgba(0, 0, 0, 0.6)', whiteSpace: 'pre', display: 'none',
    });
    canvas.insertAdjacentElement('afterend', this.readout);
    const host = canvas.parentElement ?? canvas;
    const signal = this.#listeners.signal;
    host.addEventListener('pointerdown', (e) => this.#down(e), { capture: true, signal });
    host.addEventListener('pointermove', (e) => this.#move(e), { capture: true, signal });
    host.addEventListener('pointerup', (e) => this.#end(e), { capture: true, signal });
    host.addEventListener('pointercancel', (e) => this.#end(e), { capture: true, signal });
  }

  dispose(): void {
    this.#listeners.abort();
    this.readout.remove();
  }

  /** Show the window and zoom now (after any change of either). */
  update(): void {
    const range = this.nv.volumes.length > 0 ? this.shown() : null;
    if (!range) {
      this.readout.style.display = 'none';
      return;
    }
    const zoom = this.zoom();
    const text = formatWindowLevel(range) + (Math.abs(zoom - 1) > 1e-3 ? `  ${zoom.toFixed(1)}×` : '');
    if (this.readout.textContent !== text) this.readout.textContent = text;
    this.readout.style.display = '';
  }

  #down(e: PointerEvent): void {
    if (e.button !== 2 || this.nv.volumes.length === 0) return;
    const r = this.canvas.getBoundingClientRect();
    const x = ((e.clientX - r.left) * this.canvas.width) / r.width;
    const y = ((e.clientY - r.top) * this.canvas.height) / r.height;
    const tile = this.nv.tileIndex(x, y);
    const plane = tile >= 0 ? (this.nv.screenSlices[tile] as { axCorSag?: number } | undefined)?.axCorSag : undefined;
    const range = this.shown();
    // Slice tiles only: a right-drag on the 3D render stays NiiVue's.
    if (plane === undefined || plane > 2 || !range) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    (e.target as Element).setPointerCapture?.(e.pointerId);
    this.#drag = { pointerId: e.pointerId, x: e.clientX, y: e.clientY, start: windowLevel(range) };
  }

  #move(e: PointerEvent): void {
    const d = this.#drag;
    if (!d || e.pointerId !== d.pointerId) return;
    e.stopImmediatePropagation();
    d.last = rangeOf(dragWindow(d.start, e.clientX - d.x, e.clientY - d.y));
    this.set(d.last, true);
    this.update();
  }

  #end(e: PointerEvent): void {
    const d = this.#drag;
    if (!d || e.pointerId !== d.pointerId) return;
    e.stopImmediatePropagation();
    this.#drag = null;
    if (d.last) this.set(d.last, false);
  }
}
