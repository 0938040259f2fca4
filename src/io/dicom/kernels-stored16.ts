/**
 * Keeping BitsStored of 16-bit slices (sign-extending or masking the bits
 * above it): fused with the scaling in one pass (scale16Stored, the common CT
 * load) or on its own, in place (trimStored16). Apart from kernels.ts because
 * these loops also know the stored-bit layout, not just the array types.
 */
import { INT16_OVERFLOW, overflowOfRange, scale16, UINT16_OVERFLOW, type Overflow16 } from './kernels.ts';
import { packedAdd16 } from './kernels-packed.ts';

/** Bits 16–31 of an OR of (v + 32768) are clear iff every v was in int16; of an OR of v, iff every v was in uint16. */
function overflowBits(intAcc: number, uintAcc: number): Overflow16 {
  return ((intAcc & 0xffff0000) !== 0 ? INT16_OVERFLOW : 0) | ((uintAcc & 0xffff0000) !== 0 ? UINT16_OVERFLOW : 0);
}

// Branch-free, unrolled by four: the range is tracked by OR-ing bit patterns
// (no compare per voxel), which is what decides int16 versus uint16.
function addInt16(src: Int16Array, out: Int16Array, shift: number, c: number): Overflow16 {
  const n = src.length;
  let a = 0, b = 0, i = 0;
  for (; i + 3 < n; i += 4) {
    const v0 = ((src[i]! << shift) >> shift) + c;
    const v1 = ((src[i + 1]! << shift) >> shift) + c;
    const v2 = ((src[i + 2]! << shift) >> shift) + c;
    const v3 = ((src[i + 3]! << shift) >> shift) + c;
    out[i] = v0; out[i + 1] = v1; out[i + 2] = v2; out[i + 3] = v3;
    a |= (v0 + 32768) | (v1 + 32768) | (v2 + 32768) | (v3 + 32768);
    b |= v0 | v1 | v2 | v3;
  }
  for (; i < n; i++) {
    const v = ((src[i]! << shift) >> shift) + c;
    out[i] = v;
    a |= v + 32768;
    b |= v;
  }
  return overflowBits(a, b);
}

function addUint16(src: Uint16Array, out: Int16Array, mask: number, c: number): Overflow16 {
  const n = src.length;
  let a = 0, b = 0, i = 0;
  for (; i + 3 < n; i += 4) {
    const v0 = (src[i]! & mask) + c;
    const v1 = (src[i + 1]! & mask) + c;
    const v2 = (src[i + 2]! & mask) + c;
    const v3 = (src[i + 3]! & mask) + c;
    out[i] = v0; out[i + 1] = v1; out[i + 2] = v2; out[i + 3] = v3;
    a |= (v0 + 32768) | (v1 + 32768) | (v2 + 32768) | (v3 + 32768);
    b |= v0 | v1 | v2 | v3;
  }
  for (; i < n; i++) {
    const v = (src[i]! & mask) + c;
    out[i] = v;
    a |= v + 32768;
    b |= v;
  }
  return overflowBits(a, b);
}

/**
 * One pass over a 16-bit slice: keep BitsStored (sign-extend or mask the bits
 * above it), scale, and write the results' 16-bit patterns into `out` (which
 * may be the same memory). Returns which of int16 / uint16 fail to hold some
 * result: the caller reads the patterns back as a type that holds them all.
 */
export function scale16Stored(src: Int16Array | Uint16Array, out: Int16Array, bitsStored: number, slope: number, intercept: number): Overflow16 {
  if (src.length === 0) return 0;
  const bits = bitsStored > 0 && bitsStored < 16 ? bitsStored : 16;
  if (slope === 1 && Number.isInteger(intercept) && Math.abs(intercept) <= 0x10000) {
    const packed = packedAdd16(src, out, bits, intercept);
    if (packed !== undefined) return packed;
    return src instanceof Int16Array
      ? addInt16(src, out, 32 - bits, intercept)
      : addUint16(src, out, 2 ** bits - 1, intercept);
  }
  if (bits < 16) {
    // Rare (a slope other than 1 on fewer than 16 stored bits): trim the bits first, in place into out.
    if (src instanceof Int16Array) trimInt16(src, out, 32 - bits);
    else trimUint16(src, new Uint16Array(out.buffer, out.byteOffset, out.length), 2 ** bits - 1);
    src = src instanceof Int16Array ? out : new Uint16Array(out.buffer, out.byteOffset, out.length);
  }
  const { min, max } = scale16(src, out, slope, intercept);
  return overflowOfRange(min, max);
}

function trimInt16(src: Int16Array, out: Int16Array, shift: number): void {
  for (let i = 0; i < src.length; i++) out[i] = (src[i]! << shift) >> shift;
}

function trimUint16(src: Uint16Array, out: Uint16Array, mask: number): void {
  for (let i = 0; i < src.length; i++) out[i] = src[i]! & mask;
}

/**
 * Keep only BitsStored of 16-bit voxels, in place: sign-extend (signed) or
 * mask (unsigned) the bits above. A read-only pass first finds whether any
 * voxel needs it (clean data, the usual case, is never written).
 */
export function trimStored16(view: Int16Array | Uint16Array, bitsStored: number): void {
  if (!(bitsStored > 0 && bitsStored < 16) || view.length === 0) return;
  if (view instanceof Int16Array) {
    if (!inSignedRange(view, 2 ** (bitsStored - 1))) trimInt16(view, view, 32 - bitsStored);
  } else if (orUint16(view) > 2 ** bitsStored - 1) {
    trimUint16(view, view, 2 ** bitsStored - 1);
  }
}

/** Whether every voxel is in [-half, half): its bits from log2(half) up all equal the sign bit. */
function inSignedRange(a: Int16Array, half: number): boolean {
  const bits = Math.log2(half) + 1;
  if (a.byteOffset % 4 === 0) {
    // Two voxels per 32-bit word: bit j of w ^ (w << 1) is set where bits j and j-1 differ (within each half).
    const words = new Int32Array(a.buffer, a.byteOffset, a.length >> 1);
    let acc = 0;
    for (let i = 0; i < words.length; i++) { const w = words[i]!; acc |= w ^ (w << 1); }
    const high = ((0xffff << bits) & 0xffff) * 0x10001;
    if ((acc & high) !== 0) return false;
    return a.length % 2 === 0 || (a[a.length - 1]! >= -half && a[a.length - 1]! < half);
  }
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc |= a[i]! + half;
  return acc >= 0 && acc < 2 * half;
}

/** The OR of every voxel. */
function orUint16(a: Uint16Array): number {
  let acc = 0;
  if (a.byteOffset % 4 === 0) {
    const words = new Int32Array(a.buffer, a.byteOffset, a.length >> 1);
    for (let i = 0; i < words.length; i++) acc |= words[i]!;
    acc = (acc & 0xffff) | (acc >>> 16);
    if (a.length % 2) acc |= a[a.length - 1]!;
    return acc;
  }
  for (let i = 0; i < a.length; i++) acc |= a[i]!;
  return acc;
}
