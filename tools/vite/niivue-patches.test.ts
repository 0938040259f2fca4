import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { patchCalMinMax, patchGradientGL, patchNiivue, patchReadNifti, patchRefreshDrawing, patchRefreshLayers } from './niivue-patches.ts';
import { DISPLAY_TEXTURE, DRAWING_UPLOAD, FAST_RANGE, KNOWN_RANGE, PAIRED_AS_IS, SKIP_GRADIENT } from '../../src/viewer/niivue-hooks.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The NiiVue module the app bundles (the package's "import" entry). */
function niivueModule(): string {
  const pkg = join(ROOT, 'node_modules/@niivue/niivue/package.json');
  const meta = JSON.parse(readFileSync(pkg, 'utf8')) as { exports: { '.': { import: string } } };
  return readFileSync(join(dirname(pkg), meta.exports['.'].import), 'utf8');
}

describe('the lazy-gradient patch of NiiVue', () => {
  it('inserts one early return at the start of the installed NiiVue\'s gradientGL', () => {
    const code = niivueModule();
    const patched = patchGradientGL(code);
    const line = `if (params.gl.${SKIP_GRADIENT} === true) return gradientTexture;`;
    expect(patched.split(line)).toHaveLength(2);
    expect(patched.length - code.length).toBe(line.length + 3);
    // the return comes before the first GL work of the function
    const fn = patched.indexOf('function gradientGL(params) {');
    expect(patched.indexOf(line, fn)).toBeLessThan(patched.indexOf('gl.createFramebuffer()', fn));
  });

  it('fails loudly when NiiVue no longer has the expected code', () => {
    expect(() => patchGradientGL('function somethingElse(params) {}')).toThrow(/NiiVue changed/);
    const twice = 'function gradientGL(params) {\n  let { gradientTexture } = params;\n}\n';
    expect(() => patchGradientGL(twice + twice)).toThrow(/not found once/);
    expect(() => patchRefreshLayers('class A {\n  refreshLayers(overlayItem, layer) {\n    this.updateInterpolation(layer);\n  }\n}')).toThrow(/NiiVue changed/);
    expect(() => patchCalMinMax('function other() {}')).toThrow(/NiiVue changed/);
  });

  it('the patched function skips its work only when the context says so', () => {
    const code = 'function gradientGL(params) {\n  const { gl } = params;\n  let { gradientTexture } = params;\n  gl.work();\n  return "new";\n}\nreturn gradientGL;';
    const gradientGL = new Function(patchGradientGL(code))() as (p: { gl: Record<string, unknown>; gradientTexture: string }) => string;
    let worked = 0;
    const gl: Record<string, unknown> = { work: () => { worked++; } };
    expect(gradientGL({ gl, gradientTexture: 'old' })).toBe('new');
    gl[SKIP_GRADIENT] = true;
    expect(gradientGL({ gl, gradientTexture: 'old' })).toBe('old');
    expect(worked).toBe(1);
  });
});

