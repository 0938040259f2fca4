/**
 * The viewer's public types: what the app passes in (layouts, windows, label colours, draw
 * modes, options) and what it gets back (label diffs, crosshair, state). Type-only;
 * viewer-controller.ts re-exports them all, and the app imports them from there.
 */
import type { Vec3 } from '../shared/volume.ts';

export type ViewLayout = 'axial' | 'coronal' | 'sagittal' | 'multiplanar' | 'render';

/** Zoom in or out about the pointer, or show the whole slices again (zoom 1, no pan). */
export type ViewAction = 'zoom-in' | 'zoom-out' | 'reset-view';

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
   * in the colour worker, the rest on the main thread) and by NiiVue's GPU path; shownOnly:
   * recolourings of the planes on screen only (a window drag); shownFirst: opened volumes
   * shown planes first, their whole volume coloured in the worker after the first frame.
   */
  colourVolumes: { cpu: number; niivue: number; inWorker: number; shownOnly: number; shownFirst: number };
  /** Whether colours for the display are being computed (the screen shows the old ones until then). */
  colouring: boolean;
  /** Label voxels sent to the GPU so far (only changed slices are sent). */
  drawingVoxelsUploaded: number;
  /** How the slices are read: 2D zoom and pan (world mm), the convention, the crosshair shown and where it is. */
  view: { zoom: number; pan: Vec3; radiological: boolean; crosshair: boolean; crosshairMm: Vec3 | null };
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

/** A label value and the colour it is drawn in. */
export interface LabelColor {
  value: number;
  color: [number, number, number];
}

/** What dragging on a slice does. */
export type DrawMode = { kind: 'off' } | { kind: 'pen'; value: number } | { kind: 'erase' };
