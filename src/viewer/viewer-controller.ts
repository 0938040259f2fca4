/**
 * The app's one way to NiiVue (only src/viewer/ talks to it). It ties a Niivue
 * instance to a canvas, shows one volume at a time in a multiplanar view with a
 * crosshair, and reports read-only state. Volumes arrive as a NIfTI header and image (the app
 * encodes them with io's writer), so NiiVue sees exactly the geometry a label will get.
 *
 * The jobs it hands out, each in its own module: when the scene is drawn (draw-scheduler.ts),
 * the label layer (label-drawing.ts), the tiles on screen (view-tiles.ts, view-layout.ts), the
 * intensity window (display-window.ts) and its right-drag and readout (window-drag.ts), zoom and
 * pan (view-navigation.ts), the crosshair (crosshair.ts), NiiVue's setup and display hooks
 * (niivue-setup.ts), box / point prompts (prompt-layer.ts), a first draw ahead (gl-warm-up.ts).
 */
import { SLICE_TYPE, type Niivue } from '@niivue/niivue';
import type { Vec3 } from '../shared/volume.ts';
import { Crosshair, vec3 } from './crosshair.ts';
import type { DisplayColours } from './display-colours.ts';
import { DisplayWindow } from './display-window.ts';
import { DrawScheduler } from './draw-scheduler.ts';
import { DrawingUploads } from './drawing-upload.ts';
import { GlWarmUp } from './gl-warm-up.ts';
import { LabelDrawing, rasMapping } from './label-drawing.ts';
import { rasToNativeIndexer } from './label-layer.ts';
import { createNiivue, hookDisplay, imageFromPair, resolveDisplay } from './niivue-setup.ts';
import { PromptLayer, type PromptGesture, type PromptMark, type PromptTool, type ViewPlane } from './prompt-layer.ts';
import { ViewNavigation } from './view-navigation.ts';
import { ViewTiles } from './view-tiles.ts';
import { measureRangeLater } from './voxel-range-later.ts';
import type { CrosshairLocation, DisplayMode, DisplayRange, DrawMode, LabelAccess, LabelColor, LabelDiff, ViewAction, ViewerOptions, ViewerState, ViewLayout } from './viewer-types.ts';
import { WindowDrag } from './window-drag.ts';

