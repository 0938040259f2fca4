import { describe, expect, it } from 'vitest';
import { measureRangeLater } from './voxel-range-later.ts';

type Image = Parameters<typeof measureRangeLater>[0];

describe('the voxel range measured after the first frame', () => {
  it('sets NiiVue\'s global range to the voxels\' own, in its scaled units, across steps', async () => {
    const img = new Int16Array((1 << 22) + 5); // three steps
    img[17] = -300;
    img[img.length - 1] = 900;
    const image = { img, hdr: { scl_slope: 2, scl_inter: 10 }, global_min: 0, global_max: 1 }; // the display window, meanwhile
    expect(await measureRangeLater(image, () => true)).toBe(true);
    expect([image.global_min, image.global_max]).toEqual([-590, 1810]);
    // a slope of 0 is none (NiiVue's reading of the header); a negative one swaps the ends
    const flat: Image = { img: Int16Array.from([4, -2, 7]), hdr: { scl_slope: 0, scl_inter: 0 } };
    await measureRangeLater(flat, () => true);
    expect([flat.global_min, flat.global_max]).toEqual([-2, 7]);
    const neg: Image = { img: Int16Array.from([4, -2, 7]), hdr: { scl_slope: -1, scl_inter: 0 } };
    await measureRangeLater(neg, () => true);
    expect([neg.global_min, neg.global_max]).toEqual([-7, 2]);
  });

  it('changes nothing once the image is replaced', async () => {
    const image = { img: new Uint16Array(1 << 22).fill(5), hdr: { scl_slope: 1, scl_inter: 0 }, global_min: 0, global_max: 1 };
    let steps = 0;
    expect(await measureRangeLater(image, () => ++steps < 2)).toBe(false);
    expect([image.global_min, image.global_max]).toEqual([0, 1]);
  });
});
