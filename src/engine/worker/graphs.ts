/**
 * What the tracker needs from the five SAM2 graphs, without naming a runtime. The one
 * implementation (runtime/ort-graphs.ts) runs onnxruntime-web; tests may wrap it to count
 * calls or inject failures. Feature handles are opaque so that a GPU runtime can keep
 * tensors on the device between graphs.
 */

/** Image features of one slice (vision_encoder outputs). Release with dispose(). */
export interface FrameFeatures {
  /** feats2 as memory-attention tokens [HW, 1, 256] (flatten(2).permute(2, 0, 1)). */
  readonly tokens: Float32Array;
  dispose(): void;
}

/** conditioned_feats of memory attention. */
export interface ConditionedFeatures {
  dispose(): void;
}

/** A high-resolution (S×S) mask-logit tensor, opaque (may live on the GPU). */
export interface HighResMask {
  dispose(): void;
}

export interface DecoderPrompt {
  /** Interleaved x, y in model-input pixels. */
  points: Float32Array;
  labels: Int32Array;
}

export interface DecoderOutput {
  /** Low-res mask logits, `candidates` planes of lowResSide² (one plane unless the graph returns several). */
  lowRes: Float32Array;
  lowResSide: number;
  candidates: number;
  /** Predicted IoU per candidate. */
  iou: Float32Array;
  objectScore: number;
  /** Object pointer [256], already gated by the object score inside the graph. */
  pointer: Float32Array;
  /** high_res_mask, for the memory encoder on tracked slices. */
  highRes: HighResMask;
}

export interface MemoryFeatures {
  /** memory_tokens [HW, 1, 64]. */
  tokens: Float32Array;
  /** memory_pos [HW, 1, 64] (spatial position encoding, without the temporal row). */
  pos: Float32Array;
}

export interface Sam2Graphs {
  readonly imageSize: number;
  /** Side of the feature grid (imageSize / 16). */
  readonly featureGrid: number;
  readonly memDim: number;
  readonly hiddenDim: number;
  /** memory_attention's row count when fixed; null when the graph takes any row count. */
  readonly fixedBankRows: number | null;
  /** pointer_tpos's input length when fixed (16 in the public exports). */
  readonly pointerSlots: number;
  /** memory_temporal_positional_encoding from constants.json: numMaskmem rows of memDim. */
  readonly temporalEncoding: Float32Array;
  readonly numMaskmem: number;

  encodeImage(pixels: Float32Array): Promise<FrameFeatures>;
  /** noMemory: feats2_no_mem (initial conditioning slice); else conditioned features from attend(). */
  decode(features: FrameFeatures, conditioned: ConditionedFeatures | 'noMemory', prompt: DecoderPrompt): Promise<DecoderOutput>;
  attend(features: FrameFeatures, memory: Float32Array, memoryPos: Float32Array, rows: number): Promise<ConditionedFeatures>;
  /** A CPU mask (S×S logits) for slices the user interacted with; the decoder's own tensor otherwise. */
  encodeMemory(features: FrameFeatures, mask: HighResMask | Float32Array, objectScore: number, binarize: boolean): Promise<MemoryFeatures>;
  /** pointer_tpos: [pointerSlots] normalised distances → [pointerSlots, memDim]. */
  pointerPositions(normalizedDiffs: Float32Array): Promise<Float32Array>;
}
