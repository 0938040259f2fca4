import { describe, expect, it } from 'vitest';
import { affineSpacing, affineToQform, baseAffine, invert, lpsToRas, maxAffineDifference, multiply, qformToAffine, voxelToWorld } from './geometry.ts';

function rotation(ax: number, ay: number, az: number): number[] {
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(ay), Math.sin(ay), Math.cos(az), Math.sin(az)];
  const rx = [1, 0, 0, 0, 0, cx, -sx, 0, 0, sx, cx, 0, 0, 0, 0, 1];
  const ry = [cy, 0, sy, 0, 0, 1, 0, 0, -sy, 0, cy, 0, 0, 0, 0, 1];
  const rz = [cz, -sz, 0, 0, sz, cz, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  return multiply(rz, multiply(ry, rx));
}

function withSpacing(r: number[], s: [number, number, number], t: [number, number, number], flipK = false): number[] {
  const scale = [s[0], 0, 0, t[0], 0, s[1], 0, t[1], 0, 0, flipK ? -s[2] : s[2], t[2], 0, 0, 0, 1];
  const m = multiply(r, [...scale.slice(0, 3), 0, ...scale.slice(4, 7), 0, ...scale.slice(8, 11), 0, 0, 0, 0, 1]);
  m[3] = t[0]; m[7] = t[1]; m[11] = t[2];
  return m;
}

describe('geometry', () => {
  it('qform round trip for right- and left-handed rotations, including 180° turns', () => {
    const angles: [number, number, number][] = [[0, 0, 0], [0.3, -0.2, 1.1], [Math.PI, 0, 0], [0, Math.PI, 0], [0, 0, Math.PI], [Math.PI / 2, Math.PI / 2, 0], [2.9, -3.0, 0.01]];
    for (const a of angles) {
      for (const flip of [false, true]) {
        const aff = withSpacing(rotation(...a), [0.8, 1.2, 3], [-10, 22.5, 7], flip);
        const q = affineToQform(aff);
        expect(q.qfac).toBe(flip ? -1 : 1);
        const back = qformToAffine(q.quatern, q.qoffset, [q.qfac, ...q.spacing]);
        expect(maxAffineDifference(back, aff)).toBeLessThan(1e-9);
      }
    }
  });

  it('inverse, spacing, LPS→RAS and voxel→world', () => {
    const aff = withSpacing(rotation(0.4, 0.1, -0.7), [0.5, 0.7, 2], [1, 2, 3]);
    const id = multiply(aff, invert(aff));
    expect(maxAffineDifference(id, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toBeLessThan(1e-12);
    affineSpacing(aff).forEach((v, n) => expect(v).toBeCloseTo([0.5, 0.7, 2][n]!, 12));
    const lps = [1, 0, 0, 5, 0, 1, 0, 6, 0, 0, 1, 7, 0, 0, 0, 1];
    expect(voxelToWorld(lpsToRas(lps), 1, 2, 3)).toEqual([-6, -8, 10]);
  });

  it("nibabel's fallback affine is centred with x flipped", () => {
    // nibabel: shape (3, 4, 5), zooms (2, 3, 4) → diag(-2, 3, 4), origin at the centre voxel.
    expect(baseAffine([3, 4, 5], [1, 2, 3, 4])).toEqual([-2, 0, 0, 2, 0, 3, 0, -4.5, 0, 0, 4, -8, 0, 0, 0, 1]);
  });
});
