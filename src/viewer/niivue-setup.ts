/**
 * A Niivue instance set up as the viewer uses it: its options (a multiplanar view in the
 * radiological convention with large orientation letters on every side of each tile, a
 * crosshair (crosshair.ts sizes it), none of NiiVue's own extras or keys) and, once it has a GL context, the display mode and
 * its hooks into NiiVue (niivue-hooks.ts): who computes the background colours, the slice
 * shader, how the label drawing is uploaded, and NiiVue's undo snapshots.
 */
import { Niivue, NVImage, SHOW_RENDER, SLICE_TYPE } from '@niivue/niivue';
import { DisplayColours } from './display-colours.ts';
import type { DrawingUploads } from './drawing-upload.ts';
import { DISPLAY_TEXTURE, DRAWING_UPLOAD, FAST_RANGE, KNOWN_RANGE, PAIRED_AS_IS, SKIP_GRADIENT } from './niivue-hooks.ts';
import { isSoftwareRenderer, rendererName } from './renderer.ts';
import { SLICE_SHADER } from './slice-shader.ts';
import type { DisplayMode, DisplayRange } from './viewer-types.ts';

const BACKGROUND = [0, 0, 0, 1];

export function createNiivue(): Niivue {
  const nv = new Niivue({
    backColor: BACKGROUND,
    crosshairColor: [0.25, 0.85, 1, 0.85],
    show3Dcrosshair: true,
    // Patient left on screen right on axial and coronal, the nose to the left on sagittal, as
    // on a PACS; the app's setting may switch it to the neurological convention.
    isRadiologicalConvention: true,
    sagittalNoseLeft: true,
    // Orientation letters on all four sides of every tile, large and in a colour that reads on
    // black and on bright tissue (NiiVue's default is small grey on two sides).
    showAllOrientationMarkers: true,
    fontColor: [1, 0.86, 0.35, 1],
    fontMinPx: 20,
    fontSizeScaling: 0.3,
    isColorbar: false,
    isOrientCube: false,
    dragAndDropEnabled: false,
    sliceType: SLICE_TYPE.MULTIPLANAR,
    multiplanarShowRender: SHOW_RENDER.NEVER,
    multiplanarEqualSize: true,
    isResizeCanvas: true,
    loadingText: '',
    logLevel: 'warn',
  });
  // The app owns the keyboard: NiiVue's keys on a focused canvas would also act (h / j / k / l
  // move its crosshair, m changes what a drag does, v the layout, ? opens an alert).
  nv.keyDownListener = () => undefined;
  nv.keyUpListener = () => undefined;
  return nv;
}

/** The display mode for this GL: 'auto' is 'cpu' on a software GL, else 'gpu' (see DisplayMode). */
export function resolveDisplay(nv: Niivue, mode: DisplayMode): Exclude<DisplayMode, 'auto'> {
  return mode === 'auto' ? (isSoftwareRenderer(rendererName(nv.gl)) ? 'cpu' : 'gpu') : mode;
}

/** Set the hooks of a display mode on an attached Niivue; returns its background colours. */
export function hookDisplay(nv: Niivue, display: Exclude<DisplayMode, 'auto'>, uploads: DrawingUploads): DisplayColours {
  const gl = nv.gl as unknown as Record<string, unknown>;
  gl[SKIP_GRADIENT] = true; // no 3D render shown yet
  const colours = new DisplayColours(nv, display === 'cpu');
  gl[DISPLAY_TEXTURE] = (image: unknown, voxels: unknown, old: WebGLTexture | null) => colours.texture(image, voxels, old);
  if (display !== 'stock') {
    (globalThis as Record<string, unknown>)[FAST_RANGE] = true;
    nv.setCustomSliceShader(SLICE_SHADER);
    gl[DRAWING_UPLOAD] = (texture: WebGLTexture | null, drawing: Uint8Array, dims: ArrayLike<number>) => uploads.upload(nv.gl, texture, drawing, dims);
    // NiiVue snapshots the whole drawing (run-length encoded) after every stroke for its own
    // undo, 150 ms for a 512×512×120 series; the app keeps its own undo (diffs), so the snapshot
    // is skipped where it is only that (with fills overwriting, NiiVue's default).
    const addUndoBitmap = nv.drawAddUndoBitmap.bind(nv);
    nv.drawAddUndoBitmap = (fillOverwrites = true) => {
      if (!fillOverwrites) addUndoBitmap(fillOverwrites);
    };
  }
  return colours;
}

/**
 * A NiiVue image from a NIfTI .hdr / .img pair in memory (io's encodeNiftiPair), taking the
 * image buffer as its voxels without a copy (the readNifti patch; a 60 MB series cost two
 * copies as one .nii file). Without a range, NiiVue picks a robust one. `voxels`: what NiiVue takes
 * as the image's least and greatest voxel instead of a pass over them (voxel-range-later.ts).
 */
export async function imageFromPair(pair: { header: ArrayBuffer; image: ArrayBuffer }, range?: DisplayRange, voxels?: DisplayRange): Promise<NVImage> {
  const hooks = globalThis as Record<string, unknown>;
  hooks[PAIRED_AS_IS] = pair.image;
  hooks[KNOWN_RANGE] = voxels ? { buffer: pair.image, min: voxels.min, max: voxels.max } : null;
  try {
    // NiiVue picks its reader by the name's extension.
    const image = await NVImage.new(
      pair.header, 'volume.nii', 'gray', 1, pair.image, range?.min ?? NaN, range?.max ?? NaN, true,
      // loadFromUrl's defaults for the rest: percentile fraction, zero voxels counted, sform, …,
      // and the image type from the name (ImageType.UNKNOWN, an enum NiiVue does not export).
      0.02, false, false, '', 0, 0 as Parameters<typeof NVImage.new>[13], NaN, NaN, true, null, 0, null,
    );
    image.url = 'volume.nii';
    return image;
  } finally {
    // Another image may have been started meanwhile: its hooks stay.
    if (hooks[PAIRED_AS_IS] === pair.image) hooks[PAIRED_AS_IS] = null;
    if ((hooks[KNOWN_RANGE] as { buffer?: unknown } | null)?.buffer === pair.image) hooks[KNOWN_RANGE] = null;
  }
}
