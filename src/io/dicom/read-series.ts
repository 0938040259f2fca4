/**
 * readDicomSeries: the voxels of one series as a Volume. Slices are ordered by
 * position along the slice normal; the output array is allocated once and
 * each file is read once, its frames copied straight into place. Where
 * slices are missing from an evenly spaced series, blank (0) slices fill
 * their slots so that every slice read keeps its ImagePositionPatient.
 */
import { VolumeError } from '../../shared/errors.ts';
import type { SourceFile } from '../../shared/source-file.ts';
import { BYTES_PER_VOXEL, newVoxelArray, type Vec3, type Volume, type VoxelArray, type VoxelType } from '../../shared/volume.ts';
import { fittingType } from '../rescale.ts';
import { scale16 } from './kernels.ts';
import { affineSpacing, lpsToRas } from '../geometry.ts';
import { sniffDicom } from './detect.ts';
import { MAX_PIXEL_BYTES, UNDEFINED_LENGTH } from './limits.ts';
import { parseDicomBytes } from './parse.ts';
import { copyPixels, declaredRange, storedVoxelType, type PixelLayout } from './pixels.ts';
import { rescaledType, rescaleVolume, type SliceScale } from './rescale.ts';
import { planSlices, type SliceInput } from './slice-geometry.ts';
import { describeTransferSyntax, isBigEndian, isNativeTransferSyntax } from './transfer-syntax.ts';
import type { DicomHeader, DicomSeries } from './types.ts';
import { DICOM_WARNING, warning } from './warnings.ts';

/** Where readDicomSeries gets a header's file: a map by path, or a function. */
export type DicomFileLookup =
  | ReadonlyMap<string, SourceFile>
  | ((path: string) => SourceFile | Promise<SourceFile>);

interface Slice extends SliceInput {
  header: DicomHeader;
  slope: number;
  intercept: number;
}

const COLOUR = /^(RGB|YBR|PALETTE|HSV|ARGB|CMYK)/i;
const ORIENTATION_TOLERANCE = 1e-3;
/** Files read ahead of the one being copied. */
const READ_AHEAD = 4;

function validate(h: DicomHeader, first: DicomHeader): void {
  if (!isNativeTransferSyntax(h.transferSyntaxUid)) {
    throw new VolumeError('unsupported-transfer-syntax', h.path, `${describeTransferSyntax(h.transferSyntaxUid)} is not decoded yet`);
  }
  if (h.samplesPerPixel !== 1 || COLOUR.test(h.photometricInterpretation ?? '')) {
    throw new VolumeError('unsupported-colour', h.path,
      `colour images (${h.photometricInterpretation ?? 'unknown photometric interpretation'}, ${h.samplesPerPixel} samples per pixel) are not read yet; only greyscale`);
  }
  if (!storedVoxelType(h.bitsAllocated, h.pixelRepresentation)) {
    throw new VolumeError('unsupported-datatype', h.path,
      `${h.bitsAllocated}-bit pixels (PixelRepresentation ${h.pixelRepresentation}) are not read; only 8, 16 or 32 bits`);
  }
  if (h.bitsStored > h.bitsAllocated) {
    throw new VolumeError('bad-header', h.path, `BitsStored (${h.bitsStored}) exceeds BitsAllocated (${h.bitsAllocated})`);
  }
  const differs = h.rows !== first.rows || h.columns !== first.columns
    ? `${h.columns}×${h.rows} pixels where ${first.path} has ${first.columns}×${first.rows}`
    : h.bitsAllocated !== first.bitsAllocated || h.pixelRepresentation !== first.pixelRepresentation
      ? `${h.bitsAllocated}-bit pixels (PixelRepresentation ${h.pixelRepresentation}) where ${first.path} has ${first.bitsAllocated}-bit (${first.pixelRepresentation})`
      : orientationDiffers(h.imageOrientationPatient, first.imageOrientationPatient)
        ? `an orientation that differs from ${first.path}`
        : undefined;
  if (differs) throw new VolumeError('inconsistent-series', h.path, `cannot join this slice to the series: ${differs}`);
}

