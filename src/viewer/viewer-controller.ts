/**
 * The app's one way to NiiVue (only src/viewer/ talks to it). It ties a Niivue
 * instance to a canvas, shows one volume at a time in a multiplanar view with a
 * crosshair, and reports read-only state. Volumes arrive as NIfTI-1 bytes (the app
 * encodes them with io's writer), so NiiVue sees exactly the geometry a label will get.
 *
 * The jobs it hands out, each in its own module: when the scene is drawn
 * (draw-scheduler.ts), the label layer (label-drawing.ts), the tiles on screen
 * (view-tiles.ts), the intensity window (display-window.ts), NiiVue's setup and
 * display hooks (niivue-setup.ts), and box / point prompts (prompt-layer.ts).
 */
import { NVImage, SLICE_TYPE, type Niivue } from '@niivue/niivue';
import type { Vec3 } from '../shared/volume.ts';
import type { DisplayColours } from './display-colours.ts';
import { DisplayWindow } from './display-window.ts';
import { DrawScheduler } from './draw-scheduler.ts';
import { DrawingUploads } from './drawing-upload.ts';
import { LabelDrawing } from './label-drawing.ts';
import { createNiivue, hookDisplay, resolveDisplay } from './niivue-setup.ts';
import { PromptLayer, type PromptGesture, type PromptMark, type PromptTool, type ViewPlane } from './prompt-layer.ts';
import { ViewTiles } from './view-tiles.ts';
import type { CrosshairLocation, DisplayMode, DisplayRange, DrawMode, LabelAccess, LabelColor, LabelDiff, ViewerOptions, ViewerState, ViewLayout } from './viewer-types.ts';

export type { PromptGesture, PromptMark, PromptTool, ViewPlane } from './prompt-layer.ts';
export type * from './viewer-types.ts';

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
  #onLabelsChange: (() => void) | null = null;
  #prompts: PromptLayer | null = null;
  #frames = new DrawScheduler(() => this.#nv?.drawScene());
  #labels = new LabelDrawing(() => this.#nv, this.#frames);
  #tiles = new ViewTiles(this.#frames);
  #window = new DisplayWindow(() => this.#nv, this.#frames);
  #display: Exclude<DisplayMode, 'auto'> = 'stock';
  #drawingUploads = new DrawingUploads();
  #colours: DisplayColours | null = null;
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
    const nv = createNiivue();
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
    canvas.addEventListener('mousedown', () => this.#labels.strokeStarted(nv), { capture: true, signal: this.#listeners.signal });
    await nv.attachToCanvas(canvas, false);
    this.#display = resolveDisplay(nv, options.display ?? 'auto');
    this.#colours = hookDisplay(nv, this.#display, this.#drawingUploads);
    this.#nv = nv;
    this.#canvas = canvas;
    const prompts = new PromptLayer(nv, canvas, () => this.#frames.drawPending());
    this.#prompts = prompts;
    // Prompt marks follow every redraw (slice changes, resizes, zoom).
    const drawScene = nv.drawScene.bind(nv);
    nv.drawScene = this.#frames.guard(() => {
      const out = drawScene();
      prompts.redraw();
      return out;
    });
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
    this.#frames.batched(() => {
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

  /** Show nothing. */
  clear(): void {
    const nv = this.#nv;
    if (!nv) return;
    this.#frames.batched(() => {
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
    this.#labels.set(this.#require(), labels);
  }

  /** The label layer in the shown volume's own voxel order, or null when there is none. */
  labels(): Uint8Array | null {
    return this.#labels.get();
  }

  /** Colours of the label values (others stay transparent). */
  setLabelColors(colors: readonly LabelColor[]): void {
    this.#labels.setColors(this.#require(), colors);
  }

  setDrawMode(mode: DrawMode): void {
    this.#labels.setDrawMode(this.#require(), mode);
  }

  #strokeEnded(): void {
    const diff = this.#labels.strokeEnded();
    if (diff) this.onStroke?.(diff);
    this.#onLabelsChange?.();
  }

  /**
   * Change label values by native voxel index; returns the diff (null when nothing changed).
   * The drawing is redrawn once per animation frame however many edits arrive.
   */
  editLabels(edit: (labels: LabelAccess) => void): LabelDiff | null {
    return this.#labels.edit(this.#require(), edit);
  }

  /** Apply a diff's `before` (undo) or `after` (redo) values. */
  applyDiff(diff: LabelDiff, side: 'before' | 'after'): void {
    this.#labels.applyDiff(this.#require(), diff, side);
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
    this.#frames.drawNextFrame();
  }

  /** The intensity window shown (what the model must see too), or null without a volume. */
  displayWindow(): DisplayRange | null {
    return this.#window.get();
  }

  /** Show the volume with this intensity window (also what the model will see). */
  setDisplayRange(range: DisplayRange): void {
    this.#window.set(this.#require(), this.#colours, range);
  }

  /** Label layer: opacity 0–1, and outline mode (only each object's rim is drawn). */
  setLabelStyle(opacity: number, outline: boolean): void {
    this.#labels.setStyle(this.#require(), opacity, outline);
  }

  /** One plane, the three planes, or the 3D render alone. */
  setLayout(layout: ViewLayout): void {
    this.#tiles.setLayout(this.#require(), layout);
  }

  /** Brush and eraser size in voxels. */
  setPenSize(size: number): void {
    this.#labels.setPenSize(this.#require(), size);
  }

  /** A 3D render tile beside the slices (rotate it by dragging); the labels show in it. */
  setRenderTile(on: boolean): void {
    this.#tiles.setRenderTile(this.#require(), on);
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
