/**
 * The engine's worker API: what the main thread may ask the SAM2 worker, as plain data.
 * The worker does `Comlink.expose(api)`, the client does `Comlink.wrap<EngineApi>()`
 * (src/engine/client/). Typed arrays are transferred, not copied, where the caller gives
 * them up. Long calls carry a request id; `cancel(id)` stops them between slices.
 */
import type { VoxelArray, Vec3 } from '../shared/volume.ts';

/** Voxel axis the slices are taken along: 0 = i (sagittal for RAS data), 1 = j, 2 = k (axial). */
export type SliceAxis = 0 | 1 | 2;

/** Which runtime runs the graphs. */
export type EngineDevice = 'webgpu' | 'wasm';

/** Intensity window the user sees: values ≤ min are black, ≥ max white. The model sees the same. */
export interface EngineWindow {
  min: number;
  max: number;
}

/**
 * A point on a slice, in slice pixels: for axis 2, x = i and y = j; axis 1: x = i, y = k;
 * axis 0: x = j, y = k (voxel indices, pixel centres at integers).
 */
export interface SlicePoint {
  x: number;
  y: number;
  /** true: the object is here; false: it is not. */
  positive: boolean;
}

export interface SliceBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Every prompt on one slice for one object (the whole set: it replaces what was there). */
export interface SlicePrompt {
  box?: SliceBox | null;
  points?: SlicePoint[];
}

/** The case volume the engine segments. `data` is transferred. */
export interface EngineVolume {
  /** Identifies the case; a new id clears every object. */
  id: string;
  data: VoxelArray;
  dims: Vec3;
}

export type PropagationMode =
  /** The slices between the object's first and last prompted slice. */
  | 'between'
  /** From `from` to the last slice (increasing index). */
  | 'forward'
  /** From `from` to slice 0 (decreasing index). */
  | 'backward'
  /** Between the prompts, then outward both ways until the object is absent for `stopAfterEmpty` slices. */
  | 'until-end'
  /** Between the prompts, then outward to both ends of the volume. */
  | 'all';

export interface PropagateRequest {
  /** Objects (label values) to propagate; all objects with prompts on `axis` when left out. */
  objects?: number[];
  axis: SliceAxis;
  mode: PropagationMode;
  /** Start slice for 'forward' / 'backward'. */
  from?: number;
  /** 'until-end': consecutive slices with object score ≤ 0 before a direction stops (default 2). */
  stopAfterEmpty?: number;
}

/** One object's result on one slice. */
export interface SliceResult {
  object: number;
  axis: SliceAxis;
  slice: number;
  /** Slice width and height in pixels (see SlicePoint for the axes). */
  width: number;
  height: number;
  /** 1 inside the object, 0 outside; width × height, row-major (y rows of x). */
  mask: Uint8Array;
  /** Predicted IoU of the mask (the model's own confidence). */
  iou: number;
  /** Object-score logit: ≤ 0 means the model finds no object on this slice. */
  objectScore: number;
  /** Where the result came from: a prompt or a corrected mask on that slice, or tracking. */
  source: 'prompt' | 'mask' | 'tracked';
}

export interface EngineProgress {
  /** 'check': model files from disk being verified (importModel). */
  phase: 'download' | 'check' | 'session' | 'propagate';
  done: number;
  total: number;
  /** Free text for the status bar, e.g. a file name. */
  detail?: string;
  /** 'propagate': seconds left from the graph times measured in this run (null until measured). */
  secondsLeft?: number | null;
}

export interface PropagateSummary {
  /** Slices processed per object (prompted slices included). */
  slices: number;
  cancelled: boolean;
  /** Per object and direction, the slice where an 'until-end' pass stopped (null: it reached the edge). */
  stops: { object: number; direction: 'forward' | 'reverse'; stoppedAfter: number | null }[];
  device: EngineDevice;
  /** Set when WebGPU failed during the call and the rest ran on WASM. */
  fellBackToWasm: boolean;
}

export interface EngineInfo {
  device: EngineDevice | null;
  /** Why WebGPU was not used (no adapter, no shader-f16 for an fp16 model, a failed session). */
  webgpuUnavailable?: string;
  threads: number;
  model: string | null;
}

export interface LoadEngineModelOptions {
  /**
   * 'auto' (default): WebGPU when a hardware adapter exists, else WASM (a software adapter such
   * as SwiftShader is slower than WASM). 'webgpu' takes any adapter, software too (tests).
   */
  device?: 'auto' | EngineDevice;
  /** Base URL for relative model paths (the page's URL). */
  baseURI: string;
}

/** One model file the user picked (importModel), its path relative to what was picked. */
export interface PickedModelFile {
  path: string;
  file: Blob;
}

/** A model imported from disk: its manifest JSON (for loadModel) and what the model list shows. */
export interface ImportedModelInfo {
  manifest: unknown;
  id: string;
  name: string;
  bytes: number;
}

/** Progress callbacks cross the boundary as Comlink proxies. */
export type ProgressCallback = (p: EngineProgress) => void;
export type SliceCallback = (results: SliceResult[]) => void | Promise<void>;

export interface EngineApi {
  /** Validates the manifest JSON, downloads (or reads from cache) the files and creates the sessions. */
  loadModel(manifestJson: unknown, options: LoadEngineModelOptions, requestId: number, onProgress?: ProgressCallback): Promise<EngineInfo>;
  info(): Promise<EngineInfo>;
  /**
   * Check picked files (a model folder or its files) as a download is checked, plus the
   * manifest and each graph's interface, and keep them in the model cache, so loadModel of
   * the answered manifest needs no network. Rejects with a ModelImportError naming the file.
   */
  importModel(files: PickedModelFile[], options: { baseURI: string }, requestId: number, onProgress?: ProgressCallback): Promise<ImportedModelInfo>;
  /** Hand the case volume to the engine (clears all objects when the id changes). */
  setVolume(volume: EngineVolume): Promise<void>;
  /** The window the user sees; cached image features are dropped when it changes. */
  setWindow(window: EngineWindow): Promise<void>;
  /** Prompts on one slice for one object: segments that slice and makes it a conditioning slice. */
  addPrompt(object: number, axis: SliceAxis, slice: number, prompt: SlicePrompt, requestId: number): Promise<SliceResult>;
  /** A mask drawn or corrected by hand becomes a conditioning slice for later propagation. */
  addMask(object: number, axis: SliceAxis, slice: number, mask: Uint8Array, requestId: number): Promise<SliceResult>;
  /** Remove the prompts (and the conditioning) of one slice. */
  clearSlice(object: number, slice: number): Promise<void>;
  removeObject(object: number): Promise<void>;
  propagate(request: PropagateRequest, requestId: number, onSlices: SliceCallback, onProgress?: ProgressCallback): Promise<PropagateSummary>;
  cancel(requestId: number): Promise<void>;
  /** Test hook: make the next WebGPU graph run fail as a lost device would. */
  simulateDeviceLoss(): Promise<void>;
  /** Bytes the engine holds for tracking state (stored memories, pointers, masks, cached features). */
  memoryBytes(): Promise<number>;
}
