/**
 * The one place that talks to NiiVue. It ties a Niivue instance to a canvas,
 * shows one volume at a time in a multiplanar view with a crosshair, and
 * reports read-only state. Volumes arrive as NIfTI-1 bytes (the app encodes
 * them with io's writer), so NiiVue sees exactly the geometry a label will get.
 */
import { Niivue, NVImage, SHOW_RENDER, SLICE_TYPE } from '@niivue/niivue';
import type { Vec3 } from '../shared/volume.ts';
import { DisplayColours } from './display-colours.ts';
import { nativeToRas, nativeToRasIndexer, rasToNative, type RasMapping } from './label-layer.ts';
import { DrawingUploads } from './drawing-upload.ts';
import { DISPLAY_TEXTURE, DRAWING_UPLOAD, FAST_RANGE, SKIP_GRADIENT } from './niivue-hooks.ts';
import { isSoftwareRenderer, rendererName } from './renderer.ts';
import { SLICE_SHADER } from './slice-shader.ts';
import { PromptLayer, type PromptGesture, type PromptMark, type PromptTool, type ViewPlane } from './prompt-layer.ts';

export type { PromptGesture, PromptMark, PromptTool, ViewPlane } from './prompt-layer.ts';

export type ViewLayout = 'axial' | 'coronal' | 'sagittal' | 'multiplanar' | 'render';

/**
 * A change of the label layer, for undo and redo: voxel positions in the drawing and their
 * values before and after (a position may repeat; undo walks backwards, redo forwards).
 */
export interface LabelDiff {
  readonly indices: Uint32Array;
  readonly before: Uint8Array;
  readonly after: Uint8Array;
}

/** Read and write label values by native voxel index (see ViewerController.editLabels). */
export interface LabelAccess {
  get(native: number): number;
  set(native: number, value: number): void;
}

/** Intensity window for display, in stored (scaled) units. */
export interface DisplayRange {
  min: number;
  max: number;
}

export interface CrosshairLocation {
  /** World position in mm (RAS+). */
  mm: Vec3;
  /** Voxel indices in the volume's own i, j, k. */
  vox: Vec3;
}

/** Read-only snapshot for the app and tests. */
export interface ViewerState {
  /** Attached to a canvas with a WebGL2 context. */
  ready: boolean;
  /** Volumes NiiVue holds (0 or 1). */
  volumeCount: number;
  name: string | null;
  /** Voxels along i, j, k as NiiVue read them from the header. */
  dims: Vec3 | null;
  /** Voxel size in mm as NiiVue read it. */
  spacing: Vec3 | null;
  crosshair: CrosshairLocation | null;
  /** Canvas size in device pixels. */
  canvasSize: [number, number];
  /** How slices are coloured (the resolved mode, never 'auto'). */
  display: Exclude<DisplayMode, 'auto'>;
  /**
   * Background colour volumes made so far by the viewer's CPU path (inWorker of them computed
   * in the colour worker, the rest on the main thread) and by NiiVue's GPU path.
   */
  colourVolumes: { cpu: number; niivue: number; inWorker: number };
  /** Whether colours for the display are being computed (the screen shows the old ones until then). */
  colouring: boolean;
  /** Label voxels sent to the GPU so far (only changed slices are sent). */
  drawingVoxelsUploaded: number;
}

/**
 * How slices are coloured and drawn:
 *  - 'cpu': the background volume's colours computed on the CPU (display-texture.ts) and the
 *    viewer's lean slice shader (slice-shader.ts); on a software GL, seconds become a tenth of
 *    one when a volume is shown or its window changes, and each frame costs half;
 *  - 'gpu': NiiVue's colour pass on the GPU (the cheaper one on real graphics hardware) and
 *    the lean slice shader;
 *  both 'cpu' and 'gpu' send only the changed slices of the label drawing (drawing-upload.ts);
 *  - 'stock': NiiVue as it ships: its colour pass, slice shader, whole-volume drawing uploads and
 *    undo snapshots (comparison, fallback);
 *  - 'auto': 'cpu' on a software GL (SwiftShader, llvmpipe and the like), else 'gpu'.
 */
export type DisplayMode = 'auto' | 'cpu' | 'gpu' | 'stock';

export interface ViewerOptions {
  display?: DisplayMode;
}

const BACKGROUND = [0, 0, 0, 1];