function orientationDiffers(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (!a || !b) return a !== b;
  return a.some((v, i) => Math.abs(v - (b[i] ?? NaN)) > ORIENTATION_TOLERANCE || Number.isNaN(b[i]!));
}

/** One slice per frame; enhanced multi-frame files must carry a position for every frame. */
function slicesOf(h: DicomHeader): Slice[] {
  const base = { header: h, path: h.path, ...(h.instanceNumber !== undefined ? { instanceNumber: h.instanceNumber } : {}) };
  if (h.numberOfFrames <= 1) {
    return [{
      ...base, frame: 0, slope: h.rescaleSlope ?? 1, intercept: h.rescaleIntercept ?? 0,
      ...(h.imagePositionPatient ? { position: h.imagePositionPatient } : {}),
    }];
  }
  const frames = h.frames;
  if (!frames || frames.length < h.numberOfFrames || frames.some((f) => !f.imagePositionPatient)) {
    throw new VolumeError('unsupported-multiframe', h.path,
      `a multi-frame image (${h.numberOfFrames} frames) without a position for every frame `
      + '(PerFrameFunctionalGroupsSequence › PlanePositionSequence); only enhanced multi-frame images with per-frame geometry are read');
  }
  return frames.slice(0, h.numberOfFrames).map((f, frame) => {
    if (orientationDiffers(f.imageOrientationPatient ?? h.imageOrientationPatient, h.imageOrientationPatient)) {
      throw new VolumeError('unsupported-multiframe', h.path, `frame ${frame + 1} has a different orientation from frame 1; frames must share one plane orientation`);
    }
    return {
      ...base, frame, position: f.imagePositionPatient as Vec3,
      slope: f.rescaleSlope ?? h.rescaleSlope ?? 1, intercept: f.rescaleIntercept ?? h.rescaleIntercept ?? 0,
    };
  });
}

/** The 16-bit patterns a fused scaling wrote, read as the type their range fits. */
function reinterpret16(stored: VoxelArray, storedType: VoxelType, scales: readonly SliceScale[]): { data: VoxelArray; datatype: VoxelType } {
  let min = Infinity, max = -Infinity;
  for (const s of scales) { min = Math.min(min, s.min); max = Math.max(max, s.max); }
  const datatype = fittingType(storedType, min, max);
  if (datatype === 'int16') return { data: new Int16Array(stored.buffer, stored.byteOffset, stored.length), datatype };
  if (datatype === 'uint16') return { data: new Uint16Array(stored.buffer, stored.byteOffset, stored.length), datatype };
  throw new Refit();
}

function layoutOf(h: DicomHeader, transferSyntaxUid: string): PixelLayout {
  return {
    bitsAllocated: h.bitsAllocated,
    bitsStored: h.bitsStored,
    signed: h.pixelRepresentation === 1,
    bigEndian: isBigEndian(transferSyntaxUid),
  };
}

async function open(lookup: DicomFileLookup, path: string): Promise<SourceFile> {
  const file = typeof lookup === 'function' ? await lookup(path) : lookup.get(path);
  if (!file) throw new VolumeError('inconsistent-series', path, 'this slice of the series was not among the files given');
  return file;
}

export async function readDicomSeries(series: DicomSeries, files: DicomFileLookup): Promise<Volume> {
  try {
    return await readSeries(series, files, true);
  } catch (e) {
    // The one-pass 16-bit scaling found values that fit neither int16 nor uint16: read again, widening.
    if (e instanceof Refit) return readSeries(series, files, false);
    throw e;
  }
}

class Refit extends Error {}

