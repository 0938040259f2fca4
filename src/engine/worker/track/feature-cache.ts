/**
 * A tracker's image features per slice. The encoder is the expensive graph, so the features
 * of the last few slices used are kept (the least recently used goes first), and the
 * encoder's input buffer is reused from run to run.
 */
import type { FrameFeatures, Sam2Graphs } from '../graphs.ts';
import { sliceToModelInput, type IntensityWindow } from '../image/preprocess.ts';
import type { SliceAxis } from '../../protocol.ts';
import type { Vec3, VoxelArray } from '../../../shared/volume.ts';
import { extractSlice, sliceGeometry } from '../../slices.ts';

export interface TrackerVolume {
  data: VoxelArray;
  dims: Vec3;
}

/** The normalisation of the encoder input (the model's pixel mean and std). */
export interface EncoderNormalisation {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

export class FeatureCache {
  private readonly features = new Map<string, FrameFeatures>();
  /**
   * Scratch reused across encoder runs: lent to one run at a time and taken back when it has
   * resolved; while lent, a concurrent call allocates its own.
   */
  private pixels: Float32Array | null = null;
  private pixelsLent = false;

  /** `graphs` is read at each use: the tracker may swap them (see Tracker.replaceGraphs). */
  constructor(
    private readonly graphs: () => Sam2Graphs,
    private readonly volume: TrackerVolume,
    private window: IntensityWindow,
    private readonly normalisation: EncoderNormalisation,
    private readonly cacheSize: number,
  ) {}

  setWindow(window: IntensityWindow): void {
    if (window.min === this.window.min && window.max === this.window.max) return;
    this.window = { ...window };
    this.clear();
  }

  clear(): void {
    for (const f of this.features.values()) f.dispose();
    this.features.clear();
  }

  /** Bytes of the cached features. */
  bytes(): number {
    const s = this.graphs().imageSize;
    const perSlice = 4 * (32 * (s / 4) ** 2 + 64 * (s / 8) ** 2 + 3 * 256 * (s / 16) ** 2);
    return this.features.size * perSlice;
  }

  async of(axis: SliceAxis, slice: number): Promise<FrameFeatures> {
    const key = `${axis}:${slice}`;
    const hit = this.features.get(key);
    if (hit) {
      this.features.delete(key);
      this.features.set(key, hit); // most recently used last
      return hit;
    }
    const { width, height } = sliceGeometry(this.volume.dims, axis);
    const s = this.graphs().imageSize;
    const lend = !this.pixelsLent;
    let into: Float32Array | undefined;
    if (lend) {
      if (this.pixels === null || this.pixels.length !== 3 * s * s) this.pixels = new Float32Array(3 * s * s);
      into = this.pixels;
      this.pixelsLent = true;
    }
    let f: FrameFeatures;
    try {
      const pixels = sliceToModelInput(
        this.slicePixels(axis, slice),
        width,
        height,
        this.window,
        s,
        this.normalisation.mean,
        this.normalisation.std,
        into,
      );
      f = await this.graphs().encodeImage(pixels);
    } finally {
      if (lend) this.pixelsLent = false;
    }
    this.features.set(key, f);
    while (this.features.size > this.cacheSize) {
      const oldest = this.features.keys().next().value as string;
      this.features.get(oldest)!.dispose();
      this.features.delete(oldest);
    }
    return f;
  }

  /**
   * The slice's voxels as sliceToModelInput reads them (as float32, the values extractSlice
   * gives): along axis 2 a slice is contiguous in the volume and is read in place.
   */
  private slicePixels(axis: SliceAxis, slice: number): ArrayLike<number> {
    const [nx, ny] = this.volume.dims;
    const { count } = sliceGeometry(this.volume.dims, axis);
    if (axis !== 2 || !Number.isInteger(slice) || slice < 0 || slice >= count) return extractSlice(this.volume.data, this.volume.dims, axis, slice);
    const base = nx * ny * slice;
    return this.volume.data.subarray(base, base + nx * ny);
  }
}
