/**
 * Slice → SAM2 image-encoder input, and prompt coordinates → model coordinates.
 * Pure functions, no DOM, no onnxruntime.
 *
 * Reference: facebookresearch/sam2 `sam2/utils/transforms.py` (`SAM2Transforms`):
 *   __call__: ToTensor (pixels on [0,1]) → Resize((S, S)) → Normalize(mean, std)
 *   transform_coords(normalize=True, orig_hw): x / w, y / h, then × resolution
 *   transform_boxes: boxes.reshape(-1, 2, 2) → transform_coords
 * and `sam2/sam2_video_predictor.py` `add_new_points_or_box` (box → two points labelled 2, 3,
 * placed *before* the click points; points / [video_W, video_H] then × image_size).
 */
import { bilinearTaps, resizeBilinearReference, resizeColumn, resizeRows, scratchF64, type BilinearTaps } from './resize.ts';

export interface IntensityWindow {
  min: number;
  max: number;
}

export interface Point2 {
  x: number;
  y: number;
}

/** A box in slice pixels: any two opposite corners (normalised to x0 ≤ x1, y0 ≤ y1). */
export interface Box2 {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** SAM prompt-encoder labels (`input_labels`, int32). */
export const LABEL_NEGATIVE = 0;
export const LABEL_POSITIVE = 1;
export const LABEL_BOX_TOP_LEFT = 2;
export const LABEL_BOX_BOTTOM_RIGHT = 3;
export const LABEL_PADDING = -1;

/**
 * Window a raw intensity as the viewer shows it: clamp to [min, max], map linearly to [0, 1].
 * A degenerate window (max ≤ min) is a threshold: values ≥ max → 1, else 0.
 */
export function windowValue(v: number, window: IntensityWindow): number {
  const { min, max } = window;
  if (!(max > min)) return v >= max ? 1 : 0;
  if (v <= min) return 0;
  if (v >= max) return 1;
  return (v - min) / (max - min);
}

/**
 * `pixel_values` for the vision encoder: Float32Array of shape [1, 3, S, S] (NCHW).
 *
 * 1. window (→ [0, 1], what ToTensor gives for an RGB image shown to the user),
 * 2. replicate the grey value to R, G, B,
 * 3. resize w×h → S×S bilinear, align_corners=False, antialiased when shrinking
 *    (torchvision `Resize((S, S))` on a tensor, as `SAM2Transforms` does; when enlarging,
 *    e.g. a 512² CT slice to 1024², this is exactly `F.interpolate(bilinear, align_corners=False)`),
 * 4. (x − mean[c]) / std[c] per channel (`Normalize`).
 *
 * Since the three channels are the same grey image and the resize is linear, the image is
 * resized once and normalised three times.
 * `slice` is read as float32 values (a Float32Array, or the voxels themselves, which are
 * rounded to float32 as extractSlice does). With `out` (3·S² values) the result is written
 * there and returned. When the slice is already S×S the resize (an identity) is skipped.
 * Bit for bit `sliceToModelInputReference`.
 * Note: SAM2's video predictor instead loads uint8 JPEGs resized by PIL; a volume has no
 * JPEG, so the tensor path of SAM2Transforms is followed and values are not quantised to 1/255.
 */
export function sliceToModelInput(
  slice: ArrayLike<number>,
  w: number,
  h: number,
  window: IntensityWindow,
  imageSize: number,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
  out?: Float32Array,
): Float32Array {
  if (slice.length !== w * h) throw new RangeError(`sliceToModelInput: expected ${w * h} values, got ${slice.length}`);
  const S = imageSize;
  const plane = S * S;
  if (out === undefined) out = new Float32Array(3 * plane);
  else if (out.length !== 3 * plane) throw new RangeError(`sliceToModelInput: the output holds ${out.length} values, expected ${3 * plane}`);
  const m0 = mean[0];
  const m1 = mean[1];
  const m2 = mean[2];
  const s0 = std[0];
  const s1 = std[1];
  const s2 = std[2];
  const { min, max } = window;
  const degenerate = !(max > min);
  const range = max - min;
  const tx = bilinearTaps(w, S, true);
  const ty = bilinearTaps(h, S, true);
  if (w === S && h === S && isIdentity(tx) && isIdentity(ty)) {
    // The antialiased resize at scale 1 has taps (1, 0): an identity (for finite values).
    const nan = windowNormalise(slice, plane, out, min, max, m0, m1, m2, s0, s1, s2);
    // A NaN pixel spreads to its neighbours through the zero-weight taps: the general path.
    if (nan) out.set(sliceToModelInputReference(Float32Array.from(slice), w, h, window, imageSize, mean, std));
    return out;
  }
  const grey = scratchF32(w * h);
  for (let i = 0; i < w * h; i++) {
    const v = Math.fround(slice[i]!);
    grey[i] = degenerate ? (v >= max ? 1 : 0) : v <= min ? 0 : v >= max ? 1 : (v - min) / range;
  }
  const tmp = scratchF64(h * S + S);
  const acc = tmp.subarray(h * S, h * S + S);
  resizeRows(grey, w, h, tx, S, tmp);
  for (let y = 0; y < S; y++) {
    resizeColumn(tmp, ty, y, S, acc);
    const o = y * S;
    for (let x = 0; x < S; x++) {
      const r = Math.fround(acc[x]!);
      out[o + x] = (r - m0) / s0;
      out[plane + o + x] = (r - m1) / s1;
      out[2 * plane + o + x] = (r - m2) / s2;
    }
  }
  return out;
}

/**
 * Window, round to float32 and normalise `plane` pixels into the three planes of `out`;
 * true when a windowed value is NaN. Pixels clamped by the window (often most of a CT slice)
 * take precomputed values (the same arithmetic on g = 0 or 1).
 */
function windowNormalise(
  slice: ArrayLike<number>,
  plane: number,
  out: Float32Array,
  min: number,
  max: number,
  m0: number,
  m1: number,
  m2: number,
  s0: number,
  s1: number,
  s2: number,
): boolean {
  const degenerate = !(max > min);
  const range = max - min;
  const lo0 = (0 - m0) / s0;
  const lo1 = (0 - m1) / s1;
  const lo2 = (0 - m2) / s2;
  const hi0 = (1 - m0) / s0;
  const hi1 = (1 - m1) / s1;
  const hi2 = (1 - m2) / s2;
  useLut(min, max, m0, m1, m2, s0, s1, s2);
  let nan = false;
  // Runs of pixels with the same output (the same value, or clamped alike) are written with
  // fill(): most of a CT slice is air or bone clamped by the window.
  let i = 0;
  while (i < plane) {
    // The value extractSlice would give (a float32), windowed as windowValue does.
    const v = Math.fround(slice[i]!);
    const cls = (degenerate ? !(v >= max) : v <= min) ? 0 : v >= max ? 2 : 1;
    let j = i + 1;
    if (cls === 1) {
      while (j < plane && Math.fround(slice[j]!) === v) j++;
    } else {
      for (; j < plane; j++) {
        const u = Math.fround(slice[j]!);
        if (((degenerate ? !(u >= max) : u <= min) ? 0 : u >= max ? 2 : 1) !== cls) break;
      }
    }
    if (cls === 0) {
      writeRun(out, plane, i, j, lo0, lo1, lo2);
    } else if (cls === 2) {
      writeRun(out, plane, i, j, hi0, hi1, hi2);
    } else {
      // Inside the window: remembered per value (a slice of an integer volume has few).
      const k = (v | 0) & LUT_MASK;
      if (lutKey[k] !== v) {
        // Rounded to float32 as the grey image stores it.
        const g = Math.fround((v - min) / range);
        if (g !== g) nan = true; // (NaN ≠ NaN: a NaN pixel is a run of one and never cached)
        lut0[k] = (g - m0) / s0;
        lut1[k] = (g - m1) / s1;
        lut2[k] = (g - m2) / s2;
        lutKey[k] = v;
      }
      writeRun(out, plane, i, j, lut0[k]!, lut1[k]!, lut2[k]!);
    }
    i = j;
  }
  return nan;
}

/** Pixels [a, b) of the three planes get t0, t1, t2 (float32-rounded as any store). */
function writeRun(out: Float32Array, plane: number, a: number, b: number, t0: number, t1: number, t2: number): void {
  if (b - a > 16) {
    out.fill(t0, a, b);
    out.fill(t1, plane + a, plane + b);
    out.fill(t2, 2 * plane + a, 2 * plane + b);
    return;
  }
  const p2 = 2 * plane;
  for (let i = a; i < b; i++) {
    out[i] = t0;
    out[plane + i] = t1;
    out[p2 + i] = t2;
  }
}

/** windowNormalise's value cache: key (a windowed-in value, NaN = empty) → the three outputs (float32). */
const LUT_MASK = 0xffff;
const lutKey = new Float64Array(LUT_MASK + 1).fill(NaN);
const lut0 = new Float32Array(LUT_MASK + 1);
const lut1 = new Float32Array(LUT_MASK + 1);
const lut2 = new Float32Array(LUT_MASK + 1);
let lutFor = '';

/** Empty the cache unless it was filled for these window and normalisation values. */
function useLut(min: number, max: number, m0: number, m1: number, m2: number, s0: number, s1: number, s2: number): void {
  const key = `${min},${max},${m0},${m1},${m2},${s0},${s1},${s2}`;
  if (key === lutFor) return;
  lutKey.fill(NaN);
  lutFor = key;
}

/** Taps that copy input i to output i (start i, weight 1, any further weight 0). */
function isIdentity(t: Readonly<BilinearTaps>): boolean {
  const n = t.start.length;
  for (let i = 0; i < n; i++) {
    if (t.start[i] !== i || t.weights[i * t.maxTaps] !== 1) return false;
    for (let k = 1; k < t.count[i]!; k++) if (t.weights[i * t.maxTaps + k] !== 0) return false;
  }
  return true;
}

let scratch32 = new Float32Array(0);
function scratchF32(n: number): Float32Array {
  if (scratch32.length < n) scratch32 = new Float32Array(n);
  return scratch32;
}

/** The straightforward `sliceToModelInput` (window, resize, normalise), kept as the reference the fast paths are tested against. */
export function sliceToModelInputReference(
  slice: Float32Array,
  w: number,
  h: number,
  window: IntensityWindow,
  imageSize: number,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
): Float32Array {
  if (slice.length !== w * h) throw new RangeError(`sliceToModelInput: expected ${w * h} values, got ${slice.length}`);
  const grey = new Float32Array(w * h);
  for (let i = 0; i < grey.length; i++) grey[i] = windowValue(slice[i]!, window);
  const resized = resizeBilinearReference(grey, w, h, imageSize, imageSize, { antialias: true });
  const plane = imageSize * imageSize;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const m = mean[c]!;
    const s = std[c]!;
    const off = c * plane;
    for (let i = 0; i < plane; i++) out[off + i] = (resized[i]! - m) / s;
  }
  return out;
}