/** A label value and the colour it is drawn in. */
export interface LabelColor {
  value: number;
  color: [number, number, number];
}

/** What dragging on a slice does. */
export type DrawMode = { kind: 'off' } | { kind: 'pen'; value: number } | { kind: 'erase' };

function vec3(value: unknown): Vec3 | null {
  if (value == null || typeof (value as ArrayLike<unknown>).length !== 'number') return null;
  const a = Array.from(value as ArrayLike<unknown>);
  if (a.length < 3 || !a.slice(0, 3).every((n) => typeof n === 'number')) return null;
  return [a[0] as number, a[1] as number, a[2] as number];
}

/** An ArrayBuffer holding exactly these bytes, without a copy when possible. */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = bytes;
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) return buffer;
  return bytes.slice().buffer;
}

export class ViewerController {
  #nv: Niivue | null = null;
  #canvas: HTMLCanvasElement | null = null;
  #name: string | null = null;
  #crosshair: CrosshairLocation | null = null;
  #listeners = new AbortController();
  #onChange: (() => void) | null = null;
  #drawQueued = false;
  #renderLayout = false;
  #renderTile = false;
  #onLabelsChange: (() => void) | null = null;
  #prompts: PromptLayer | null = null;
  #strokeBefore: Uint8Array | null = null;
  #refreshQueued = false;
  /** While > 0, redraws asked for wait for the next animation frame (see #batched). */
  #deferDraws = 0;
  #display: Exclude<DisplayMode, 'auto'> = 'stock';
  #drawingUploads = new DrawingUploads();
  #colours: DisplayColours | null = null;
  /** Bumped by each window change: only the last one's colours are shown. */
  #rangeChange = 0;
  /** Called with the diff of each pen or eraser stroke. */
  onStroke: ((diff: LabelDiff) => void) | null = null;

  /** Called after the user changes the label map (draws, erases, undoes). */
  set onLabelsChange(callback: (() => void) | null) {
    this.#onLabelsChange = callback;
  }

  /** Called after a volume is shown or the crosshair moves. */
  set onChange(callback: (() => void) | null) {
    this.#onChange = callback;
  }

