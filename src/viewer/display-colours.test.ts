import { describe, expect, it } from 'vitest';
import type { Niivue, NVImage } from '@niivue/niivue';
import { DisplayColours } from './display-colours.ts';

const GREY = Uint8ClampedArray.from({ length: 1024 }, (_, i) => i >> 2);
const RED = Uint8ClampedArray.from({ length: 1024 }, (_, i) => (i % 4 === 0 || i % 4 === 3 ? i >> 2 : 0));

/** A NiiVue stand-in: colour maps by name, and a WebGL context that records 3D texture uploads. */
function fakeNiivue(): { nv: Niivue; uploads: number[]; subUploads: { box: number[]; pairs: number[] }[] } {
  const uploads: number[] = [];
  const subUploads: { box: number[]; pairs: number[] }[] = [];
  const gl = {
    TEXTURE0: 0, TEXTURE_3D: 1, LINEAR: 2, CLAMP_TO_EDGE: 3, UNPACK_ALIGNMENT: 4, LUMINANCE_ALPHA: 5, UNSIGNED_BYTE: 6,
    TEXTURE_MIN_FILTER: 7, TEXTURE_MAG_FILTER: 8, TEXTURE_WRAP_R: 9, TEXTURE_WRAP_S: 10, TEXTURE_WRAP_T: 11,
    createTexture: () => ({}), deleteTexture: () => undefined, activeTexture: () => undefined, bindTexture: () => undefined,
    texParameteri: () => undefined, pixelStorei: () => undefined,
    texImage3D: (...a: unknown[]) => { uploads.push(a[9] ? (a[9] as Uint8Array).length : -1); },
    texSubImage3D: (...a: unknown[]) => { subUploads.push({ box: a.slice(2, 8) as number[], pairs: Array.from(a[10] as Uint8Array) }); },
  };
  const nv = { gl, colormap: (name: string) => (name === 'red' ? RED : GREY), volumes: [] as unknown[], volumeTexture: null, scene: { crosshairPos: [0.5, 0.5, 0.5] } } as unknown as Niivue;
  return { nv, uploads, subUploads };
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
    expect(colours.counts()).toEqual({ cpu: 1, niivue: 0, inWorker: 0, shownOnly: 0, shownFirst: 0 });
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
    expect(colours.counts()).toEqual({ cpu: 0, niivue: odd.length + 1, inWorker: 0, shownOnly: 0, shownFirst: 0 });
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
    expect(colours.counts()).toEqual({ cpu: 1, niivue: 0, inWorker: 0, shownOnly: 0, shownFirst: 0 });
  });

  it('recolours the slices on screen only: two texel planes about the crosshair on each axis, the colours the whole volume has there', () => {
    const { nv, subUploads } = fakeNiivue();
    const colours = new DisplayColours(nv, true);
    const im = image({ img: Int16Array.from({ length: 4 * 3 * 5 }, (_, i) => (i * 37) % 90), dimsRAS: [3, 4, 3, 5], img2RASstep: [1, 4, 12] });
    expect(colours.paintShown(im as unknown as NVImage, [0.5, 0.5, 0.5])).toBe(false); // not NiiVue's background volume: nothing
    (nv as unknown as { volumes: unknown[] }).volumes.push(im);
    expect(colours.paintShown(im as unknown as NVImage, [0.5, 0.5, 0.5])).toBe(false); // no colour texture yet
    (nv as unknown as { volumeTexture: object }).volumeTexture = {};
    expect(colours.paintShown(im as unknown as NVImage, [0.9, 0.1, 0.5])).toBe(true);
    // x: 0.9 · 4 − 0.5 = 3.1 → planes 2, 3 (clamped to the last pair); y: 0.1 · 3 − 0.5 < 0 → 0, 1; z: 2.0 → 2, 3
    expect(subUploads.map((u) => u.box)).toEqual([[2, 0, 0, 2, 3, 5], [0, 0, 0, 4, 2, 5], [0, 0, 2, 4, 3, 2]]);
    const value = (x: number, y: number, z: number) => (im.img as Int16Array)[x + 4 * y + 12 * z]!;
    /** NiiVue's grey for a value in the window 0…70 (the 'gray' map's entry i is i): texel coordinate t · 256 − 0.5. */
    const grey = (v: number) => (v > 0 ? Math.round(Math.min(255, Math.max(v / 70, 2 / 256) * 256 - 0.5)) : 0);
    const [bx] = subUploads;
    expect(bx!.pairs).toHaveLength(2 * 2 * 3 * 5);
    expect(bx!.pairs[0]).toBe(grey(value(2, 0, 0)));
    expect(bx!.pairs[2]).toBe(grey(value(3, 0, 0)));
    expect(bx!.pairs[2 * (2 * 3 * 4 + 2 + 1)]).toBe(grey(value(3, 1, 4)));
    expect(new Set(bx!.pairs).size).toBeGreaterThan(4);
    expect(colours.counts().shownOnly).toBe(1);
  });

  it('a newly opened volume: the planes on screen first, those the crosshair moves to before a draw, then the whole volume', () => {
    const { nv, uploads, subUploads } = fakeNiivue();
    const colours = new DisplayColours(nv, true);
    const asked: unknown[] = [];
    let answer = true;
    colours.shownFirst = () => { asked.push(1); return answer; };
    const im = image({ img: Int16Array.from({ length: 4 * 3 * 5 }, (_, i) => (i * 37) % 90), dimsRAS: [3, 4, 3, 5], img2RASstep: [1, 4, 12] });
    const texture = colours.texture(im, im.img, null);
    (nv as unknown as { volumes: unknown[] }).volumes.push(im);
    (nv as unknown as { volumeTexture: unknown }).volumeTexture = texture;
    // An empty texture of the whole grid, then the two planes about the crosshair (0.5 → 1, 2; 1, 2; 2, 3) on each axis.
    expect([asked, uploads]).toEqual([[1], [-1]]);
    expect(subUploads.map((u) => u.box)).toEqual([[1, 0, 0, 2, 3, 5], [0, 1, 0, 4, 2, 5], [0, 0, 2, 4, 3, 2]]);
    expect([colours.partial, colours.working, colours.counts()]).toEqual([true, true, { cpu: 0, niivue: 0, inWorker: 0, shownOnly: 0, shownFirst: 1 }]);
    // The crosshair moves one voxel in z (0.7 · 5 − 0.5 = 3 → planes 3, 4): only plane 4 is new.
    (nv as unknown as { scene: { crosshairPos: number[] } }).scene.crosshairPos = [0.5, 0.5, 0.7];
    colours.completeShown();
    expect(subUploads.slice(3).map((u) => u.box)).toEqual([[0, 0, 4, 4, 3, 1]]);
    colours.completeShown();
    expect(subUploads).toHaveLength(4); // nothing new
    // A new window: the planes on screen again, for it.
    im.cal_max = 40;
    colours.completeShown();
    expect(subUploads.slice(4).map((u) => u.box)).toEqual([[1, 0, 0, 2, 3, 5], [0, 1, 0, 4, 2, 5], [0, 0, 3, 4, 3, 2]]);
    // The whole volume (the refresh the caller asked for): a full texture, no longer partial.
    colours.texture(im, im.img, texture);
    expect([uploads, colours.partial, colours.working, colours.counts().cpu]).toEqual([[-1, 4 * 3 * 5 * 2], false, false, 1]);
    colours.completeShown();
    expect(subUploads).toHaveLength(7);
    // The same image again is no new one; a new image where the caller declines is coloured whole.
    answer = false;
    const other = image();
    colours.texture(other, other.img, null);
    expect([asked.length, uploads.at(-1), colours.partial]).toEqual([2, 16, false]);
  });

  it('fills the rest of a planes-first texture in steps after the first frames, each plane once, then says so', async () => {
    const { nv, subUploads } = fakeNiivue();
    const colours = new DisplayColours(nv, true);
    let filled = 0;
    colours.shownFirst = () => true;
    colours.onFilled = () => { filled++; };
    const im = image({ img: Int16Array.from({ length: 4 * 3 * 5 }, (_, i) => (i * 37) % 90), dimsRAS: [3, 4, 3, 5], img2RASstep: [1, 4, 12] });
    (nv as unknown as { volumes: unknown[] }).volumes.push(im);
    (nv as unknown as { volumeTexture: unknown }).volumeTexture = colours.texture(im, im.img, null);
    expect(subUploads).toHaveLength(3); // the planes on screen; z planes 2 and 3 among them
    await expect.poll(() => filled).toBe(1);
    const zBoxes = subUploads.slice(3).map((u) => u.box);
    expect(zBoxes).toEqual([[0, 0, 0, 4, 3, 2], [0, 0, 4, 4, 3, 1]]); // z 0–1 and 4: the planes not coloured yet, whole
    // Their colours are the whole volume's: the same pairs as a full colouring.
    const full = fakeNiivue();
    const wholeColours = new DisplayColours(full.nv, true);
    full.nv.gl.texImage3D = ((...a: unknown[]) => { full.uploads.push(a[9] ? (a[9] as Uint8Array).length : -1); (full as unknown as { bytes: Uint8Array }).bytes = a[9] as Uint8Array; }) as never;
    wholeColours.texture(im, im.img, null);
    const bytes = (full as unknown as { bytes: Uint8Array }).bytes;
    expect(subUploads[3]!.pairs).toEqual(Array.from(bytes.subarray(0, 2 * 12 * 2)));
    expect(subUploads[4]!.pairs).toEqual(Array.from(bytes.subarray(2 * 12 * 4, 2 * 12 * 5)));
    expect([colours.partial, colours.working, colours.counts().cpu, colours.fillStep(12)]).toEqual([false, false, 1, false]);
  });
});
