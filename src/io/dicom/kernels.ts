/**
 * Per-voxel loops for the hot path of loading a series. V8 only optimises a
 * typed-array loop well when one call site sees one array type, so the common
 * cases (16-bit CT and MR) get loops of their own; other types share a
 * generic loop.
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

/** Bits 16–31 of an OR of (v + 32768) are clear iff every v was in int16; of an OR of v, iff every v was in uint16. */
function overflowBits(intAcc: number, uintAcc: number): Overflow16 {
  return ((intAcc & 0xffff0000) !== 0 ? INT16_OVERFLOW : 0) | ((uintAcc & 0xffff0000) !== 0 ? UINT16_OVERFLOW : 0);
}

/** The overflow bits for values in [min, max]. */
export function overflowOfRange(min: number, max: number): Overflow16 {
  return (min < -32768 || max > 32767 ? INT16_OVERFLOW : 0) | (min < 0 || max > 65535 ? UINT16_OVERFLOW : 0);
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

// Two voxels per 32-bit word ("SIMD within a register"): the 16-bit halves are
// added to separately (bit 15 of each half is summed apart, so no carry crosses
// into the other half), and the carry out of each half and the result's top
// bit tell exactly whether int16 and uint16 hold the true sums.
const LOW15 = 0x7fff7fff;
const TOP = 0x80008000 | 0;

/** Unsigned halves u plus c (-32768 ≤ c < 0): int16 fails where u + c > 32767, uint16 where u + c < 0. */
function packedUnsignedMinus(src: Int32Array, out: Int32Array, xor: number, mask: number, c: number): Overflow16 {
  const C = Math.imul(c & 0xffff, 0x10001), CL = C & LOW15, CT = C & TOP;
  let fi = 0, fu = 0, i = 0;
  // Carry out of a half (the sum is ≥ 0) = u | ~r at its top bit. int16 fails on a carry and a
  // result ≥ 32768 (u & r); uint16 fails where there is no carry, u + c < 0 (~u & r).
  for (const n = src.length - 3; i < n; i += 4) {
    const u0 = (src[i]! ^ xor) & mask, u1 = (src[i + 1]! ^ xor) & mask, u2 = (src[i + 2]! ^ xor) & mask, u3 = (src[i + 3]! ^ xor) & mask;
    const r0 = ((u0 & LOW15) + CL | 0) ^ ((u0 ^ CT) & TOP), r1 = ((u1 & LOW15) + CL | 0) ^ ((u1 ^ CT) & TOP);
    const r2 = ((u2 & LOW15) + CL | 0) ^ ((u2 ^ CT) & TOP), r3 = ((u3 & LOW15) + CL | 0) ^ ((u3 ^ CT) & TOP);
    out[i] = r0; out[i + 1] = r1; out[i + 2] = r2; out[i + 3] = r3;
    fi |= (u0 & r0) | (u1 & r1) | (u2 & r2) | (u3 & r3);
    fu |= (~u0 & r0) | (~u1 & r1) | (~u2 & r2) | (~u3 & r3);
  }
  for (; i < src.length; i++) {
    const u = (src[i]! ^ xor) & mask;
    const r = ((u & LOW15) + CL | 0) ^ ((u ^ CT) & TOP);
    out[i] = r;
    fi |= u & r;
    fu |= ~u & r;
  }
  return ((fi & TOP) !== 0 ? INT16_OVERFLOW : 0) | ((fu & TOP) !== 0 ? UINT16_OVERFLOW : 0);
}

/** Unsigned halves u plus c (0 ≤ c ≤ 32767): int16 fails where u + c > 32767, uint16 where u + c > 65535. */
function packedUnsignedPlus(src: Int32Array, out: Int32Array, xor: number, mask: number, c: number): Overflow16 {
  const C = Math.imul(c, 0x10001), CL = C & LOW15;
  let fi = 0, fu = 0, i = 0;
  // Carry out of a half = u & ~r at its top bit. int16 fails on a carry or a result ≥ 32768 (u | r);
  // uint16 on a carry, u + c > 65535 (u & ~r).
  for (const n = src.length - 3; i < n; i += 4) {
    const u0 = (src[i]! ^ xor) & mask, u1 = (src[i + 1]! ^ xor) & mask, u2 = (src[i + 2]! ^ xor) & mask, u3 = (src[i + 3]! ^ xor) & mask;
    const r0 = ((u0 & LOW15) + CL | 0) ^ (u0 & TOP), r1 = ((u1 & LOW15) + CL | 0) ^ (u1 & TOP);
    const r2 = ((u2 & LOW15) + CL | 0) ^ (u2 & TOP), r3 = ((u3 & LOW15) + CL | 0) ^ (u3 & TOP);
    out[i] = r0; out[i + 1] = r1; out[i + 2] = r2; out[i + 3] = r3;
    fi |= u0 | r0 | u1 | r1 | u2 | r2 | u3 | r3;
    fu |= (u0 & ~r0) | (u1 & ~r1) | (u2 & ~r2) | (u3 & ~r3);
  }
  for (; i < src.length; i++) {
    const u = (src[i]! ^ xor) & mask;
    const r = ((u & LOW15) + CL | 0) ^ (u & TOP);
    out[i] = r;
    fi |= u | r;
    fu |= u & ~r;
  }
  return ((fi & TOP) !== 0 ? INT16_OVERFLOW : 0) | ((fu & TOP) !== 0 ? UINT16_OVERFLOW : 0);
}

/** Signed halves s plus c (-32768 ≤ c < 0): int16 fails on a negative overflow; uint16 where s + c < 0. */
function packedSignedMinus(src: Int32Array, out: Int32Array, c: number): Overflow16 {
  const C = Math.imul(c & 0xffff, 0x10001), CL = C & LOW15, CT = C & TOP;
  let fi = 0, fu = 0, i = 0;
  // int16 fails where negative plus negative gave a non-negative half (s & ~r); uint16 where s + c < 0 (s | r).
  for (const n = src.length - 3; i < n; i += 4) {
    const s0 = src[i]!, s1 = src[i + 1]!, s2 = src[i + 2]!, s3 = src[i + 3]!;
    const r0 = ((s0 & LOW15) + CL | 0) ^ ((s0 ^ CT) & TOP), r1 = ((s1 & LOW15) + CL | 0) ^ ((s1 ^ CT) & TOP);
    const r2 = ((s2 & LOW15) + CL | 0) ^ ((s2 ^ CT) & TOP), r3 = ((s3 & LOW15) + CL | 0) ^ ((s3 ^ CT) & TOP);
    out[i] = r0; out[i + 1] = r1; out[i + 2] = r2; out[i + 3] = r3;
    fi |= (s0 & ~r0) | (s1 & ~r1) | (s2 & ~r2) | (s3 & ~r3);
    fu |= s0 | r0 | s1 | r1 | s2 | r2 | s3 | r3;
  }
  for (; i < src.length; i++) {
    const s = src[i]!;
    const r = ((s & LOW15) + CL | 0) ^ ((s ^ CT) & TOP);
    out[i] = r;
    fi |= s & ~r;
    fu |= s | r;
  }
  return ((fi & TOP) !== 0 ? INT16_OVERFLOW : 0) | ((fu & TOP) !== 0 ? UINT16_OVERFLOW : 0);
}

/** Signed halves s plus c (0 ≤ c ≤ 32767): int16 fails on a positive overflow; uint16 where s + c < 0. */
function packedSignedPlus(src: Int32Array, out: Int32Array, c: number): Overflow16 {
  const C = Math.imul(c, 0x10001), CL = C & LOW15;
  let fi = 0, fu = 0, i = 0;
  // int16 fails where non-negative plus non-negative gave a negative half (~s & r); uint16 where s + c < 0 (s & r).
  for (const n = src.length - 3; i < n; i += 4) {
    const s0 = src[i]!, s1 = src[i + 1]!, s2 = src[i + 2]!, s3 = src[i + 3]!;
    const r0 = ((s0 & LOW15) + CL | 0) ^ (s0 & TOP), r1 = ((s1 & LOW15) + CL | 0) ^ (s1 & TOP);
    const r2 = ((s2 & LOW15) + CL | 0) ^ (s2 & TOP), r3 = ((s3 & LOW15) + CL | 0) ^ (s3 & TOP);
    out[i] = r0; out[i + 1] = r1; out[i + 2] = r2; out[i + 3] = r3;
    fi |= (~s0 & r0) | (~s1 & r1) | (~s2 & r2) | (~s3 & r3);
    fu |= (s0 & r0) | (s1 & r1) | (s2 & r2) | (s3 & r3);
  }
  for (; i < src.length; i++) {
    const s = src[i]!;
    const r = ((s & LOW15) + CL | 0) ^ (s & TOP);
    out[i] = r;
    fi |= ~s & r;
    fu |= s & r;
  }
  return ((fi & TOP) !== 0 ? INT16_OVERFLOW : 0) | ((fu & TOP) !== 0 ? UINT16_OVERFLOW : 0);
}

/**
 * src + c (c an integer) on 32-bit words, when src and out are 4-byte aligned
 * and c fits the packed forms; undefined when they do not apply. Stored bits
 * below 16 are kept by masking; a signed b-bit value s is read as the
 * unsigned t = (s XOR 2^(b-1)) AND (2^b - 1), which is s + 2^(b-1), with
 * c - 2^(b-1) added instead.
 */
function packedAdd16(src: Int16Array | Uint16Array, out: Int16Array, bits: number, c: number): Overflow16 | undefined {
  if (src.byteOffset % 4 !== 0 || out.byteOffset % 4 !== 0 || src.length < 2) return undefined;
  const signed = src instanceof Int16Array;
  let xor = 0, mask = -1;
  if (bits < 16) {
    mask = Math.imul(2 ** bits - 1, 0x10001);
    if (signed) {
      xor = Math.imul(2 ** (bits - 1), 0x10001);
      c -= 2 ** (bits - 1);
    }
  }
  if (c < -32768 || c > 32767) return undefined;
  const words = src.length >> 1;
  const from = new Int32Array(src.buffer, src.byteOffset, words);
  const to = new Int32Array(out.buffer, out.byteOffset, words);
  let overflow: Overflow16;
  if (signed && bits === 16) overflow = c < 0 ? packedSignedMinus(from, to, c) : packedSignedPlus(from, to, c);
  else overflow = c < 0 ? packedUnsignedMinus(from, to, xor, mask, c) : packedUnsignedPlus(from, to, xor, mask, c);
  if (src.length % 2) {
    // The odd last voxel, on its own.
    const last = src.length - 1;
    const shift = 32 - bits;
    const v = (signed ? (src[last]! << shift) >> shift : src[last]! & (2 ** bits - 1)) + (signed && bits < 16 ? c + 2 ** (bits - 1) : c);
    out[last] = v;
    overflow |= overflowOfRange(v, v);
  }
  return overflow;
}
