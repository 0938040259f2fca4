/**
 * Inputs of each of the five graphs at a model's real sizes, as plain data, so that Node and
 * the page build the same tensors (values are a fixed pattern: timing, not results).
 * memory_attention gets the largest bank the engine builds: 7 spatial memories + 16 pointers.
 */
export interface InputSpec {
  name: string;
  type: 'float32' | 'int32';
  dims: number[];
  /** Explicit values; otherwise a deterministic pattern in [-1, 1]. */
  values?: number[];
}

export interface GraphSpec {
  graph: 'vision_encoder' | 'mask_decoder' | 'memory_encoder' | 'memory_attention' | 'pointer_tpos';
  inputs: InputSpec[];
}

export function graphSpecs(imageSize: number, memoryFrames = 7, pointers = 16): GraphSpec[] {
  const s = imageSize;
  const g = s / 16;
  const hw = g * g;
  const rows = memoryFrames * hw + pointers * 4;
  const f = (name: string, dims: number[], values?: number[]): InputSpec => ({ name, type: 'float32', dims, ...(values ? { values } : {}) });
  return [
    { graph: 'vision_encoder', inputs: [f('pixel_values', [1, 3, s, s])] },
    {
      graph: 'mask_decoder',
      inputs: [
        f('feats0', [1, 32, 4 * g, 4 * g]), f('feats1', [1, 64, 2 * g, 2 * g]), f('feats2_cond', [1, 256, g, g]),
        f('input_points', [1, 1, 1, 2], [0, 0]), { name: 'input_labels', type: 'int32', dims: [1, 1, 1], values: [-1] },
      ],
    },
    { graph: 'memory_encoder', inputs: [f('feats2', [1, 256, g, g]), f('high_res_mask', [1, 1, s, s]), f('object_score_logits', [1, 1], [1]), f('binarize', [], [0])] },
    {
      graph: 'memory_attention',
      inputs: [f('current_vision_features', [hw, 1, 256]), f('current_vision_position_embeddings', [hw, 1, 256]), f('memory', [rows, 1, 64]), f('memory_pos', [rows, 1, 64])],
    },
    { graph: 'pointer_tpos', inputs: [f('normalized_diffs', [pointers], Array.from({ length: pointers }, (_, i) => i / (pointers - 1)))] },
  ];
}

/** The values of one input (self-contained: also sent to the page as source text). */
export function inputValues(spec: InputSpec): Float32Array | Int32Array {
  const n = spec.dims.reduce((a, b) => a * b, 1);
  if (spec.values) return spec.type === 'int32' ? Int32Array.from(spec.values) : Float32Array.from(spec.values);
  const out = spec.type === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin(i * 0.37) * 0.9;
  return out;
}