/**
 * Slice-pixel points → model input coordinates (pixels of the S×S input):
 * `transform_coords(normalize=True, orig_hw=(h, w))` = (x / w · S, y / h · S).
 * No +0.5 here: SAM's prompt encoder adds the half-pixel shift itself.
 * Returns interleaved [x0, y0, x1, y1, …] (the `input_points` [1, 1, N, 2] payload).
 */
export function pointsToModel(points: readonly Point2[], w: number, h: number, imageSize: number): Float32Array {
  const out = new Float32Array(points.length * 2);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    out[2 * i] = (p.x / w) * imageSize;
    out[2 * i + 1] = (p.y / h) * imageSize;
  }
  return out;
}

export interface ModelPrompt {
  /** Interleaved x, y in model pixels, N pairs. */
  points: Float32Array;
  /** N labels (int32). */
  labels: Int32Array;
}

/**
 * A box → two corner points with labels 2 (top-left) and 3 (bottom-right), in model coordinates
 * (`transform_boxes` = reshape(-1, 2, 2) then transform_coords).
 */
export function boxToModel(box: Box2, w: number, h: number, imageSize: number): ModelPrompt {
  const x0 = Math.min(box.x0, box.x1);
  const x1 = Math.max(box.x0, box.x1);
  const y0 = Math.min(box.y0, box.y1);
  const y1 = Math.max(box.y0, box.y1);
  return {
    points: pointsToModel([{ x: x0, y: y0 }, { x: x1, y: y1 }], w, h, imageSize),
    labels: Int32Array.of(LABEL_BOX_TOP_LEFT, LABEL_BOX_BOTTOM_RIGHT),
  };
}

/**
 * Full prompt: optional box first (as in `add_new_points_or_box`: `torch.cat([box_coords, points])`),
 * then the clicks with their labels (1 positive, 0 negative).
 */
export function promptToModel(
  clicks: readonly (Point2 & { positive: boolean })[],
  box: Box2 | null,
  w: number,
  h: number,
  imageSize: number,
): ModelPrompt {
  const boxPart = box ? boxToModel(box, w, h, imageSize) : { points: new Float32Array(0), labels: new Int32Array(0) };
  const clickPts = pointsToModel(clicks, w, h, imageSize);
  const points = new Float32Array(boxPart.points.length + clickPts.length);
  points.set(boxPart.points, 0);
  points.set(clickPts, boxPart.points.length);
  const labels = new Int32Array(boxPart.labels.length + clicks.length);
  labels.set(boxPart.labels, 0);
  for (let i = 0; i < clicks.length; i++) labels[boxPart.labels.length + i] = clicks[i]!.positive ? LABEL_POSITIVE : LABEL_NEGATIVE;
  return { points, labels };
}
