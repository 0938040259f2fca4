import { describe, expect, it } from 'vitest';
import { N4_DEFAULTS, resolveN4Options } from './options.ts';

describe('resolveN4Options', () => {
  it('defaults to ITK N4 as SimpleITK/ANTs drive it', () => {
    expect(resolveN4Options()).toEqual({
      shrinkFactor: 4, levels: 4, iterations: [50, 50, 50, 50], convergenceThreshold: 0.001, controlPoints: 4,
      histogramBins: 200, fwhm: 0.15, wienerNoise: 0.01, otsuBins: 200,
    });
  });

  it('has the seed tool\'s 4 × 4 as the fast preset, overridable', () => {
    expect(resolveN4Options({}, 'fast').iterations).toEqual([4, 4, 4, 4]);
    expect(resolveN4Options({ shrinkFactor: 2 }, 'fast')).toMatchObject({ shrinkFactor: 2, iterations: [4, 4, 4, 4] });
  });

  it('stretches the iteration list to a new level count, and refuses a mismatch or nonsense', () => {
    expect(resolveN4Options({ levels: 2 }).iterations).toEqual([50, 50]);
    expect(resolveN4Options({ levels: 3, iterations: [5, 6, 7] }).iterations).toEqual([5, 6, 7]);
    expect(() => resolveN4Options({ levels: 3, iterations: [5] })).toThrow(/3 levels/);
    expect(() => resolveN4Options({ shrinkFactor: 0 })).toThrow(/shrinkFactor/);
    expect(() => resolveN4Options({ controlPoints: 3 })).toThrow(/controlPoints/);
    expect(() => resolveN4Options({ fwhm: -1 })).toThrow(/fwhm/);
  });

  it('does not let a caller change the defaults', () => {
    expect(Object.isFrozen(N4_DEFAULTS)).toBe(true);
    resolveN4Options().iterations.push(1);
    expect(N4_DEFAULTS.iterations).toEqual([50, 50, 50, 50]);
  });
});
