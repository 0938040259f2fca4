import { describe, expect, it } from 'vitest';
import { judge, maskIoU, maxLogitDiff, type Row } from './compare.ts';
import { degenerateReason, type TraceMeta, type TraceRecord } from './trace.ts';

const row = (iou: number, slice = 0): Row => ({ pass: 'forward', slice, object: 1, iou, maxLogitDiff: 0, scoreDiff: 0, enginePixels: 1, tracePixels: 1 });

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

  it('passes at mean ≥ 0.99 with every slice ≥ 0.95, and names what fails', () => {
    expect(judge([row(1), row(0.99), row(0.985)]).pass).toBe(true);
    const lowMean = judge([row(0.98), row(0.99)]);
    expect(lowMean.pass).toBe(false);
    expect(lowMean.reasons[0]).toMatch(/mean IoU 0.9850 < 0.99/);
    const oneBad = judge([...Array.from({ length: 20 }, () => row(1)), row(0.94, 7)]);
    expect(oneBad.meanIoU).toBeGreaterThan(0.99);
    expect(oneBad.pass).toBe(false);
    expect(oneBad.reasons.join()).toMatch(/1 slice\(s\) below 0.95: forward 7\/obj 1 \(0.940\)/);
    expect(judge([]).pass).toBe(false);
    expect(judge([row(NaN)]).pass).toBe(false);
  });
});

describe('degenerate traces are refused', () => {
  const meta = (pixels: number[], passes: TraceRecord['pass'][] = pixels.map(() => 'forward')): TraceMeta => ({
    format: 'slicesam-trace/1',
    model: { preset: 'x', version: '2.1', imageSize: 512, randomInit: true, seed: 0 },
    volume: { file: 'volume.f32', dims: [10, 10, 4] },
    window: { min: 0, max: 1 },
    lowResSide: 128,
    prompts: [],
    passes: [],
    records: pixels.map((maskPixels, slice) => ({ pass: passes[slice]!, slice, object: 1, iou: 1, objectScore: 1, logits: 0, mask: 0, maskPixels })),
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
