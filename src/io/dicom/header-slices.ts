/**
 * The slices a header holds: one per frame, each with its position and its
 * rescale. A single-frame image is one slice; an enhanced multi-frame image
 * gives each frame's own position; a classic multi-frame image (one position
 * for all) has its frames placed along the slice normal, with a warning where
 * the file does not say how far apart they are.
 */
import { VolumeError } from '../../shared/errors.ts';
import type { Vec3 } from '../../shared/volume.ts';
import { orientationDiffers } from './series-checks.ts';
import type { SliceInput } from './slice-geometry.ts';
import type { DicomHeader } from './types.ts';
import { DICOM_WARNING, warning } from './warnings.ts';

export interface Slice extends SliceInput {
  header: DicomHeader;
  slope: number;
  intercept: number;
}

/** A slice and the k slot of the volume it fills. */
export interface PlacedSlice {
  k: number;
  slice: Slice;
}

/** FrameIncrementPointer targets that make the frames a time series (cine), not slices. */
const TIME_POINTERS: Readonly<Record<string, string>> = {
  x00181063: 'FrameTime (0018,1063)',
  x00181065: 'FrameTimeVector (0018,1065)',
  x00540101: 'NumberOfTimeSlices (0054,0101)',
  x00540100: 'TimeSliceVector (0054,0100)',
};

/** How far apart a classic multi-frame image's frames are along the slice normal, and what said so. */
function classicStep(h: DicomHeader): { mm: number; from: string } | undefined {
  if (h.spacingBetweenSlices !== undefined && h.spacingBetweenSlices > 0) return { mm: h.spacingBetweenSlices, from: 'SpacingBetweenSlices' };
  if (h.sliceThickness !== undefined && h.sliceThickness > 0) return { mm: h.sliceThickness, from: 'SliceThickness' };
  return undefined;
}

const GRID_FRAME_OFFSETS = 'x3004000c';

/**
 * Where a classic multi-frame image's frames are along the slice normal, in
 * mm from ImagePositionPatient; `assumed` when the file does not say (then
 * framePositionWarnings warns).
 *   - FrameIncrementPointer → GridFrameOffsetVector (3004,000C) (RT Dose): its
 *     offsets, relative when the first is 0, else (axial images only) the
 *     frames' z coordinates (PS3.3 C.8.8.3.2);
 *   - else SpacingBetweenSlices (else SliceThickness) apart, as dcm2niix stacks them.
 * A string says why the frames cannot be placed.
 */
function classicOffsets(h: DicomHeader, normal: Vec3 | undefined): { offsets: number[]; assumed?: { mm: number; from: string } } | string {
  const pointer = h.frameIncrementPointer;
  const time = pointer ? TIME_POINTERS[pointer] : undefined;
  if (time) return `its frames are time points (FrameIncrementPointer → ${time}), not slices`;
  const grid = h.gridFrameOffsets;
  if (pointer === GRID_FRAME_OFFSETS && grid) {
    if (grid.length !== h.numberOfFrames) {
      return `its GridFrameOffsetVector (3004,000C) holds ${grid.length} offsets for ${h.numberOfFrames} frames`;
    }
    if (grid[0] === 0) return { offsets: grid };
    const p = h.imagePositionPatient;
    if (p && normal && Math.abs(Math.abs(normal[2]) - 1) < 1e-6) return { offsets: grid.map((z) => (z - p[2]) * Math.sign(normal[2])) };
    return 'its GridFrameOffsetVector (3004,000C) gives z coordinates (its first offset is not 0) but the image is not axial';
  }
  const step = classicStep(h);
  if (!step) return 'no SpacingBetweenSlices or SliceThickness to place its frames as slices';
  return { offsets: Array.from({ length: h.numberOfFrames }, (_, f) => f * step.mm), assumed: step };
}

function unitNormal(o: readonly number[] | undefined): Vec3 | undefined {
  if (!o) return undefined;
  const n: Vec3 = [o[1]! * o[5]! - o[2]! * o[4]!, o[2]! * o[3]! - o[0]! * o[5]!, o[0]! * o[4]! - o[1]! * o[3]!];
  const len = Math.hypot(...n);
  return len > 0 ? [n[0] / len, n[1] / len, n[2] / len] : undefined;
}

/**
 * A classic multi-frame image (no functional groups: one ImagePositionPatient
 * for the first frame): its frames are slices along the slice normal (row ×
 * column) from that position, at the offsets classicOffsets finds. Refused
 * when they cannot be placed: no position or orientation, no spacing, or
 * frames that are time points (cine).
 */
