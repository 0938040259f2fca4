/**
 * The N4 worker's API: what the main thread may ask it, as plain data. The worker does
 * `Comlink.expose(new N4Service())` (worker/n4-worker.ts), the client does
 * `Comlink.wrap<N4WorkerApi>()` (client.ts). The volume's voxels and the results are
 * transferred, not copied. A run carries a request id; `cancel(id)` stops it between
 * iterations.
 */
import type { VoxelArray, Vec3 } from '../shared/volume.ts';
import type { N4Options, N4Preset, N4Progress, N4Result } from './n4/index.ts';

export type { N4LevelReport, N4Options, N4Preset, N4Progress } from './n4/index.ts';

/** The image to correct: a Volume's voxels and grid (anything Volume has beyond these is not needed). */
export interface N4Volume {
  data: VoxelArray;
  dims: Vec3;
  /** Informative only: N4 fits its B-spline in voxel (parametric) coordinates, as ITK does. */
  spacing?: Vec3;
  /** Foreground to fit on (≠ 0), same grid; Otsu's threshold decides when absent. */
  mask?: Uint8Array | null;
}

export interface N4CorrectOptions extends Partial<N4Options> {
  /** 'default' (ITK's 4 × 50 iterations) or 'fast' (4 × 4); explicit options override it. */
  preset?: N4Preset;
  /** Also return the full-resolution bias field (default true). */
  includeField?: boolean;
}

/**
 * What a run returns (N4Result less the lattice): `corrected` (original / field, float32,
 * on the volume's grid), `field` (multiplicative, null unless asked for), per-level
 * iterations and convergence, and `options` with the defaults filled in (a cache key).
 */
export interface N4CorrectResult extends Omit<N4Result, 'lattice'> {
  /** Wall time of the run inside the worker. */
  elapsedMs: number;
}

export type N4ProgressCallback = (progress: N4Progress) => void;

export interface N4WorkerApi {
  /** Runs N4 on the volume. Rejects with an Error named 'AbortError' when cancelled. */
  correct(volume: N4Volume, options: N4CorrectOptions, requestId: number, onProgress?: N4ProgressCallback): Promise<N4CorrectResult>;
  /** Stops run `requestId` at its next iteration (or before it starts). */
  cancel(requestId: number): Promise<void>;
}
