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
import { resizeBilinear } from './resize.ts';

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
 * Returns a new array; the input is not modified.
 */
export function fillHoles(logits: Float32Array, w: number, h: number, maxHoleArea: number = DEFAULT_MAX_HOLE_AREA): Float32Array {
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
