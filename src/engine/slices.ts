/**
 * Slices of a volume along a voxel axis, as the engine sees them. Slice pixel (x, y):
 * axis 2 → (i, j), axis 1 → (i, k), axis 0 → (j, k) — the same convention as SlicePoint.
 */
import type { SliceAxis } from './protocol.ts';
import type { Vec3, VoxelArray } from '../shared/volume.ts';

export interface SliceGeometry {
  width: number;
  height: number;
  count: number;
}

export function sliceGeometry(dims: Vec3, axis: SliceAxis): SliceGeometry {
  const [nx, ny, nz] = dims;
  if (axis === 2) return { width: nx, height: ny, count: nz };
  if (axis === 1) return { width: nx, height: nz, count: ny };
  return { width: ny, height: nz, count: nx };
}

/** Voxel index of slice pixel (x, y) on slice `s`. */
export function voxelIndex(dims: Vec3, axis: SliceAxis, s: number, x: number, y: number): number {
  const [nx, ny] = dims;
  if (axis === 2) return x + nx * (y + ny * s);
  if (axis === 1) return x + nx * (s + ny * y);
  return s + nx * (x + ny * y);
}

/** The slice's raw values as Float32 (width × height, rows of x). */
export function extractSlice(data: VoxelArray, dims: Vec3, axis: SliceAxis, s: number): Float32Array {
  const { width, height, count } = sliceGeometry(dims, axis);
  if (!Number.isInteger(s) || s < 0 || s >= count) throw new RangeError(`slice ${s} is outside 0…${count - 1} on axis ${axis}`);
  const out = new Float32Array(width * height);
  const [nx, ny] = dims;
  if (axis === 2) {
    const base = nx * ny * s;
    for (let p = 0; p < out.length; p++) out[p] = Number(data[base + p]);
    return out;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = Number(data[voxelIndex(dims, axis, s, x, y)]);
  }
  return out;
}