describe('the display-texture patch of refreshLayers', () => {
  it('applies once to the installed NiiVue: the hook is asked, the raw upload and the orient pass depend on its answer', () => {
    const code = niivueModule();
    const patched = patchRefreshLayers(code);
    const fn = patched.slice(patched.indexOf('  refreshLayers(overlayItem, layer) {'));
    const body = fn.slice(0, fn.indexOf('    this.updateInterpolation(layer);\n  }'));
    expect(body.split(`this.gl.${DISPLAY_TEXTURE}?.(overlayItem, img, this.volumeTexture)`)).toHaveLength(2);
    expect(body).toContain('const uploadResult = slicesamTexture ? { orientShader } : setupVolumeTextureData({');
    expect(body).toContain('if (!slicesamTexture) renderToOutputTexture({');
    // the hook is asked where the background's colour texture is made, after `img` exists
    expect(body.indexOf('const img = prepareLayerData(overlayItem);')).toBeLessThan(body.indexOf(DISPLAY_TEXTURE));
    // and every patch applies together
    expect(() => patchNiivue(code)).not.toThrow();
  });

  it('a texture from the hook replaces the upload and the per-slice draws; null keeps them', () => {
    const code = `class V {
  refreshLayers(overlayItem, layer) {
    const img = prepareLayerData(overlayItem);
    let outTexture = null;
    if (layer === 0) {
      outTexture = this.rgbaTex(this.volumeTexture, TEXTURE_CONSTANTS.TEXTURE0_BACK_VOL, overlayItem.dimsRAS);
    }
    let orientShader = 'U';
    const uploadResult = setupVolumeTextureData({ img });
    orientShader = uploadResult.orientShader;
    renderToOutputTexture({
      outTexture });
    this.volumeTexture = outTexture;
    this.updateInterpolation(layer);
  }
}
return V;`;
    const calls: string[] = [];
    const V = new Function('prepareLayerData', 'setupVolumeTextureData', 'renderToOutputTexture', 'TEXTURE_CONSTANTS', patchRefreshLayers(code))(
      (o: { img: string }) => o.img,
      () => { calls.push('upload'); return { orientShader: 'I' }; },
      () => calls.push('orient'),
      { TEXTURE0_BACK_VOL: 0 },
    ) as new () => { gl: Record<string, unknown>; volumeTexture: unknown; rgbaTex(): string; updateInterpolation(): void; refreshLayers(o: unknown, l: number): void };
    const v = new V();
    v.rgbaTex = () => 'niivue texture';
    v.updateInterpolation = () => undefined;
    v.gl = {};
    v.refreshLayers({ img: 'voxels' }, 0);
    expect([v.volumeTexture, calls]).toEqual(['niivue texture', ['upload', 'orient']]);
    calls.length = 0;
    const asked: unknown[] = [];
    v.gl[DISPLAY_TEXTURE] = (...args: unknown[]) => { asked.push(args); return 'cpu texture'; };
    v.refreshLayers({ img: 'voxels' }, 0);
    expect([v.volumeTexture, calls]).toEqual(['cpu texture', []]);
    expect(asked).toEqual([[{ img: 'voxels' }, 'voxels', 'niivue texture']]);
    v.gl[DISPLAY_TEXTURE] = () => null;
    v.refreshLayers({ img: 'voxels' }, 0);
    expect([v.volumeTexture, calls]).toEqual(['niivue texture', ['upload', 'orient']]);
  });
});

/** A stand-in for NiiVue's calMinMax: 'niivue' whenever the patch leaves it to NiiVue. */
const FAKE_CAL_MIN_MAX = `function intensityRaw2Scaled(nvImage, raw) { return raw * nvImage.hdr.scl_slope + nvImage.hdr.scl_inter; }
function calMinMax(nvImage, vol = Number.POSITIVE_INFINITY, isBorder = true) {
  let mn = Number.POSITIVE_INFINITY;
  return 'niivue';
}
return calMinMax;`;

