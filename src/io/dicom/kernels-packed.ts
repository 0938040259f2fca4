/**
 * Adding an integer to a 16-bit slice two voxels per 32-bit word, the fast
 * path of scale16Stored (kernels-stored16.ts) when slope is 1: the overflow
 * of int16 and uint16 is read off the carries, with no compare per voxel.
 */
import { INT16_OVERFLOW, overflowOfRange, UINT16_OVERFLOW, type Overflow16 } from './kernels.ts';

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
export function packedAdd16(src: Int16Array | Uint16Array, out: Int16Array, bits: number, c: number): Overflow16 | undefined {
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
