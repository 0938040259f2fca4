import { describe, expect, it } from 'vitest';
import type { LabelAccess, LabelDiff } from '../viewer/viewer-controller.ts';
import { fillEnclosed, objectMask, splitStroke } from './label-edits.ts';

/** A 5 × 5 slice from rows of digits. */
function slice(rows: string[]): { labels: LabelAccess; data: Uint8Array; at: { width: number; height: number; index(x: number, y: number): number } } {
  const width = rows[0]!.length;
  const data = Uint8Array.from(rows.join('').split('').map(Number));
  return {
    data,
    labels: { get: (i) => data[i]!, set: (i, v) => void (data[i] = v) } as LabelAccess,
    at: { width, height: rows.length, index: (x, y) => y * width + x },
  };
}

const text = (data: Uint8Array, width: number) => Array.from({ length: data.length / width }, (_, y) => data.subarray(y * width, (y + 1) * width).join(''));

describe('fillEnclosed', () => {
  it('fills the 4-connected region inside an outline with the object', () => {
    const s = slice(['00000', '01110', '01010', '01110', '00000']);
    expect(fillEnclosed(s.labels, s.at, 2, 2, 1, new Set())).toEqual({ enclosed: true, filled: 1 });
    expect(text(s.data, 5)).toEqual(['00000', '01110', '01110', '01110', '00000']);
  });

  it('leaves a region that reaches the edge of the slice alone', () => {
    const s = slice(['00000', '01110', '01010', '01110', '00000']);
    expect(fillEnclosed(s.labels, s.at, 0, 0, 2, new Set())).toEqual({ enclosed: false, filled: 0 });
    expect(text(s.data, 5)).toEqual(['00000', '01110', '01010', '01110', '00000']);
  });

  it('does not fill a locked object or the object itself, and diagonal gaps do not leak', () => {
    const s = slice(['00000', '03330', '03230', '03330', '00000']);
    expect(fillEnclosed(s.labels, s.at, 2, 2, 1, new Set([2]))).toEqual({ enclosed: true, filled: 0 });
    expect(fillEnclosed(s.labels, s.at, 2, 2, 2, new Set())).toEqual({ enclosed: true, filled: 0 });
    const d = slice(['00100', '01010', '10001', '01010', '00100']);
    expect(fillEnclosed(d.labels, d.at, 2, 2, 4, new Set())).toEqual({ enclosed: true, filled: 5 });
    expect(text(d.data, 5)).toEqual(['00100', '01410', '14441', '01410', '00100']);
  });
});

describe('splitStroke', () => {
  const diff = (before: number[], after: number[]): LabelDiff => ({ indices: Uint32Array.from(before, (_, k) => 10 + k), before: Uint8Array.from(before), after: Uint8Array.from(after) });

  it('the brush keeps what it painted over background, itself and unlocked objects, and gives back locked voxels', () => {
    const { keep, revert } = splitStroke(diff([0, 1, 2, 3], [1, 1, 1, 1]), 1, false, new Set([3]));
    expect([...keep!.indices]).toEqual([10, 11, 12]);
    expect([...keep!.before]).toEqual([0, 1, 2]);
    // Applied 'after', the revert puts the locked voxel back to 3.
    expect([...revert!.indices]).toEqual([13]);
    expect([...revert!.after]).toEqual([3]);
    expect([...revert!.before]).toEqual([1]);
  });

  it('the eraser removes the active object only', () => {
    const { keep, revert } = splitStroke(diff([1, 2, 1], [0, 0, 0]), 1, true, new Set());
    expect([...keep!.indices]).toEqual([10, 12]);
    expect([...revert!.indices]).toEqual([11]);
    expect([...revert!.after]).toEqual([2]);
  });

  it('gives null for an empty side', () => {
    expect(splitStroke(diff([0], [1]), 1, false, new Set())).toEqual({ keep: expect.anything(), revert: null });
    expect(splitStroke(diff([2], [0]), 1, true, new Set()).keep).toBeNull();
  });
});

describe('objectMask', () => {
  it("is the object's voxels on the slice, row-major, and their count", () => {
    const s = slice(['012', '110', '001']);
    const { mask, voxels } = objectMask(s.labels, s.at, 1);
    expect([...mask]).toEqual([0, 1, 0, 1, 1, 0, 0, 0, 1]);
    expect(voxels).toBe(4);
    expect(objectMask(s.labels, s.at, 3).voxels).toBe(0);
  });
});
