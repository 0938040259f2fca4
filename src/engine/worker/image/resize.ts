/**
 * Separable bilinear resampling of a single-channel row-major Float32Array.
 *
 * Two modes, both of which reduce to torch's
 * `F.interpolate(mode='bilinear', align_corners=False)` when enlarging:
 *
 * - `antialias: false` — exactly `F.interpolate(..., mode='bilinear', align_corners=False)`
 *   (PyTorch `upsample_bilinear2d`): source coordinate `(i + 0.5) * in/out - 0.5`,
 *   clamped below at 0, lerp between floor and floor+1 (the upper index clamped to in-1).
 *   Used for mask logits (sam2_base.py `_forward_sam_heads` line ~373 and
 *   sam2_video_predictor.py `_get_orig_video_res_output` line ~395).
 * - `antialias: true` — torchvision `Resize` on a tensor (transforms.py `SAM2Transforms`,
 *   torchvision >= 0.17 defaults to antialias=True), i.e. `F.interpolate(..., antialias=True)`
 *   (`_upsample_bilinear2d_aa`, the PIL-style triangle filter whose support widens by the
 *   scale factor when shrinking). When enlarging (scale <= 1) the filter support is 1 and the
 *   weights equal the align_corners=False lerp weights, so both modes give the same result.
 */

/** Per-output-index taps: `start[i]`, `count[i]`, weights in `weights[i * maxTaps + k]`. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  maxTaps: number;
}

/** align_corners=False lerp taps (PyTorch `area_pixel_compute_source_index`, cubic=false). */
function lerpTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * 2);
  for (let i = 0; i < outSize; i++) {
    let src = (i + 0.5) * scale - 0.5;
    if (src < 0) src = 0;
    let i0 = Math.floor(src);
    if (i0 > inSize - 1) i0 = inSize - 1;
    const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    const l1 = src - i0;
    start[i] = i0;
    if (i1 === i0) {
      count[i] = 1;
      weights[i * 2] = 1;
    } else {
      count[i] = 2;
      weights[i * 2] = 1 - l1;
      weights[i * 2 + 1] = l1;
    }
  }
  return { start, count, weights, maxTaps: 2 };
}

/** Antialiased triangle-filter taps (PyTorch `_upsample_bilinear2d_aa` / PIL `ImagingResample`). */
function aaTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const support = scale >= 1 ? scale : 1; // interp_size/2 * scale, interp_size = 2 for bilinear
  const invScale = scale >= 1 ? 1 / scale : 1;
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * maxTaps);
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize);
    const n = xmax - xmin;
    let total = 0;
    for (let j = 0; j < n; j++) {
      const t = Math.abs((j + xmin - center + 0.5) * invScale);
      const w = t < 1 ? 1 - t : 0;
      weights[i * maxTaps + j] = w;
      total += w;
    }
    if (total !== 0) for (let j = 0; j < n; j++) weights[i * maxTaps + j]! /= total;
    start[i] = xmin;
    count[i] = n;
  }
  return { start, count, weights, maxTaps };
}

export interface ResizeOptions {
  /** torchvision `Resize` (antialias=True) vs plain `F.interpolate` bilinear. Default false. */
  antialias?: boolean;
}

/** Per-output taps of one axis, cached by (mode, in, out): they depend on the sizes only. */
const tapCache = new Map<string, Taps>();

/** The taps `resizeBilinear` uses along one axis (cached; do not modify). */
export function bilinearTaps(inSize: number, outSize: number, antialias: boolean): Readonly<Taps> {
  const key = `${antialias ? 'a' : 'l'}${inSize}:${outSize}`;
  let t = tapCache.get(key);
  if (t === undefined) {
    t = antialias ? aaTaps(inSize, outSize) : lerpTaps(inSize, outSize);
    if (tapCache.size >= 64) tapCache.clear();
    tapCache.set(key, t);
  }
  return t;
}

export type { Taps as BilinearTaps };

let scratch64 = new Float64Array(0);

/** A module-level float64 scratch of at least `n` values (callers are synchronous). */
export function scratchF64(n: number): Float64Array {
  if (scratch64.length < n) scratch64 = new Float64Array(n);
  return scratch64;
}

/**
 * Horizontal pass of `resizeBilinear`: `h` rows of `src` (w wide) → `tmp` (h × outW, float64),
 * with exactly the reference's arithmetic (acc = 0, then acc += src · weight per tap in order).
 */
