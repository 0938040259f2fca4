import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../shared/volume.ts';
import { LabelCensus } from './label-census.ts';

const DIMS: Vec3 = [3, 2, 4];
const at = (i: number, j: number, k: number) => i + 3 * (j + 2 * k);

describe('LabelCensus', () => {
  it('counts the opened map: the slices an object is on, along each axis', () => {
    const labels = new Uint8Array(24);
    labels[at(2, 1, 3)] = 5;
    labels[at(0, 0, 1)] = 5;
    labels[at(1, 0, 2)] = 4;
    const c = new LabelCensus();
    c.reset(labels, DIMS);
    expect(c.slices(5, 2)).toEqual([false, true, false, true]);
    expect(c.slices(5, 1)).toEqual([true, true]);
    expect(c.slices(5, 0)).toEqual([true, false, true]);
    expect(c.slices(4, 2)).toEqual([false, false, true, false]);
    expect(c.slices(3, 2)).toEqual([false, false, false, false]);
  });

  it('follows diffs both ways: a stroke, its undo and redo, an object moved onto another', () => {
    const c = new LabelCensus();
    c.reset(null, DIMS);
    const stroke = { indices: Uint32Array.of(at(0, 0, 0), at(1, 0, 0), at(2, 1, 2)), before: Uint8Array.of(0, 0, 0), after: Uint8Array.of(1, 1, 1) };
    c.apply(stroke, 'after');
    expect(c.slices(1, 2)).toEqual([true, false, true, false]);
    c.apply(stroke, 'before'); // undo
    expect(c.slices(1, 2)).toEqual([false, false, false, false]);
    c.apply(stroke, 'after'); // redo
    // Erase two of the three voxels: slice 0 still has one.
    c.apply({ indices: Uint32Array.of(at(0, 0, 0), at(2, 1, 2)), before: Uint8Array.of(1, 1), after: Uint8Array.of(0, 2) }, 'after');
    expect(c.slices(1, 2)).toEqual([true, false, false, false]);
    expect(c.slices(2, 2)).toEqual([false, false, true, false]);
  });
});
