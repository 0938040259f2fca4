/**
 * Per-voxel loops for the hot path of loading a series. V8 only optimises a
 * typed-array loop well when one call site sees one array type, so the common
 * cases (16-bit CT and MR) get loops of their own; other types share a
 * generic loop. Keeping BitsStored while scaling 16-bit slices is in
 * kernels-stored16.ts, its packed fast path in kernels-packed.ts.
 */
import type { VoxelArray } from '../../shared/volume.ts';

export interface Range { min: number; max: number }

function rangeInt16(a: Int16Array): Range {
  let min = 32767, max = -32768;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

function rangeUint16(a: Uint16Array): Range {
  let min = 65535, max = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

function rangeAny(a: VoxelArray): Range {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Smallest and largest value ({0, 0} when empty). */
export function rangeOf(a: VoxelArray): Range {
  if (a.length === 0) return { min: 0, max: 0 };
  if (a instanceof Int16Array) return rangeInt16(a);
  if (a instanceof Uint16Array) return rangeUint16(a);
  return rangeAny(a);
}

function scaleInt16(out: Int16Array, src: Int16Array, start: number, end: number, slope: number, intercept: number): void {
  for (let i = start; i < end; i++) out[i] = src[i]! * slope + intercept;
}

function scaleUint16ToInt16(out: Int16Array, src: Uint16Array, start: number, end: number, slope: number, intercept: number): void {
  for (let i = start; i < end; i++) out[i] = src[i]! * slope + intercept;
}

function scaleAny(out: VoxelArray, src: VoxelArray, start: number, end: number, slope: number, intercept: number): void {
  for (let i = start; i < end; i++) out[i] = src[i]! * slope + intercept;
}

/** out[i] = src[i]·slope + intercept for i in [start, end); out may be a view over src's buffer (forward order). */
export function scaleInto(out: VoxelArray, src: VoxelArray, start: number, end: number, slope: number, intercept: number): void {
  if (out instanceof Int16Array) {
    if (src instanceof Int16Array) return scaleInt16(out, src, start, end, slope, intercept);
    if (src instanceof Uint16Array) return scaleUint16ToInt16(out, src, start, end, slope, intercept);
  }
  scaleAny(out, src, start, end, slope, intercept);
}

function scaleInt16InPlace(src: Int16Array, out: Int16Array, slope: number, intercept: number): Range {
  // Small-integer bounds keep min/max in V8's fast integer representation.
  let min = 1 << 30, max = -(1 << 30);
  if (slope === 1) {
    for (let i = 0; i < src.length; i++) {
      const v = src[i]! + intercept;
      out[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  } else {
    for (let i = 0; i < src.length; i++) {
      const v = src[i]! * slope + intercept;
      out[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { min, max };
}

function scaleUint16InPlace(src: Uint16Array, out: Int16Array, slope: number, intercept: number): Range {
  let min = 1 << 30, max = -(1 << 30);
  if (slope === 1) {
    for (let i = 0; i < src.length; i++) {
      const v = src[i]! + intercept;
      out[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  } else {
    for (let i = 0; i < src.length; i++) {
      const v = src[i]! * slope + intercept;
      out[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { min, max };
}

/**
 * One pass over a 16-bit slice: scale it into `out` (which may be the same
 * memory) and return the true range of the scaled values. The results are
 * stored as 16-bit patterns, which read back exactly as int16 or as uint16 —
 * whichever the range fits; the caller must check that one of them does.
 */
export function scale16(src: Int16Array | Uint16Array, out: Int16Array, slope: number, intercept: number): Range {
  if (src.length === 0) return { min: 0, max: 0 };
  return src instanceof Int16Array
    ? scaleInt16InPlace(src, out, slope, intercept)
    : scaleUint16InPlace(src, out, slope, intercept);
}

/**
 * Which 16-bit types fail to hold some scaled value: bit 0 set when some value
 * is outside int16, bit 1 when some value is outside uint16. 0 means both hold
 * every value.
 */
export type Overflow16 = number;
export const INT16_OVERFLOW = 1;
export const UINT16_OVERFLOW = 2;

/** The overflow bits for values in [min, max]. */
export function overflowOfRange(min: number, max: number): Overflow16 {
  return (min < -32768 || max > 32767 ? INT16_OVERFLOW : 0) | (min < 0 || max > 65535 ? UINT16_OVERFLOW : 0);
}
