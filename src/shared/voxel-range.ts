/**
 * The least and greatest voxel value of a volume's data, remembered per array. The viewer needs
 * them when a case opens; measured on the main thread they cost 0.1–0.2 s for a 512×512×120
 * series on a 2-core laptop (a pass of its own in the worker costs as much, more than the main
 * thread saves), so io's readers measure them slice by slice while the reads are in flight, where
 * they can (io/dicom/series-voxels.ts), and io's client remembers them with the array it hands
 * out. Volumes' data are never changed in place (edits go to label maps), so a remembered range
 * stays true.
 */
import type { VoxelArray } from './volume.ts';

export interface VoxelRange {
  min: number;
  max: number;
}

const known = new WeakMap<VoxelArray, VoxelRange>();

/** One pass over the voxels; [0, 0] for an empty array. NaN cannot be in a volume (io refuses it). */
export function measureVoxelRange(data: VoxelArray): VoxelRange {
  const n = data.length;
  if (n === 0) return { min: 0, max: 0 };
  let min = data[0]!;
  let max = min;
  for (let i = 1; i < n; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { min, max };
}

/** Remember a range measured elsewhere (io's worker) for this array. */
export function rememberVoxelRange(data: VoxelArray, range: VoxelRange): void {
  known.set(data, { min: range.min, max: range.max });
}

/** The array's range where it was remembered, without measuring. */
export function knownVoxelRange(data: VoxelArray): VoxelRange | undefined {
  const range = known.get(data);
  return range ? { ...range } : undefined;
}

/** The array's range: remembered, or measured now and remembered. */
export function voxelRange(data: VoxelArray): VoxelRange {
  let range = known.get(data);
  if (!range) {
    range = measureVoxelRange(data);
    known.set(data, range);
  }
  return range;
}