export function resizeRows(src: ArrayLike<number>, w: number, h: number, tx: Readonly<Taps>, outW: number, tmp: Float64Array): void {
  const { start, count, weights, maxTaps } = tx;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const o = y * outW;
    for (let x = 0; x < outW; x++) {
      const s = row + start[x]!;
      const n = count[x]!;
      const base = x * maxTaps;
      let acc = 0;
      if (n === 2) {
        acc += src[s]! * weights[base]!;
        acc += src[s + 1]! * weights[base + 1]!;
      } else {
        for (let k = 0; k < n; k++) acc += src[s + k]! * weights[base + k]!;
      }
      tmp[o + x] = acc;
    }
  }
}

/**
 * Vertical pass of `resizeBilinear` for output row `y`: `acc` (outW float64) = the reference's
 * accumulation over the taps of row y, in the same order.
 */
export function resizeColumn(tmp: Float64Array, ty: Readonly<Taps>, y: number, outW: number, acc: Float64Array): void {
  const s = ty.start[y]!;
  const n = ty.count[y]!;
  const base = y * ty.maxTaps;
  if (n === 2) {
    const w0 = ty.weights[base]!;
    const w1 = ty.weights[base + 1]!;
    const r0 = s * outW;
    const r1 = r0 + outW;
    for (let x = 0; x < outW; x++) {
      let a = 0;
      a += tmp[r0 + x]! * w0;
      a += tmp[r1 + x]! * w1;
      acc[x] = a;
    }
    return;
  }
  for (let x = 0; x < outW; x++) {
    let a = 0;
    for (let k = 0; k < n; k++) a += tmp[(s + k) * outW + x]! * ty.weights[base + k]!;
    acc[x] = a;
  }
}

/**
 * Resize a `w×h` row-major image to `outW×outH` (bilinear, align_corners=False).
 * Horizontal pass then vertical pass; accumulation in float64, output float32.
 * Bit for bit `resizeBilinearReference`, with cached taps and reused scratch.
 */
export function resizeBilinear(
  src: Float32Array,
  w: number,
  h: number,
  outW: number,
  outH: number,
  options: ResizeOptions = {},
): Float32Array {
  if (!(w > 0 && h > 0 && outW > 0 && outH > 0)) throw new RangeError('resizeBilinear: sizes must be positive');
  if (src.length !== w * h) throw new RangeError(`resizeBilinear: expected ${w * h} values, got ${src.length}`);
  const aa = options.antialias === true;
  const tx = bilinearTaps(w, outW, aa);
  const ty = bilinearTaps(h, outH, aa);
  const tmp = scratchF64(h * outW + outW);
  const acc = tmp.subarray(h * outW, h * outW + outW);
  resizeRows(src, w, h, tx, outW, tmp);
  const out = new Float32Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    resizeColumn(tmp, ty, y, outW, acc);
    out.set(acc, y * outW);
  }
  return out;
}

/**
 * Resize a `w×h` row-major image to `outW×outH` (bilinear, align_corners=False).
 * Horizontal pass then vertical pass; accumulation in float64, output float32.
 * The straightforward implementation, kept as the reference the fast path is tested against.
 */
export function resizeBilinearReference(
  src: Float32Array,
  w: number,
  h: number,
  outW: number,
  outH: number,
  options: ResizeOptions = {},
): Float32Array {
  if (!(w > 0 && h > 0 && outW > 0 && outH > 0)) throw new RangeError('resizeBilinear: sizes must be positive');
  if (src.length !== w * h) throw new RangeError(`resizeBilinear: expected ${w * h} values, got ${src.length}`);
  const make = options.antialias === true ? aaTaps : lerpTaps;
  const tx = make(w, outW);
  const ty = make(h, outH);
  // Horizontal: h rows × outW.
  const tmp = new Float64Array(h * outW);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < outW; x++) {
      const s = tx.start[x]!;
      const n = tx.count[x]!;
      const base = x * tx.maxTaps;
      let acc = 0;
      for (let k = 0; k < n; k++) acc += src[row + s + k]! * tx.weights[base + k]!;
      tmp[y * outW + x] = acc;
    }
  }
  // Vertical: outH rows × outW.
  const out = new Float32Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    const s = ty.start[y]!;
    const n = ty.count[y]!;
    const base = y * ty.maxTaps;
    for (let x = 0; x < outW; x++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += tmp[(s + k) * outW + x]! * ty.weights[base + k]!;
      out[y * outW + x] = acc;
    }
  }
  return out;
}
