/**
 * Which stored outputs enter the memory bank of frame `t`: a pure-TypeScript port of the
 * bookkeeping in SAM2Base._prepare_memory_conditioned_features and select_closest_cond_frames.
 * No tensors here: the result says WHICH frames, with WHICH temporal rows / pointer positions;
 * the caller gathers the stored tensors and runs the graphs.
 *
 * Reference (read, not copied): facebookresearch/sam2 @ 2b90b9f5ceec907a1c18123530e92e794ad901a4
 *   sam2/modeling/sam2_base.py   _prepare_memory_conditioned_features, lines 497-676
 *   sam2/modeling/sam2_utils.py  select_closest_cond_frames, lines 19-61
 *   sam2/sam2_video_predictor.py add_new_points_or_box 233-245, propagate_in_video_preflight
 *                                480-543, propagate_in_video 546-625
 * Eval mode only (`self.training == False`): stride = memory_temporal_stride_for_eval
 * (line 538) and only_obj_ptrs_in_the_past_for_eval applies (line 591).
 */
import type { BankConfig } from './config.ts';

/**
 * One entry of the per-object output dict. In Python an object has two dicts,
 * output_dict["cond_frame_outputs"] and ["non_cond_frame_outputs"]; after
 * propagate_in_video_preflight a frame is never in both (sam2_video_predictor.py:540-543 pops
 * the non-cond entry of every cond frame), so one map with a flag is equivalent.
 *
 * Invariant the caller must keep (true of every entry of Python's output_dict): an entry
 * exists only once its memory features have been encoded, and it always has an object
 * pointer (obj_ptr is produced on every frame, occlusion-gated but never absent). Outputs of
 * clicks not yet consolidated (Python's temp_output_dict) must NOT be in this map.
 */
export interface StoredOutput {
  /** true: stored under "cond_frame_outputs" (a prompted frame); false: "non_cond_frame_outputs". */
  readonly isConditioning: boolean;
}

/**
 * Frame index -> stored output. Map iteration order matters the same way Python dict
 * insertion order does: conditioning frames are listed in insertion order when not limited
 * (select_closest_cond_frames returns the dict itself, sam2_utils.py:33). Attention is
 * permutation-invariant over (key, value) pairs, so order only matters for bit-exactness.
 */
export type FrameOutputs = ReadonlyMap<number, StoredOutput>;

export type Direction = 'forward' | 'reverse';

export interface SelectState {
  readonly outputs: FrameOutputs;
  /** inference_state["num_frames"]: number of slices along the propagation axis. */
  readonly numFrames: number;
  /**
   * is_init_cond_frame (sam2_base.py:522/651). True only for a prompted frame that has not
   * been tracked yet (sam2_video_predictor.py:234); always false during propagation
   * (line 608). Defaults to false. See promptContext() in predictor.ts.
   */
  readonly isInitCondFrame?: boolean;
}

/** Where a spatial-memory row comes from. */
export type MaskmemSource =
  /** selected conditioning frame, t_pos = 0 (line 533) */
  | 'cond'
  /** non-conditioning output of a recent frame (line 563) */
  | 'nonCond'
  /** conditioning frame NOT selected by select_closest_cond_frames but lying on a recent-frame
   * position: attended as if non-conditioning (lines 565-567) */
  | 'unselectedCond';

export interface MaskmemRow {
  readonly frame: number;
  /** t_pos of the Python loop: 0 for conditioning frames, 1..numMaskmem-1 for recent frames. */
  readonly tPos: number;
  /** Row of maskmem_tpos_enc added to this memory's pos enc: num_maskmem - t_pos - 1 (line 582). */
  readonly tposIndex: number;
  /** Enters as a conditioning memory (t_pos = 0). */
  readonly conditioning: boolean;
  readonly source: MaskmemSource;
}

export interface PointerRow {
  readonly frame: number;
  /**
   * The value pushed into pos_list. Conditioning pointers (lines 599-610):
   * (frame_idx - t) * tpos_sign_mul if use_signed_tpos_enc_to_obj_ptrs else |frame_idx - t|.
   * Recent-frame pointers (line 620): t_diff (always >= 1).
   */
  readonly signedDistance: number;
  /** signedDistance / t_diff_max (line 634) -> the `normalized_diffs` input of pointer_tpos.
   * null when add_tpos_enc_to_obj_ptrs is False: the position is then an all-zero vector (line 638). */
  readonly normalized: number | null;
  readonly conditioning: boolean;
}