async function readSeries(series: DicomSeries, files: DicomFileLookup, allowFused: boolean): Promise<Volume> {
  const headers = series.headers;
  const first = headers[0];
  if (!first) throw new VolumeError('inconsistent-series', series.id, 'the series has no slices');
  for (const h of headers) validate(h, first);
  const slices = headers.flatMap(slicesOf);

  const plan = planSlices(slices, {
    ...(first.imageOrientationPatient ? { orientation: first.imageOrientationPatient } : {}),
    ...(first.pixelSpacing ? { pixelSpacing: first.pixelSpacing } : {}),
    ...(first.imagerPixelSpacing ? { imagerPixelSpacing: first.imagerPixelSpacing } : {}),
    ...(first.sliceThickness !== undefined ? { sliceThickness: first.sliceThickness } : {}),
    ...(first.spacingBetweenSlices !== undefined ? { spacingBetweenSlices: first.spacingBetweenSlices } : {}),
  });
  // One entry per k slot; null where a slice is missing (left blank: 0).
  const ordered = plan.slots.map((i) => (i === null ? null : slices[i]!));
  const present = ordered.filter((s): s is Slice => s !== null);
  const leader = present[0]!.header;

  const storedType = storedVoxelType(first.bitsAllocated, first.pixelRepresentation)!;
  const bpp = BYTES_PER_VOXEL[storedType];
  const sliceLength = first.rows * first.columns;
  const n = ordered.length;
  // Fractional scales always give float32: then scale each slice as it arrives, through a one-slice scratch
  // array, instead of holding the stored volume and the float volume at once.
  const floatDirect = present.some((s) => !Number.isInteger(s.slope) || !Number.isInteger(s.intercept));
  const outBytes = floatDirect ? 4 : bpp;
  if (sliceLength * n * Math.max(bpp, outBytes) >= MAX_PIXEL_BYTES) {
    throw new VolumeError('too-large', first.path,
      `series ${series.description}: ${first.columns}×${first.rows}×${n} voxels of ${bpp * 8} bits is more than we can hold`);
  }
  const stored = newVoxelArray(storedType, floatDirect ? sliceLength : sliceLength * n);
  const floats = floatDirect ? new Float32Array(sliceLength * n) : undefined;
  // Blank slots keep the arrays' initial 0, which every output type holds: an identity scale over [0, 0].
  const scales = new Array<SliceScale>(n).fill({ slope: 1, intercept: 0, min: 0, max: 0 });
  // Measuring each slice's value range costs a pass over the volume; skip it when
  // the range BitsStored allows already fits a type no wider than the stored one
  // (12-bit CT with an intercept of -1024 → int16).
  const declared = declaredRange(layoutOf(first, first.transferSyntaxUid), bpp);
  // 16-bit data with integer scales: scale each slice in place in one pass while measuring
  // (the common CT case), instead of a measuring pass and then a scaling pass.
  const fused = allowFused && !floatDirect && bpp === 2 && present.some((s) => s.slope !== 1 || s.intercept !== 0);
  const measure = !floatDirect && present.some((s) => s.slope !== 1 || s.intercept !== 0)
    && BYTES_PER_VOXEL[rescaledType(storedType, present.map((s) => ({ slope: s.slope, intercept: s.intercept, ...declared })))] > bpp;

  // Each file once, its frames copied to their k positions.
  const perFile = new Map<string, Array<{ k: number; slice: Slice }>>();
  ordered.forEach((slice, k) => {
    if (!slice) return;
    let list = perFile.get(slice.path);
    if (!list) perFile.set(slice.path, (list = []));
    list.push({ k, slice });
  });
  // Read a few files ahead so disk reads overlap parsing and copying.
  const entries = [...perFile];
  const pending = new Map<number, Promise<Uint8Array>>();
  const prefetch = (at: number): void => {
    if (at >= entries.length || pending.has(at)) return;
    const read = open(files, entries[at]![0]).then((f) => f.read());
    read.catch(() => undefined); // surfaced when awaited in order; never unhandled
    pending.set(at, read);
  };
  for (let at = 0; at < entries.length; at++) {
    for (let ahead = at; ahead < at + READ_AHEAD; ahead++) prefetch(ahead);
    const [path, wanted] = entries[at]!;
    const bytes = await pending.get(at)!;
    pending.delete(at);
    if (bytes.length === 0) throw new VolumeError('empty', path, 'the file is empty (0 bytes)');
    const layout = sniffDicom(bytes);
    if (!layout) throw new VolumeError('not-recognised', path, 'not a DICOM file (any more): no "DICM" marker at byte 128');
    const parsed = await parseDicomBytes(bytes, layout, true);
    if (parsed.status === 'error') throw new VolumeError(parsed.code, path, parsed.reason);
    if (parsed.status !== 'ok') throw new VolumeError('bad-header', path, parsed.reason);
    const ts = parsed.transferSyntaxUid;
    if (!isNativeTransferSyntax(ts)) {
      throw new VolumeError('unsupported-transfer-syntax', path, `${describeTransferSyntax(ts)} is not decoded yet`);
    }
    const pixel = parsed.pixelData;
    if (!pixel) throw new VolumeError('not-image', path, 'no PixelData (7FE0,0010) element');
    if (pixel.length === UNDEFINED_LENGTH) {
      throw new VolumeError('unsupported-transfer-syntax', path, 'encapsulated (compressed) pixel data in an uncompressed transfer syntax');
    }
    const array = parsed.dataSet.byteArray as Uint8Array;
    const available = Math.max(0, Math.min(pixel.length, array.length - pixel.dataOffset));
    const frameBytes = sliceLength * bpp;
    const header = wanted[0]!.slice.header;
    const layoutInfo = layoutOf(header, ts);
    for (const { k, slice } of wanted) {
      const need = (slice.frame + 1) * frameBytes;
      if (available < need) {
        throw new VolumeError('truncated', path,
          `pixel data holds ${available} bytes but ${header.columns}×${header.rows} pixels of ${header.bitsAllocated} bits`
          + `${header.numberOfFrames > 1 ? ` × ${slice.frame + 1} frames` : ''} need ${need}`);
      }
      const src = pixel.dataOffset + slice.frame * frameBytes;
      if (floats) {
        copyPixels(array, src, stored, 0, sliceLength, layoutInfo);
        const { slope, intercept } = slice;
        const base = k * sliceLength;
        for (let i = 0; i < sliceLength; i++) floats[base + i] = stored[i]! * slope + intercept;
      } else {
        const at = array.byteOffset + src;
        const out = fused ? new Int16Array(stored.buffer, stored.byteOffset + k * sliceLength * 2, sliceLength) : null;
        if (out && at % 2 === 0 && !layoutInfo.bigEndian && layoutInfo.bitsStored === 16) {
          // Aligned little-endian 16-bit pixels need no copy first: scale straight from the file's bytes.
          const from = storedType === 'int16' ? new Int16Array(array.buffer, at, sliceLength) : new Uint16Array(array.buffer, at, sliceLength);
          scales[k] = { slope: 1, intercept: 0, ...scale16(from, out, slice.slope, slice.intercept) };
          continue;
        }
        const { min, max } = copyPixels(array, src, stored, k * sliceLength, sliceLength, layoutInfo, measure && !fused);
        if (out) {
          const view = stored.subarray(k * sliceLength, (k + 1) * sliceLength) as Int16Array | Uint16Array;
          scales[k] = { slope: 1, intercept: 0, ...scale16(view, out, slice.slope, slice.intercept) };
        } else {
          scales[k] = { slope: slice.slope, intercept: slice.intercept, min, max };
        }
      }
    }
  }

  const { data, datatype } = floats
    ? { data: floats, datatype: 'float32' as const }
    : fused
      ? reinterpret16(stored, storedType, scales)
      : rescaleVolume(stored, storedType, sliceLength, scales);
  const affine = lpsToRas(plan.affineLps);
  const warnings = [...plan.warnings];
  if (/^MONOCHROME1$/i.test(leader.photometricInterpretation ?? '')) {
    warnings.push(warning(DICOM_WARNING.monochrome1, 'MONOCHROME1: higher values are meant to be shown darker (the voxels are kept as stored)'));
  }
  // In slice order; a multi-frame file is listed once.
  const sourcePaths = [...new Set(present.map((s) => s.path))];
  const volume: Volume = {
    data,
    datatype,
    dims: [first.columns, first.rows, n],
    spacing: affineSpacing(affine),
    affine,
    meta: {
      format: 'dicom',
      sourcePaths,
      seriesInstanceUid: series.seriesInstanceUid,
      warnings,
    },
  };
  const modality = leader.modality ?? series.modality;
  if (modality) volume.meta.modality = modality;
  const description = leader.seriesDescription;
  if (description) volume.meta.seriesDescription = description;
  if (leader.windowCenter !== undefined) volume.meta.windowCenter = leader.windowCenter;
  if (leader.windowWidth !== undefined) volume.meta.windowWidth = leader.windowWidth;
  return volume;
}

