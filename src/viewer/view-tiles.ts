/**
 * Which tiles are on screen: one plane, the three planes (the axial one large, the other two
 * beside it: view-layout.ts) or the 3D render alone, and a 3D render tile beside the slices
 * (NiiVue's 2 × 2 grid, the render filling its fourth tile). The gradient volume (3D render
 * lighting) follows them: it is computed only while a render is on screen. On a software GL
 * (SwiftShader, llvmpipe) there is no render tile: its first frame took 5–8 s after a save on
 * the 512×512×120 MR, and every redraw while it stays costs seconds; the 3D layout stays.
 */
import { SHOW_RENDER, SLICE_TYPE, type Niivue } from '@niivue/niivue';
import type { DrawScheduler } from './draw-scheduler.ts';
import { SKIP_GRADIENT } from './niivue-hooks.ts';
import { isSoftwareRenderer, rendererName } from './renderer.ts';
import { heroLayout, type PlaneFov } from './view-layout.ts';
import type { ViewLayout } from './viewer-types.ts';

export class ViewTiles {
  #renderLayout = false;
  #renderTile = false;
  #layoutKey = '[]';
  #multiplanar = true;
  /** The GL is a software rasteriser (known at the first render tile asked). */
  #software: boolean | null = null;

  constructor(private readonly frames: DrawScheduler) {}

  /** One plane, the three planes, or the 3D render alone. */
  setLayout(nv: Niivue, layout: ViewLayout): void {
    const type = { axial: SLICE_TYPE.AXIAL, coronal: SLICE_TYPE.CORONAL, sagittal: SLICE_TYPE.SAGITTAL, multiplanar: SLICE_TYPE.MULTIPLANAR, render: SLICE_TYPE.RENDER }[layout];
    this.#renderLayout = layout === 'render';
    this.#multiplanar = layout === 'multiplanar';
    this.frames.batched(() => {
      this.#syncGradient(nv);
      nv.setSliceType(type);
    });
  }

  /** A 3D render tile beside the slices (rotate it by dragging); the labels show in it. Never on a software GL. */
  setRenderTile(nv: Niivue, on: boolean): void {
    this.#software ??= isSoftwareRenderer(rendererName(nv.gl));
    on &&= !this.#software;
    if (on === this.#renderTile) return;
    this.#renderTile = on;
    this.frames.batched(() => {
      this.#syncGradient(nv);
      nv.opts.multiplanarShowRender = on ? SHOW_RENDER.ALWAYS : SHOW_RENDER.NEVER;
    });
  }

  /** Whether a 3D render is on screen (the render layout, or the render tile beside the three planes). */
  get renderOnScreen(): boolean {
    return this.#renderLayout || (this.#renderTile && this.#multiplanar);
  }

  /**
   * Before each draw: the three planes get the tiles of heroLayout for the canvas as it is now
   * (NiiVue resizes it with the window), as NiiVue's custom layout; anything else none.
   */
  beforeDraw(nv: Niivue): void {
    const image = nv.volumes[0] as unknown as { dimsRAS?: number[]; pixDimsRAS?: number[] } | undefined;
    const hero = nv.opts.sliceType === SLICE_TYPE.MULTIPLANAR && !this.#renderTile && image?.dimsRAS && image.pixDimsRAS;
    let layout: Niivue['customLayout'] = [];
    if (hero) {
      const mm = [1, 2, 3].map((i) => image.dimsRAS![i]! * image.pixDimsRAS![i]!) as [number, number, number];
      const fov: PlaneFov = { axial: [mm[0], mm[1]], coronal: [mm[0], mm[2]], sagittal: [mm[1], mm[2]] };
      const tiles = heroLayout(nv.gl.canvas.width, nv.gl.canvas.height, fov);
      if (tiles) {
        layout = [
          { sliceType: SLICE_TYPE.AXIAL, position: tiles.axial },
          { sliceType: SLICE_TYPE.CORONAL, position: tiles.coronal },
          { sliceType: SLICE_TYPE.SAGITTAL, position: tiles.sagittal },
        ];
      }
    }
    const key = JSON.stringify(layout);
    if (key !== this.#layoutKey) {
      this.#layoutKey = key;
      nv.customLayout = layout;
    }
  }

  /** The gradient volume again, where a render is on screen (the colour volume changed underneath it). */
  refreshGradient(nv: Niivue): void {
    const hdr = nv.volumes[0]?.hdr;
    if ((this.#renderLayout || this.#renderTile) && hdr) this.frames.batched(() => nv.gradientGL(hdr));
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