export interface MemorySelection {
  /**
   * is_init_cond_frame: no memory at all (lines 651-661). With directly_add_no_mem_embed
   * (both tiny configs) the conditioned feature is vision_feats + no_mem_embed and memory
   * attention is NOT run (line 653-657); otherwise a single dummy memory token
   * no_mem_embed / no_mem_pos_enc goes through memory attention (lines 660-661).
   */
  readonly noMemory: boolean;
  readonly noMemoryMode: 'addNoMemEmbed' | 'dummyToken' | null;
  /** Spatial memories in concatenation order: conditioning first, then t_pos = 1..numMaskmem-1
   * (oldest recent frame first, the frame right before `t` last), skipping absent outputs. */
  readonly maskmemRows: readonly MaskmemRow[];
  /** Object pointers in concatenation order: conditioning first, then t_diff = 1, 2, ... */
  readonly pointers: readonly PointerRow[];
  /** How pointer positions are made: 'sine' -> pointer_tpos(normalized); 'zeros' -> zero rows. */
  readonly pointerEncoding: 'sine' | 'zeros';
  /** t_diff_max = min(num_frames, max_obj_ptrs_in_encoder) - 1 (lines 588, 629). */
  readonly tDiffMax: number;
  /** num_obj_ptr_tokens (line 648): pointers * (C / mem_dim); the tail of the memory that
   * memory attention excludes from RoPE. */
  readonly numObjPtrTokens: number;
}

/** Python floor division `a // b` for integers (b > 0). */
function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/**
 * select_closest_cond_frames (sam2_utils.py:19-61), over frame indices.
 * Returns selected and unselected conditioning frames, each in Python's dict order.
 */
export function selectClosestCondFrames(
  frameIdx: number,
  condFrames: readonly number[],
  maxCondFrameNum: number,
): { selected: number[]; unselected: number[] } {
  // line 32-34: -1 or few enough -> everything, in dict order
  if (maxCondFrameNum === -1 || condFrames.length <= maxCondFrameNum) {
    return { selected: [...condFrames], unselected: [] };
  }
  // line 36
  if (maxCondFrameNum < 2) throw new RangeError('we should allow using 2+ conditioning frames');
  const selected: number[] = [];
  // line 40: closest strictly before
  let before: number | undefined;
  for (const t of condFrames) if (t < frameIdx && (before === undefined || t > before)) before = t;
  if (before !== undefined) selected.push(before);
  // line 45: closest at-or-after (t >= frame_idx)
  let after: number | undefined;
  for (const t of condFrames) if (t >= frameIdx && (after === undefined || t < after)) after = t;
  if (after !== undefined) selected.push(after);
  // lines 51-56: remaining by |t - frame_idx|, Python's sorted is stable (ties keep dict order);
  // Array.prototype.sort is stable too (ES2019).
  const numRemain = maxCondFrameNum - selected.length;
  const remain = condFrames
    .filter((t) => !selected.includes(t))
    .sort((a, b) => Math.abs(a - frameIdx) - Math.abs(b - frameIdx))
    .slice(0, Math.max(0, numRemain));
  selected.push(...remain);
  // lines 57-59: unselected in dict order
  const unselected = condFrames.filter((t) => !selected.includes(t));
  return { selected, unselected };
}

/**
 * The frame index of the t_pos-th recent memory (sam2_base.py:539-562).
 * t_rel = num_maskmem - t_pos frames "before" the current frame in the direction of travel.
 */
export function recentMemoryFrame(
  frameIdx: number,
  tPos: number,
  numMaskmem: number,
  stride: number,
  reverse: boolean,
): number {
  const tRel = numMaskmem - tPos; // line 540
  if (tRel === 1) {
    // lines 541-548: the adjacent frame regardless of stride
    return reverse ? frameIdx + tRel : frameIdx - tRel;
  }
  if (!reverse) {
    // lines 554-556: ((frame_idx - 2) // stride) * stride - (t_rel - 2) * stride
    return floorDiv(frameIdx - 2, stride) * stride - (tRel - 2) * stride;
  }
  // lines 560-562: -(-(frame_idx + 2) // stride) * stride + (t_rel - 2) * stride  (a ceil)
  return -floorDiv(-(frameIdx + 2), stride) * stride + (tRel - 2) * stride;
}

