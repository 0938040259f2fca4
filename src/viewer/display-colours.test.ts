import { describe, expect, it } from 'vitest';
import type { Niivue, NVImage } from '@niivue/niivue';
import { DisplayColours } from './display-colours.ts';

const GREY = Uint8ClampedArray.from({ length: 1024 }, (_, i) => i >> 2);
const RED = Uint8ClampedArray.from({ length: 1024 }, (_, i) => (i % 4 === 0 || i % 4 === 3 ? i >> 2 : 0));

/** A NiiVue stand-in: colour maps by name, and a WebGL context that records 3D texture uploads. */
function fakeNiivue(): { nv: Niivue; uploads: number[] } {
  const uploads: number[] = [];
  const gl = {
    TEXTURE0: 0, TEXTURE_3D: 1, LINEAR: 2, CLAMP_TO_EDGE: 3, UNPACK_ALIGNMENT: 4, LUMINANCE_ALPHA: 5, UNSIGNED_BYTE: 6,
    TEXTURE_MIN_FILTER: 7, TEXTURE_MAG_FILTER: 8, TEXTURE_WRAP_R: 9, TEXTURE_WRAP_S: 10, TEXTURE_WRAP_T: 11,
    createTexture: () => ({}), deleteTexture: () => undefined, activeTexture: () => undefined, bindTexture: () => undefined,
    texParameteri: () => undefined, pixelStorei: () => undefined,
    texImage3D: (...a: unknown[]) => { uploads.push((a[9] as Uint8Array).length); },
  };
  const nv = { gl, colormap: (name: string) => (name === 'red' ? RED : GREY) } as unknown as Niivue;
  return { nv, uploads };
}

function image(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hdr: { datatypeCode: 4, intent_code: 0, scl_slope: 1, scl_inter: 0 },
    img: Int16Array.from({ length: 8 }, (_, i) => i * 10),
    colormap: 'gray', colormapNegative: '', colormapType: 0, colormapLabel: null, modulationImage: null,
    cal_min: 0, cal_max: 70, opacity: 1,
    dimsRAS: [3, 2, 2, 2], img2RASstart: [0, 0, 0], img2RASstep: [1, 2, 4],
    ...over,
  };
}

describe('CPU display colours: which volumes, and the fallbacks', () => {
  it('colours a plain grey scalar volume: two bytes per voxel, on the main thread without a prepared result', () => {
    const { nv, uploads } = fakeNiivue();
    const colours = new DisplayColours(nv, true);
    const im = image();
    expect(colours.texture(im, im.img, null)).not.toBeNull();
    expect(uploads).toEqual([16]);
    expect(colours.counts()).toEqual({ cpu: 1, niivue: 0, inWorker: 0 });
  });

  it('leaves to NiiVue what it cannot colour the same way: RGB, atlases, negative or non-grey maps, other mappings, modulation, no window', () => {
    const { nv, uploads } = fakeNiivue();
    const colours = new DisplayColours(nv, true);
    const odd = [
      image({ hdr: { datatypeCode: 128 } }),
      image({ hdr: { datatypeCode: 2304 } }),
      image({ hdr: { datatypeCode: 2, intent_code: 1002 } }),
      image({ colormapNegative: 'winter' }),
      image({ colormapType: 1 }),
      image({ colormapLabel: { lut: [] } }),
      image({ modulationImage: 1 }),
      image({ colormap: 'red' }),
      image({ cal_min: Number.NaN }),
      image({ dimsRAS: undefined }),
    ];
    for (const im of odd) expect(colours.texture(im, im.img, null), JSON.stringify(Object.keys(im))).toBeNull();
    const rgb = image();
    expect(colours.texture(rgb, new DataView(new ArrayBuffer(8)), null)).toBeNull();
    expect(uploads).toEqual([]);
    expect(colours.counts()).toEqual({ cpu: 0, niivue: odd.length + 1, inWorker: 0 });
  });

  it('leaves everything to NiiVue when the viewer does not colour on the CPU', () => {
    const { nv } = fakeNiivue();
    const colours = new DisplayColours(nv, false);
    const im = image();
    expect(colours.texture(im, im.img, null)).toBeNull();
    expect(colours.counts().niivue).toBe(1);
  });

  it('a colour worker that cannot start (no Worker here) leaves the work to the hook, which still colours', async () => {
    const { nv, uploads } = fakeNiivue();
    const colours = new DisplayColours(nv, true);
    const im = image();
    await expect(colours.prepare(im as unknown as NVImage)).resolves.toBeUndefined();
    expect(colours.working).toBe(false);
    expect(colours.texture(im, im.img, null)).not.toBeNull();
    expect(uploads).toEqual([16]);
    expect(colours.counts()).toEqual({ cpu: 1, niivue: 0, inWorker: 0 });
  });
});
