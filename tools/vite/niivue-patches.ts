/**
 * Build-time patches of NiiVue's module, each a few inserted lines that consult a hook the
 * viewer sets (src/viewer/niivue-hooks.ts); without the hook NiiVue behaves as shipped. All
 * of them remove work that costs from a tenth of a second to seconds on a software GL (SwiftShader, the GL of a laptop
 * without a usable GPU driver and of this project's test machine) for a 512×512×120 series:
 *
 *  - gradientGL: the gradient volume (a blur and a Sobel pass over every slice) lights only
 *    the 3D render; it is skipped while no render is on screen (SKIP_GRADIENT).
 *  - refreshLayers: the background volume's colours may come from the viewer (DISPLAY_TEXTURE,
 *    computed on the CPU) instead of an upload of the raw voxels plus NiiVue's orient pass,
 *    one draw per slice into a 3D texture (2.3 of 3.4 s of GL work for that series).
 *  - calMinMax: with a trusted display range, the global minimum and maximum come from the
 *    viewer (KNOWN_RANGE, measured later in background steps) or one tight loop (FAST_RANGE)
 *    instead of a copy of the central region (150 ms).
 *  - readNifti: the viewer's image of a .hdr / .img pair is NiiVue's voxels as it is, not a
 *    copy (a 60 MB copy, 0.2 s, when a case opens).
 *  - refreshDrawing: the label drawing goes to the GPU through the viewer (DRAWING_UPLOAD),
 *    which sends only the slices that changed, instead of the whole volume on every brush step
 *    and every propagated slice; and the scan for any drawn voxel runs only where it is used
 *    (drawing smoothing, off here).
 *
 * Each patch fails the build when NiiVue's code no longer has the shape it expects, so an
 * upgrade cannot silently drop one. (Vite's dev server pre-bundles NiiVue without plugins:
 * there NiiVue runs unpatched, which is slower but correct.)
 */
import type { Plugin } from 'vite';

import { DISPLAY_TEXTURE, DRAWING_UPLOAD, FAST_RANGE, KNOWN_RANGE, PAIRED_AS_IS, SKIP_GRADIENT } from '../../src/viewer/niivue-hooks.ts';

const MODULE = /[\\/]@niivue[\\/]niivue[\\/]build[\\/]niivue[\\/]index\.js$/;

/** The text between `start` and the first `end` after it (both included), found exactly once. */
function region(code: string, start: string, end: string): [number, number] {
  const at = code.indexOf(start);
  if (at < 0 || code.indexOf(start, at + 1) >= 0) throw new Error(`NiiVue changed: "${start}" not found once; see tools/vite/niivue-patches.ts`);
  const stop = code.indexOf(end, at);
  if (stop < 0) throw new Error(`NiiVue changed: "${end}" not found after "${start}"; see tools/vite/niivue-patches.ts`);
  return [at, stop + end.length];
}

/** Replace `find` by `replace` inside [from, to), where it must occur exactly once. */
function replaceOnceIn(code: string, [from, to]: [number, number], find: string, replace: string): string {
  const body = code.slice(from, to);
  const at = body.indexOf(find);
  if (at < 0 || body.indexOf(find, at + 1) >= 0) throw new Error(`NiiVue changed: "${find.trim().slice(0, 80)}" not found once; see tools/vite/niivue-patches.ts`);
  return code.slice(0, from) + body.slice(0, at) + replace + body.slice(at + find.length) + code.slice(to);
}

/** gradientGL returns its old texture at once while the context carries SKIP_GRADIENT = true. */
export function patchGradientGL(code: string): string {
  const fn = region(code, 'function gradientGL(params) {', 'let { gradientTexture } = params;');
  if (fn[1] - fn[0] > 1500) throw new Error('NiiVue changed: gradientGL no longer starts as expected; see tools/vite/niivue-patches.ts');
  const after = 'let { gradientTexture } = params;';
  return replaceOnceIn(code, fn, after, `${after}\n  if (params.gl.${SKIP_GRADIENT} === true) return gradientTexture;`);
}

/**
 * refreshLayers asks the context's DISPLAY_TEXTURE hook for the background volume's colour
 * texture; when it gets one, it skips the raw upload and the orient pass.
 */
export function patchRefreshLayers(code: string): string {
  const fn = (c: string): [number, number] => region(c, '  refreshLayers(overlayItem, layer) {', '    this.updateInterpolation(layer);\n  }');
  const alloc = 'outTexture = this.rgbaTex(this.volumeTexture, TEXTURE_CONSTANTS.TEXTURE0_BACK_VOL, overlayItem.dimsRAS);';
  let out = replaceOnceIn(code, fn(code), alloc,
    `var slicesamTexture = this.gl.${DISPLAY_TEXTURE}?.(overlayItem, img, this.volumeTexture) ?? null;\n      outTexture = slicesamTexture ?? this.rgbaTex(this.volumeTexture, TEXTURE_CONSTANTS.TEXTURE0_BACK_VOL, overlayItem.dimsRAS);`);
  out = replaceOnceIn(out, fn(out), 'const uploadResult = setupVolumeTextureData({', 'const uploadResult = slicesamTexture ? { orientShader } : setupVolumeTextureData({');
  out = replaceOnceIn(out, fn(out), '    renderToOutputTexture({', '    if (!slicesamTexture) renderToOutputTexture({');
  return out;
}