/**
 * What goes into the memory bank for frame `frame`, tracking in `direction`.
 * Port of the index logic of SAM2Base._prepare_memory_conditioned_features.
 */
export function selectMemory(
  frame: number,
  direction: Direction,
  state: SelectState,
  config: BankConfig,
): MemorySelection {
  const reverse = direction === 'reverse';
  const { outputs, numFrames } = state;
  const pointerEncoding = config.addTposEncToObjPtrs ? 'sine' : 'zeros';
  const maxPtrs = Math.min(numFrames, config.maxObjPtrsInEncoder); // line 588
  const tDiffMax = maxPtrs - 1; // line 629
  const tokensPerPointer = config.hiddenDim / config.memDim; // lines 639-645

  if (state.isInitCondFrame === true) {
    // lines 651-661: no memory on an initial conditioning frame
    return {
      noMemory: true,
      noMemoryMode: config.directlyAddNoMemEmbed ? 'addNoMemEmbed' : 'dummyToken',
      maskmemRows: [],
      pointers: [],
      pointerEncoding,
      tDiffMax,
      numObjPtrTokens: 0,
    };
  }

  const condFrames: number[] = [];
  for (const [t, out] of outputs) if (out.isConditioning) condFrames.push(t);
  // line 527
  if (condFrames.length === 0) {
    throw new Error(`frame ${frame}: no conditioning output to track from (sam2_base.py:527)`);
  }
  // lines 529-532
  const { selected, unselected } = selectClosestCondFrames(frame, condFrames, config.maxCondFramesInAttn);
  const unselectedSet = new Set(unselected);

  /** non_cond_frame_outputs.get(t) falling back to unselected_cond_outputs.get(t) (lines 563-567, 616-618). */
  const lookupRecent = (t: number): MaskmemSource | null => {
    const out = outputs.get(t);
    if (out === undefined) return null;
    if (!out.isConditioning) return 'nonCond';
    return unselectedSet.has(t) ? 'unselectedCond' : null; // a selected cond frame is not in either dict
  };

  const tposIndex = (tPos: number): number => config.numMaskmem - tPos - 1; // line 582

  // line 533: selected conditioning frames, all with t_pos = 0
  const maskmemRows: MaskmemRow[] = selected.map((t) => ({
    frame: t,
    tPos: 0,
    tposIndex: tposIndex(0),
    conditioning: true,
    source: 'cond',
  }));
  // lines 538-568, then 570-572 (None entries are skipped)
  const stride = config.memoryTemporalStrideForEval;
  for (let tPos = 1; tPos < config.numMaskmem; tPos++) {
    const prev = recentMemoryFrame(frame, tPos, config.numMaskmem, stride, reverse);
    const source = lookupRecent(prev);
    if (source === null) continue;
    maskmemRows.push({ frame: prev, tPos, tposIndex: tposIndex(tPos), conditioning: false, source });
  }

  const pointers: PointerRow[] = [];
  if (config.useObjPtrsInEncoder) {
    const norm = (pos: number): number | null => (config.addTposEncToObjPtrs ? pos / tDiffMax : null);
    const tposSignMul = reverse ? -1 : 1; // line 520
    // lines 591-598: eval -> only conditioning frames in the past of the direction of travel
    const ptrCond = config.onlyObjPtrsInThePastForEval
      ? selected.filter((t) => (reverse ? t >= frame : t <= frame))
      : selected;
    // lines 599-610
    for (const t of ptrCond) {
      const pos = config.useSignedTposEncToObjPtrs ? (frame - t) * tposSignMul : Math.abs(frame - t);
      pointers.push({ frame: t, signedDistance: pos, normalized: norm(pos), conditioning: true });
    }
    // lines 612-620: up to max_obj_ptrs_in_encoder - 1 recent frames; stop at the volume edge
    for (let tDiff = 1; tDiff < maxPtrs; tDiff++) {
      const t = reverse ? frame + tDiff : frame - tDiff;
      if (t < 0 || t >= numFrames) break;
      if (lookupRecent(t) === null) continue;
      pointers.push({ frame: t, signedDistance: tDiff, normalized: norm(tDiff), conditioning: false });
    }
  }

  return {
    noMemory: false,
    noMemoryMode: null,
    maskmemRows,
    pointers,
    pointerEncoding,
    tDiffMax,
    numObjPtrTokens: pointers.length * tokensPerPointer, // lines 639-648
  };
}
