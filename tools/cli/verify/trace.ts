/**
 * A golden trace written by `tools/export/export_sam2.py --trace DIR` (format
 * slicesam-trace/1, described in tools/export/slicesam_export/trace.py): read, checked, and
 * judged for degeneracy. Pure (the files are read by read-trace.ts in Node, fetched in the page).
 */
import type { SlicePrompt } from '../../../src/engine/protocol.ts';

export interface TracePrompt extends SlicePrompt {
  object: number;
  slice: number;
}

/** One step of the script PyTorch ran, in order: a prompt (anywhere, corrections too) or a propagation. */
export type TraceStep =
  | { prompt: TracePrompt }
  | { propagate: { direction: 'forward' | 'reverse'; from: number } };

export interface TraceRecord {
  /** The step (index into `steps`) that produced it. */
  step: number;
  pass: 'prompt' | 'forward' | 'reverse';
  slice: number;
  object: number;
  iou: number;
  objectScore: number;
  /** Offset (in floats) of this record's low-res logits in logits.f32. */
  logits: number;
  /** Offset (in bytes) of this record's mask in masks.u8. */
  mask: number;
  maskPixels: number;
}

export interface TraceMeta {
  format: 'slicesam-trace/2';
  model: { preset: string; version: string; imageSize: number; randomInit: boolean; seed: number };
  volume: { file: string; dims: [number, number, number]; source?: string; slices?: [number, number] };
  window: { min: number; max: number };
  lowResSide: number;
  steps: TraceStep[];
  records: TraceRecord[];
  pytorch?: { torch: string; threads: number; seconds: number; ms: Record<string, number[]>; settings?: Record<string, unknown> };
}

export interface Trace {
  meta: TraceMeta;
  volume: Float32Array;
  logits: Float32Array;
  masks: Uint8Array;
}

/**
 * Why agreement on this trace would prove nothing, or null. A mask is degenerate when it
 * is empty or (nearly) the whole slice (random weights on a blank volume give these); a trace
 * is refused when most of its masks are, or when it has no tracked slice to compare.
 */
export function degenerateReason(meta: TraceMeta, fullFraction = 0.995): string | null {
  const [w, h] = meta.volume.dims;
  const tracked = meta.records.filter((r) => r.pass !== 'prompt');
  if (tracked.length === 0) return 'the trace has no propagated slices';
  const bad = meta.records.filter((r) => r.maskPixels === 0 || r.maskPixels >= fullFraction * w * h);
  if (bad.length * 2 > meta.records.length) {
    return `${bad.length} of ${meta.records.length} masks are empty or cover the whole slice: agreement on them proves nothing (pick another slab, prompts or seed)`;
  }
  return null;
}

/** A trace from its files' contents; checks that every record's data is there. */
export function traceFrom(meta: TraceMeta, volume: Float32Array, logits: Float32Array, masks: Uint8Array, where: string): Trace {
  if (meta.format !== 'slicesam-trace/2') {
    throw new Error(`${where}/trace.json: format ${String(meta.format)}, expected slicesam-trace/2 (write the trace again with tools/export/export_sam2.py --skip-export --trace)`);
  }
  const [w, h, n] = meta.volume.dims;
  if (volume.length !== w * h * n) throw new Error(`${where}/${meta.volume.file}: ${volume.length} values for dims ${w}×${h}×${n}`);
  const side = meta.lowResSide;
  for (const r of meta.records) {
    if (r.logits + side * side > logits.length || r.mask + w * h > masks.length) {
      throw new Error(`${where}: record (${r.pass}, slice ${r.slice}, object ${r.object}) points past the end of its data`);
    }
  }
  return { meta, volume, logits, masks };
}
