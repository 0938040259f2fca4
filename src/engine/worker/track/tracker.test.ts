/**
 * The tracker driving the fixture model (models/fixture, onnxruntime-web wasm in Node) on
 * synthetic phantoms. The fixture segments bright blobs that overlap what the memory bank
 * holds, so these tests fail when the bank is assembled wrongly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeSliceResult } from '../../client/merge.ts';
import { useFixtureGraphs } from '../../testing/fixture-model.ts';
import { boxOn, dice, makePhantom, type PhantomObject } from '../../testing/phantom.ts';
import type { SliceResult } from '../../protocol.ts';
import { bankConfigFor } from '../bank/config.ts';
import { OrtSam2Graphs } from '../runtime/ort-graphs.ts';
import { Tracker } from './tracker.ts';
import type { PropagationWork } from './propagate.ts';
import { selectForBank } from '../bank/assemble.ts';
import { memoryFile } from '../../testing/spill-file.ts';
import type { Vec3 } from '../../../shared/volume.ts';

const fixture = useFixtureGraphs();
const manifest = fixture.manifest;
let graphs: OrtSam2Graphs;
beforeAll(() => {
  graphs = fixture.graphs();
});

const WINDOW = { min: 0, max: 100 };
const DIMS: Vec3 = [64, 48, 24];
const A: PhantomObject = { label: 1, first: 3, last: 18, from: [16, 14], to: [24, 20], radius: 6 };
const B: PhantomObject = { label: 2, first: 6, last: 21, from: [48, 34], to: [42, 30], radius: 5, taper: true };

function tracker(dims: Vec3, objects: PhantomObject[]) {
  const p = makePhantom(dims, objects);
  const t = new Tracker(graphs, { data: p.data, dims }, WINDOW, {
    config: bankConfigFor(manifest.version),
    mean: manifest.normalisation.mean,
    std: manifest.normalisation.std,
  });
  const labels = new Uint8Array(p.truth.length);
  const results: SliceResult[] = [];
  const hooks = (cancelAfter = Infinity) => ({
    onSlices: (rs: SliceResult[]) => {
      for (const r of rs) {
        results.push(r);
        mergeSliceResult(labels, dims, r);
      }
    },
    isCancelled: () => results.length >= cancelAfter,
  });
  return { p, t, labels, results, hooks };
}

describe('Tracker on the fixture model', () => {
  it('two objects, boxes on their first and last slice, "between": Dice ≥ 0.95 each', async () => {
    const { p, t, labels, hooks } = tracker(DIMS, [A, B]);
    for (const o of [A, B]) {
      for (const k of [o.first, o.last]) mergeSliceResult(labels, DIMS, await t.addPrompt(o.label, 2, k, { box: boxOn(o, k) }));
    }
    const summary = await t.propagate({ axis: 2, mode: 'between' }, hooks());
    expect(summary.cancelled).toBe(false);
    expect(summary.slices).toBe(A.last - A.first + 1 + (B.last - B.first + 1));
    expect(dice(labels, p.truth, 1)).toBeGreaterThanOrEqual(0.95);
    expect(dice(labels, p.truth, 2)).toBeGreaterThanOrEqual(0.95);
  });

  it('several objects share one image encoding per slice; each has its own bank', async () => {
    const { t, hooks } = tracker(DIMS, [A, B]);
    for (const o of [A, B]) await t.addPrompt(o.label, 2, 8, { box: boxOn(o, 8) });
    const real = graphs.encodeImage.bind(graphs);
    let encodes = 0;
    graphs.encodeImage = (px) => {
      encodes++;
      return real(px);
    };
    try {
      await t.propagate({ axis: 2, mode: 'forward', from: 8 }, hooks());
    } finally {
      graphs.encodeImage = real;
    }
    // slices 9…23 tracked for both objects: one encoding each (slice 8 is a prompted slice)
    expect(encodes).toBe(DIMS[2] - 9);
    expect(t.track(1)!.outputs.size).toBe(DIMS[2] - 8);
    expect(t.track(2)!.outputs.get(12)!.pointer).not.toBe(t.track(1)!.outputs.get(12)!.pointer);
  });

  it('memories are stored as bfloat16 values, as the video predictor stores maskmem_features', async () => {
    const { t, hooks } = tracker(DIMS, [A]);
    await t.addPrompt(1, 2, A.first, { box: boxOn(A, A.first) });
    const real = graphs.encodeMemory.bind(graphs);
    let raw = 0;
    graphs.encodeMemory = async (...a) => {
      const m = await real(...a);
      for (const v of new Uint32Array(m.tokens.buffer, m.tokens.byteOffset, m.tokens.length)) if (v & 0xffff) raw++;
      return m;
    };
    try {
      await t.propagate({ axis: 2, mode: 'forward', from: A.first, objects: [1] }, hooks());
    } finally {
      graphs.encodeMemory = real;
    }
    expect(raw).toBeGreaterThan(0); // the graph's own output has low bits set…
    for (const out of t.track(1)!.outputs.values()) {
      if (!out.tokens) continue;
      const bits = new Uint32Array(out.tokens.buffer, out.tokens.byteOffset, out.tokens.length);
      expect(bits.every((v) => (v & 0xffff) === 0)).toBe(true); // …the bank's memories do not
    }
  });

  it('the result depends on the bank: with its memory rows zeroed, tracking finds nothing', async () => {
    // Control for the test above: propagate with an empty bank (memory rows zeroed) → nothing is found.
    const { t, hooks, results } = tracker(DIMS, [A]);
    await t.addPrompt(1, 2, A.first, { box: boxOn(A, A.first) });
    const real = graphs.attend.bind(graphs);
    graphs.attend = (f, memory, pos, rows) => real(f, new Float32Array(memory.length), pos, rows);
    try {
      await t.propagate({ axis: 2, mode: 'forward', from: A.first }, hooks());
    } finally {
      graphs.attend = real;
    }
    const tracked = results.filter((r) => r.source === 'tracked');
    expect(tracked.length).toBeGreaterThan(0);
    expect(tracked.every((r) => r.objectScore <= 0 && r.mask.every((v) => v === 0))).toBe(true);
  });

  it('"until-end" from one box stops within one slice of the true end, both ways', async () => {
    const { p, t, labels, hooks } = tracker(DIMS, [A]);
    const mid = 10;
    mergeSliceResult(labels, DIMS, await t.addPrompt(1, 2, mid, { box: boxOn(A, mid) }));
    const summary = await t.propagate({ axis: 2, mode: 'until-end', stopAfterEmpty: 1 }, hooks());
    const present = new Set<number>();
    for (let k = 0; k < DIMS[2]; k++) {
      for (let v = k * DIMS[0] * DIMS[1]; v < (k + 1) * DIMS[0] * DIMS[1]; v++) {
        if (labels[v] === 1) {
          present.add(k);
          break;
        }
      }
    }
    expect(Math.max(...present)).toBe(A.last);
    expect(Math.min(...present)).toBe(A.first);
    const fwd = summary.stops.find((s) => s.direction === 'forward')!;
    const rev = summary.stops.find((s) => s.direction === 'reverse')!;
    expect(Math.abs(fwd.stoppedAfter! - A.last)).toBeLessThanOrEqual(1);
    expect(Math.abs(rev.stoppedAfter! - A.first)).toBeLessThanOrEqual(1);
    expect(dice(labels, p.truth, 1)).toBeGreaterThanOrEqual(0.95);
  });

  it('stopAfterEmpty counts consecutive empty slices', async () => {
    const { t, hooks } = tracker(DIMS, [A]);
    await t.addPrompt(1, 2, 10, { box: boxOn(A, 10) });
    const summary = await t.propagate({ axis: 2, mode: 'until-end', stopAfterEmpty: 3 }, hooks());
    expect(summary.stops).toEqual([
      { object: 1, direction: 'forward', stoppedAfter: A.last + 3 },
      { object: 1, direction: 'reverse', stoppedAfter: A.first - 3 },
    ]);
  });

  it('cancel stops between slices', async () => {
    const { t, hooks, results } = tracker(DIMS, [A]);
    await t.addPrompt(1, 2, A.first, { box: boxOn(A, A.first) });
    const summary = await t.propagate({ axis: 2, mode: 'forward', from: A.first }, hooks(3));
    expect(summary.cancelled).toBe(true);
    expect(results.length).toBe(3);
  });

  it('propagates along the axis of the plane the prompts were drawn in (axis 1)', async () => {
    const { p, t, labels, hooks } = tracker(DIMS, [A]);
    // On axis 1 (slice = j), the blob spans the j range of its discs.
    const js: number[] = [];
    for (let j = 0; j < DIMS[1]; j++) {
      let found = false;
      for (let k = 0; k < DIMS[2] && !found; k++) for (let i = 0; i < DIMS[0] && !found; i++) found = p.truth[i + DIMS[0] * (j + DIMS[1] * k)] === 1;
      if (found) js.push(j);
    }
    const jMid = js[Math.floor(js.length / 2)]!;
    // slice pixel (x = i, y = k): a box over the whole blob cross-section
    let x0 = 99, x1 = -1, y0 = 99, y1 = -1;
    for (let k = 0; k < DIMS[2]; k++) for (let i = 0; i < DIMS[0]; i++) {
      if (p.truth[i + DIMS[0] * (jMid + DIMS[1] * k)] === 1) {
        x0 = Math.min(x0, i); x1 = Math.max(x1, i); y0 = Math.min(y0, k); y1 = Math.max(y1, k);
      }
    }
    mergeSliceResult(labels, DIMS, await t.addPrompt(1, 1, jMid, { box: { x0: x0 - 1, y0: y0 - 1, x1: x1 + 1, y1: y1 + 1 } }));
    await t.propagate({ axis: 1, mode: 'all' }, hooks());
    expect(dice(labels, p.truth, 1)).toBeGreaterThanOrEqual(0.9);
  });

  it('a one-slice volume is plain image segmentation', async () => {
    const dims: Vec3 = [40, 40, 1];
    const o: PhantomObject = { label: 1, first: 0, last: 0, from: [20, 20], to: [20, 20], radius: 8 };
    const { p, t, labels } = tracker(dims, [o]);
    const r = await t.addPrompt(1, 2, 0, { points: [{ x: 20, y: 20, positive: true }] });
    mergeSliceResult(labels, dims, r);
    expect(r.objectScore).toBeGreaterThan(0);
    expect(dice(labels, p.truth, 1)).toBeGreaterThanOrEqual(0.95);
  });

  it('a hand-drawn mask becomes a conditioning slice that propagation follows', async () => {
    const { p, t, labels, hooks } = tracker(DIMS, [A]);
    const plane = DIMS[0] * DIMS[1];
    const mask = p.truth.slice(A.first * plane, (A.first + 1) * plane).map((v) => (v === 1 ? 1 : 0));
    const r = await t.addMask(1, 2, A.first, mask);
    expect(r.source).toBe('mask');
    expect(r.objectScore).toBeGreaterThan(0);
    mergeSliceResult(labels, DIMS, r);
    await t.propagate({ axis: 2, mode: 'forward', from: A.first }, hooks());
    expect(dice(labels, p.truth, 1)).toBeGreaterThanOrEqual(0.95);
  });

  it('a negative point on a tracked slice refines it and re-propagation follows the correction', async () => {
    // Two blobs touching: A and a bright satellite on A's path from slice 12 on.
    const sat: PhantomObject = { label: 3, first: 12, last: 18, from: [27, 20], to: [34, 24], radius: 4 };
    const { t, hooks, results } = tracker(DIMS, [A, sat]);
    await t.addPrompt(1, 2, A.first, { box: boxOn(A, A.first) });
    await t.propagate({ axis: 2, mode: 'forward', from: A.first }, hooks());
    const area = (r: SliceResult) => r.mask.reduce((n, v) => n + v, 0);
    const before = results.filter((r) => r.slice === 14).at(-1)!;
    // The satellite touches A, so tracking grows into it.
    const { cx, cy } = { cx: 27 + (34 - 27) * (2 / 6), cy: 20 + (24 - 20) * (2 / 6) };
    expect(before.mask[Math.round(cy) * DIMS[0] + Math.round(cx)]).toBe(1);
    const fixed = await t.addPrompt(1, 2, 14, { points: [{ x: Math.round(cx) + 1, y: Math.round(cy), positive: false }, { x: 20, y: 17, positive: true }] });
    expect(area(fixed)).toBeLessThan(area(before));
    expect(t.track(1)!.outputs.get(14)!.isConditioning).toBe(true);
    results.length = 0;
    await t.propagate({ axis: 2, mode: 'forward', from: 14 }, hooks());
    expect(results[0]!.slice).toBe(14);
    expect(results[0]!.source).toBe('prompt');
  });

  it('bad prompts and masks are refused with a clear reason, and the object stays usable', async () => {
    const { t, hooks, results } = tracker(DIMS, [A]);
    await expect(t.addPrompt(1, 2, 5, {})).rejects.toThrow(/needs a box or at least one point/);
    await expect(t.addPrompt(1, 2, DIMS[2], { box: boxOn(A, 5) })).rejects.toThrow(/slice 24 is outside 0…23/);
    await expect(t.addMask(1, 2, 5, new Uint8Array(10))).rejects.toThrow(/the mask has 10 pixels, the slice 64 × 48/);
    await expect(t.propagate({ axis: 2, mode: 'between' }, hooks())).rejects.toThrow(/no object has prompts on axis 2/);
    await t.addPrompt(1, 2, A.first, { box: boxOn(A, A.first) });
    await expect(t.propagate({ axis: 2, mode: 'forward' }, hooks())).rejects.toThrow(/needs a start slice/);
    await expect(t.propagate({ axis: 1, mode: 'between', objects: [1] }, hooks())).rejects.toThrow(/object 1 has no prompts on axis 1/);
    await t.propagate({ axis: 2, mode: 'forward', from: A.first }, hooks());
    expect(results.some((r) => r.objectScore > 0 && r.source === 'tracked')).toBe(true);
  });

  it('progress counts slices, once each: two objects and a start slice in both passes of "all" give the slice count of the volume', async () => {
    const { t, hooks } = tracker(DIMS, [A, B]);
    await t.addPrompt(1, 2, 10, { box: boxOn(A, 10) });
    await t.addPrompt(2, 2, 10, { box: boxOn(B, 10) });
    const seen: [number, number][] = [];
    const work: PropagationWork[] = [];
    let results = 0;
    await t.propagate({ axis: 2, mode: 'all', from: 10 }, {
      ...hooks(),
      onSlices: (rs) => void (results += rs.length),
      onProgress: (done, total, w) => {
        seen.push([done, total]);
        work.push({ ...w });
      },
    });
    expect(new Set(seen.map(([, total]) => total))).toEqual(new Set([DIMS[2]]));
    expect(seen.at(-1)).toEqual([DIMS[2], DIMS[2]]);
    for (let k = 1; k < seen.length; k++) expect(seen[k]![0]).toBeGreaterThanOrEqual(seen[k - 1]![0]);
    // What the ETA multiplies: 2 objects × (forward 10…23 + reverse 10…0) visits in all, slice 10 in both passes.
    const visits = 2 * ((DIMS[2] - 10) + 11);
    expect(work[0]).toEqual({ slicesUnvisited: DIMS[2] - 1, visitsLeft: visits - 2, visitsRun: 2 });
    expect(work.at(-1)).toEqual({ slicesUnvisited: 0, visitsLeft: 0, visitsRun: results });
    expect(results).toBe(visits);
    for (const w of work) expect(w.visitsLeft + w.visitsRun).toBe(visits);
  });

  it('memory stays flat in the number of slices: the memories set aside go to the spill file beyond the budget, none is dropped', async () => {
    const dims: Vec3 = [32, 32, 120];
    const long: PhantomObject = { label: 1, first: 0, last: 119, from: [16, 16], to: [16, 16], radius: 6 };
    const p = makePhantom(dims, [long]);
    const spill = memoryFile();
    const t = new Tracker(graphs, { data: p.data, dims }, WINDOW, {
      config: bankConfigFor(manifest.version), mean: manifest.normalisation.mean, std: manifest.normalisation.std,
      memories: { budget: 1024 * 1024, spill },
    });
    await t.addPrompt(1, 2, 0, { box: boxOn(long, 0) });
    const sizes: number[] = [];
    await t.propagate({ axis: 2, mode: 'forward', from: 0 }, {
      onSlices: () => undefined,
      isCancelled: () => false,
      onProgress: (done) => {
        if (done === 30 || done === 110) sizes.push(t.memoryBytes());
      },
    });
    expect(sizes.length).toBe(2);
    // pointers (1 KB a slice) grow; spatial memories (256 KB each at 512 px, 128 KB set aside) do not
    expect(sizes[1]! - sizes[0]!).toBeLessThan(80 * 1024 * 1.1);
    const aside = t.setAsideStats();
    const o = t.track(1)!;
    // Slices 1–119 tracked: the 12 newest and the 6 after the prompt at hand, the rest set aside (8 in RAM, on disk beyond).
    expect(aside.count).toBe(119 - 12 - 6);
    expect(aside.ramBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(aside.diskBytes).toBe((aside.count - aside.ramBytes / (128 * 1024)) * 128 * 1024);
    for (let k = 0; k < 120; k++) expect(o.hasSpatial(k), `slice ${k}`).toBe(true);
    expect(spill.bytes.length).toBeGreaterThanOrEqual(aside.diskBytes);
    t.dispose();
    expect(spill.bytes.length).toBe(0); // emptied with the tracker
  });

  it('a pass that starts elsewhere attends the memories an earlier pass left, as PyTorch does', async () => {
    const { t, hooks } = tracker(DIMS, [A]);
    await t.addPrompt(1, 2, 15, { box: boxOn(A, 15) });
    await t.addPrompt(1, 2, 21, { box: boxOn(A, 21) });
    await t.propagate({ axis: 2, mode: 'forward', from: 3 }, hooks());
    const o = t.track(1)!;
    // A reverse pass from slice 3: PyTorch's bank holds the forward memories of slices 4–9 (t + 1 … t + 6), set aside by now.
    const sel = selectForBank(3, 'reverse', { outputs: o.outputs, numFrames: DIMS[2] }, bankConfigFor(manifest.version), null, (k) => o.hasSpatial(k));
    expect(sel.maskmemRows.filter((r) => !r.conditioning).map((r) => r.frame).sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(t.setAsideStats().count).toBeGreaterThan(0);
    for (const k of [4, 5, 6, 7, 8]) expect(o.outputs.get(k)!.tokens, `slice ${k} set aside`).toBeNull(); // 9 is within 6 of the prompt at 15
    for (const k of [4, 5, 6, 7, 8, 9]) expect(o.memory(k).tokens?.length, `slice ${k} back`).toBe(manifest.imageSize / 16 * (manifest.imageSize / 16) * 64);
    await t.propagate({ axis: 2, mode: 'backward', from: 3 }, hooks());
  });
});
