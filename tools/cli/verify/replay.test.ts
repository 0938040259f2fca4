/**
 * verify-model's replay of a script of steps, without PyTorch: the fixture model's own
 * results (the engine on the current code path) stand for the trace, so replaying them must
 * agree exactly, and the controls must not. On the fixture a tracked mask is the bright blob
 * that overlaps the bank's masks, so a reverse pass from mid-volume that lost the memories
 * the forward pass made (the retention before issue 17) finds nothing where the blob has
 * drifted away from the prompted slices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFixtureGraphs } from '../../../src/engine/testing/fixture-model.ts';
import { OrtSam2Graphs } from '../../../src/engine/worker/runtime/ort-graphs.ts';
import { boxOn, makePhantom, type PhantomObject } from '../../../src/engine/testing/phantom.ts';
import type { Vec3 } from '../../../src/shared/volume.ts';
import { judge } from './compare.ts';
import { replay, runSteps, type StepResult } from './replay.ts';
import type { Trace, TraceMeta, TraceStep } from './trace.ts';

const fixture = useFixtureGraphs();
const manifest = fixture.manifest;
let graphs: OrtSam2Graphs;
beforeAll(() => {
  graphs = fixture.graphs();
});

const DIMS: Vec3 = [64, 48, 40];
// A blob drifting 0.8 px a slice: neighbours overlap, slices 20 apart do not.
const A: PhantomObject = { label: 1, first: 0, last: 39, from: [12, 14], to: [44, 34], radius: 5 };
const B: PhantomObject = { label: 2, first: 0, last: 39, from: [52, 36], to: [30, 10], radius: 4 };
const box = (o: PhantomObject, k: number) => boxOn(o, k, 2);

/** The shape of tools/export/traces/bugs-40.json on the phantom, with a correction after the first pass. */
const STEPS: TraceStep[] = [
  { prompt: { object: 1, slice: 0, box: box(A, 0), points: [] } },
  { prompt: { object: 1, slice: 2, box: box(A, 2), points: [] } },
  { prompt: { object: 1, slice: 4, box: box(A, 4), points: [] } },
  { prompt: { object: 2, slice: 3, box: box(B, 3), points: [] } },
  { propagate: { direction: 'forward', from: 0 } },
  { prompt: { object: 2, slice: 30, box: box(B, 30), points: [] } },
  { propagate: { direction: 'reverse', from: 20 } },
];

/** The engine's own results on the steps, written as a trace (what PyTorch would have recorded). */
async function selfTrace(): Promise<Trace> {
  const phantom = makePhantom(DIMS, [A, B]);
  const volume = Float32Array.from(phantom.data);
  const window = { min: 0, max: 100 };
  const results: StepResult[] = [];
  await runSteps({ volume, meta: { steps: STEPS, volume: { file: 'volume.f32', dims: DIMS }, window } }, graphs, manifest, (r) => results.push(r));
  const side = Math.round(Math.sqrt(results[0]!.low.length));
  const [w, h] = DIMS;
  const logits = new Float32Array(results.length * side * side);
  const masks = new Uint8Array(results.length * w * h);
  const meta: TraceMeta = {
    format: 'slicesam-trace/2',
    model: { preset: 'fixture', version: manifest.version, imageSize: manifest.imageSize, randomInit: false, seed: 0 },
    volume: { file: 'volume.f32', dims: DIMS },
    window,
    lowResSide: side,
    steps: STEPS,
    records: results.map((r, i) => {
      logits.set(r.low, i * side * side);
      masks.set(r.result.mask, i * w * h);
      return {
        step: r.step, pass: r.pass, slice: r.result.slice, object: r.result.object, iou: r.result.iou, objectScore: r.result.objectScore,
        logits: i * side * side, mask: i * w * h, maskPixels: r.result.mask.reduce((s, v) => s + v, 0),
      };
    }),
  };
  return { meta, volume, logits, masks };
}

describe('verify-model replays a script of steps', () => {
  let trace: Trace;
  beforeAll(async () => {
    trace = await selfTrace();
  }, 120_000);

  it('every step is replayed: prompts, a correction after a pass, a forward pass and a reverse pass from mid-volume', () => {
    const count = (step: number) => trace.meta.records.filter((r) => r.step === step).length;
    expect([0, 1, 2, 3].map(count)).toEqual([1, 1, 1, 1]);
    expect(count(4)).toBe(2 * 40); // both objects, slices 0…39
    expect(count(5)).toBe(1);
    expect(count(6)).toBe(2 * 21); // 20…0
    // the blob is found all along (the fixture's masks are not empty where the blob is)
    expect(trace.meta.records.filter((r) => r.step === 6 && r.maskPixels === 0)).toEqual([]);
  });

  it('the same code path agrees exactly; the memory zeroed and the old retention each fail the verdict', async () => {
    const same = judge(await replay(trace, graphs, manifest));
    expect([same.pass, same.maxLogitDiff]).toEqual([true, 0]);

    const memory = judge(await replay(trace, graphs, manifest, undefined, 'memory'));
    expect(memory.pass).toBe(false);

    const retention = await replay(trace, graphs, manifest, undefined, 'retention');
    const v = judge(retention);
    expect(v.pass).toBe(false);
    // Only the reverse pass from mid-volume attends memories the old retention had dropped.
    const off = retention.filter((r) => r.maxLogitDiff > 0);
    expect(off.length).toBeGreaterThan(0);
    expect(new Set(off.map((r) => r.step))).toEqual(new Set([6]));
    expect(v.reasons[0]).toMatch(/step 6 reverse/);
  }, 240_000);
});
