/**
 * Upsampling of mask logits and their threshold, ported from facebookresearch/sam2:
 * `F.interpolate(mode="bilinear", align_corners=False)` (sam2_base.py `_forward_sam_heads`,
 * sam2_video_predictor.py `_get_orig_video_res_output`) and `mask_threshold = 0`, plus the
 * fused path that gives the thresholded mask without the float image. Pure functions (the
 * fused path reuses module buffers).
 */
import { bilinearTaps, resizeBilinear } from './resize.ts';

/** `F.interpolate(logits, (outH, outW), mode="bilinear", align_corners=False)` (no antialias). */
export function upsampleBilinear(logits: Float32Array, w: number, h: number, outW: number, outH: number): Float32Array {
  return resizeBilinear(logits, w, h, outW, outH, { antialias: false });
}

/** Binary mask: logit > 0 (mask_threshold = 0). */
export function toMask(logits: Float32Array): Uint8Array {
  const out = new Uint8Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! > 0 ? 1 : 0;
  return out;
}

/** Largest finite float32. */
const F32_MAX = 3.4028234663852886e38;

let cellCode = new Uint8Array(0);
let rowFirst = new Int32Array(0);
let rowLast = new Int32Array(0);
let firstOut = new Int32Array(0);

/**
 * `toMask(upsampleBilinear(logits, w, h, outW, outH))` without the float image: equal to it
 * bit for bit. Each output pixel reads a 2×2 (or narrower at the last row / column) block of
 * low-res logits, weights included where they are 0. When the whole block is ≤ 0 the result
 * is ≤ 0 (or NaN); when it is all finite and ≥ 1e-30 the result is > 0 and stays > 0 as a
 * float32. Only the other blocks (they straddle 0, or hold NaN, ±∞ or tiny values) are
 * interpolated, with the reference's exact float64 operations and float32 rounding.
 */
export function upsampleToMask(logits: Float32Array, w: number, h: number, outW: number, outH: number): Uint8Array {
  if (!(w > 0 && h > 0 && outW > 0 && outH > 0)) throw new RangeError('upsampleToMask: sizes must be positive');
  if (logits.length !== w * h) throw new RangeError(`upsampleToMask: expected ${w * h} values, got ${logits.length}`);
  const tx = bilinearTaps(w, outW, false);
  const ty = bilinearTaps(h, outH, false);
  const mask = new Uint8Array(outW * outH);
  // Per low-res pixel: 1 = ≤ 0, 2 = safely positive, 4 = anything else; per block: the OR.
  const n = w * h;
  if (cellCode.length < n) cellCode = new Uint8Array(n);
  const code = cellCode;
  for (let i = 0; i < n; i++) {
    const v = logits[i]!;
    code[i] = v <= 0 ? 1 : v >= 1e-30 && v <= F32_MAX ? 2 : 4;
  }
  // Blocks, in place: block (x0, y0) covers x0…x0+1 (x0 only at the last column), likewise y;
  // per row of blocks, the first and last block that is not all ≤ 0.
  if (rowFirst.length < h) {
    rowFirst = new Int32Array(h);
    rowLast = new Int32Array(h);
  }
  for (let y = 0; y < h; y++) {
    const r = y * w;
    const r1 = y < h - 1 ? r + w : r;
    let first = w;
    let last = -1;
    for (let x = 0; x < w; x++) {
      const c = x < w - 1 ? code[r + x]! | code[r + x + 1]! | code[r1 + x]! | code[r1 + x + 1]! : code[r + x]! | code[r1 + x]!;
      code[r + x] = c;
      if (c !== 1) {
        if (first === w) first = x;
        last = x;
      }
    }
    rowFirst[y] = first;
    rowLast[y] = last;
  }
  const xs = tx.start;
  const xc = tx.count;
  const xw = tx.weights;
  // firstOut[c] = the first output column whose block column is ≥ c (start is non-decreasing).
  if (firstOut.length < w + 1) firstOut = new Int32Array(w + 1);
  firstOut.fill(outW, 0, w + 1);
  for (let x = outW - 1; x >= 0; x--) firstOut[xs[x]!] = x;
  for (let c = w - 1; c >= 0; c--) if (firstOut[c + 1]! < firstOut[c]!) firstOut[c] = firstOut[c + 1]!;
  for (let y = 0; y < outH; y++) {
    const y0 = ty.start[y]!;
    const lastBlock = rowLast[y0]!;
    if (lastBlock < 0) continue; // all ≤ 0: nothing in the mask
    const cr = y0 * w;
    const o = y * outW;
    const ny = ty.count[y]!;
    const wy0 = ty.weights[2 * y]!;
    const wy1 = ty.weights[2 * y + 1]!;
    const r0 = y0 * w;
    const r1 = r0 + w;
    for (let x = firstOut[rowFirst[y0]!]!; x < outW && xs[x]! <= lastBlock; x++) {
      const c = code[cr + xs[x]!]!;
      if (c === 1) continue;
      if (c === 2) {
        mask[o + x] = 1;
        continue;
      }
      const sx = xs[x]!;
      const wx0 = xw[2 * x]!;
      let h0 = 0;
      h0 += logits[r0 + sx]! * wx0;
      let h1 = 0;
      if (ny === 2) h1 += logits[r1 + sx]! * wx0;
      if (xc[x] === 2) {
        const wx1 = xw[2 * x + 1]!;
        h0 += logits[r0 + sx + 1]! * wx1;
        if (ny === 2) h1 += logits[r1 + sx + 1]! * wx1;
      }
      let v = 0;
      v += h0 * wy0;
      if (ny === 2) v += h1 * wy1;
      if (Math.fround(v) > 0) mask[o + x] = 1;
    }
  }
  return mask;
}
