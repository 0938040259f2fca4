/**
 * Names of the hooks that the build-time patches of NiiVue (tools/vite/niivue-patches.ts) look
 * for. They live on objects NiiVue already passes around (its WebGL context, globalThis), so
 * the patches stay a few lines each; only src/viewer/ sets them.
 */

/**
 * WebGL context property: while true, NiiVue skips its gradient volume (a blur and a Sobel
 * pass over every slice), which only lights the 3D render.
 */
export const SKIP_GRADIENT = '__slicesamSkipGradient';

/**
 * WebGL context property: a function NiiVue's refreshLayers calls for the background volume,
 * `(image, voxels, oldTexture) => WebGLTexture | null`. A texture it returns is used as the
 * colour volume as it is: NiiVue then neither uploads the raw voxels nor runs its orient pass
 * (a draw per slice, seconds on a software GL). Null keeps NiiVue's own path.
 */
export const DISPLAY_TEXTURE = '__slicesamDisplayTexture';

/**
 * globalThis property: while true, an image created with a trusted display range (cal_min <
 * cal_max) gets its global minimum and maximum from one tight pass over its voxels instead of
 * NiiVue's copy of the central region (a sixth of the cost for a large volume).
 */
export const FAST_RANGE = '__slicesamFastRange';

/**
 * globalThis property: `{ buffer, min, max }`, what NiiVue takes as the least and greatest voxel
 * of the image whose voxels are `buffer`, instead of its pass (with FAST_RANGE; set only while
 * the viewer creates the image): the display window, the exact range following after the first
 * frame (voxel-range-later.ts).
 */
export const KNOWN_RANGE = '__slicesamKnownRange';

/**
 * WebGL context property: a function NiiVue's refreshDrawing calls to upload the drawing,
 * `(texture, drawing, dims) => boolean`, with the drawing texture bound; true means it was
 * uploaded (NiiVue then skips its own upload of the whole volume).
 */
export const DRAWING_UPLOAD = '__slicesamDrawingUpload';

/**
 * globalThis property: the ArrayBuffer of a .hdr / .img pair's image that NiiVue's NIfTI reader
 * takes as the voxels as it is, instead of copying it (set only while the viewer creates the image).
 */
export const PAIRED_AS_IS = '__slicesamPairedAsIs';
