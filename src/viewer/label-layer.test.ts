import { describe, expect, it } from 'vitest';
import { nativeToRas, nativeToRasIndexer, rasToNative, rasToNativeIndexer } from './label-layer.ts';

describe('label layer order', () => {
  // A 3×2×2 native grid shown with i flipped and j/k swapped:
  // RAS x = native i reversed (start 2, step −1), RAS y = native k (step 6), RAS z = native j (step 3).
  const mapping = { dimsRAS: [3, 3, 2, 2], img2RASstart: [2, 0, 0], img2RASstep: [-1, 6, 3] };
  const native = Uint8Array.from({ length: 12 }, (_, n) => n + 1);

  it('maps each native voxel to its RAS place and back', () => {
    const ras = nativeToRas(native, mapping);
    // RAS (x=0, y=0, z=0) is native (i=2, j=0, k=0) → index 2 → value 3.
    expect(ras[0]).toBe(3);
    // RAS (x=0, y=1, z=0) is native (i=2, j=0, k=1) → index 2 + 6 = 8 → value 9.
    expect(ras[3]).toBe(9);
    // RAS (x=2, y=0, z=1) is native (i=0, j=1, k=0) → index 3 → value 4.
    expect(ras[6 + 2]).toBe(4);
    expect(Array.from(rasToNative(ras, mapping))).toEqual(Array.from(native));
  });

  it('is the identity for a RAS-stored image', () => {
    const identity = { dimsRAS: [3, 3, 2, 2], img2RASstart: [0, 0, 0], img2RASstep: [1, 3, 6] };
    expect(Array.from(nativeToRas(native, identity))).toEqual(Array.from(native));
  });

  it('nativeToRasIndexer and rasToNativeIndexer agree with nativeToRas for flipped, permuted and size-1 grids', () => {
    const cases = [
      mapping,
      { dimsRAS: [3, 3, 2, 2], img2RASstart: [0, 0, 0], img2RASstep: [1, 3, 6] },
      // native 1×4×3 (i has size 1), shown as RAS x = j reversed, y = i, z = k reversed
      { dimsRAS: [3, 4, 1, 3], img2RASstart: [3, 0, 8], img2RASstep: [-1, 1, -4] },
    ];
    for (const m of cases) {
      const count = m.dimsRAS[1]! * m.dimsRAS[2]! * m.dimsRAS[3]!;
      const values = Uint8Array.from({ length: count }, (_, n) => n + 1);
      const ras = nativeToRas(values, m);
      const index = nativeToRasIndexer(m);
      const back = rasToNativeIndexer(m);
      for (let v = 0; v < count; v++) expect(ras[index(v)]).toBe(values[v]);
      for (let v = 0; v < count; v++) expect(back(index(v))).toBe(v);
      for (let r = 0; r < count; r++) expect(values[back(r)]).toBe(ras[r]);
    }
  });
});