describe('the fast-range patch of calMinMax', () => {
  it('applies once to the installed NiiVue, before its first loop', () => {
    const code = niivueModule();
    const patched = patchCalMinMax(code);
    expect(patched.split(`globalThis.${FAST_RANGE} === true`)).toHaveLength(2);
    const fn = patched.indexOf('function calMinMax(nvImage, vol = Number.POSITIVE_INFINITY, isBorder = true) {');
    expect(patched.indexOf(FAST_RANGE, fn)).toBeLessThan(patched.indexOf('const borderFrac', fn));
  });

  it('with the flag and a trusted range: that range, and the global range of every voxel of the frame', () => {
    const code = FAKE_CAL_MIN_MAX;
    const cmapper = { colormapFromKey: (k: string) => (k === 'fixed' ? { min: 0, max: 5 } : {}) };
    const calMinMax = new Function('cmapper', patchCalMinMax(code))(cmapper) as (im: Record<string, unknown>) => unknown;
    const image = (over: Record<string, unknown> = {}) => ({
      trustCalMinMax: true, _colormap: 'gray', frame4D: 1,
      hdr: { cal_min: 10, cal_max: 90, scl_slope: 2, scl_inter: -1, dims: [3, 2, 2, 1] },
      img: Int16Array.from([1, 2, 3, 4, -7, 50, 3, 120]), ...over,
    });
    const g = globalThis as Record<string, unknown>;
    const was = g[FAST_RANGE];
    try {
      g[FAST_RANGE] = true;
      const im: Record<string, unknown> = image();
      expect(calMinMax(im)).toEqual([10, 90, 10, 90]);
      // frame 1 of 2: voxels -7 … 120, scaled ×2 − 1
      expect([im.cal_min, im.cal_max, im.robust_min, im.robust_max, im.global_min, im.global_max]).toEqual([10, 90, 10, 90, -15, 239]);
      expect(calMinMax(image({ trustCalMinMax: false }))).toBe('niivue');
      expect(calMinMax(image({ hdr: { cal_min: 5, cal_max: 5, scl_slope: 1, scl_inter: 0, dims: [3, 2, 2, 1] } }))).toBe('niivue');
      expect(calMinMax(image({ _colormap: 'fixed' }))).toBe('niivue');
      g[FAST_RANGE] = false;
      expect(calMinMax(image())).toBe('niivue');
    } finally {
      g[FAST_RANGE] = was;
    }
  });

  it('takes a known range for exactly the image it names, measures anything else', () => {
    const code = FAKE_CAL_MIN_MAX;
    const calMinMax = new Function('cmapper', patchCalMinMax(code))({ colormapFromKey: () => ({}) }) as (im: Record<string, unknown>) => unknown;
    const voxels = Int16Array.from([4, -3, 9, 2]);
    const image = (img: Int16Array): Record<string, unknown> => ({
      trustCalMinMax: true, _colormap: 'gray', frame4D: 0, hdr: { cal_min: 0, cal_max: 5, scl_slope: 1, scl_inter: 0, dims: [3, 2, 2, 1] }, img,
    });
    const g = globalThis as Record<string, unknown>;
    const was = [g[FAST_RANGE], g[KNOWN_RANGE]];
    try {
      g[FAST_RANGE] = true;
      // a known range is taken as it is (here deliberately not the voxels' own, to see that no pass ran)
      g[KNOWN_RANGE] = { buffer: voxels.buffer, min: -100, max: 100 };
      const known = image(voxels);
      calMinMax(known);
      expect([known.global_min, known.global_max]).toEqual([-100, 100]);
      // another image's buffer: its own voxels are measured
      const other = image(Int16Array.from([7, 1, 3, 5]));
      calMinMax(other);
      expect([other.global_min, other.global_max]).toEqual([1, 7]);
      // no range known: measured
      g[KNOWN_RANGE] = null;
      const plain = image(voxels);
      calMinMax(plain);
      expect([plain.global_min, plain.global_max]).toEqual([-3, 9]);
    } finally {
      [g[FAST_RANGE], g[KNOWN_RANGE]] = was;
    }
  });
});

