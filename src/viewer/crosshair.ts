/**
 * The crosshair: a thin line (about one and a half screen pixels at any zoom, with a gap where
 * the lines cross so the voxel under it stays visible), hidden on request, and left where it
 * was by brush and eraser strokes. NiiVue moves it to every point drawn, so the other planes
 * jump with each stroke and the line lies on the edge just edited; a stroke now keeps it, as
 * fill and prompts already did. A plain click, the slice keys and the confidence strip move it.
 */
import type { Niivue } from '@niivue/niivue';
import type { Vec3 } from '../shared/volume.ts';
import type { DrawScheduler } from './draw-scheduler.ts';

/** Line thickness in CSS pixels, and the gap about the centre in multiples of the line's radius (NiiVue's crosshairGap). */
const THICKNESS_PX = 1.5;
export const GAP_RADII = 16;

export class Crosshair {
  #visible = true;
  /** Inside a brush or eraser click: NiiVue's crosshair moves are undone and not reported. */
  #keeping = false;

  constructor(private readonly nv: Niivue, private readonly frames: DrawScheduler) {
    nv.opts.crosshairWidthUnit = 'mm';
    nv.opts.crosshairGap = GAP_RADII;
    const click = nv.mouseClick.bind(nv);
    nv.mouseClick = (x: number, y: number, posChange = 0, isDelta = true): boolean => {
      // posChange / isDelta are slice scrolls (wheel, keys): those move the crosshair on purpose.
      if (!nv.opts.drawingEnabled || posChange !== 0 || !isDelta) return click(x, y, posChange, isDelta);
      const kept = Float32Array.from(nv.scene.crosshairPos);
      this.#keeping = true;
      try {
        // NiiVue draws the pen at the crosshair it sets; the scene is drawn once, next frame, with it put back.
        return frames.batched(() => click(x, y, posChange, isDelta));
      } finally {
        nv.scene.crosshairPos = kept as unknown as typeof nv.scene.crosshairPos;
        this.#keeping = false;
      }
    };
  }

  /** NiiVue's location changes inside a stroke are not the user's: the viewer ignores them. */
  get keeping(): boolean {
    return this.#keeping;
  }

  get visible(): boolean {
    return this.#visible;
  }

  setVisible(on: boolean): void {
    this.#visible = on;
    this.#fit();
    this.frames.drawNextFrame();
  }

  /** After a draw: keep the line's width at THICKNESS_PX on screen whatever the zoom and tile size. */
  afterDraw(): void {
    if (this.#fit()) this.frames.drawNextFrame();
  }

  /** Set the width NiiVue draws; true when it changed. */
  #fit(): boolean {
    const nv = this.nv;
    let width = 0;
    if (this.#visible) {
      // The largest 2D tile's screen pixels per mm (the width is in mm, one for every tile).
      let pxPerMm = 0;
      for (const s of nv.screenSlices as { axCorSag: number; leftTopWidthHeight: number[]; fovMM: number[] }[]) {
        if (s.axCorSag > 2 || !s.fovMM?.[0]) continue;
        pxPerMm = Math.max(pxPerMm, Math.abs(s.leftTopWidthHeight[2]! / s.fovMM[0]));
      }
      if (pxPerMm === 0) return false;
      width = (THICKNESS_PX * (nv.uiData.dpr ?? 1)) / pxPerMm;
    }
    const old = nv.opts.crosshairWidth;
    if (Math.abs(old - width) <= 0.05 * Math.max(old, width)) return false;
    nv.opts.crosshairWidth = width;
    nv.crosshairs3D = null; // rebuilt at the new width
    return true;
  }
}

/** The first three numbers of what NiiVue reports as a position or a size, or null. */
export function vec3(value: unknown): Vec3 | null {
  if (value == null || typeof (value as ArrayLike<unknown>).length !== 'number') return null;
  const a = Array.from(value as ArrayLike<unknown>);
  if (a.length < 3 || !a.slice(0, 3).every((n) => typeof n === 'number')) return null;
  return [a[0] as number, a[1] as number, a[2] as number];
}
