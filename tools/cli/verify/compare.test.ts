import { describe, expect, it } from 'vitest';
import { compareLogits, FP16_TOLERANCE, judge, maskIoU, maxLogitDiff, type Row } from './compare.ts';
import { degenerateReason, type TraceMeta, type TraceRecord } from './trace.ts';

const row = (engine: number[], trace: number[], slice = 0, iou = 1): Row => ({
  step: 3, pass: 'forward', slice, object: 1, iou, ...compareLogits(engine, trace), scoreDiff: 0, enginePixels: 1, tracePixels: 1,
});
/** A slice of random-weight logits: mostly well inside the object, a few near the boundary. */
const slice = (seed: number, n = 4000) => Array.from({ length: n }, (_, i) => 8 * Math.sin(seed * 7.1 + i * 1.37) + 4);
const shifted = (a: number[], d: number) => a.map((v) => v + d);

describe('verify-model comparison', () => {
  it('mask IoU: intersection over union, two empty masks agree', () => {
    expect(maskIoU([1, 1, 0, 0], [1, 0, 1, 0])).toBeCloseTo(1 / 3);
    expect(maskIoU([0, 0], [0, 0])).toBe(1);
    expect(maskIoU([1, 0], [0, 1])).toBe(0);
    expect(() => maskIoU([1], [1, 0])).toThrow(RangeError);
  });

  it('largest logit difference, clamped to ±32; NaN is the largest', () => {
    expect(maxLogitDiff([0, 1, -2], [0.5, 1, -2])).toBe(0.5);
    expect(maxLogitDiff([-1024, 5], [-40, 5])).toBe(0); // both beyond the clamp
    expect(maxLogitDiff([-1024], [3])).toBe(35);
    expect(maxLogitDiff([NaN, 0], [0, 0])).toBeNaN();
  });

  it('logit comparison: range, relative difference and sign agreement near the boundary', () => {
    const c = compareLogits([0.5, -0.1, 10, -1024], [0.4, 0.1, 12, -40]);
    expect(c.maxLogitDiff).toBeCloseTo(2);
    expect(c.logitRange).toBe(44); // 12 − (−32)
    expect(c.relativeDiff).toBeCloseTo(2 / 44);
    expect([c.bandPixels, c.bandAgree]).toEqual([2, 1]); // 0.1 turned over, 12 and −40 are outside the band
    expect(compareLogits([NaN], [0]).maxLogitDiff).toBeNaN();
    expect(compareLogits([5, 5], [5, 5]).relativeDiff).toBe(0); // a flat slice: range taken as 1
    // the 99th percentile: one pixel of 200 off by 0.2 leaves it at 0
    const many = Array.from({ length: 200 }, (_, i) => i / 10);
    const one = many.map((v, i) => (i === 7 ? v + 0.2 : v));
    expect(compareLogits(one, many).relativeP99).toBe(0);
    expect(compareLogits(one, many).relativeDiff).toBeCloseTo(0.2 / 19.9, 6);
  });

  it('float32 rounding passes; a bank error of 0.3 logits fails although the IoU would not see it', () => {
    const exact = Array.from({ length: 60 }, (_, t) => row(shifted(slice(t), 5e-7), slice(t), t));
    const v = judge(exact);
    expect([v.pass, v.reasons]).toEqual([true, []]);
    expect(v.maxRelative).toBeLessThan(1e-7);
    // Issue 17, bug 2: logits off by 0.33 on the slices after a released memory, IoU 0.994.
    const off = exact.map((r, t) => (t >= 40 ? row(shifted(slice(t), 0.33), slice(t), t, 0.994) : r));
    const bad = judge(off);
    expect(bad.pass).toBe(false);
    expect(bad.meanIoU).toBeGreaterThan(0.99);
    expect(bad.reasons[0]).toMatch(/logits differ by up to .* on 20 of 60 slices: step 3 forward 40\/obj 1/);
    expect(bad.reasons[1]).toMatch(/pixels near the boundary turn over/);
    // fp16 weights are judged with their own, wider tolerance; 0.33 of a range of 24 is beyond it too.
    expect(judge(off, FP16_TOLERANCE).pass).toBe(false);
    expect(judge(exact.map((r, t) => row(shifted(slice(t), 0.001), slice(t), t)), FP16_TOLERANCE).pass).toBe(true);
    // fp16: a few pixels off by 0.1 (hole filling turning a near-zero pixel over) pass; fp32 does not allow them.
    const holes = exact.map((r, t) => row(slice(t).map((v, i) => (i % 500 === 3 ? v + 0.1 : v)), slice(t), t));
    expect(judge(holes, FP16_TOLERANCE).pass).toBe(true);
    expect(judge(holes).pass).toBe(false);
  });

  it('nothing compared, or a NaN, fails', () => {
    expect(judge([]).pass).toBe(false);
    expect(judge([row([NaN, 1], [0, 1])]).pass).toBe(false);
  });
});

describe('degenerate traces are refused', () => {
  const meta = (pixels: number[], passes: TraceRecord['pass'][] = pixels.map(() => 'forward')): TraceMeta => ({
    format: 'slicesam-trace/2',
    model: { preset: 'x', version: '2.1', imageSize: 512, randomInit: true, seed: 0 },
    volume: { file: 'volume.f32', dims: [10, 10, 4] },
    window: { min: 0, max: 1 },
    lowResSide: 128,
    steps: [],
    records: pixels.map((maskPixels, slice) => ({ step: 0, pass: passes[slice]!, slice, object: 1, iou: 1, objectScore: 1, logits: 0, mask: 0, maskPixels })),
  });

  it('masks empty or full on most slices', () => {
    expect(degenerateReason(meta([0, 0, 100, 30]))).toMatch(/3 of 4 masks are empty or cover the whole slice/);
    expect(degenerateReason(meta([0, 0, 0, 0]))).not.toBeNull();
    expect(degenerateReason(meta([100, 100, 100, 100]))).not.toBeNull();
  });

  it('accepts partial masks, and a minority of empty ones', () => {
    expect(degenerateReason(meta([30, 40, 0, 50]))).toBeNull();
    expect(degenerateReason(meta([30, 0, 99]))).toBeNull();
  });

  it('a trace without propagated slices', () => {
    expect(degenerateReason(meta([30, 40], ['prompt', 'prompt']))).toMatch(/no propagated slices/);
  });
});
