/**
 * Memory-bank configuration of the SAM2 video predictor (eval mode only).
 *
 * Reference: facebookresearch/sam2 @ 2b90b9f5ceec907a1c18123530e92e794ad901a4
 *   - sam2/modeling/sam2_base.py  SAM2Base.__init__ defaults (lines ~28-80)
 *   - sam2/configs/sam2/sam2_hiera_t.yaml      (SAM 2.0 tiny)
 *   - sam2/configs/sam2.1/sam2.1_hiera_t.yaml  (SAM 2.1 tiny)
 *
 * The two tiny configs differ, for the bank, ONLY in the object-pointer temporal
 * encoding (`diff sam2_hiera_t.yaml sam2.1_hiera_t.yaml`):
 *   2.0: add_tpos_enc_to_obj_ptrs: false   (proj_/use_signed_ left at the SAM2Base default False)
 *   2.1: add_tpos_enc_to_obj_ptrs: true, proj_tpos_enc_in_obj_ptrs: true,
 *        use_signed_tpos_enc_to_obj_ptrs: true
 * Everything else here is identical in both yaml files or taken from the
 * SAM2Base defaults (max_cond_frames_in_attn=-1, memory_temporal_stride_for_eval=1,
 * max_obj_ptrs_in_encoder=16 are not set in either yaml; build_sam2_video_predictor
 * does not override them either).
 */
export interface BankConfig {
  /** `num_maskmem`: 1 conditioning slot + (numMaskmem - 1) previous frames. 7 in both tiny configs. */
  readonly numMaskmem: number;
  /** `max_cond_frames_in_attn`: -1 = all conditioning frames; otherwise must be >= 2 (sam2_utils.py:36). */
  readonly maxCondFramesInAttn: number;
  /** `memory_temporal_stride_for_eval` (the `r` of XMem/Cutie). 1 by default. */
  readonly memoryTemporalStrideForEval: number;
  /** `use_obj_ptrs_in_encoder`: true in both tiny configs. */
  readonly useObjPtrsInEncoder: boolean;
  /** `max_obj_ptrs_in_encoder`: 16 (SAM2Base default). */
  readonly maxObjPtrsInEncoder: number;
  /** `add_tpos_enc_to_obj_ptrs`: 2.0 tiny False -> pointer positions are all-zero vectors (sam2_base.py:638). */
  readonly addTposEncToObjPtrs: boolean;
  /** `proj_tpos_enc_in_obj_ptrs`: sine PE of dim C(=256) then Linear(256->64); else sine PE of dim mem_dim(=64), Identity. */
  readonly projTposEncInObjPtrs: boolean;
  /** `use_signed_tpos_enc_to_obj_ptrs`: conditioning-frame pointer distance signed (2.1) or abs (2.0). */
  readonly useSignedTposEncToObjPtrs: boolean;
  /** `only_obj_ptrs_in_the_past_for_eval`: true in both tiny configs. */
  readonly onlyObjPtrsInThePastForEval: boolean;
  /** `directly_add_no_mem_embed`: true in both tiny configs (init frame: feats + no_mem_embed, no attention). */
  readonly directlyAddNoMemEmbed: boolean;
  /** `hidden_dim` C (256) and `mem_dim` (64, memory_encoder.out_proj). One pointer = C / memDim tokens. */
  readonly hiddenDim: number;
  readonly memDim: number;
}

const COMMON = {
  numMaskmem: 7,
  maxCondFramesInAttn: -1,
  memoryTemporalStrideForEval: 1,
  useObjPtrsInEncoder: true,
  maxObjPtrsInEncoder: 16,
  onlyObjPtrsInThePastForEval: true,
  directlyAddNoMemEmbed: true,
  hiddenDim: 256,
  memDim: 64,
} as const;

/** sam2_hiera_t.yaml (SAM 2.0 tiny). */
export const SAM2_0_TINY: BankConfig = Object.freeze({
  ...COMMON,
  addTposEncToObjPtrs: false,
  projTposEncInObjPtrs: false,
  useSignedTposEncToObjPtrs: false,
});

/** sam2.1_hiera_t.yaml (SAM 2.1 tiny). */
export const SAM2_1_TINY: BankConfig = Object.freeze({
  ...COMMON,
  addTposEncToObjPtrs: true,
  projTposEncInObjPtrs: true,
  useSignedTposEncToObjPtrs: true,
});

export type Sam2Version = '2.0' | '2.1';

/** Bank config for a manifest version flag, with optional overrides (e.g. maxCondFramesInAttn). */
export function bankConfigFor(version: Sam2Version, overrides: Partial<BankConfig> = {}): BankConfig {
  const base = version === '2.0' ? SAM2_0_TINY : SAM2_1_TINY;
  const cfg: BankConfig = { ...base, ...overrides };
  validateBankConfig(cfg);
  return cfg;
}

export function validateBankConfig(cfg: BankConfig): void {
  const int = (n: number): boolean => Number.isInteger(n);
  if (!int(cfg.numMaskmem) || cfg.numMaskmem < 1) {
    // num_maskmem == 0 (sam2_base.py:515) is the "SAM on images" mode; not supported here.
    throw new RangeError(`numMaskmem must be an integer >= 1, got ${cfg.numMaskmem}`);
  }
  if (!int(cfg.maxCondFramesInAttn) || (cfg.maxCondFramesInAttn !== -1 && cfg.maxCondFramesInAttn < 2)) {
    // sam2_utils.py:36 asserts max_cond_frame_num >= 2 whenever it actually limits.
    throw new RangeError(`maxCondFramesInAttn must be -1 or an integer >= 2, got ${cfg.maxCondFramesInAttn}`);
  }
  if (!int(cfg.memoryTemporalStrideForEval) || cfg.memoryTemporalStrideForEval < 1) {
    throw new RangeError(`memoryTemporalStrideForEval must be an integer >= 1`);
  }
  if (!int(cfg.maxObjPtrsInEncoder) || cfg.maxObjPtrsInEncoder < 1) {
    throw new RangeError(`maxObjPtrsInEncoder must be an integer >= 1`);
  }
  if (!int(cfg.hiddenDim) || !int(cfg.memDim) || cfg.memDim < 1 || cfg.hiddenDim % cfg.memDim !== 0) {
    throw new RangeError(`hiddenDim must be a multiple of memDim`);
  }
}
