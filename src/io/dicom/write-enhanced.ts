/**
 * Enhanced multi-frame images: each frame's geometry and scaling in the
 * per-frame functional groups (5200,9230), what they share in the shared
 * ones (5200,9229), on top of the elements of an ImageSpec.
 */
import type { Vec3 } from '../../shared/volume.ts';
import type { DicomElement } from './write-elements.ts';
import { SLICESAM_UID_ROOT } from './write-file.ts';
import { imageElements, type ImageSpec } from './write-image.ts';

export const ENHANCED_CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2.1';

/** One frame of an enhanced multi-frame image: what its per-frame functional groups say. */
export interface EnhancedFrameSpec {
  /** Plane Position (Patient) (0020,9113) › ImagePositionPatient; omitted when undefined. */
  position?: Vec3;
  /** Plane Orientation (Patient) (0020,9116) › ImageOrientationPatient. */
  orientation?: readonly number[];
  /** Pixel Measures (0028,9110) › PixelSpacing, SliceThickness. */
  pixelSpacing?: readonly [number, number];
  sliceThickness?: number;
  /** Pixel Value Transformation (0028,9145) › RescaleSlope, RescaleIntercept. */
  slope?: number;
  intercept?: number;
  /** Frame Content (0020,9111) › StackID, InStackPositionNumber (and DimensionIndexValues [stack, position]). */
  stackId?: string;
  inStackPosition?: number;
}

/** What every frame shares: written once, in the shared functional groups (0028,9229). */
export type EnhancedSharedSpec = Pick<EnhancedFrameSpec, 'orientation' | 'pixelSpacing' | 'sliceThickness' | 'slope' | 'intercept'>;

/**
 * An enhanced multi-frame image (Enhanced CT by default): the image-level
 * geometry and scaling of ImageSpec are left out; each frame's are in the
 * per-frame (5200,9230) or shared (5200,9229) functional groups. `pixels`
 * holds the frames in the order of `frames` (the order they are stored).
 */
export interface EnhancedImageSpec extends Omit<ImageSpec,
  'position' | 'orientation' | 'pixelSpacing' | 'sliceThickness' | 'slope' | 'intercept' | 'numberOfFrames'> {
  frames: readonly EnhancedFrameSpec[];
  shared?: EnhancedSharedSpec;
  /** Write NumberOfFrames as this instead of frames.length (a header that lies). */
  numberOfFrames?: number;
  /** Write only the first N per-frame items, or N items repeating the last (a per-frame sequence that lies). */
  perFrameItems?: number;
}

const seq = (tag: number, elements: DicomElement[]): DicomElement => ({ tag, vr: 'SQ', value: [elements] });

/** The functional-group macros that a frame (or the shared groups) spec holds. */
function groupMacros(f: EnhancedFrameSpec, dimensions: boolean): DicomElement[] {
  const out: DicomElement[] = [];
  if (f.position) out.push(seq(0x00209113, [{ tag: 0x00200032, vr: 'DS', value: f.position }]));
  if (f.orientation) out.push(seq(0x00209116, [{ tag: 0x00200037, vr: 'DS', value: f.orientation }]));
  const measures: DicomElement[] = [];
  if (f.pixelSpacing) measures.push({ tag: 0x00280030, vr: 'DS', value: f.pixelSpacing });
  if (f.sliceThickness !== undefined) measures.push({ tag: 0x00180050, vr: 'DS', value: f.sliceThickness });
  if (measures.length) out.push(seq(0x00289110, measures));
  if (f.slope !== undefined || f.intercept !== undefined) {
    out.push(seq(0x00289145, [
      { tag: 0x00281052, vr: 'DS', value: f.intercept ?? 0 },
      { tag: 0x00281053, vr: 'DS', value: f.slope ?? 1 },
      { tag: 0x00281054, vr: 'LO', value: 'HU' },
    ]));
  }
  const content: DicomElement[] = [];
  if (f.stackId !== undefined) content.push({ tag: 0x00209056, vr: 'SH', value: f.stackId });
  if (f.inStackPosition !== undefined) content.push({ tag: 0x00209057, vr: 'UL', value: f.inStackPosition });
  if (dimensions && f.stackId !== undefined && f.inStackPosition !== undefined) {
    content.push({ tag: 0x00209157, vr: 'UL', value: [Number(f.stackId) || 1, f.inStackPosition] });
  }
  if (content.length) out.push(seq(0x00209111, content));
  return out;
}

/** The elements of an enhanced multi-frame image. */
export function enhancedImageElements(spec: EnhancedImageSpec): DicomElement[] {
  const { frames, shared, perFrameItems, ...image } = spec;
  const items = frames.map((f) => groupMacros(f, true));
  const count = perFrameItems ?? frames.length;
  const perFrame = Array.from({ length: count }, (_, i) => items[Math.min(i, items.length - 1)] ?? []);
  const dimensioned = frames.some((f) => f.stackId !== undefined && f.inStackPosition !== undefined);
  const dimensionIndex: DicomElement[] = dimensioned
    ? [
      { tag: 0x00209222, vr: 'SQ', value: [
        [{ tag: 0x00209164, vr: 'UI', value: `${SLICESAM_UID_ROOT}.9.2` }, { tag: 0x00209165, vr: 'AT', value: 0x00209056 }, { tag: 0x00209167, vr: 'AT', value: 0x00209111 }],
        [{ tag: 0x00209164, vr: 'UI', value: `${SLICESAM_UID_ROOT}.9.2` }, { tag: 0x00209165, vr: 'AT', value: 0x00209057 }, { tag: 0x00209167, vr: 'AT', value: 0x00209111 }],
      ] },
    ]
    : [];
  return imageElements({
    ...image,
    sopClassUid: image.sopClassUid ?? ENHANCED_CT_IMAGE_STORAGE,
    numberOfFrames: spec.numberOfFrames ?? frames.length,
    extra: [
      { tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\AXIAL\\NONE' },
      ...dimensionIndex,
      { tag: 0x52009229, vr: 'SQ', value: [shared ? groupMacros(shared, false) : []] },
      { tag: 0x52009230, vr: 'SQ', value: perFrame },
      ...(image.extra ?? []),
    ],
  });
}
