import { describe, expect, it } from 'vitest';
import { measureVoxelRange, rememberVoxelRange, voxelRange } from './voxel-range.ts';

describe('voxel ranges', () => {
  it('measures the least and greatest voxel of every type, wherever they are', () => {
    expect(measureVoxelRange(Int16Array.from([3, -7, 12, 0]))).toEqual({ min: -7, max: 12 });
    expect(measureVoxelRange(Uint16Array.from([65535, 1, 2]))).toEqual({ min: 1, max: 65535 });
    expect(measureVoxelRange(Float32Array.from([0.5, -0.25, 0.125]))).toEqual({ min: -0.25, max: 0.5 });
    // decreasing then increasing: the first voxel is neither
    expect(measureVoxelRange(Uint8Array.from([5, 4, 3, 9]))).toEqual({ min: 3, max: 9 });
    expect(measureVoxelRange(Int8Array.from([-2]))).toEqual({ min: -2, max: -2 });
    expect(measureVoxelRange(new Float64Array(0))).toEqual({ min: 0, max: 0 });
  });

  it('gives a remembered range for that array only, and measures (then keeps) any other', () => {
    const a = Int16Array.from([1, 2, 3]);
    rememberVoxelRange(a, { min: -50, max: 50 }); // not a's own: shows it was not measured
    expect(voxelRange(a)).toEqual({ min: -50, max: 50 });
    const b = Int16Array.from([1, 2, 3]);
    expect(voxelRange(b)).toEqual({ min: 1, max: 3 });
    b[0] = 100; // volumes are never changed in place; if one were, the kept range would show it
    expect(voxelRange(b)).toEqual({ min: 1, max: 3 });
  });
});
