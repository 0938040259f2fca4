import { describe, expect, it } from 'vitest';
import { WINDOW_PRESETS, percentileWindow, presetWindow } from './display.ts';

describe('display windows', () => {
  it('0.5–99.5 percentile of a ramp, ignoring outliers', () => {
    const data = Float32Array.from({ length: 1001 }, (_, i) => i);
    data[0] = -1e6;
    data[1000] = 1e6;
    const w = percentileWindow(data);
    expect(w.min).toBe(5);
    expect(w.max).toBe(995);
  });
  it('a constant image gets a usable window', () => {
    expect(percentileWindow(new Int16Array(100).fill(7))).toEqual({ min: 7, max: 8 });
  });
  it('CT presets are level ± width / 2', () => {
    const lung = WINDOW_PRESETS.find((p) => p.id === 'lung')!;
    expect(presetWindow(lung, new Int16Array(1))).toEqual({ min: -1350, max: 150 });
  });
});