  /** Attach to a canvas whose parent element decides its size. */
  async attach(canvas: HTMLCanvasElement, options: ViewerOptions = {}): Promise<void> {
    if (this.#nv) throw new Error('ViewerController is already attached');
    const nv = new Niivue({
      backColor: BACKGROUND,
      crosshairColor: [0.25, 0.85, 1, 1],
      // A thin line whatever the voxel size: width as a fraction of the field of view.
      crosshairWidth: 0.6,
      crosshairWidthUnit: 'percent',
      show3Dcrosshair: true,
      isColorbar: false,
      isOrientCube: false,
      dragAndDropEnabled: false,
      sliceType: SLICE_TYPE.MULTIPLANAR,
      multiplanarShowRender: SHOW_RENDER.NEVER,
      multiplanarEqualSize: true,
      isResizeCanvas: true,
      loadingText: '',
      logLevel: 'warn',
    });
    nv.addEventListener(
      'locationChange',
      (event) => {
        const detail = event.detail as { mm?: unknown; vox?: unknown } | null;
        const mm = vec3(detail?.mm);
        const vox = vec3(detail?.vox);
        this.#crosshair = mm && vox ? { mm, vox } : null;
        this.#onChange?.();
      },
      { signal: this.#listeners.signal },
    );
    nv.addEventListener('drawingChanged', () => this.#strokeEnded(), { signal: this.#listeners.signal });
    // A right-drag changes the window: the app shows it and the model sees it.
    nv.addEventListener('intensityChange', () => this.#onChange?.(), { signal: this.#listeners.signal });
    // A stroke starts on a press with drawing on: keep the drawing as it was, to diff it afterwards.
    canvas.addEventListener(
      'mousedown',
      () => {
        if (nv.opts.drawingEnabled && nv.drawBitmap) this.#strokeBefore = nv.drawBitmap.slice();
      },
      { capture: true, signal: this.#listeners.signal },
    );
    await nv.attachToCanvas(canvas, false);
    const mode = options.display ?? 'auto';
    this.#display = mode === 'auto' ? (isSoftwareRenderer(rendererName(nv.gl)) ? 'cpu' : 'gpu') : mode;
    const gl = nv.gl as unknown as Record<string, unknown>;
    gl[SKIP_GRADIENT] = true; // no 3D render shown yet
    const colours = new DisplayColours(nv, this.#display === 'cpu');
    this.#colours = colours;
    gl[DISPLAY_TEXTURE] = (image: unknown, voxels: unknown, old: WebGLTexture | null) => colours.texture(image, voxels, old);
    if (this.#display !== 'stock') {
      (globalThis as Record<string, unknown>)[FAST_RANGE] = true;
      nv.setCustomSliceShader(SLICE_SHADER);
      gl[DRAWING_UPLOAD] = (texture: WebGLTexture | null, drawing: Uint8Array, dims: ArrayLike<number>) => this.#drawingUploads.upload(nv.gl, texture, drawing, dims);
      // NiiVue snapshots the whole drawing (run-length encoded) after every stroke for its own
      // undo, 150 ms for a 512×512×120 series; the app keeps its own undo (diffs), so the snapshot
      // is skipped where it is only that (with fills overwriting, NiiVue's default).
      const addUndoBitmap = nv.drawAddUndoBitmap.bind(nv);
      nv.drawAddUndoBitmap = (fillOverwrites = true) => {
        if (!fillOverwrites) addUndoBitmap(fillOverwrites);
      };
    }
    this.#nv = nv;
    this.#canvas = canvas;
    const prompts = new PromptLayer(nv, canvas, () => this.#drawPending());
    this.#prompts = prompts;
    // Prompt marks follow every redraw (slice changes, resizes, zoom).
    const drawScene = nv.drawScene.bind(nv);
    nv.drawScene = () => {
      if (this.#deferDraws > 0) {
        this.#drawNextFrame();
        return undefined;
      }
      this.#drawQueued = false; // whatever drew, a waiting redraw is done
      const out = drawScene();
      prompts.redraw();
      return out;
    };
  }

  /**
   * Replace whatever is shown with this NIfTI-1 volume (.nii bytes).
   * `name` is for display only. Without a range, NiiVue picks a robust one.
   */
  async showNifti(bytes: Uint8Array, name: string, range?: DisplayRange): Promise<void> {
    const nv = this.#require();
    const image = await NVImage.loadFromUrl({
      url: 'volume.nii',
      name: 'volume.nii', // NiiVue picks its reader by this name's extension
      buffer: exactBuffer(bytes),
      colormap: 'gray',
      ...(range ? { cal_min: range.min, cal_max: range.max, trustCalMinMax: true } : {}),
    });
    this.#batched(() => {
      // The drawing belongs to the old grid: drop it before the new volume arrives.
      if (nv.drawBitmap) nv.closeDrawing();
      for (const old of [...nv.volumes]) nv.removeVolume(old);
      nv.addVolume(image);
      nv.setSliceType(SLICE_TYPE.MULTIPLANAR);
    });
    this.#name = name;
    this.#crosshair = null;
    this.#onChange?.();
  }

  /**
   * Run NiiVue calls that each redraw the whole scene (adding a volume, changing the layout,
   * the labels or their style) and draw once, in the next animation frame: the app makes
   * several such calls in a row when a case opens, and on a software GL each frame costs
   * tens of milliseconds. Pointer mapping draws a waiting frame first (#drawPending).
   */
  #batched<T>(work: () => T): T {
    this.#deferDraws++;
    try {
      return work();
    } finally {
      this.#deferDraws--;
      this.#drawNextFrame();
    }
  }

  /** Show nothing. */
  clear(): void {
    const nv = this.#nv;
    if (!nv) return;
    this.#batched(() => {
      if (nv.drawBitmap) nv.closeDrawing();
      for (const old of [...nv.volumes]) nv.removeVolume(old);
    });
    this.#name = null;
    this.#crosshair = null;
    this.#colours?.forget();
    this.#onChange?.();
  }

  /**
   * Replace the label layer with this map, in the shown volume's own voxel
   * order (the order label files are written in). Null clears it.
   */
  setLabels(labels: ArrayLike<number> | null): void {
    const nv = this.#require();
    const mapping = this.#mapping();
    if (!mapping) throw new Error('no volume is shown');
    const voxels = mapping.dimsRAS[1]! * mapping.dimsRAS[2]! * mapping.dimsRAS[3]!;
    if (labels && labels.length !== voxels) throw new Error(`a label map of ${labels.length} voxels does not fit this volume (${voxels})`);
    // No labels and no drawing: nothing to upload (an empty drawing texture of a large
    // volume costs seconds on a software GL); the drawing is made when first needed.
    if (!labels && !nv.drawBitmap) return;
    this.#batched(() => {
      if (!nv.drawBitmap || nv.drawBitmap.length !== voxels) nv.createEmptyDrawing();
      nv.drawBitmap = labels ? nativeToRas(labels, mapping) : new Uint8Array(voxels);
      nv.drawUndoBitmaps = [];
      nv.refreshDrawing(false); // #batched draws
    });
  }

