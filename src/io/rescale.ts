/**
 * Applying a linear intensity scale (NIfTI scl_slope/scl_inter, DICOM
 * RescaleSlope/Intercept). Integer scales whose result fits an integer type
 * keep integers (CT in HU stays int16); anything else becomes float32.
 */
import { BYTES_PER_VOXEL, newVoxelArray, type VoxelArray, type VoxelType } from '../shared/volume.ts';

/** Whether (slope, intercept) changes anything. */
export function isIdentityScale(slope: number, intercept: number): boolean {
  return slope === 1 && intercept === 0;
}

/** The type that holds data·slope + intercept without loss (never narrower than stored). */
export function scaledType(type: VoxelType, data: VoxelArray, slope: number, intercept: number): VoxelType {
  if (!Number.isInteger(slope) || !Number.isInteger(intercept) || type === 'float32' || type === 'float64') {
    return type === 'float64' ? 'float64' : 'float32';
  }
  let lo = Infinity, hi = -Infinity;
  for (let idx = 0; idx < data.length; idx++) {
    const v = data[idx]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (data.length === 0) { lo = 0; hi = 0; }
  const a = lo * slope + intercept, b = hi * slope + intercept;
  const min = Math.min(a, b), max = Math.max(a, b);
  return fittingType(type, min, max);
}

/** data·slope + intercept in the smallest fitting type (a new array unless identity). */
export function applyScale(type: VoxelType, data: VoxelArray, slope: number, intercept: number): { type: VoxelType; data: VoxelArray } {
  if (isIdentityScale(slope, intercept)) return { type, data };
  const outType = scaledType(type, data, slope, intercept);
  const out = outType === type ? data : newVoxelArray(outType, data.length);
  for (let idx = 0; idx < data.length; idx++) out[idx] = data[idx]! * slope + intercept;
  return { type: outType, data: out };
}

const INT_RANGES: ReadonlyArray<[VoxelType, number, number]> = [
  ['uint8', 0, 255], ['int8', -128, 127], ['uint16', 0, 65535], ['int16', -32768, 32767],
  ['uint32', 0, 4294967295], ['int32', -2147483648, 2147483647],
];

/**
 * The integer type for scaled values in [min, max]: the stored type when they
 * fit, else the other signedness of the same width, else the narrowest wider
 * type; float32 when no integer type holds them. Never narrower than stored,
 * so a 16-bit series stays 16-bit (as the file had it).
 */
export function fittingType(stored: VoxelType, min: number, max: number): VoxelType {
  const width = BYTES_PER_VOXEL[stored];
  const fits = ([, lo, hi]: [VoxelType, number, number]) => min >= lo && max <= hi;
  const own = INT_RANGES.find(([t]) => t === stored);
  if (own && fits(own)) return stored;
  for (const r of INT_RANGES) if (BYTES_PER_VOXEL[r[0]] >= width && fits(r)) return r[0];
  return 'float32';
}
