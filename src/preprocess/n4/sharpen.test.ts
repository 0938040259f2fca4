import { describe, expect, it } from 'vitest';
import { normals } from './testing/random.ts';
import { HistogramSharpener } from './sharpen.ts';

function classStats(values: Float32Array, from: number, to: number): { mean: number; sd: number } {
  let s = 0, s2 = 0;
  for (let i = from; i < to; i++) { s += values[i]!; s2 += values[i]! * values[i]!; }
  const n = to - from, mean = s / n;
  return { mean, sd: Math.sqrt(s2 / n - mean * mean) };
}

describe('HistogramSharpener', () => {
  it('narrows a blurred two-class log-intensity histogram and keeps the classes apart', () => {
    // Two tissues at log intensities 4.0 and 4.6, blurred as a bias field would (σ 0.06).
    const n = 20_000;
    const values = new Float32Array([...normals(n, 4.0, 0.06, 11), ...normals(n, 4.6, 0.06, 12)]);
    const mask = new Uint8Array(values.length).fill(1);
    const out = new Float32Array(values.length);
    new HistogramSharpener(200, 0.15, 0.01).sharpen(values, mask, out);
    const before = [classStats(values, 0, n), classStats(values, n, 2 * n)];
    const after = [classStats(out, 0, n), classStats(out, n, 2 * n)];
    for (let c = 0; c < 2; c++) {
      expect(after[c]!.sd).toBeLessThan(0.6 * before[c]!.sd);
      expect(Math.abs(after[c]!.mean - before[c]!.mean)).toBeLessThan(0.05);
    }
    // Order is kept: sharpening is a monotone remapping of the histogram.
    expect(after[1]!.mean - after[0]!.mean).toBeGreaterThan(0.5);
  });

  it('touches only masked voxels and leaves a flat image as it is', () => {
    const values = new Float32Array([1, 2, 3, 4, 5, 6]);
    const mask = new Uint8Array([1, 1, 1, 0, 1, 1]);
    const out = new Float32Array(6).fill(9);
    new HistogramSharpener().sharpen(values, mask, out);
    expect(out[3]).toBe(0);
    const flat = new Float32Array(4).fill(2);
    const flatOut = new Float32Array(4);
    new HistogramSharpener().sharpen(flat, new Uint8Array(4).fill(1), flatOut);
    expect([...flatOut]).toEqual([2, 2, 2, 2]);
  });
});