  /** The label layer in the shown volume's own voxel order, or null when there is none. */
  labels(): Uint8Array | null {
    const nv = this.#nv;
    const mapping = this.#mapping();
    if (!nv || !mapping) return null;
    const voxels = mapping.dimsRAS[1]! * mapping.dimsRAS[2]! * mapping.dimsRAS[3]!;
    // Not drawn on yet: an empty label map.
    if (!nv.drawBitmap) return new Uint8Array(voxels);
    // A drawing left from another grid is no label map of this volume.
    if (nv.drawBitmap.length !== voxels) return null;
    return rasToNative(nv.drawBitmap, mapping);
  }

  /** Colours of the label values (others stay transparent). */
  setLabelColors(colors: readonly LabelColor[]): void {
    const nv = this.#require();
    const lut = new Uint8ClampedArray(256 * 4);
    for (const { value, color } of colors) {
      if (value < 1 || value > 255) continue;
      lut.set([color[0], color[1], color[2], 255], value * 4);
    }
    nv.drawLut = { ...nv.drawLut, lut, min: 0, max: 255 };
    // Only the colour tables need the new colours (the draw LUT is their last row);
    // updateGLVolume would rebuild the background volume and its gradients too
    // (hundreds of ms on a software GL).
    this.#batched(() => {
      if (nv.volumes.length > 0) nv.refreshColormaps();
      if (nv.drawBitmap) nv.refreshDrawing(false); // #batched draws
    });
  }

  setDrawMode(mode: DrawMode): void {
    const nv = this.#require();
    if (mode.kind === 'off') {
      nv.setDrawingEnabled(false);
      return;
    }
    nv.setDrawingEnabled(true);
    nv.setPenValue(mode.kind === 'pen' ? mode.value : 0, false);
  }

  #strokeEnded(): void {
    const nv = this.#nv;
    const before = this.#strokeBefore;
    this.#strokeBefore = null;
    if (nv?.drawBitmap && before && before.length === nv.drawBitmap.length) {
      const now = nv.drawBitmap;
      const idx: number[] = [];
      for (let i = 0; i < now.length; i++) if (now[i] !== before[i]) idx.push(i);
      if (idx.length > 0) {
        const indices = Uint32Array.from(idx);
        this.onStroke?.({ indices, before: Uint8Array.from(idx, (i) => before[i]!), after: Uint8Array.from(idx, (i) => now[i]!) });
      }
    }
    this.#onLabelsChange?.();
  }

  /**
   * Change label values by native voxel index; returns the diff (null when nothing changed).
   * The drawing is redrawn once per animation frame however many edits arrive.
   */
  editLabels(edit: (labels: LabelAccess) => void): LabelDiff | null {
    const nv = this.#require();
    const mapping = this.#mapping();
    if (!mapping) throw new Error('no volume is shown');
    const voxels = mapping.dimsRAS[1]! * mapping.dimsRAS[2]! * mapping.dimsRAS[3]!;
    if (!nv.drawBitmap || nv.drawBitmap.length !== voxels) nv.createEmptyDrawing();
    const bitmap = nv.drawBitmap!;
    const ras = nativeToRasIndexer(mapping);
    const indices: number[] = [];
    const before: number[] = [];
    const after: number[] = [];
    edit({
      get: (n) => bitmap[ras(n)]!,
      set: (n, v) => {
        const i = ras(n);
        if (bitmap[i] === v) return;
        indices.push(i);
        before.push(bitmap[i]!);
        after.push(v);
        bitmap[i] = v;
      },
    });
    if (indices.length === 0) return null;
    this.#queueRefresh();
    return { indices: Uint32Array.from(indices), before: Uint8Array.from(before), after: Uint8Array.from(after) };
  }

  /** Apply a diff's `before` (undo) or `after` (redo) values. */
  applyDiff(diff: LabelDiff, side: 'before' | 'after'): void {
    const nv = this.#require();
    const bitmap = nv.drawBitmap;
    if (!bitmap) return;
    const values = side === 'before' ? diff.before : diff.after;
    if (side === 'before') for (let k = diff.indices.length - 1; k >= 0; k--) bitmap[diff.indices[k]!] = values[k]!;
    else for (let k = 0; k < diff.indices.length; k++) bitmap[diff.indices[k]!] = values[k]!;
    nv.drawUndoBitmaps = [];
    this.#queueRefresh();
  }

  #queueRefresh(): void {
    if (this.#refreshQueued) return;
    this.#refreshQueued = true;
    requestAnimationFrame(() => {
      this.#refreshQueued = false;
      this.#nv?.refreshDrawing(true);
    });
  }

  /** Box / point prompt tool, or null for the normal mouse (crosshair, drawing). */
  setPromptTool(tool: PromptTool | null): void {
    if (tool) this.#require().setDrawingEnabled(false);
    this.#prompts?.setTool(tool);
  }

  set onPrompt(callback: ((g: PromptGesture) => void) | null) {
    if (this.#prompts) this.#prompts.onPrompt = callback;
  }

  setPromptMarks(marks: PromptMark[]): void {
    this.#prompts?.setMarks(marks);
  }

  /** Client position of a world point in the tile of a plane (tests drive the mouse with it). */
  mmToClient(mm: Vec3, plane: ViewPlane): [number, number] | null {
    return this.#prompts?.mmToClient(mm, plane) ?? null;
  }

  /** The slice plane the pointer was last over, or null. */
  hoverPlane(): ViewPlane | null {
    return this.#prompts?.hoverPlane ?? null;
  }

  /** Move the crosshair `delta` slices through the given plane. */
  moveSlice(plane: ViewPlane, delta: number): void {
    const nv = this.#require();
    const dims = nv.volumes[0]?.dimsRAS;
    if (!dims) return;
    // As NiiVue's moveCrosshairInVox, but the redraw waits for the next frame: a held key
    // (or a fast wheel) moves several slices per frame, and drawing each of them would make a
    // software GL render frames nobody sees.
    const vox = nv.frac2vox(nv.scene.crosshairPos);
    const axis = plane === 'axial' ? 2 : plane === 'coronal' ? 1 : 0;
    vox[axis] = Math.max(0, Math.min(vox[axis]! + delta, dims[axis + 1]! - 1));
    nv.scene.crosshairPos = nv.vox2frac(vox);
    nv.createOnLocationChange();
    this.#drawNextFrame();
  }

  #drawNextFrame(): void {
    if (this.#drawQueued) return;
    this.#drawQueued = true;
    requestAnimationFrame(() => this.#drawPending());
  }

  /** Draw now if a redraw is waiting for the next frame. */
  #drawPending(): void {
    if (!this.#drawQueued) return;
    this.#drawQueued = false;
    this.#nv?.drawScene();
  }

  /** The intensity window shown (what the model must see too), or null without a volume. */
  displayWindow(): DisplayRange | null {
    const image = this.#nv?.volumes[0] as { cal_min?: number; cal_max?: number } | undefined;
    if (!image || image.cal_min === undefined || image.cal_max === undefined) return null;
    return { min: image.cal_min, max: image.cal_max };
  }

  /** Show the volume with this intensity window (also what the model will see). */
  setDisplayRange(range: DisplayRange): void {
    const nv = this.#require();
    const image = nv.volumes[0];
    if (!image) return;
    image.cal_min = range.min;
    image.cal_max = range.max;
    // The colours are computed off the main thread first; only the last window asked for is shown.
    const change = ++this.#rangeChange;
    void (this.#colours?.prepare(image) ?? Promise.resolve()).then(() => {
      if (change !== this.#rangeChange || nv.volumes[0] !== image || this.#nv !== nv) return;
      this.#batched(() => nv.updateGLVolume());
    });
  }

  /** Label layer: opacity 0–1, and outline mode (only each object's rim is drawn). */
  setLabelStyle(opacity: number, outline: boolean): void {
    const nv = this.#require();
    nv.drawOpacity = outline ? 0.02 : opacity;
    nv.drawRimOpacity = outline ? Math.max(0.3, opacity) : -1;
    this.#batched(() => {
      if (nv.drawBitmap) nv.refreshDrawing(false); // #batched draws
    });
  }

  /** One plane, the three planes, or the 3D render alone. */
  setLayout(layout: ViewLayout): void {
    const nv = this.#require();
    const type = { axial: SLICE_TYPE.AXIAL, coronal: SLICE_TYPE.CORONAL, sagittal: SLICE_TYPE.SAGITTAL, multiplanar: SLICE_TYPE.MULTIPLANAR, render: SLICE_TYPE.RENDER }[layout];
    this.#renderLayout = layout === 'render';
    this.#batched(() => {
      this.#syncGradient();
      nv.setSliceType(type);
    });
  }

  /** Brush and eraser size in voxels. */
  setPenSize(size: number): void {
    const nv = this.#require();
    nv.opts.penSize = Math.max(1, Math.round(size));
  }

  /** A 3D render tile beside the slices (rotate it by dragging); the labels show in it. */
  setRenderTile(on: boolean): void {
    const nv = this.#require();
    this.#renderTile = on;
    this.#batched(() => {
      this.#syncGradient();
      nv.opts.multiplanarShowRender = on ? SHOW_RENDER.ALWAYS : SHOW_RENDER.NEVER;
    });
  }

  /**
   * The gradient volume (3D render lighting) is computed only while a render is on screen: on
   * a software GL it costs several times the rest of showing a volume or changing its window.
   * A render coming on gets it computed now; NiiVue keeps it current while the render stays.
   */
  #syncGradient(): void {
    const nv = this.#nv;
    if (!nv) return;
    const shown = this.#renderLayout || this.#renderTile;
    const gl = nv.gl as unknown as Record<string, unknown>;
    const wasSkipping = gl[SKIP_GRADIENT] === true;
    gl[SKIP_GRADIENT] = !shown;
    const hdr = nv.volumes[0]?.hdr;
    if (shown && wasSkipping && hdr) nv.gradientGL(hdr);
  }

  /** The crosshair's world position, or null without a volume. */
  crosshairMm(): Vec3 | null {
    const nv = this.#nv;
    if (!nv || nv.volumes.length === 0) return null;
    const mm = nv.frac2mm(nv.scene.crosshairPos);
    return [mm[0]!, mm[1]!, mm[2]!];
  }

  /** Put the crosshair on a world position. */
  setCrosshairMm(mm: Vec3): void {
    const nv = this.#require();
    if (nv.volumes.length === 0) return;
    nv.scene.crosshairPos = nv.mm2frac(mm);
    nv.drawScene();
    nv.createOnLocationChange();
  }

  #mapping(): RasMapping | null {
    const image = this.#nv?.volumes[0] as unknown as Partial<RasMapping> | undefined;
    if (!image?.dimsRAS || !image.img2RASstart || !image.img2RASstep) return null;
    return image as RasMapping;
  }

  state(): ViewerState {
    const image = this.#nv?.volumes[0];
    const dims = image?.hdr?.dims;
    const pixDims = image?.hdr?.pixDims;
    return {
      ready: this.#nv !== null,
      volumeCount: this.#nv?.volumes.length ?? 0,
      name: image ? this.#name : null,
      dims: dims ? vec3(dims.slice(1, 4)) : null,
      spacing: pixDims ? vec3(pixDims.slice(1, 4)) : null,
      crosshair: this.#crosshair,
      canvasSize: [this.#canvas?.width ?? 0, this.#canvas?.height ?? 0],
      display: this.#display,
      colourVolumes: this.#colours?.counts() ?? { cpu: 0, niivue: 0, inWorker: 0 },
      colouring: this.#colours?.working ?? false,
      drawingVoxelsUploaded: this.#drawingUploads.uploadedVoxels,
    };
  }

  dispose(): void {
    this.#listeners.abort();
    this.#prompts?.dispose();
    this.#prompts = null;
    this.#nv?.cleanup();
    this.#nv = null;
    this.#colours?.dispose();
    this.#colours = null;
    this.#canvas = null;
  }

  #require(): Niivue {
    if (!this.#nv) throw new Error('ViewerController.attach() has not finished');
    return this.#nv;
  }
}
