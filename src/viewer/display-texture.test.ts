import { describe, expect, it } from 'vitest';
import { greyAlphaBox, greyAlphaVolume, isGreyLut, type DisplayColours } from './display-texture.ts';
import { nativeToRas, type RasMapping } from './label-layer.ts';

/** NiiVue's 'gray' map: grey and alpha both ramp 0 → 255. */
const GREY = Uint8Array.from({ length: 1024 }, (_, i) => (i % 4 === 3 ? i >> 2 : i >> 2));

const oneVoxel: RasMapping = { dimsRAS: [3, 1, 1, 1], img2RASstart: [0, 0, 0], img2RASstep: [1, 1, 1] };

function colourOf(f: number, over: Partial<DisplayColours> = {}): [number, number] {
  const out = greyAlphaVolume({ voxels: Float64Array.of(f), slope: 1, intercept: 0, min: 0, max: 100, lut: GREY, opacity: 1, ...over }, oneVoxel);
  return [out[0]!, out[1]!];
}

describe('CPU display colours (NiiVue orient-shader semantics)', () => {
  it('maps the window onto the colour map with linear filtering between texel centres', () => {
    expect(colourOf(-5)).toEqual([0, 0]); // below the window: first entry
    expect(colourOf(0)).toEqual([0, 0]); // at the minimum: not above it
    expect(colourOf(50)).toEqual([128, 128]); // t = 0.5 → texel coordinate 127.5: halfway between 127 and 128, rounded
    expect(colourOf(25)).toEqual([64, 64]); // t = 0.25 → 63.5
    expect(colourOf(100)).toEqual([255, 255]);
    expect(colourOf(1e9)).toEqual([255, 255]);
    expect(colourOf(NaN)).toEqual([0, 0]);
  });

  it('raises a value just above the minimum to at least 2/256 (NiiVue issue 1139: it stays visible)', () => {
    expect(colourOf(0.001)).toEqual([2, 2]); // t = 2/256 → coordinate 1.5 → between 1 and 2, rounded up
  });

  it('applies slope, intercept, a reversed window and the layer opacity', () => {
    // stored 60 → 60·0.5 − 5 = 25 → t = 0.25
    expect(colourOf(60, { slope: 0.5, intercept: -5 })).toEqual([64, 64]);
    // min > max: NiiVue uses the smaller as the minimum and |max − min| as the range
    expect(colourOf(50, { min: 100, max: 0 })).toEqual([128, 128]);
    expect(colourOf(100, { opacity: 0.5 })).toEqual([255, 128]);
  });

  it('gives 8- and 16-bit data (a table over every stored value) the colours of their float copies', () => {
    for (const data of [Int16Array.from([-32768, -1000, -1, 0, 1, 17, 300, 32767]), Uint16Array.from([0, 1, 2, 999, 1000, 40000, 65535, 7]),
      Int8Array.from([-128, -1, 0, 1, 50, 127, 3, 4]), Uint8Array.from([0, 1, 2, 3, 128, 200, 254, 255])]) {
      const m: RasMapping = { dimsRAS: [3, 2, 2, 2], img2RASstart: [0, 0, 0], img2RASstep: [1, 2, 4] };
      const c = { slope: 1.5, intercept: -20, min: -50, max: 400, lut: GREY, opacity: 1 };
      const asTable = greyAlphaVolume({ ...c, voxels: data }, m);
      const asFloat = greyAlphaVolume({ ...c, voxels: Float64Array.from(data) }, m);
      expect(Array.from(asTable)).toEqual(Array.from(asFloat));
    }
  });

  it('writes the voxels in NiiVue\'s RAS order (the order its drawing uses) for flipped and permuted storage', () => {
    // native 4 × 3 × 2 stored as P-I-R would be: RAS x walks native k backwards, etc.
    const native = [4, 3, 2];
    const n = 24;
    const voxels = Uint8Array.from({ length: n }, (_, i) => i * 10);
    const mappings: RasMapping[] = [
      { dimsRAS: [3, 4, 3, 2], img2RASstart: [0, 0, 0], img2RASstep: [1, 4, 12] }, // RAS
      { dimsRAS: [3, 4, 3, 2], img2RASstart: [3, 8, 12], img2RASstep: [-1, -4, -12] }, // LPI
      { dimsRAS: [3, 2, 4, 3], img2RASstart: [12, 0, 8], img2RASstep: [-12, 1, -4] }, // permuted and flipped
    ];
    for (const m of mappings) {
      expect(m.dimsRAS[1]! * m.dimsRAS[2]! * m.dimsRAS[3]!).toBe(native[0]! * native[1]! * native[2]!);
      const c = { voxels, slope: 1, intercept: 0, min: 0, max: 255, lut: GREY, opacity: 1 };
      const out = greyAlphaVolume(c, m);
      const expected = nativeToRas(voxels, m); // label-layer's own RAS walk
      const perVoxel = (v: number) => { const [g, a] = [...greyAlphaVolume({ ...c, voxels: Uint8Array.of(v) }, oneVoxel)]; return [g, a]; };
      expect(Array.from(out)).toEqual(Array.from(expected).flatMap(perVoxel));
    }
  });

  it('colours a box of the grid exactly as the whole volume has it there (a window drag recolours the slices shown)', () => {
    const voxels = Int16Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 37) % 500 - 100);
    const c = { voxels, slope: 1, intercept: 0, min: -20, max: 300, lut: GREY, opacity: 1 };
    const m: RasMapping = { dimsRAS: [3, 4, 3, 5], img2RASstart: [0, 2, 48], img2RASstep: [3, -1, -12] }; // native 3 × 4 × 5, permuted and flipped
    const whole = greyAlphaVolume(c, m);
    const [nx, ny] = [4, 3];
    for (const b of [{ x0: 0, x1: 4, y0: 0, y1: 3, z0: 2, z1: 3 }, { x0: 0, x1: 4, y0: 1, y1: 2, z0: 0, z1: 5 }, { x0: 3, x1: 4, y0: 0, y1: 3, z0: 0, z1: 5 }, { x0: 1, x1: 3, y0: 1, y1: 3, z0: 1, z1: 4 }]) {
      const expected: number[] = [];
      for (let z = b.z0; z < b.z1; z++) for (let y = b.y0; y < b.y1; y++) for (let x = b.x0; x < b.x1; x++) {
        const at = 2 * (x + nx * (y + ny * z));
        expected.push(whole[at]!, whole[at + 1]!);
      }
      expect(new Set(expected).size).toBeGreaterThan(2);
      expect(Array.from(greyAlphaBox(c, m, b))).toEqual(expected);
    }
    expect(greyAlphaBox(c, m, { x0: 2, x1: 2, y0: 0, y1: 3, z0: 0, z1: 5 })).toHaveLength(0);
  });

  it('stores grey then alpha per voxel, ready for a LUMINANCE_ALPHA texture', () => {
    const lut = Uint8Array.from({ length: 1024 }, (_, i) => (i % 4 === 3 ? 255 - (i >> 2) : i >> 2));
    const out = greyAlphaVolume({ voxels: Float32Array.of(100), slope: 1, intercept: 0, min: 0, max: 100, lut, opacity: 1 }, oneVoxel);
    expect(Array.from(out)).toEqual([255, 0]);
  });

  it('refuses a volume its voxels cannot fill, and knows grey colour maps from others', () => {
    expect(() => greyAlphaVolume({ voxels: new Uint8Array(5), slope: 1, intercept: 0, min: 0, max: 1, lut: GREY, opacity: 1 },
      { dimsRAS: [3, 2, 2, 2], img2RASstart: [0, 0, 0], img2RASstep: [1, 2, 4] })).toThrow(/do not fill/);
    expect(isGreyLut(GREY)).toBe(true);
    const red = GREY.slice();
    red[4 * 10 + 1] = 0;
    expect(isGreyLut(red)).toBe(false);
    expect(isGreyLut(new Uint8Array(16))).toBe(false);
  });
});
