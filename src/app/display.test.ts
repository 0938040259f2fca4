import { describe, expect, it } from 'vitest';
import { WINDOW_PRESETS, headPercentiles, percentileWindow, presetWindow, presetsFor, selectKth } from './display.ts';

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

/** A synthetic head MR: half air (0–4), tissue 100…599, and 0.5 % of the head very bright (fat, enhancement) at 2000…2499. */
function headMr(): Float32Array {
  const n = 200_000;
  return Float32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? i % 5 : i % 400 === 1 ? 2000 + (i % 500) : 100 + (i % 500)));
}

describe('window presets by modality', () => {
  const ids = (list: { id: string }[]) => list.map((p) => p.id);
  it('MR is offered the automatic window and the MR presets, no CT ones', () => {
    const mr = presetsFor('MR');
    expect(mr[0]!.id).toBe('auto');
    expect(ids(mr)).toEqual(['auto', 'mr-t1', 'mr-t2', 'mr-post']);
  });
  it('CT is offered the automatic window and the CT presets, no MR ones', () => {
    expect(ids(presetsFor('CT'))).toEqual(['auto', 'soft-tissue', 'lung', 'bone', 'brain']);
  });
  it('an image of unknown modality gets both, the likelier first: HU air means CT', () => {
    const ct = Int16Array.from({ length: 1000 }, (_, i) => (i < 400 ? -1000 : 40));
    expect(ids(presetsFor(undefined, ct)).slice(0, 2)).toEqual(['auto', 'soft-tissue']);
    expect(ids(presetsFor(undefined, headMr())).slice(0, 2)).toEqual(['auto', 'mr-t1']);
    expect(presetsFor(undefined, ct)).toHaveLength(WINDOW_PRESETS.length);
  });
  it('percentiles of the head leave the air out', () => {
    const w = headPercentiles(headMr(), 0, 50);
    expect(w.min).toBeGreaterThanOrEqual(100);
    expect(w.max).toBeGreaterThan(300);
  });
  it('MR windows: air black, T1 clips the brightest 2 %, post-contrast keeps enhancement, T2 / FLAIR raises the floor', () => {
    const data = headMr();
    const of = (id: string) => presetWindow(WINDOW_PRESETS.find((p) => p.id === id)!, data);
    const [t1, t2, post, auto] = [of('mr-t1'), of('mr-t2'), of('mr-post'), of('auto')];
    expect(t1.min).toBeLessThan(5);
    expect(post.min).toBe(t1.min);
    expect(t1.max).toBeLessThan(2000); // the bright 0.5 %… of the head saturate
    expect(post.max).toBeGreaterThanOrEqual(2000); // …not with contrast
    expect(t2.min).toBeGreaterThanOrEqual(100);
    expect(t2.max).toBeGreaterThan(t1.max);
    expect(t1.max).toBeLessThan(auto.max);
    expect(post.max).toBeGreaterThan(auto.max);
  });
});