export type { PromptGesture, PromptMark, PromptTool, ViewPlane } from './prompt-layer.ts';
export type * from './viewer-types.ts';

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
  #navigation: ViewNavigation | null = null;
  #windowDrag: WindowDrag | null = null;
  #crosshairLine: Crosshair | null = null;
  #warmUp: GlWarmUp | null = null;
  /** Called with the diff of each pen or eraser stroke. */
  onStroke: ((diff: LabelDiff) => void) | null = null;
  /** Every change to the label map (strokes, edits, undo/redo; 'before': values went back to diff.before), in native voxel indices. Not for setLabels. */
  onLabelDiff: ((diff: LabelDiff, side: 'before' | 'after') => void) | null = null;

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
    const crosshair = new Crosshair(nv, this.#frames);
    this.#crosshairLine = crosshair;
    nv.addEventListener(
      'locationChange',
      (event) => {
        if (crosshair.keeping || this.#warmUp?.image) return; // a brush or eraser click: the crosshair stays (crosshair.ts)
        const detail = event.detail as { mm?: unknown; vox?: unknown } | null;
        const [mm, vox] = [vec3(detail?.mm), vec3(detail?.vox)];
        this.#crosshair = mm && vox ? { mm, vox } : null;
        this.#onChange?.();
      },
      { signal: this.#listeners.signal },
    );
    nv.addEventListener('drawingChanged', () => this.#strokeEnded(), { signal: this.#listeners.signal });
    // NiiVue's own window changes (a double click resets it): the app shows it and the model sees it.
    nv.addEventListener('intensityChange', () => this.#windowChanged(), { signal: this.#listeners.signal });
    // A stroke starts on a press with drawing on: keep the drawing as it was, to diff it afterwards.
    canvas.addEventListener('mousedown', () => this.#labels.strokeStarted(nv), { capture: true, signal: this.#listeners.signal });
    // A stroke's uploads sent its plane only: once it ends, the whole drawing is compared once more.
    window.addEventListener('mouseup', () => this.#labels.released() && setTimeout(() => this.#nv?.refreshDrawing(false), 0), { capture: true, signal: this.#listeners.signal });
    await nv.attachToCanvas(canvas, false);
    this.#display = resolveDisplay(nv, options.display ?? 'auto');
    const colours = hookDisplay(nv, this.#display, this.#drawingUploads);
    const pen = nv as unknown as { drawPenAxCorSag: number; drawPenLocation: number[] };
    this.#drawingUploads.penPlane = () => (this.#labels.stroking ? { axCorSag: pen.drawPenAxCorSag, voxel: pen.drawPenLocation } : null);
    this.#colours = colours;
    this.#warmUp = new GlWarmUp(nv, this.#frames, colours);
    colours.shownFirst = () => !this.#tiles.renderOnScreen;
    colours.onFilled = () => {
      this.#tiles.refreshGradient(nv); // a 3D render put on screen meanwhile is lit from the whole volume
      this.#onChange?.();
    };
    this.#nv = nv;
    this.#canvas = canvas;
    // Zoom, pan and the window's right-drag take their presses before the prompt layer does.
    const windowDrag = new WindowDrag(nv, canvas, () => this.#window.wanted(), (range, live) => this.#dragWindow(range, live), () => this.#navigation?.zoom ?? 1);
    this.#windowDrag = windowDrag;
    this.#navigation = new ViewNavigation(nv, canvas, this.#frames, () => windowDrag.update());
    this.#window.onShown = () => this.#windowChanged();
    const prompts = new PromptLayer(nv, canvas, () => this.#frames.drawPending());
    this.#prompts = prompts;
    // Tiles for the canvas as it is; prompt marks and the crosshair's width follow every redraw (slice changes, resizes, zoom).
    const drawScene = nv.drawScene.bind(nv);
    nv.drawScene = this.#frames.guard(() => {
      colours.completeShown(); // a just-opened volume's planes on screen, where not coloured yet
      this.#tiles.beforeDraw(nv);
      const out = drawScene();
      prompts.redraw();
      crosshair.afterDraw();
      return out;
    });
  }

  #windowChanged(): void {
    this.#windowDrag?.update();
    this.#onChange?.();
  }

  /**
   * Replace whatever is shown with this volume, a NIfTI .hdr / .img pair in memory (io's
   * encodeNiftiPair): NiiVue takes the image buffer as its voxels, without a copy (a 60 MB
   * series cost two copies as one .nii file). `name` is for display only. Without a range,
   * NiiVue picks a robust one; with one, its voxels' range is measured later (voxel-range-later.ts).
   */
  async showNifti(pair: { header: ArrayBuffer; image: ArrayBuffer }, name: string, range?: DisplayRange): Promise<void> {
    const nv = this.#require();
    const image = await imageFromPair(pair, range, range);
    this.#frames.batched(() => {
      // The drawing belongs to the old grid: drop it before the new volume arrives.
      if (nv.drawBitmap) nv.closeDrawing();
      for (const old of [...nv.volumes]) nv.removeVolume(old);
      nv.addVolume(image);
      nv.setSliceType(SLICE_TYPE.MULTIPLANAR);
      // On a voxel's centre: halfway between two slices (the middle of an even count) NiiVue
      // shows and paints one of them, and world-to-voxel rounding elsewhere may pick the other.
      nv.scene.crosshairPos = nv.vox2frac(nv.frac2vox(nv.scene.crosshairPos));
    });
    if (range) void measureRangeLater(image as never, () => nv.volumes[0] === image);
    this.#name = name;
    this.#crosshair = null;
    this.#windowChanged();
  }

  /** Draw a small blank volume once before any case is shown (gl-warm-up.ts); nothing of it is reported. */
  async warmUp(pair: { header: ArrayBuffer; image: ArrayBuffer }): Promise<void> {
    if (await this.#warmUp?.run(pair)) this.#frames.drawNextFrame();
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
    this.#windowChanged();
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
    this.#nv?.refreshDrawing(false); // the whole drawing compared once more: a stroke's uploads compared its plane only
    // NiiVue also says its drawing changed when a label map is set: only a real stroke is an edit.
    if (!diff) return;
    this.#emitDiff(diff, 'after');
    this.onStroke?.(diff);
    this.#onLabelsChange?.();
  }

  /** Tell onLabelDiff about a change, in native voxel indices (the drawing's are RAS-ordered). */
  #emitDiff(diff: LabelDiff, side: 'before' | 'after'): void {
    const mapping = this.onLabelDiff ? rasMapping(this.#nv) : null;
    if (!mapping) return;
    const toNative = rasToNativeIndexer(mapping);
    this.onLabelDiff!({ indices: Uint32Array.from(diff.indices, toNative), before: diff.before, after: diff.after }, side);
  }

  /**
   * Change label values by native voxel index; returns the diff (null when nothing changed).
   * The drawing is redrawn once per animation frame however many edits arrive.
   */
  editLabels(edit: (labels: LabelAccess) => void): LabelDiff | null {
    const diff = this.#labels.edit(this.#require(), edit);
    if (diff) this.#emitDiff(diff, 'after');
    return diff;
  }

  /** Apply a diff's `before` (undo) or `after` (redo) values. */
  applyDiff(diff: LabelDiff, side: 'before' | 'after'): void {
    this.#labels.applyDiff(this.#require(), diff, side);
    this.#emitDiff(diff, side);
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

  /** The window last asked for: the one shown, or the next one while its colours are computed. */
  windowWanted(): DisplayRange | null {
    return this.#window.wanted();
  }

  /** Show the volume with this intensity window (also what the model will see). */
  setDisplayRange(range: DisplayRange): void {
    this.#window.set(this.#require(), this.#colours, range);
    this.#windowDrag?.update();
  }

  /** A right-drag's window: while it moves only the slices shown are recoloured (not under a 3D view), all of them once it ends. */
  #dragWindow(range: DisplayRange, live: boolean): void {
    const nv = this.#require();
    if (!live || this.renderOnScreen || !this.#window.preview(nv, this.#colours, range)) this.setDisplayRange(range);
  }

  /** Zoom in or out about the pointer (else the crosshair), or show the whole slices again. */
  navigate(action: ViewAction): void {
    this.#navigation?.act(action);
  }

  /** Radiological convention (patient left on screen right; sagittal nose left) or neurological. */
  setRadiological(on: boolean): void {
    const nv = this.#require();
    if (nv.opts.isRadiologicalConvention === on) return;
    // Read at each draw: no volume update needed (NiiVue's setRadiologicalConvention recolours the volume).
    nv.opts.isRadiologicalConvention = on;
    nv.opts.sagittalNoseLeft = on;
    this.#frames.drawNextFrame();
  }

  setCrosshairVisible(on: boolean): void {
    this.#crosshairLine?.setVisible(on);
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
  /** Whether a 3D render is on screen now. */
  get renderOnScreen(): boolean {
    return this.#tiles.renderOnScreen;
  }

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
    const first = this.#nv?.volumes[0];
    const image = first && first !== this.#warmUp?.image ? first : undefined;
    const dims = image?.hdr?.dims;
    const pixDims = image?.hdr?.pixDims;
    return {
      ready: this.#nv !== null,
      volumeCount: image ? this.#nv!.volumes.length : 0,
      name: image ? this.#name : null,
      dims: dims ? vec3(dims.slice(1, 4)) : null,
      spacing: pixDims ? vec3(pixDims.slice(1, 4)) : null,
      crosshair: this.#crosshair,
      canvasSize: [this.#canvas?.width ?? 0, this.#canvas?.height ?? 0],
      display: this.#display,
      colourVolumes: this.#colours?.counts() ?? { cpu: 0, niivue: 0, inWorker: 0, shownOnly: 0, shownFirst: 0 },
      colouring: this.#colours?.working ?? false,
      drawingVoxelsUploaded: this.#drawingUploads.uploadedVoxels,
      view: {
        zoom: this.#navigation?.zoom ?? 1,
        pan: this.#navigation?.pan ?? [0, 0, 0],
        radiological: this.#nv?.opts.isRadiologicalConvention ?? true,
        crosshair: this.#crosshairLine?.visible ?? true,
        crosshairMm: this.crosshairMm(),
      },
    };
  }

  dispose(): void {
    this.#listeners.abort();
    this.#prompts?.dispose();
    this.#prompts = null;
    this.#navigation?.dispose();
    this.#navigation = null;
    this.#windowDrag?.dispose();
    this.#windowDrag = null;
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
