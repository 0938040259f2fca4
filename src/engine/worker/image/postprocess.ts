/**
 * Mask-logit post-processing, ported from facebookresearch/sam2. Pure functions.
 *
 * - fillHoles: fill-holes.ts (`fill_holes_in_mask_scores`).
 * - upsampleBilinear, toMask, upsampleToMask: upsample-mask.ts (`F.interpolate`, threshold 0).
 * - pickMultimask / useMultimask: sam2_base.py `_forward_sam_heads` (argmax over ious) and
 *   `_use_multimask`.
 * - applyObjectScore: sam2_base.py `_forward_sam_heads` (`NO_OBJ_SCORE` where
 *   `object_score_logits > 0` is false).
 * - decoderToMask: the chain of all of them that the tracker runs on each decoder output.
 *
 * The two modules' names are re-exported here, where the engine and tools import them from.
 */
import { fillHoles, fillHolesReference } from './fill-holes.ts';
import { resizeBilinearReference } from './resize.ts';
import { toMask, upsampleToMask } from './upsample-mask.ts';

export { connectedComponents8, DEFAULT_MAX_HOLE_AREA, fillHoles, fillHolesReference, HOLE_FILL_SCORE } from './fill-holes.ts';
export { toMask, upsampleBilinear, upsampleToMask } from './upsample-mask.ts';

/** sam2_base.py `NO_OBJ_SCORE`. */
export const NO_OBJ_SCORE = -1024;

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
