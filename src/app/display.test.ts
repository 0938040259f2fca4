import { describe, expect, it } from 'vitest';
import { WINDOW_PRESETS, percentileWindow, presetWindow, selectKth } from './display.ts';

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
  it('picks the same percentiles as sorting the sample (duplicates, NaN, negative values, subsampling)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const [length, levels, sample] of [[5000, 17, 1 << 20], [200_000, 4000, 1 << 14], [3, 2, 10], [1, 1, 10]] as const) {
      const data = Float32Array.from({ length }, () => Math.floor(rand() * levels) - levels / 3);
      if (length > 10) data[5] = NaN;
      const step = Math.max(1, Math.floor(length / sample));
      const sorted = Float64Array.from(Array.from(data).filter((_, i) => i % step === 0).filter((v) => !Number.isNaN(v))).sort();
      const at = (pct: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((pct / 100) * (sorted.length - 1))))]!;
      for (const [p, q] of [[0.5, 99.5], [2, 98], [10, 60], [0, 100]] as const) {
        const w = percentileWindow(data, p, q, sample);
        if (at(q) > at(p)) expect(w).toEqual({ min: at(p), max: at(q) });
        else expect(w).toEqual({ min: sorted[0], max: sorted[sorted.length - 1]! > sorted[0]! ? sorted[sorted.length - 1] : sorted[0]! + 1 });
      }
    }
  });
  it('selectKth puts the k-th smallest value at k with smaller ones before it and larger after', () => {
    const values = [5, 1, 9, 1, 7, 3, 3, 8, 2, 6, 0, 4];
    for (let k = 0; k < values.length; k++) {
      const a = Float64Array.from(values);
      selectKth(a, k);
      expect(a[k]).toBe([...values].sort((x, y) => x - y)[k]);
      for (let i = 0; i < k; i++) expect(a[i]).toBeLessThanOrEqual(a[k]!);
      for (let i = k + 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(a[k]!);
    }
  });
  it('CT presets are level ± width / 2', () => {
    const lung = WINDOW_PRESETS.find((p) => p.id === 'lung')!;
    expect(presetWindow(lung, new Int16Array(1))).toEqual({ min: -1350, max: 150 });
  });
});
