import { describe, expect, it } from 'vitest';
import type { SliceResult } from '../protocol.ts';
import type { Vec3 } from '../../shared/volume.ts';
import { mergeSliceResult } from './merge.ts';

const DIMS: Vec3 = [3, 2, 2];

function result(object: number, axis: 0 | 1 | 2, slice: number, width: number, height: number, mask: number[]): SliceResult {
  return { object, axis, slice, width, height, mask: Uint8Array.from(mask), iou: 1, objectScore: 1, source: 'tracked' };
}

describe('mergeSliceResult', () => {
  it('sets the mask on the slice (axis 2) and clears the object elsewhere on that slice only', () => {
    // k = 0 plane: [1,1,0 / 0,0,0]; k = 1 plane: [1,0,0 / 0,0,0]
    const labels = Uint8Array.from([1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    const n = mergeSliceResult(labels, DIMS, result(1, 2, 0, 3, 2, [0, 1, 1, 0, 0, 1]));
    expect(Array.from(labels)).toEqual([0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
    expect(n).toBe(3);
  });

  it('keeps other objects by default, overwrites unlocked ones with overlap "overwrite", never locked ones', () => {
    const base = Uint8Array.from([2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const r = result(1, 2, 0, 3, 2, [1, 1, 1, 0, 0, 0]);
    const keep = base.slice();
    mergeSliceResult(keep, DIMS, r);
    expect(Array.from(keep.subarray(0, 3))).toEqual([2, 3, 1]);
    const over = base.slice();
    mergeSliceResult(over, DIMS, r, { overlap: 'overwrite', locked: new Set([3]) });
    expect(Array.from(over.subarray(0, 3))).toEqual([1, 3, 1]);
  });

  it('never changes a locked object', () => {
    const labels = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(mergeSliceResult(labels, DIMS, result(1, 2, 0, 3, 2, [0, 1, 0, 0, 0, 0]), { locked: new Set([1]) })).toBe(0);
    expect(labels[0]).toBe(1);
    expect(labels[1]).toBe(0);
  });

  it('maps slice pixels to voxels on axis 1 (x = i, y = k) and axis 0 (x = j, y = k)', () => {
    const a1 = new Uint8Array(12);
    mergeSliceResult(a1, DIMS, result(4, 1, 1, 3, 2, [0, 0, 0, 0, 0, 1])); // i=2, k=1, j=1
    expect(a1.indexOf(4)).toBe(2 + 3 * (1 + 2 * 1));
    const a0 = new Uint8Array(12);
    mergeSliceResult(a0, DIMS, result(5, 0, 2, 2, 2, [0, 1, 0, 0])); // j=1, k=0, i=2
    expect(a0.indexOf(5)).toBe(2 + 3 * (1 + 2 * 0));
  });
});
