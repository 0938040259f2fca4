/**
 * The I/O worker's API: what `io-worker.ts` exposes through Comlink and what
 * `client.ts` wraps. Everything crossing the boundary is plain data; voxel
 * buffers are transferred, never copied; errors travel as `IoErrorData`.
 */
import type { VolumeErrorCode } from '../../shared/errors.ts';
import type { SourceFormat, Vec3, Volume } from '../../shared/volume.ts';
import type { VolumeSource } from '../scan.ts';

/**
 * One file the user opened. A `File` clones cheaply into the worker (the
 * bytes stay on disk); `path` is relative to what was opened, '/' separated.
 */
export interface ScanInput {
  path: string;
  file: File;
}

/** Progress of one long call, as plain data. */
export interface IoProgress {
  phase: 'walk' | 'scan' | 'load';
  done: number;
  total: number;
}

export type IoProgressCallback = (progress: IoProgress) => void;

/** A volume the scan found, stripped to what the main thread needs. */
export interface VolumeSummary {
  /** Stable for the lifetime of the worker; pass it to `load`. */
  id: string;
  kind: SourceFormat;
  name: string;
  /** How many files the volume is read from (1 for NIfTI, slices for DICOM). */
  fileCount: number;
  /** Voxels along i, j, k, from the headers. */
  dims: Vec3;
}

/** A file the scan could not use, and why. */
export interface SkippedFile {
  path: string;
  code: string;
  reason: string;
}

export interface ScanResult {
  volumes: VolumeSummary[];
  skipped: SkippedFile[];
  /** The scanned volumes as the cohort needs them (DICOM series without their per-file headers). */
  sources: VolumeSource[];
}

export interface FolderScanOptions {
  /** Top-level folders not to walk (the output folder). */
  skipFolders: string[];
}

/** A label map on a scanned volume's grid, in its own voxel order. */
export type LabelArray = Uint8Array | Uint16Array;

export type IoErrorCode =
  | VolumeErrorCode
  /** `load` was given an id this worker has not scanned. */
  | 'unknown-volume'
  /** The call was cancelled; the client turns this into an AbortError. */
  | 'cancelled'
  /** Anything that is not a VolumeError: a bug, or the browser running out of memory. */
  | 'internal';

/** A failure as plain data (Error subclasses lose their fields in structured clone). */
export interface IoErrorData {
  code: IoErrorCode;
  /** The file the failure is about, or the volume name when no single file is to blame. */
  file: string;
  reason: string;
  message: string;
}

/**
 * The object the worker exposes. `requestId` is chosen by the client so that
 * `cancel` can name a call that is still running.
 */
export interface IoWorkerApi {
  /** Group files into volumes by reading headers only. Forgets the previous scan. */
  scan(requestId: number, inputs: ScanInput[], onProgress?: IoProgressCallback): Promise<ScanResult>;
  /** Walk a folder (File System Access handle) here in the worker, then scan it like `scan`. */
  scanFolder(requestId: number, root: FileSystemDirectoryHandle, options: FolderScanOptions, onProgress?: IoProgressCallback): Promise<ScanResult>;
  /** A label map for a loaded volume as .nii.gz bytes with that volume's geometry (compressed here). */
  encodeLabel(requestId: number, id: string, labels: LabelArray): Promise<Uint8Array>;
  /** Read a label .nii.gz written for a loaded volume; refuses one whose grid differs. */
  decodeLabel(requestId: number, id: string, bytes: Uint8Array, path: string): Promise<LabelArray>;
  /** Read one scanned volume's voxels; `data.buffer` is transferred to the caller. */
  load(requestId: number, id: string, onProgress?: IoProgressCallback): Promise<Volume>;
  /** Make the named call fail fast: its remaining file reads reject. */
  cancel(requestId: number): void;
}

export function isIoErrorData(value: unknown): value is IoErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.file === 'string' && typeof v.reason === 'string';
}
