/** View models the components render. Plain data; the app layer fills them. */
import type { CaseStatus, Rgb } from '../shared/cohort.ts';
import type { SourceFormat, Vec3 } from '../shared/volume.ts';

export type VolumeItemStatus = 'idle' | 'loading' | 'shown' | 'failed';

/** A volume found in what the user opened. */
export interface VolumeItem {
  id: string;
  name: string;
  kind: SourceFormat;
  fileCount: number;
  /** Known once the scan or a load has told us. */
  dims?: Vec3;
  status: VolumeItemStatus;
  /** Where the case stands in the cohort queue. */
  caseStatus: CaseStatus;
  /** Why it was skipped or failed. */
  reason?: string;
}

/** Counts shown over the case list. */
export interface QueueCounts {
  total: number;
  done: number;
  skipped: number;
  failed: number;
  remaining: number;
}

/** An object (label) of the open case, as the tool bar lists it. */
export interface ObjectItem {
  labelValue: number;
  name: string;
  color: Rgb;
}

export type DrawTool = 'off' | 'pen' | 'erase';

/** What the annotation tools can do right now. */
export interface ToolState {
  /** A case is open (drawing and saving make sense). */
  caseOpen: boolean;
  /** Outputs are written into the opened folder (false: offered as downloads). */
  writable: boolean;
  tool: DrawTool;
  objects: ObjectItem[];
  activeLabel: number;
  /** Unsaved changes in the open case. */
  dirty: boolean;
  /** Outputs live in this browser's private storage (the demo) and can be downloaded. */
  downloadable: boolean;
}

/** A file that was not used, and why. */
export interface SkippedItem {
  path: string;
  code: string;
  reason: string;
}

/** Work in progress: drives the progress bar and the Cancel button. */
export interface BusyState {
  label: string;
  done: number;
  /** 0 when the total is not known yet (indeterminate bar). */
  total: number;
}

export type MessageLevel = 'info' | 'warning' | 'error';

export interface StatusMessage {
  id: number;
  level: MessageLevel;
  text: string;
  /** For problems with a file: which file, and why. */
  file?: string;
  reason?: string;
}

export type PromptToolName = 'box' | 'positive' | 'negative' | 'fill';
export type PropagationModeName = 'between' | 'forward' | 'backward' | 'until-end' | 'all';

/** Prompting, propagation, undo and the model, for the annotation bar. */
export interface AnnotationState {
  promptTool: PromptToolName | null;
  canUndo: boolean;
  canRedo: boolean;
  models: { id: string; name: string }[];
  modelId: string | null;
  /** 'WebGPU', 'WASM × 4', or null before the model is loaded. */
  device: string | null;
  /** The active object is locked (propagation and brushing leave it alone). */
  activeLocked: boolean;
  windowPresets: { id: string; name: string }[];
  /** The preset in use, or 'custom' after a right-drag. */
  windowPreset: string;
  /** Brush and eraser size in voxels. */
  penSize: number;
  layout: 'axial' | 'coronal' | 'sagittal' | 'multiplanar' | 'render';
  /** Label layer opacity 0–1 and outline mode. */
  opacity: number;
  outline: boolean;
  /** Radiological convention (patient left on screen right), else neurological; the crosshair shown. */
  radiological: boolean;
  crosshair: boolean;
  /** MR bias-field correction (N4) of the open case. */
  n4: N4State;
}

/** N4 of the open case: off, running (progress in the status bar), on, or failed; the preset; the image shown. */
export interface N4State {
  status: 'off' | 'running' | 'on' | 'failed';
  preset: 'default' | 'fast';
  shown: 'original' | 'corrected';
}

/** Shown after a save: per-object volumes, and the 3D render is on. */
export interface SaveSummary {
  caseName: string;
  written: string[];
  /** A 3D view of the labels is on screen (the text then says how to turn it). */
  render3d?: boolean;
  rows: { labelValue: number; name: string; color: Rgb; voxels: number; mm3: number; ml: number }[];
}

/** Per-slice confidence of the active object along its axis (the confidence strip). */
export interface ConfidenceStrip {
  object: number;
  axis: 0 | 1 | 2;
  plane: string;
  count: number;
  current: number;
  /** Per slice: predicted IoU and object score, or null where the engine has not run. */
  slices: ({ iou: number; objectScore: number } | null)[];
  /** Per slice: the object has voxels there in the label map (saved, drawn or segmented). */
  labelled: boolean[];
}

/** An object as the objects panel lists it. */
export interface ObjectRow {
  labelValue: number;
  name: string;
  color: Rgb;
  visible: boolean;
  locked: boolean;
  /** Slices with prompts (axis, slice index, plane name). */
  prompted: { axis: 0 | 1 | 2; slice: number; plane: string; mask: boolean }[];
}

/** "About this device": what the browser offers and what the app chose. */
export interface AboutInfo {
  rows: { label: string; value: string; ok: boolean | null }[];
  model: string;
  reason: string;
}
