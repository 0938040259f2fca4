/**
 * Mask-logit post-processing, ported from facebookresearch/sam2. Pure functions.
 *
 * - fillHoles: `sam2/utils/misc.py` `fill_holes_in_mask_scores(mask, max_area)` with
 *   `get_connected_components` (8-connectivity); the video predictor applies it to the
 *   low-res (256²) `pred_masks` with `fill_hole_area=8` (build_sam.py
 *   `++model.fill_hole_area=8`, sam2_video_predictor.py `_run_single_frame_inference`).
 * - upsampleBilinear: `F.interpolate(mode="bilinear", align_corners=False)`
 *   (sam2_base.py `_forward_sam_heads`, sam2_video_predictor.py `_get_orig_video_res_output`).
 * - pickMultimask / useMultimask: sam2_base.py `_forward_sam_heads` (argmax over ious) and
 *   `_use_multimask`.
 * - applyObjectScore: sam2_base.py `_forward_sam_heads` (`NO_OBJ_SCORE` where
 *   `object_score_logits > 0` is false).
 */
import { bilinearTaps, resizeBilinear, resizeBilinearReference } from './resize.ts';

/** sam2_base.py `NO_OBJ_SCORE`. */
export const NO_OBJ_SCORE = -1024;
/** Score given to filled hole pixels by `fill_holes_in_mask_scores` (0.1). */
export const HOLE_FILL_SCORE = 0.1;
/** build_sam.py video predictor override `fill_hole_area=8`. */
export const DEFAULT_MAX_HOLE_AREA = 8;

/**
 * 8-connected components of `on` (1 = in the set). Returns per-pixel label (0 = not in set,
 * 1.. = component) and per-pixel component area (0 for pixels not in the set), the same
 * outputs as SAM2's `get_connected_components`.
 */
export function connectedComponents8(on: Uint8Array, w: number, h: number): { labels: Int32Array; areas: Int32Array } {
  const labels = new Int32Array(w * h);
  const areas = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  const members = new Int32Array(w * h);
  let next = 0;
  for (let seed = 0; seed < w * h; seed++) {
    if (!on[seed] || labels[seed] !== 0) continue;
    next++;
    let sp = 0;
    let count = 0;
    stack[sp++] = seed;
    labels[seed] = next;
    while (sp > 0) {
      const p = stack[--sp]!;
      members[count++] = p;
      const px = p % w;
      const py = (p - px) / w;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = py + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          if (dx === 0 && dy === 0) continue;
          const nx = px + dx;
          if (nx < 0 || nx >= w) continue;
          const q = ny * w + nx;
          if (on[q] && labels[q] === 0) {
            labels[q] = next;
            stack[sp++] = q;
          }
        }
      }
    }
    for (let k = 0; k < count; k++) areas[members[k]!] = count;
  }
  return { labels, areas };
}

/**
 * `fill_holes_in_mask_scores`: background = logits ≤ 0; every 8-connected background
 * component with area ≤ maxHoleArea becomes HOLE_FILL_SCORE (0.1). As in SAM2 there is no
 * border test: a small background region touching the image edge is filled too.
 * Returns a new array; the input is not modified. Same result as `fillHolesReference`, which
 * labels every component: here a background pixel in a row run longer than maxHoleArea is
 * in a big component at once, and only the rest is flooded (on a padded grid, reused
 * buffers), each flood stopping as soon as its component proves big.
 */
