/**
 * Replays a golden trace's prompts and passes through the engine's own Tracker (the code
 * the browser's worker runs) and compares every slice × object with PyTorch's record.
 */
import type { ModelManifest } from '../../../src/engine/models/manifest.ts';
import type { SliceResult } from '../../../src/engine/protocol.ts';
import { bankConfigFor } from '../../../src/engine/worker/bank/config.ts';
import type { DecoderOutput, Sam2Graphs } from '../../../src/engine/worker/graphs.ts';
import { decoderToMask, DEFAULT_MAX_HOLE_AREA } from '../../../src/engine/worker/image/postprocess.ts';
import { Tracker } from '../../../src/engine/worker/track/tracker.ts';
import { maskIoU, maxLogitDiff, type Row } from './compare.ts';
import type { Trace, TraceRecord } from './trace.ts';

/**
 * A control: what the engine is run without. A trace that still agrees with the memory
 * zeroed cannot tell a broken bank from a working one.
 */
export type Ablation = 'none' | 'memory';

export async function replay(
  trace: Trace,
  graphs: Sam2Graphs,
  manifest: ModelManifest,
  onRow?: (r: Row) => void,
  ablate: Ablation = 'none',
): Promise<Row[]> {
  const { meta } = trace;
  const [w, h] = meta.volume.dims;
  if (meta.model.imageSize !== manifest.imageSize) throw new Error(`the trace ran at ${meta.model.imageSize} px, the model is ${manifest.imageSize} px`);
  if (meta.model.version !== manifest.version) throw new Error(`the trace ran SAM ${meta.model.version}, the model is SAM ${manifest.version}`);
  const tracker = new Tracker(graphs, { data: trace.volume, dims: meta.volume.dims }, meta.window, {
    config: bankConfigFor(manifest.version),
    mean: manifest.normalisation.mean,
    std: manifest.normalisation.std,
  });
  // The decoder's raw output of every run, in order: the tracker decodes once per prompt
  // and once per tracked slice, so results pair with these in the order they arrive.
  const decoded: DecoderOutput[] = [];
  const realDecode = graphs.decode.bind(graphs);
  graphs.decode = async (f, c, p) => {
    const out = await realDecode(f, c, p);
    decoded.push(out);
    return out;
  };
  const realAttend = graphs.attend.bind(graphs);
  if (ablate === 'memory') graphs.attend = (f, memory, pos, rows) => realAttend(f, new Float32Array(memory.length), pos, rows);
  const lowOf = (d: DecoderOutput) => decoderToMask(d.lowRes, d.candidates, d.iou, d.objectScore, d.lowResSide, DEFAULT_MAX_HOLE_AREA, w, h).low;
  const promptLow = new Map<string, Float32Array>();
  const byKey = new Map<string, TraceRecord>();
  for (const r of meta.records) byKey.set(`${r.pass}:${r.slice}:${r.object}`, r);
  const rows: Row[] = [];
  const side = meta.lowResSide;

  const compare = (pass: string, res: SliceResult, low: Float32Array) => {
    const rec = byKey.get(`${pass}:${res.slice}:${res.object}`);
    if (!rec) throw new Error(`the engine produced ${pass} slice ${res.slice} object ${res.object}, which the trace does not have`);
    byKey.delete(`${pass}:${res.slice}:${res.object}`);
    const tMask = trace.masks.subarray(rec.mask, rec.mask + w * h);
    const row: Row = {
      pass,
      slice: res.slice,
      object: res.object,
      iou: maskIoU(res.mask, tMask),
      maxLogitDiff: maxLogitDiff(low, trace.logits.subarray(rec.logits, rec.logits + side * side)),
      scoreDiff: Math.abs(res.objectScore - rec.objectScore),
      enginePixels: res.mask.reduce((s, v) => s + (v ? 1 : 0), 0),
      tracePixels: rec.maskPixels,
    };
    rows.push(row);
    onRow?.(row);
  };

  try {
    for (const p of meta.prompts) {
      const res = await tracker.addPrompt(p.object, 2, p.slice, { box: p.box ?? null, points: p.points ?? [] });
      const low = lowOf(decoded.shift()!);
      promptLow.set(`${p.object}:${p.slice}`, low);
      compare('prompt', res, low);
    }
    const objects = [...new Set(meta.prompts.map((p) => p.object))];
    for (const pass of meta.passes) {
      await tracker.propagate(
        { axis: 2, mode: pass.direction === 'forward' ? 'forward' : 'backward', from: pass.from, objects },
        {
          onSlices: (results) => {
            for (const r of results) {
              const low = r.source === 'tracked' ? lowOf(decoded.shift()!) : promptLow.get(`${r.object}:${r.slice}`)!;
              compare(pass.direction, r, low);
            }
          },
          isCancelled: () => false,
        },
      );
    }
  } finally {
    graphs.decode = realDecode;
    graphs.attend = realAttend;
    tracker.dispose();
  }
  if (decoded.length !== 0) throw new Error(`${decoded.length} decoder run(s) were not paired with a result`);
  if (byKey.size > 0) throw new Error(`the engine did not produce ${byKey.size} of the trace's records, e.g. ${[...byKey.keys()][0]}`);
  return rows;
}
