/**
 * The names of an ONNX graph's inputs and outputs, read from the file's protobuf without
 * onnxruntime (ModelProto.graph = field 7; GraphProto.input = 11, .output = 12;
 * ValueInfoProto.name = 1), and the names each of the five graphs must have
 * (tools/fixture-model/INTERFACE.md). Used to refuse a wrong graph before it is cached.
 * No state; imports only the manifest's types.
 */
import type { GraphName } from './manifest.ts';

/** What the engine feeds each graph and reads from it (src/engine/worker/runtime/ort-graphs.ts). */
export const GRAPH_INTERFACE: Record<GraphName, { inputs: readonly string[]; outputs: readonly string[] }> = {
  vision_encoder: { inputs: ['pixel_values'], outputs: ['feats0', 'feats1', 'feats2', 'feats2_no_mem', 'vision_pos_embed'] },
  mask_decoder: {
    inputs: ['feats0', 'feats1', 'feats2_cond', 'input_points', 'input_labels'],
    outputs: ['low_res_mask', 'high_res_mask', 'iou', 'object_score_logits', 'object_pointer'],
  },
  memory_encoder: { inputs: ['feats2', 'high_res_mask', 'object_score_logits', 'binarize'], outputs: ['memory_tokens', 'memory_pos'] },
  memory_attention: {
    inputs: ['current_vision_features', 'current_vision_position_embeddings', 'memory', 'memory_pos'],
    outputs: ['conditioned_feats'],
  },
  pointer_tpos: { inputs: ['normalized_diffs'], outputs: ['pointer_pos'] },
};

interface Field {
  field: number;
  wire: number;
  /** The value's bytes (for a length-delimited field: its payload). */
  start: number;
  end: number;
}

function varint(b: Uint8Array, at: { i: number }, end: number): number {
  let v = 0;
  let scale = 1;
  for (;;) {
    if (at.i >= end) throw new Error('truncated varint');
    const byte = b[at.i++]!;
    v += (byte & 0x7f) * scale;
    if (byte < 0x80) return v;
    scale *= 128;
    if (scale > 2 ** 63) throw new Error('varint too long');
  }
}

/** The fields of one protobuf message in b[start, end). */
function* fields(b: Uint8Array, start: number, end: number): Generator<Field> {
  const at = { i: start };
  while (at.i < end) {
    const tag = varint(b, at, end);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    let from = at.i;
    if (wire === 0) varint(b, at, end);
    else if (wire === 1) at.i += 8;
    else if (wire === 5) at.i += 4;
    else if (wire === 2) {
      const n = varint(b, at, end);
      from = at.i;
      at.i += n;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (at.i > end) throw new Error('truncated field');
    yield { field, wire, start: from, end: at.i };
  }
}

function first(b: Uint8Array, start: number, end: number, field: number): Field | null {
  for (const f of fields(b, start, end)) if (f.field === field && f.wire === 2) return f;
  return null;
}

/** The graph's input and output names; throws when the bytes are no ONNX model. */
export function onnxGraphNames(bytes: Uint8Array): { inputs: string[]; outputs: string[] } {
  const graph = first(bytes, 0, bytes.length, 7);
  if (!graph) throw new Error('not an ONNX model (no graph)');
  const inputs: string[] = [];
  const outputs: string[] = [];
  const text = new TextDecoder();
  for (const f of fields(bytes, graph.start, graph.end)) {
    if (f.wire !== 2 || (f.field !== 11 && f.field !== 12)) continue;
    const name = first(bytes, f.start, f.end, 1);
    if (name) (f.field === 11 ? inputs : outputs).push(text.decode(bytes.subarray(name.start, name.end)));
  }
  return { inputs, outputs };
}

/** Why a graph file does not fit the interface the engine speaks, or null when it does. */
export function graphMismatch(graph: GraphName, bytes: Uint8Array): string | null {
  let names: { inputs: string[]; outputs: string[] };
  try {
    names = onnxGraphNames(bytes);
  } catch (e) {
    return `not an ONNX graph (${e instanceof Error ? e.message : String(e)})`;
  }
  const want = GRAPH_INTERFACE[graph];
  const noIn = want.inputs.filter((n) => !names.inputs.includes(n));
  const noOut = want.outputs.filter((n) => !names.outputs.includes(n));
  if (noIn.length === 0 && noOut.length === 0) return null;
  const parts = [noIn.length ? `input${noIn.length > 1 ? 's' : ''} ${noIn.join(', ')}` : '', noOut.length ? `output${noOut.length > 1 ? 's' : ''} ${noOut.join(', ')}` : ''];
  return `wrong interface for ${graph}: lacks ${parts.filter(Boolean).join(' and ')} (has inputs ${names.inputs.join(', ') || 'none'}; outputs ${names.outputs.join(', ') || 'none'})`;
}
