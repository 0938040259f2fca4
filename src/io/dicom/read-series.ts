/**
 * readDicomSeries: the voxels of one series as a Volume. Slices are ordered by
 * position along the slice normal; the output array is allocated once and
 * each file is read once, its frames copied straight into place (or, from
 * files that can read into memory we own, as Node's can, read straight into
 * place with no copy at all). Where
 * slices are missing from an evenly spaced series, blank (0) slices fill
 * their slots so that every slice read keeps its ImagePositionPatient.
 */
import { VolumeError } from '../../shared/errors.ts';
import type { SourceFile } from '../../shared/source-file.ts';
import { BYTES_PER_VOXEL, newVoxelArray, type Vec3, type Volume, type VoxelArray, type VoxelType } from '../../shared/volume.ts';
import { INT16_OVERFLOW, rangeOf, scale16Stored, UINT16_OVERFLOW, type Overflow16 } from './kernels.ts';
import { affineSpacing, lpsToRas } from '../geometry.ts';
import { sniffDicom } from './detect.ts';
import { MAX_PIXEL_BYTES, UNDEFINED_LENGTH } from './limits.ts';
import { parseDicomBytes } from './parse.ts';
import { copyPixels, declaredRange, keepStoredBits, storedVoxelType, type PixelLayout } from './pixels.ts';
import { rescaledType, rescaleVolume, type SliceScale } from './rescale.ts';
import { planSlices, type SliceInput } from './slice-geometry.ts';
import { CodecError, decodeFrame } from './codecs.ts';
import { decodeRleFrame, encapsulatedFrame, readFragments, RleError } from './rle.ts';
import { describeTransferSyntax, isBigEndian, RLE_LOSSLESS, isDecodableTransferSyntax, isEncapsulatedDecodable, isNativeTransferSyntax, notDecodedReason } from './transfer-syntax.ts';
import type { DicomHeader, DicomSeries, ReadsInto } from './types.ts';
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
/** Files read ahead when they are read straight into the volume (no buffer per file). */
const READ_AHEAD_IN_PLACE = 8;
/** Headers longer than this are not read apart from their pixels. */
const MAX_IN_PLACE_HEADER = 1 << 20;

