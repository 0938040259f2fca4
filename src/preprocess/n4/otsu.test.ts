import { describe, expect, it } from 'vitest';
import { otsuMask, otsuThreshold } from './otsu.ts';
import { normals } from './testing/random.ts';

describe('otsuThreshold', () => {
  it('splits a bimodal histogram between its modes', () => {
    const dark = normals(30_000, 40, 8, 7);
    const bright = normals(10_000, 160, 15, 9);
    const data = new Float32Array([...dark, ...bright]);
    const t = otsuThreshold(data, 200);
    expect(t).toBeGreaterThan(40 + 3 * 8);
    expect(t).toBeLessThan(160 - 3 * 15);
    const mask = otsuMask(data, 200);
    let wrong = 0;
    for (let i = 0; i < data.length; i++) if (mask[i] !== (i >= dark.length ? 1 : 0)) wrong++;
    expect(wrong / data.length).toBeLessThan(0.001);
  });

  it('follows the modes when the classes move (not a fixed cut)', () => {
    // Separated classes: any cut in the gap has the same between-class variance; Otsu
    // (like ITK) takes the first, just above the dark class.
    const dark = normals(20_000, 300, 10, 3);
    const bright = normals(20_000, 500, 10, 4);
    const t = otsuThreshold(new Float32Array([...dark, ...bright]), 200);
    expect(t).toBeGreaterThanOrEqual(Math.max(...dark));
    expect(t).toBeLessThan(Math.max(...dark) + 2 * ((Math.max(...bright) - Math.min(...dark)) / 200));
  });

  it('returns the value of a constant image (nothing above it)', () => {
    const data = new Float32Array(100).fill(5);
    expect(otsuThreshold(data)).toBe(5);
    expect(otsuMask(data).every((v) => v === 0)).toBe(true);
  });
});