function classicSlices(h: DicomHeader, base: Pick<Slice, 'header' | 'path'> & { instanceNumber?: number }): Slice[] {
  const n = unitNormal(h.imageOrientationPatient);
  const lacking = [!h.imagePositionPatient && 'ImagePositionPatient', !n && 'ImageOrientationPatient'].filter(Boolean).join(' or ');
  const placed = lacking ? `no ${lacking} to place its frames as slices` : classicOffsets(h, n);
  if (typeof placed === 'string') {
    throw new VolumeError('unsupported-multiframe', h.path,
      `a multi-frame image (${h.numberOfFrames} frames) without per-frame positions `
      + `(PerFrameFunctionalGroupsSequence › PlanePositionSequence), and ${placed}; only multi-frame images whose frames are slices are read`);
  }
  const p = h.imagePositionPatient!;
  return placed.offsets.map((d, frame) => ({
    ...base, frame, instanceNumber: frame + 1,
    position: [p[0] + n![0] * d, p[1] + n![1] * d, p[2] + n![2] * d] as Vec3,
    slope: h.rescaleSlope ?? 1, intercept: h.rescaleIntercept ?? 0,
  }));
}

/**
 * One slice per frame. An enhanced multi-frame file (or, after
 * groupIntoSeries, one stack of it) must carry a position for each of its
 * frames; its InStackPositionNumber breaks ties as InstanceNumber does
 * between files.
 */
export function slicesOf(h: DicomHeader): Slice[] {
  const base = { header: h, path: h.path, ...(h.instanceNumber !== undefined ? { instanceNumber: h.instanceNumber } : {}) };
  if (h.numberOfFrames <= 1) {
    return [{
      ...base, frame: 0, slope: h.rescaleSlope ?? 1, intercept: h.rescaleIntercept ?? 0,
      ...(h.imagePositionPatient ? { position: h.imagePositionPatient } : {}),
    }];
  }
  const frames = h.frames;
  const where = h.stack ? ` (${h.stack})` : '';
  if (!frames || frames.length === 0) return classicSlices(h, base);
  const unplaced = frames.findIndex((f) => !f.imagePositionPatient);
  if (unplaced >= 0) {
    throw new VolumeError('unsupported-multiframe', h.path,
      `frame ${(frames[unplaced]!.index ?? unplaced) + 1} of ${h.numberOfFrames}${where} has no position `
      + '(PlanePositionSequence (0020,9113) › ImagePositionPatient in its per-frame or the shared functional groups)');
  }
  return frames.map((f, at) => {
    const frame = f.index ?? at;
    if (!(Number.isInteger(frame) && frame >= 0 && frame < h.numberOfFrames)) {
      throw new VolumeError('bad-header', h.path, `frame ${frame + 1} does not exist: the file holds ${h.numberOfFrames} frames`);
    }
    if (orientationDiffers(f.imageOrientationPatient ?? h.imageOrientationPatient, h.imageOrientationPatient)) {
      throw new VolumeError('unsupported-multiframe', h.path,
        `frame ${frame + 1}${where} has a different orientation from the first frame; frames must share one plane orientation`);
    }
    const inStack = f.inStackPosition ?? h.instanceNumber;
    return {
      ...base, frame, position: f.imagePositionPatient as Vec3,
      ...(inStack !== undefined ? { instanceNumber: inStack } : {}),
      slope: f.rescaleSlope ?? h.rescaleSlope ?? 1, intercept: f.rescaleIntercept ?? h.rescaleIntercept ?? 0,
    };
  });
}

/** The warnings for classic multi-frame images whose frames were placed SpacingBetweenSlices (or SliceThickness) apart. */
export function framePositionWarnings(headers: readonly DicomHeader[]): string[] {
  const warnings: string[] = [];
  for (const h of headers) {
    if (h.numberOfFrames <= 1 || (h.frames && h.frames.length > 0)) continue;
    const placed = classicOffsets(h, unitNormal(h.imageOrientationPatient));
    if (typeof placed === 'string' || !placed.assumed) continue;
    const step = placed.assumed;
    warnings.push(warning(DICOM_WARNING.framePositionsAssumed,
      `${h.path}: a multi-frame image without a position per frame; its ${h.numberOfFrames} frames are placed along the slice normal `
      + `(row × column cosines) from its ImagePositionPatient, ${step.mm} mm apart (${step.from}); the file does not say which way they run`));
  }
  return warnings;
}
