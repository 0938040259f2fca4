import { describe, expect, it } from 'vitest';
import { toTokens } from './ort-graphs.ts';

/** The plain [C, HW] → [HW, C] transpose toTokens was (and must stay) equal to. */
function toTokensReference(nchw: Float32Array, channels: number, hw: number): Float32Array {
  const out = new Float32Array(channels * hw);
  for (let c = 0; c < channels; c++) for (let p = 0; p < hw; p++) out[p * channels + c] = nchw[c * hw + p]!;
  return out;
}

describe('toTokens = the plain transpose', () => {
  it('sizes that are and are not multiples of the tile', () => {
    for (const [c, hw] of [[1, 1], [2, 3], [16, 16], [17, 33], [256, 1024], [256, 4096], [5, 100], [100, 5]] as const) {
      const src = Float32Array.from({ length: c * hw }, (_, i) => (i * 7919) % 1000 - 500 + (i % 3 === 0 ? -0 : 0.25));
      const got = toTokens(src, c, hw);
      const want = toTokensReference(src, c, hw);
      expect(got.length).toBe(want.length);
      expect(got.every((v, i) => Object.is(v, want[i]))).toBe(true);
    }
  });
});