function validate(h: DicomHeader, first: DicomHeader): void {
  if (!isDecodableTransferSyntax(h.transferSyntaxUid)) {
    throw new VolumeError('unsupported-transfer-syntax', h.path, notDecodedReason(h.transferSyntaxUid));
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
 * readSeries warns).
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
function slicesOf(h: DicomHeader): Slice[] {
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

/**
 * The 16-bit patterns a fused scaling wrote, read as the type that holds them
 * all, chosen as fittingType (../rescale.ts) chooses: the stored type, else
 * the other 16-bit type; else (neither holds them) read again, widening.
 */
function reinterpret16(stored: VoxelArray, storedType: VoxelType, overflow: Overflow16): { data: VoxelArray; datatype: VoxelType } {
  const int16 = !(overflow & INT16_OVERFLOW), uint16 = !(overflow & UINT16_OVERFLOW);
  const datatype = storedType === 'int16' ? (int16 ? 'int16' : uint16 ? 'uint16' : undefined) : (uint16 ? 'uint16' : int16 ? 'int16' : undefined);
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

/**
 * The layout of the pixels a file read in place put in the volume, when its
 * header (the bytes before its pixel data) still says what the scan saw:
 * native little-endian pixel data of at least one frame, starting right where
 * the header bytes end. Undefined otherwise (the caller reads the file whole).
 */
async function inPlaceLayout(head: Uint8Array, scanned: DicomHeader): Promise<PixelLayout | undefined> {
  const layout = sniffDicom(head);
  if (!layout) return undefined;
  const parsed = await parseDicomBytes(head, layout, false);
  if (parsed.status !== 'ok' || !parsed.pixelData || parsed.fileOffsetShift === undefined) return undefined;
  const ts = parsed.transferSyntaxUid;
  const pixel = parsed.pixelData;
  const frameBytes = scanned.rows * scanned.columns * (scanned.bitsAllocated / 8);
  if (!isNativeTransferSyntax(ts) || isBigEndian(ts) || pixel.length === UNDEFINED_LENGTH || pixel.length < frameBytes) return undefined;
  if (pixel.dataOffset + parsed.fileOffsetShift !== head.length) return undefined;
  // The attributes the volume was laid out by must not have changed either.
  const ds = parsed.dataSet;
  if (ds.uint16('x00280010') !== scanned.rows || ds.uint16('x00280011') !== scanned.columns
    || ds.uint16('x00280100') !== scanned.bitsAllocated || (ds.uint16('x00280103') ?? 0) !== scanned.pixelRepresentation) return undefined;
  return layoutOf(scanned, ts);
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
  // 16-bit data with integer scales: scale each slice in one pass that also finds whether int16
  // or uint16 holds the results (the common CT case), instead of a measuring pass and then a scaling pass.
  const fused = allowFused && !floatDirect && bpp === 2 && present.some((s) => s.slope !== 1 || s.intercept !== 0);
  const measure = !floatDirect && present.some((s) => s.slope !== 1 || s.intercept !== 0)
    && BYTES_PER_VOXEL[rescaledType(storedType, present.map((s) => ({ slope: s.slope, intercept: s.intercept, ...declared })))] > bpp;

  const frameBytes = sliceLength * bpp;
  let overflow: Overflow16 = 0;
  /** The stored voxels of slot k as a view of the volume (the bytes a file's pixels are read into). */
  const slot = (k: number): Uint8Array => new Uint8Array(stored.buffer, stored.byteOffset + k * frameBytes, frameBytes);
  /** Slot k holds its stored little-endian voxels: keep BitsStored, then scale (fused) or note the range. */
  const finishInPlace = (k: number, slice: Slice, layoutInfo: PixelLayout): void => {
    const view = stored.subarray(k * sliceLength, (k + 1) * sliceLength);
    if (fused) {
      const out = new Int16Array(stored.buffer, stored.byteOffset + k * frameBytes, sliceLength);
      overflow |= scale16Stored(view as Int16Array | Uint16Array, out, layoutInfo.bitsStored, slice.slope, slice.intercept);
      return;
    }
    keepStoredBits(view, layoutInfo);
    const { min, max } = measure ? rangeOf(view) : declaredRange(layoutInfo, bpp);
    scales[k] = { slope: slice.slope, intercept: slice.intercept, min, max };
  };

  // Each file once, its frames copied to their k positions.
  const perFile = new Map<string, Array<{ k: number; slice: Slice }>>();
  ordered.forEach((slice, k) => {
    if (!slice) return;
    let list = perFile.get(slice.path);
    if (!list) perFile.set(slice.path, (list = []));
    list.push({ k, slice });
  });
  const entries = [...perFile];
  // A file that can be read into memory we own, with one little-endian frame
  // at an offset the scan found, is read in one scatter read: its header into
  // a small buffer, its pixels straight into their slot of the volume. Its
  // header is parsed again and must put the pixels at that same offset; if
  // anything differs, the file is read whole as any other.
  const inPlace = (at: number, file: SourceFile): (SourceFile & ReadsInto) | undefined => {
    const wanted = entries[at]![1];
    const h = wanted[0]!.slice.header;
    if (floats || wanted.length !== 1 || h.numberOfFrames !== 1 || wanted[0]!.slice.frame !== 0) return undefined;
    if (h.pixelDataOffset === undefined || h.pixelDataOffset > MAX_IN_PLACE_HEADER) return undefined;
    if (!isNativeTransferSyntax(h.transferSyntaxUid) || isBigEndian(h.transferSyntaxUid)) return undefined;
    return typeof (file as Partial<ReadsInto>).readInto === 'function' ? file as SourceFile & ReadsInto : undefined;
  };
  type Fetched = { bytes: Uint8Array } | { file: SourceFile; head: Uint8Array; got: number };
  // Read a few files ahead so disk reads overlap parsing and copying.
  const pending = new Map<number, Promise<Fetched>>();
  let ahead = READ_AHEAD;
  const prefetch = (at: number): void => {
    if (at >= entries.length || pending.has(at)) return;
    const read = open(files, entries[at]![0]).then(async (f): Promise<Fetched> => {
      const direct = inPlace(at, f);
      if (!direct) return { bytes: await f.read() };
      ahead = READ_AHEAD_IN_PLACE;
      const head = new Uint8Array(entries[at]![1][0]!.slice.header.pixelDataOffset!);
      const got = await direct.readInto([head, slot(entries[at]![1][0]!.k)], 0);
      return { file: f, head, got };
    });
    read.catch(() => undefined); // surfaced when awaited in order; never unhandled
    pending.set(at, read);
  };
  for (let at = 0; at < entries.length; at++) {
    for (let next = at; next < at + ahead; next++) prefetch(next);
    const [path, wanted] = entries[at]!;
    const fetched = await pending.get(at)!;
    pending.delete(at);
    if ('head' in fetched) {
      const { k, slice } = wanted[0]!;
      const layoutInfo = fetched.got >= fetched.head.length + frameBytes ? await inPlaceLayout(fetched.head, slice.header) : undefined;
      if (layoutInfo) {
        finishInPlace(k, slice, layoutInfo);
        continue;
      }
      // Not as the scan saw it: read it whole, as any file.
    }
    const bytes = 'bytes' in fetched ? fetched.bytes : await fetched.file.read();
    if (bytes.length === 0) throw new VolumeError('empty', path, 'the file is empty (0 bytes)');
    const layout = sniffDicom(bytes);
    if (!layout) throw new VolumeError('not-recognised', path, 'not a DICOM file (any more): no "DICM" marker at byte 128');
    const parsed = await parseDicomBytes(bytes, layout, true);
    if (parsed.status === 'error') throw new VolumeError(parsed.code, path, parsed.reason);
    if (parsed.status !== 'ok') throw new VolumeError('bad-header', path, parsed.reason);
    const ts = parsed.transferSyntaxUid;
    if (!isDecodableTransferSyntax(ts)) {
      throw new VolumeError('unsupported-transfer-syntax', path, notDecodedReason(ts));
    }
    const pixel = parsed.pixelData;
    if (!pixel) throw new VolumeError('not-image', path, 'no PixelData (7FE0,0010) element');
    const encapsulated = isEncapsulatedDecodable(ts);
    if (encapsulated !== (pixel.length === UNDEFINED_LENGTH || pixel.encapsulatedPixelData === true)) {
      throw new VolumeError(encapsulated ? 'bad-header' : 'unsupported-transfer-syntax', path, encapsulated
        ? `${describeTransferSyntax(ts)} with native (not encapsulated) pixel data`
        : 'encapsulated (compressed) pixel data in an uncompressed transfer syntax');
    }
    const header = wanted[0]!.slice.header;
    const parsedArray = parsed.dataSet.byteArray as Uint8Array;
    const available = encapsulated ? Infinity : Math.max(0, Math.min(pixel.length, parsedArray.length - pixel.dataOffset));
    // Encapsulated frames are decoded, one at a time, into little-endian bytes: then copied as native ones.
    const layoutInfo = encapsulated ? { ...layoutOf(header, ts), bigEndian: false } : layoutOf(header, ts);
    const rle = ts === RLE_LOSSLESS;
    const decoded = rle ? new Uint8Array(frameBytes) : undefined;
    let items: ReturnType<typeof readFragments> | undefined;
    for (const { k, slice } of wanted) {
      const need = (slice.frame + 1) * frameBytes;
      if (available < need) {
        throw new VolumeError('truncated', path,
          `pixel data holds ${available} bytes but ${header.columns}×${header.rows} pixels of ${header.bitsAllocated} bits`
          + `${header.numberOfFrames > 1 ? ` × ${slice.frame + 1} frames` : ''} need ${need}`);
      }
      let array = parsedArray;
      let src = pixel.dataOffset + slice.frame * frameBytes;
      if (encapsulated) {
        try {
          items ??= readFragments(parsedArray, pixel.dataOffset);
          const frame = encapsulatedFrame(parsedArray, pixel.dataOffset, slice.frame, header.numberOfFrames, items, !rle);
          if (decoded) {
            decodeRleFrame(frame, decoded, sliceLength, bpp);
            array = decoded;
          } else {
            array = await decodeFrame(ts, frame, header);
          }
        } catch (e) {
          if (!(e instanceof RleError) && !(e instanceof CodecError)) throw e;
          const where = header.numberOfFrames > 1 ? ` (frame ${slice.frame + 1})` : '';
          throw new VolumeError(e.kind, path, `${describeTransferSyntax(ts)}${where}: ${e.message}`);
        }
        src = 0;
      }
      if (floats) {
        copyPixels(array, src, stored, 0, sliceLength, layoutInfo);
        const { slope, intercept } = slice;
        const base = k * sliceLength;
        for (let i = 0; i < sliceLength; i++) floats[base + i] = stored[i]! * slope + intercept;
        continue;
      }
      const at = array.byteOffset + src;
      if (fused && at % 4 === 0 && !layoutInfo.bigEndian) {
        // 4-byte-aligned little-endian 16-bit pixels need no copy first: scale straight from the file's bytes
        // (two voxels per 32-bit word; otherwise the copy below, then the same scaling in place, is faster).
        const from = storedType === 'int16' ? new Int16Array(array.buffer, at, sliceLength) : new Uint16Array(array.buffer, at, sliceLength);
        const out = new Int16Array(stored.buffer, stored.byteOffset + k * frameBytes, sliceLength);
        overflow |= scale16Stored(from, out, layoutInfo.bitsStored, slice.slope, slice.intercept);
        continue;
      }
      if (fused) {
        // Copy (swapping bytes, keeping BitsStored), then scale in place.
        copyPixels(array, src, stored, k * sliceLength, sliceLength, layoutInfo, false);
        const view = stored.subarray(k * sliceLength, (k + 1) * sliceLength) as Int16Array | Uint16Array;
        overflow |= scale16Stored(view, new Int16Array(stored.buffer, stored.byteOffset + k * frameBytes, sliceLength), 16, slice.slope, slice.intercept);
        continue;
      }
      const { min, max } = copyPixels(array, src, stored, k * sliceLength, sliceLength, layoutInfo, measure);
      scales[k] = { slope: slice.slope, intercept: slice.intercept, min, max };
    }
  }

  const { data, datatype } = floats
    ? { data: floats, datatype: 'float32' as const }
    : fused
      ? reinterpret16(stored, storedType, overflow)
      : rescaleVolume(stored, storedType, sliceLength, scales);
  const affine = lpsToRas(plan.affineLps);
  const warnings = [...plan.warnings];
  for (const h of headers) {
    if (h.numberOfFrames <= 1 || (h.frames && h.frames.length > 0)) continue;
    const placed = classicOffsets(h, unitNormal(h.imageOrientationPatient));
    if (typeof placed === 'string' || !placed.assumed) continue;
    const step = placed.assumed;
    warnings.push(warning(DICOM_WARNING.framePositionsAssumed,
      `${h.path}: a multi-frame image without a position per frame; its ${h.numberOfFrames} frames are placed along the slice normal `
      + `(row × column cosines) from its ImagePositionPatient, ${step.mm} mm apart (${step.from}); the file does not say which way they run`));
  }
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