describe('the drawing-upload patch of refreshDrawing', () => {
  it('applies once to the installed NiiVue: the hook uploads, NiiVue\'s whole-volume upload only without it; no scan unless smoothing', () => {
    const code = niivueModule();
    const patched = patchRefreshDrawing(code);
    const fn = patched.slice(patched.indexOf('  refreshDrawing(isForceRedraw = true, useClickToSegmentBitmap = false) {'));
    const body = fn.slice(0, fn.indexOf('\n  }\n'));
    expect(body).toContain(`if (!this.gl.${DRAWING_UPLOAD}?.(this.drawTexture, bitmapDataSource, dims)) this.gl.texSubImage3D(`);
    expect(body).not.toContain('const hasAnyVoxel');
    expect(body).toContain('this.opts.smoothDrawing > 0 && !this.opts.is2DSliceShader && bitmapDataSource.some(');
  });

  it('the hook decides: true skips NiiVue\'s upload, false or no hook keeps it', () => {
    const code = `class V {
  refreshDrawing(isForceRedraw = true, useClickToSegmentBitmap = false) {
    const bitmapDataSource = this.drawBitmap;
    const dims = [3, 2, 2, 2];
      this.gl.texSubImage3D(this.gl.TEXTURE_3D, 0, 0, 0, 0, dims[1], dims[2], dims[3], this.gl.RED, this.gl.UNSIGNED_BYTE, bitmapDataSource);
    const hasAnyVoxel = bitmapDataSource.some((v) => v !== 0);
    if (this.opts.smoothDrawing > 0 && !this.opts.is2DSliceShader && hasAnyVoxel) {
      this.smoothed = true;
    }
    if (isForceRedraw) {
      this.drawScene();
    }
  }
}
return V;`;
    const V = new Function(patchRefreshDrawing(code))() as new () => { gl: Record<string, unknown>; drawBitmap: Uint8Array; drawTexture: string; opts: Record<string, unknown>; smoothed?: boolean; drawScene(): void; refreshDrawing(force: boolean): void };
    const v = new V();
    let niivueUploads = 0;
    const hooked: unknown[] = [];
    v.gl = { TEXTURE_3D: 1, RED: 2, UNSIGNED_BYTE: 3, texSubImage3D: () => { niivueUploads++; } };
    v.drawBitmap = Uint8Array.of(0, 0, 1, 0, 0, 0, 0, 0);
    v.drawTexture = 'tex';
    v.opts = { smoothDrawing: 0, is2DSliceShader: false };
    v.drawScene = () => undefined;
    v.refreshDrawing(false);
    expect(niivueUploads).toBe(1);
    v.gl[DRAWING_UPLOAD] = (...args: unknown[]) => { hooked.push(args); return true; };
    v.refreshDrawing(false);
    expect([niivueUploads, hooked]).toEqual([1, [['tex', v.drawBitmap, [3, 2, 2, 2]]]]);
    v.gl[DRAWING_UPLOAD] = () => false;
    v.opts.smoothDrawing = 1;
    v.refreshDrawing(false);
    expect([niivueUploads, v.smoothed]).toEqual([2, true]);
  });
});

describe('the paired-image patch of readNifti', () => {
  it('applies once to the installed NiiVue', () => {
    const patched = patchReadNifti(niivueModule());
    expect(patched.split(`pairedImageData === globalThis.${PAIRED_AS_IS}`)).toHaveLength(2);
  });

  it('takes the image named by the hook as it is (offset 0); any other image is copied as before', async () => {
    const code = `function readImage(header, data) { return data.slice(header.vox_offset, header.vox_offset + 4); }
async function readNifti(nvImage, buffer, pairedImageData) {
  let dataBuffer = buffer;
  let imgRaw = null;
  imgRaw = pairedImageData ? readImage(nvImage.hdr, pairedImageData) : readImage(nvImage.hdr, dataBuffer);
  return imgRaw;
}
return readNifti;`;
    const readNifti = new Function(patchReadNifti(code))() as (im: { hdr: { vox_offset: number } }, b: ArrayBuffer, p: ArrayBuffer | null) => Promise<ArrayBuffer>;
    const image = new Uint8Array([1, 2, 3, 4]).buffer;
    const file = new Uint8Array([9, 9, 1, 2, 3, 4]).buffer;
    const g = globalThis as Record<string, unknown>;
    try {
      g[PAIRED_AS_IS] = image;
      expect(await readNifti({ hdr: { vox_offset: 0 } }, new ArrayBuffer(8), image)).toBe(image);
      const copied = await readNifti({ hdr: { vox_offset: 0 } }, new ArrayBuffer(8), new Uint8Array([1, 2, 3, 4]).buffer);
      expect([copied === image, [...new Uint8Array(copied)]]).toEqual([false, [1, 2, 3, 4]]);
      expect([...new Uint8Array(await readNifti({ hdr: { vox_offset: 2 } }, file, null))]).toEqual([1, 2, 3, 4]);
      g[PAIRED_AS_IS] = null;
      expect(await readNifti({ hdr: { vox_offset: 0 } }, new ArrayBuffer(8), image)).not.toBe(image);
    } finally {
      g[PAIRED_AS_IS] = undefined;
    }
  });
});
