/**
 * RescaleSlope/Intercept, slice by slice (they may differ per slice). Identity
 * keeps the stored type; integer scales keep the stored type when the results
 * fit it, else the narrowest integer type that holds them (never narrower than
 * stored); anything else becomes float32. Same-size conversions run in place.
 */
import { fittingType } from '../rescale.ts';
import { scaleInto } from './kernels.ts';
import { BYTES_PER_VOXEL, newVoxelArray, type VoxelArray, type VoxelType } from '../../shared/volume.ts';

export interface SliceScale {
  slope: number;
  intercept: number;
  /** Smallest and largest stored value in the slice. */
  min: number;
  max: number;
}

function viewOf(type: VoxelType, buffer: ArrayBufferLike, byteOffset: number, length: number): VoxelArray {
  switch (type) {
    case 'int8': return new Int8Array(buffer, byteOffset, length);
    case 'uint8': return new Uint8Array(buffer, byteOffset, length);
    case 'int16': return new Int16Array(buffer, byteOffset, length);
    case 'uint16': return new Uint16Array(buffer, byteOffset, length);
    case 'int32': return new Int32Array(buffer, byteOffset, length);
    case 'uint32': return new Uint32Array(buffer, byteOffset, length);
    case 'float32': return new Float32Array(buffer, byteOffset, length);
    case 'float64': return new Float64Array(buffer, byteOffset, length);
  }
}

/** The output type for these per-slice scales. */
export function rescaledType(storedType: VoxelType, scales: readonly SliceScale[]): VoxelType {
  if (scales.every((s) => s.slope === 1 && s.intercept === 0)) return storedType;
  if (!scales.every((s) => Number.isInteger(s.slope) && Number.isInteger(s.intercept))) return 'float32';
  let lo = Infinity, hi = -Infinity;
  for (const s of scales) {
    const a = s.min * s.slope + s.intercept, b = s.max * s.slope + s.intercept;
    lo = Math.min(lo, a, b);
    hi = Math.max(hi, a, b);
  }
  return fittingType(storedType, lo, hi);
  return 'float32';
}

/** Apply per-slice scales (slice k covers voxels [k·sliceLength, (k+1)·sliceLength)). */
export function rescaleVolume(
  stored: VoxelArray, storedType: VoxelType, sliceLength: number, scales: readonly SliceScale[],
): { data: VoxelArray; datatype: VoxelType } {
  const datatype = rescaledType(storedType, scales);
  if (scales.every((s) => s.slope === 1 && s.intercept === 0)) return { data: stored, datatype };
  const inPlace = BYTES_PER_VOXEL[datatype] <= stored.BYTES_PER_ELEMENT;
  const out = inPlace
    ? viewOf(datatype, stored.buffer, stored.byteOffset, stored.length)
    : newVoxelArray(datatype, stored.length);
  // Forward order: an in-place write at index i only touches bytes of stored voxels ≤ i, already read.
  scales.forEach((s, k) => {
    if (s.slope === 1 && s.intercept === 0 && out.buffer === stored.buffer && out.constructor === stored.constructor) return;
    scaleInto(out, stored, k * sliceLength, (k + 1) * sliceLength, s.slope, s.intercept);
  });
  const narrowed = BYTES_PER_VOXEL[datatype] < stored.BYTES_PER_ELEMENT;
  return { data: narrowed ? out.slice() : out, datatype };
}
