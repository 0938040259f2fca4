/**
 * The one place that talks to NiiVue. It ties a Niivue instance to a canvas,
 * shows one volume at a time in a multiplanar view with a crosshair, and
 * reports read-only state. Volumes arrive as NIfTI-1 bytes (the app encodes
 * them with io's writer), so NiiVue sees exactly the geometry a label will get.
 */
import { Niivue, NVImage, SHOW_RENDER, SLICE_TYPE } from '@niivue/niivue';
import type { Vec3 } from '../shared/volume.ts';
import { nativeToRas, rasToNative, type RasMapping } from './label-layer.ts';

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
  #onLabelsChange: (() => void) | null = null;

  /** Called after the user changes the label map (draws, erases, undoes). */
  set onLabelsChange(callback: (() => void) | null) {
    this.#onLabelsChange = callback;
  }

  /** Called after a volume is shown or the crosshair moves. */
  set onChange(callback: (() => void) | null) {
    this.#onChange = callback;
  }

  /** Attach to a canvas whose parent element decides its size. */
  async attach(canvas: HTMLCanvasElement): Promise<void> {
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
    nv.addEventListener('drawingChanged', () => this.#onLabelsChange?.(), { signal: this.#listeners.signal });
    await nv.attachToCanvas(canvas, false);
    this.#nv = nv;
    this.#canvas = canvas;
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
    // The drawing belongs to the old grid: drop it before the new volume arrives.
    if (nv.drawBitmap) nv.closeDrawing();
    for (const old of [...nv.volumes]) nv.removeVolume(old);
    nv.addVolume(image);
    nv.setSliceType(SLICE_TYPE.MULTIPLANAR);
    this.#name = name;
    this.#crosshair = null;
    nv.drawScene();
    this.#onChange?.();
  }

  /** Show nothing. */
  clear(): void {
    const nv = this.#nv;
    if (!nv) return;
    if (nv.drawBitmap) nv.closeDrawing();
    for (const old of [...nv.volumes]) nv.removeVolume(old);
    this.#name = null;
    this.#crosshair = null;
    nv.drawScene();
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
    if (!nv.drawBitmap || nv.drawBitmap.length !== voxels) nv.createEmptyDrawing();
    nv.drawBitmap = labels ? nativeToRas(labels, mapping) : new Uint8Array(voxels);
    nv.drawUndoBitmaps = [];
    nv.refreshDrawing(true);
  }

  /** The label layer in the shown volume's own voxel order, or null when there is none. */
  labels(): Uint8Array | null {
    const nv = this.#nv;
    const mapping = this.#mapping();
    if (!nv?.drawBitmap || !mapping) return null;
    // A drawing left from another grid is no label map of this volume.
    if (nv.drawBitmap.length !== mapping.dimsRAS[1]! * mapping.dimsRAS[2]! * mapping.dimsRAS[3]!) return null;
    return rasToNative(nv.drawBitmap, mapping);
  }

  /** Colours of the label values (others stay transparent). */
  setLabelColors(colors: readonly LabelColor[], opacity = 0.6): void {
    const nv = this.#require();
    const lut = new Uint8ClampedArray(256 * 4);
    for (const { value, color } of colors) {
      if (value < 1 || value > 255) continue;
      lut.set([color[0], color[1], color[2], 255], value * 4);
    }
    nv.drawLut = { ...nv.drawLut, lut, min: 0, max: 255 };
    // Only the drawing texture needs the new colours; updateGLVolume would rebuild the
    // background volume and its gradients too (hundreds of ms on a software GL).
    nv.drawOpacity = opacity;
    if (nv.drawBitmap) nv.refreshDrawing(true);
    else nv.drawScene();
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

  /** Undo the last drawing stroke. */
  undoDrawing(): void {
    this.#require().drawUndo();
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
    };
  }

  dispose(): void {
    this.#listeners.abort();
    this.#nv?.cleanup();
    this.#nv = null;
    this.#canvas = null;
  }

  #require(): Niivue {
    if (!this.#nv) throw new Error('ViewerController.attach() has not finished');
    return this.#nv;
  }
}
