/**
 * Which tiles are on screen: one plane, the three planes or the 3D render alone, and a 3D
 * render tile beside the slices. The gradient volume (3D render lighting) follows them: it is
 * computed only while a render is on screen.
 */
import { SHOW_RENDER, SLICE_TYPE, type Niivue } from '@niivue/niivue';
import type { DrawScheduler } from './draw-scheduler.ts';
import { SKIP_GRADIENT } from './niivue-hooks.ts';
import type { ViewLayout } from './viewer-types.ts';

export class ViewTiles {
  #renderLayout = false;
  #renderTile = false;

  constructor(private readonly frames: DrawScheduler) {}

  /** One plane, the three planes, or the 3D render alone. */
  setLayout(nv: Niivue, layout: ViewLayout): void {
    const type = { axial: SLICE_TYPE.AXIAL, coronal: SLICE_TYPE.CORONAL, sagittal: SLICE_TYPE.SAGITTAL, multiplanar: SLICE_TYPE.MULTIPLANAR, render: SLICE_TYPE.RENDER }[layout];
    this.#renderLayout = layout === 'render';
    this.frames.batched(() => {
      this.#syncGradient(nv);
      nv.setSliceType(type);
    });
  }

  /** A 3D render tile beside the slices (rotate it by dragging); the labels show in it. */
  setRenderTile(nv: Niivue, on: boolean): void {
    this.#renderTile = on;
    this.frames.batched(() => {
      this.#syncGradient(nv);
      nv.opts.multiplanarShowRender = on ? SHOW_RENDER.ALWAYS : SHOW_RENDER.NEVER;
    });
  }

  /**
   * The gradient volume (3D render lighting) is computed only while a render is on screen: on
   * a software GL it costs several times the rest of showing a volume or changing its window.
   * A render coming on gets it computed now; NiiVue keeps it current while the render stays.
   */
  #syncGradient(nv: Niivue): void {
    const shown = this.#renderLayout || this.#renderTile;
    const gl = nv.gl as unknown as Record<string, unknown>;
    const wasSkipping = gl[SKIP_GRADIENT] === true;
    gl[SKIP_GRADIENT] = !shown;
    const hdr = nv.volumes[0]?.hdr;
    if (shown && wasSkipping && hdr) nv.gradientGL(hdr);
  }
}