export function fillHoles(logits: Float32Array, w: number, h: number, maxHoleArea: number = DEFAULT_MAX_HOLE_AREA): Float32Array {
  if (logits.length !== w * h) throw new RangeError(`fillHoles: expected ${w * h} values, got ${logits.length}`);
  if (!(maxHoleArea > 0)) throw new RangeError('fillHoles: maxHoleArea must be positive'); // assert max_area > 0
  const out = new Float32Array(logits);
  const W = w + 2;
  const n = W * (h + 2);
  if (floodState.length < n) {
    floodState = new Uint8Array(n);
    floodQueue = new Int32Array(n);
  }
  const st = floodState;
  const queue = floodQueue;
  // On a grid padded by a ring of 0: 0 = foreground or done; BIG = background in a component
  // of more than maxHoleArea pixels (known so far: a row run longer than that); SMALL =
  // background not yet decided; SEEN = in the component being flooded.
  st.fill(0, 0, W);
  st.fill(0, n - W, n);
  for (let y = 0; y < h; y++) {
    const row = (y + 1) * W + 1;
    st[row - 1] = 0;
    st[row + w] = 0;
    const src = y * w;
    let x = 0;
    while (x < w) {
      if (!(logits[src + x]! <= 0)) {
        st[row + x] = 0;
        x++;
        continue;
      }
      let end = x + 1;
      while (end < w && logits[src + end]! <= 0) end++;
      st.fill(end - x > maxHoleArea ? BIG : SMALL, row + x, row + end);
      x = end;
    }
  }
  const offsets = [-W - 1, -W, -W + 1, -1, 1, W - 1, W, W + 1];
  for (let y = 0; y < h; y++) {
    const row = (y + 1) * W + 1;
    for (let x = 0; x < w; x++) {
      const seed = row + x;
      if (st[seed] !== SMALL) continue;
      // Breadth-first until the component proves big (more than maxHoleArea pixels, or it
      // touches a pixel known to be in a big component) or ends; queue[0 … tail) = visited.
      st[seed] = SEEN;
      queue[0] = seed;
      let head = 0;
      let tail = 1;
      let big = false;
      while (head < tail && !big) {
        const p = queue[head++]!;
        for (let k = 0; k < 8; k++) {
          const q = p + offsets[k]!;
          const v = st[q];
          if (v === SMALL) {
            st[q] = SEEN;
            queue[tail++] = q;
          } else if (v === BIG) {
            big = true;
            break;
          }
        }
        if (tail > maxHoleArea) big = true;
      }
      if (big) {
        // Everything visited is connected to the big component (the rest of it is found later).
        for (let k = 0; k < tail; k++) st[queue[k]!] = BIG;
      } else {
        for (let k = 0; k < tail; k++) {
          const q = queue[k]!;
          st[q] = 0;
          const qy = Math.floor(q / W) - 1;
          out[qy * w + (q - (qy + 1) * W - 1)] = HOLE_FILL_SCORE;
        }
      }
    }
  }
  return out;
}

const SMALL = 1;
const BIG = 2;
const SEEN = 3;
let floodState = new Uint8Array(0);
let floodQueue = new Int32Array(0);

/**
 * `fill_holes_in_mask_scores`: background = logits ≤ 0; every 8-connected background
 * component with area ≤ maxHoleArea becomes HOLE_FILL_SCORE (0.1). As in SAM2 there is no
 * border test: a small background region touching the image edge is filled too.
 * Returns a new array; the input is not modified. The straightforward implementation (full
 * connected-component labelling), kept as the reference `fillHoles` is tested against.
 */
export function fillHolesReference(logits: Float32Array, w: number, h: number, maxHoleArea: number = DEFAULT_MAX_HOLE_AREA): Float32Array {
  if (logits.length !== w * h) throw new RangeError(`fillHoles: expected ${w * h} values, got ${logits.length}`);
  if (!(maxHoleArea > 0)) throw new RangeError('fillHoles: maxHoleArea must be positive'); // assert max_area > 0
  const bg = new Uint8Array(w * h);
  for (let i = 0; i < bg.length; i++) bg[i] = logits[i]! <= 0 ? 1 : 0;
  const { labels, areas } = connectedComponents8(bg, w, h);
  const out = new Float32Array(logits);
  for (let i = 0; i < out.length; i++) {
    if (labels[i]! > 0 && areas[i]! <= maxHoleArea) out[i] = HOLE_FILL_SCORE;
  }
  return out;
}

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

/** Index of the highest predicted IoU, as `pickMultimask` chooses it (first wins ties, NaN is the maximum). */
export function pickMultimaskIndex(ious: ArrayLike<number>): number {
  const m = ious.length;
  if (m === 0) throw new RangeError('pickMultimask: no candidates');
  let best = 0;
  let bestVal = ious[0]!;
  if (!Number.isNaN(bestVal)) {
    for (let i = 1; i < m; i++) {
      const v = ious[i]!;
      if (Number.isNaN(v)) return i;
      if (v > bestVal) {
        best = i;
        bestVal = v;
      }
    }
  }
  return best;
}

/**
 * Choose among M candidate masks (`masks` = M concatenated planes of equal size) by the
 * highest predicted IoU: `torch.argmax(ious, dim=-1)` (first index wins ties; NaN is
 * treated as the maximum, as torch.argmax does).
 */
export function pickMultimask(masks: Float32Array, ious: ArrayLike<number>): { index: number; mask: Float32Array; iou: number } {
  const m = ious.length;
  if (m === 0) throw new RangeError('pickMultimask: no candidates');
  if (masks.length % m !== 0) throw new RangeError('pickMultimask: masks length is not a multiple of the candidate count');
  const plane = masks.length / m;
  let best = 0;
  let bestVal = ious[0]!;
  if (!Number.isNaN(bestVal)) {
    for (let i = 1; i < m; i++) {
      const v = ious[i]!;
      if (Number.isNaN(v)) {
        best = i;
        bestVal = v;
        break;
      }
      if (v > bestVal) {
        best = i;
        bestVal = v;
      }
    }
  }
  return { index: best, mask: masks.slice(best * plane, (best + 1) * plane), iou: bestVal };
}