/** calMinMax takes a trusted range and one tight min/max pass while globalThis[FAST_RANGE] is true. */
export function patchCalMinMax(code: string): string {
  const start = 'function calMinMax(nvImage, vol = Number.POSITIVE_INFINITY, isBorder = true) {';
  const fn = region(code, start, 'let mn = Number.POSITIVE_INFINITY;');
  // Same outcome as NiiVue's own trusted-range branch (cal and robust range from the header),
  // but the global range covers every voxel of the frame, without copying the central region.
  const fast = `
  if (globalThis.${FAST_RANGE} === true && nvImage.trustCalMinMax && nvImage.hdr && nvImage.img && isFinite(nvImage.hdr.cal_min) && isFinite(nvImage.hdr.cal_max) && nvImage.hdr.cal_max > nvImage.hdr.cal_min) {
    const fastMap = cmapper.colormapFromKey(nvImage._colormap);
    if (!(fastMap.min !== void 0 && fastMap.max !== void 0 && fastMap.min !== fastMap.max)) {
      const fastN = nvImage.hdr.dims[1] * nvImage.hdr.dims[2] * nvImage.hdr.dims[3];
      const fastVol = Math.max(0, Math.min(nvImage.frame4D || 0, Math.floor(nvImage.img.length / fastN) - 1));
      const fastImg = nvImage.img.subarray(fastVol * fastN, (fastVol + 1) * fastN);
      let fastMn = Infinity;
      let fastMx = -Infinity;
      const fastKnown = globalThis.${KNOWN_RANGE};
      if (fastKnown && fastKnown.buffer === fastImg.buffer && fastImg.length === nvImage.img.length) {
        fastMn = fastKnown.min;
        fastMx = fastKnown.max;
      } else for (let i = 0; i < fastImg.length; i++) {
        const v = fastImg[i];
        if (v < fastMn) fastMn = v;
        if (v > fastMx) fastMx = v;
      }
      if (fastMn > fastMx) { fastMn = 0; fastMx = 0; }
      nvImage.cal_min = nvImage.hdr.cal_min;
      nvImage.cal_max = nvImage.hdr.cal_max;
      nvImage.robust_min = nvImage.cal_min;
      nvImage.robust_max = nvImage.cal_max;
      nvImage.global_min = intensityRaw2Scaled(nvImage, fastMn);
      nvImage.global_max = intensityRaw2Scaled(nvImage, fastMx);
      return [nvImage.hdr.cal_min, nvImage.hdr.cal_max, nvImage.hdr.cal_min, nvImage.hdr.cal_max];
    }
  }
  `;
  return replaceOnceIn(code, fn, start, start + fast);
}

/** refreshDrawing lets the context's DRAWING_UPLOAD hook upload the drawing, and scans it only for smoothing. */
export function patchRefreshDrawing(code: string): string {
  const fn = (c: string): [number, number] => region(c, '  refreshDrawing(isForceRedraw = true, useClickToSegmentBitmap = false) {', '    if (isForceRedraw) {\n      this.drawScene();\n    }\n  }');
  const upload = 'this.gl.texSubImage3D(this.gl.TEXTURE_3D, 0, 0, 0, 0, dims[1], dims[2], dims[3], this.gl.RED, this.gl.UNSIGNED_BYTE, bitmapDataSource);';
  let out = replaceOnceIn(code, fn(code), upload, `if (!this.gl.${DRAWING_UPLOAD}?.(this.drawTexture, bitmapDataSource, dims)) ${upload}`);
  out = replaceOnceIn(out, fn(out), 'const hasAnyVoxel = bitmapDataSource.some((v) => v !== 0);\n    if (this.opts.smoothDrawing > 0 && !this.opts.is2DSliceShader && hasAnyVoxel) {',
    'if (this.opts.smoothDrawing > 0 && !this.opts.is2DSliceShader && bitmapDataSource.some((v) => v !== 0)) {');
  return out;
}

/** readNifti takes the image of a .hdr / .img pair as it is when it is globalThis[PAIRED_AS_IS], instead of a copy. */
export function patchReadNifti(code: string): string {
  const fn = region(code, 'async function readNifti(nvImage, buffer, pairedImageData) {', 'return imgRaw;');
  const read = 'imgRaw = pairedImageData ? readImage(nvImage.hdr, pairedImageData) : readImage(nvImage.hdr, dataBuffer);';
  return replaceOnceIn(code, fn, read,
    `imgRaw = pairedImageData && pairedImageData === globalThis.${PAIRED_AS_IS} && nvImage.hdr.vox_offset === 0 ? pairedImageData : pairedImageData ? readImage(nvImage.hdr, pairedImageData) : readImage(nvImage.hdr, dataBuffer);`);
}

/** Every patch, in order (each throws when NiiVue's code is not as expected). */
export function patchNiivue(code: string): string {
  return patchReadNifti(patchRefreshDrawing(patchCalMinMax(patchRefreshLayers(patchGradientGL(code)))));
}

export function niivuePatches(): Plugin {
  return {
    name: 'slicesam-niivue-patches',
    transform(code, id) {
      if (!MODULE.test(id.split('?')[0]!)) return null;
      return { code: patchNiivue(code), map: null };
    },
  };
}
