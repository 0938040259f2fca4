import { describe, expect, it } from 'vitest';
import { axisPlane, fromSlice, planeAxis, slicePointToWorld, toSlice, worldToVoxel } from './slice-geometry.ts';

// LPI-stored volume shown in RAS: i → −x (2 mm), j → −y... here j runs along z (coronal slices stored as k).
const CORONAL_STORED = [
  -2, 0, 0, 100,
  0, 0, 3, -50,
  0, -1.5, 0, 20,
  0, 0, 0, 1,
];

describe('slice geometry', () => {
  it('maps view planes to the native axis along their normal', () => {
    expect(planeAxis(CORONAL_STORED, 'sagittal')).toBe(0);
    expect(planeAxis(CORONAL_STORED, 'coronal')).toBe(2); // world y comes from k
    expect(planeAxis(CORONAL_STORED, 'axial')).toBe(1); // world z comes from j
    expect(axisPlane(CORONAL_STORED, 2)).toBe('coronal');
  });
  it('world → voxel → slice pixel → world round-trips', () => {
    const ijk: [number, number, number] = [3, 7, 11];
    const mm = slicePointToWorld(CORONAL_STORED, 2, 11, { x: 3, y: 7 });
    const back = worldToVoxel(CORONAL_STORED, mm);
    back.forEach((v, a) => expect(v).toBeCloseTo(ijk[a]!, 9));
    expect(toSlice(2, back)).toMatchObject({ slice: 11 });
    for (const axis of [0, 1, 2] as const) {
      const s = toSlice(axis, ijk);
      expect(fromSlice(axis, s.slice, s.x, s.y)).toEqual(ijk);
    }
  });
});