export interface MultimaskConfig {
  multimaskOutputInSam: boolean;
  multimaskMinPtNum: number;
  multimaskMaxPtNum: number;
  multimaskOutputForTracking: boolean;
}

/** SAM 2.1 configs (sam2.1_hiera_*.yaml): multimask on, 0 ≤ points ≤ 1, also for tracking. */
export const SAM21_MULTIMASK: MultimaskConfig = {
  multimaskOutputInSam: true,
  multimaskMinPtNum: 0,
  multimaskMaxPtNum: 1,
  multimaskOutputForTracking: true,
};

/**
 * sam2_base.py `_use_multimask`: `num_pts` counts every prompt point (a box counts as two,
 * a frame without point inputs counts 0).
 */
export function useMultimask(isInitCondFrame: boolean, numPoints: number, config: MultimaskConfig): boolean {
  return (
    config.multimaskOutputInSam &&
    (isInitCondFrame || config.multimaskOutputForTracking) &&
    config.multimaskMinPtNum <= numPoints &&
    numPoints <= config.multimaskMaxPtNum
  );
}

/**
 * Object-score gate: where `objectScore > 0` is false (including NaN), every logit becomes
 * NO_OBJ_SCORE (−1024); otherwise the logits are returned unchanged (as a copy).
 */
export function applyObjectScore(logits: Float32Array, objectScore: number): Float32Array {
  if (objectScore > 0) return new Float32Array(logits);
  return new Float32Array(logits.length).fill(NO_OBJ_SCORE);
}

export interface DecoderMask {
  /** The chosen low-res logits, gated by the object score and hole-filled (a new array). */
  low: Float32Array;
  /** The slice mask (outW × outH): the low-res logits upsampled, > 0. */
  mask: Uint8Array;
  iou: number;
}

/**
 * Decoder output → the chosen low-res logits, gated and hole-filled, and the slice mask:
 * pickMultimask (when several candidates) → applyObjectScore → fillHoles (maxHoleArea > 0)
 * → toMask(upsampleBilinear(…)), with fewer copies. Equal to `decoderToMaskReference`.
 */
export function decoderToMask(
  lowRes: Float32Array,
  candidates: number,
  ious: ArrayLike<number>,
  objectScore: number,
  side: number,
  maxHoleArea: number,
  outW: number,
  outH: number,
): DecoderMask {
  let index = 0;
  let plane = lowRes.length;
  if (candidates > 1) {
    const m = ious.length;
    if (m === 0) throw new RangeError('pickMultimask: no candidates');
    if (lowRes.length % m !== 0) throw new RangeError('pickMultimask: masks length is not a multiple of the candidate count');
    index = pickMultimaskIndex(ious);
    plane = lowRes.length / m;
  }
  const iou = ious[index]!;
  const picked = lowRes.subarray(index * plane, (index + 1) * plane);
  let low: Float32Array;
  if (objectScore > 0) {
    low = maxHoleArea > 0 ? fillHoles(picked, side, side, maxHoleArea) : new Float32Array(picked);
  } else {
    // applyObjectScore: all NO_OBJ_SCORE, i.e. one background component of side² pixels.
    low = new Float32Array(plane).fill(NO_OBJ_SCORE);
    if (maxHoleArea > 0 && plane <= maxHoleArea) low = fillHoles(low, side, side, maxHoleArea);
  }
  return { low, mask: upsampleToMask(low, side, side, outW, outH), iou };
}

/** The straightforward chain `decoderToMask` stands for (what the tracker did before), for tests. */
export function decoderToMaskReference(
  lowRes: Float32Array,
  candidates: number,
  ious: ArrayLike<number>,
  objectScore: number,
  side: number,
  maxHoleArea: number,
  outW: number,
  outH: number,
): DecoderMask {
  const pick = candidates > 1 ? pickMultimask(lowRes, ious) : { mask: lowRes, iou: ious[0]! };
  let low = applyObjectScore(pick.mask, objectScore);
  if (maxHoleArea > 0) low = fillHolesReference(low, side, side, maxHoleArea);
  const up = resizeBilinearReference(low, side, side, outW, outH, { antialias: false });
  return { low, mask: toMask(up), iou: pick.iou };
}
