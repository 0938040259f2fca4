/**
 * Replays a golden trace's steps (prompts, corrections, propagations, in PyTorch's order)
 * through the engine's own Tracker (the code the browser's worker runs) and compares every
 * step × slice × object with PyTorch's record.
 */
import type { ModelManifest } from '../../../src/engine/models/manifest.ts';
import type { SliceResult } from '../../../src/engine/protocol.ts';
import { bankConfigFor } from '../../../src/engine/worker/bank/config.ts';
import type { DecoderOutput, Sam2Graphs } from '../../../src/engine/worker/graphs.ts';
import { decoderToMask, DEFAULT_MAX_HOLE_AREA } from '../../../src/engine/worker/image/postprocess.ts';
import { SpatialMemoryStore } from '../../../src/engine/worker/track/memory-store.ts';
import { Tracker } from '../../../src/engine/worker/track/tracker.ts';
import { compareLogits, maskIoU, type Row } from './compare.ts';
import type { Trace, TraceMeta, TraceRecord } from './trace.ts';

/**
 * A control: what the engine is run without, or the old code path it is run with. A verdict
 * that still passes under one cannot tell that kind of error from a working engine.
 * - memory: memory attention gets zeroed memory rows;
 * - retention: spatial memories are dropped where the engine sets them aside (the engine
 *   before issue 17 kept only the newest 12 and those within 6 slices of a prompt);
 * - pointers: pointer_tpos gets 16 slots whatever the selection (the engine before issue 17,
 *   which stops when 17 pointers are selected).
 */
export type Ablation = 'none' | 'memory' | 'retention' | 'pointers';
export const ABLATIONS: readonly Ablation[] = ['none', 'memory', 'retention', 'pointers'];

/** Forgets what it is given: selection then skips those slices, as it did after a release. */
class DroppingStore extends SpatialMemoryStore {
  override put(): void {}
}

/** One result of a step: what the engine gave, with the low-res logits it came from. */
export interface StepResult {
  step: number;
  pass: 'prompt' | 'forward' | 'reverse';
  result: SliceResult;
  low: Float32Array;
}

/** What runSteps needs of a trace: its steps, and the volume they run on. */
export type StepsInput = Pick<Trace, 'volume'> & { meta: Pick<TraceMeta, 'steps' | 'volume' | 'window'> };

/**
 * The steps through the engine's Tracker, in order: each prompt (a correction where the slice
 * was tracked), each propagation for every object added so far (PyTorch's obj_ids).
 */
export async function runSteps(input: StepsInput, graphs: Sam2Graphs, manifest: ModelManifest, onResult: (r: StepResult) => void, ablate: Ablation = 'none'): Promise<void> {
  const { meta } = input;
  const [w, h] = meta.volume.dims;
  const tracker = new Tracker(graphs, { data: input.volume, dims: meta.volume.dims }, meta.window, {
    config: bankConfigFor(manifest.version),
    mean: manifest.normalisation.mean,
    std: manifest.normalisation.std,
    ...(ablate === 'retention' ? { memories: { store: new DroppingStore() } } : {}),
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
  const realPointers = graphs.pointerPositions.bind(graphs);
  const slots = graphs.pointerSlots; // the manifest's maxObjectPointers, which the old engine padded to
  if (ablate === 'pointers') graphs.pointerPositions = (d) => realPointers(d.length > slots ? d.slice(0, slots) : d);
  const lowOf = (d: DecoderOutput) => decoderToMask(d.lowRes, d.candidates, d.iou, d.objectScore, d.lowResSide, DEFAULT_MAX_HOLE_AREA, w, h).low;
  /** The low-res logits a conditioning slice was last given, handed out again when a pass reuses it. */
  const promptLow = new Map<string, Float32Array>();
  const objects: number[] = []; // in the order they were added (PyTorch's obj_ids)
  try {
    for (const [i, step] of meta.steps.entries()) {
      if ('prompt' in step) {
        const p = step.prompt;
        if (!objects.includes(p.object)) objects.push(p.object);
        const res = await tracker.addPrompt(p.object, 2, p.slice, { box: p.box ?? null, points: p.points ?? [] });
        const low = lowOf(decoded.shift()!);
        promptLow.set(`${p.object}:${p.slice}`, low);
        onResult({ step: i, pass: 'prompt', result: res, low });
        continue;
      }
      const pass = step.propagate;
      await tracker.propagate(
        { axis: 2, mode: pass.direction === 'forward' ? 'forward' : 'backward', from: pass.from, objects: [...objects] },
        {
          onSlices: (results) => {
            for (const r of results) {
              const low = r.source === 'tracked' ? lowOf(decoded.shift()!) : promptLow.get(`${r.object}:${r.slice}`)!;
              onResult({ step: i, pass: pass.direction, result: r, low });
            }
          },
          isCancelled: () => false,
        },
      );
    }
  } finally {
    graphs.decode = realDecode;
    graphs.attend = realAttend;
    graphs.pointerPositions = realPointers;
    tracker.dispose();
  }
  if (decoded.length !== 0) throw new Error(`${decoded.length} decoder run(s) were not paired with a result`);
}

/** runSteps, each result compared with the trace's record of it. */
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
  const byKey = new Map<string, TraceRecord>();
  for (const r of meta.records) byKey.set(`${r.step}:${r.slice}:${r.object}`, r);
  const rows: Row[] = [];
  const side = meta.lowResSide;
  await runSteps(trace, graphs, manifest, ({ step, pass, result: res, low }) => {
    const key = `${step}:${res.slice}:${res.object}`;
    const rec = byKey.get(key);
    if (!rec) throw new Error(`step ${step}: the engine produced ${pass} slice ${res.slice} object ${res.object}, which the trace does not have`);
    byKey.delete(key);
    const tMask = trace.masks.subarray(rec.mask, rec.mask + w * h);
    const row: Row = {
      step,
      pass,
      slice: res.slice,
      object: res.object,
      iou: maskIoU(res.mask, tMask),
      ...compareLogits(low, trace.logits.subarray(rec.logits, rec.logits + side * side)),
      scoreDiff: Math.abs(res.objectScore - rec.objectScore),
      enginePixels: res.mask.reduce((s, v) => s + (v ? 1 : 0), 0),
      tracePixels: rec.maskPixels,
    };
    rows.push(row);
    onRow?.(row);
  }, ablate);
  if (byKey.size > 0) throw new Error(`the engine did not produce ${byKey.size} of the trace's records, e.g. step:slice:object ${[...byKey.keys()][0]}`);
  return rows;
}
