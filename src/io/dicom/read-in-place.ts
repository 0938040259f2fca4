/**
 * Reading a file straight into its slot of the volume (no buffer per file,
 * no copy), from files that can read into memory we own, as Node's can: one
 * scatter read puts the header bytes in a small buffer and the pixels in the
 * slot. Both the choice and the check afterwards keep to what the scan saw,
 * so that anything unexpected falls back to reading the file whole.
 */
import type { SourceFile } from '../../shared/source-file.ts';
import { sniffDicom } from './detect.ts';
import type { PlacedSlice } from './header-slices.ts';
import { UNDEFINED_LENGTH } from './limits.ts';
import { parseDicomBytes } from './parse.ts';
import { layoutOf, type PixelLayout } from './pixels.ts';
import { isBigEndian, isNativeTransferSyntax } from './transfer-syntax.ts';
import type { DicomHeader, ReadsInto } from './types.ts';

/** Headers longer than this are not read apart from their pixels. */
const MAX_IN_PLACE_HEADER = 1 << 20;

/**
 * The file, as one that reads into memory we own, when it is to be read in
 * place: it fills one slot with its one frame, of native little-endian pixel
 * data at an offset the scan found. Undefined otherwise (it is read whole).
 */
export function readsInPlace(wanted: readonly PlacedSlice[], file: SourceFile): (SourceFile & ReadsInto) | undefined {
  const h = wanted[0]!.slice.header;
  if (wanted.length !== 1 || h.numberOfFrames !== 1 || wanted[0]!.slice.frame !== 0) return undefined;
  if (h.pixelDataOffset === undefined || h.pixelDataOffset > MAX_IN_PLACE_HEADER) return undefined;
  if (!isNativeTransferSyntax(h.transferSyntaxUid) || isBigEndian(h.transferSyntaxUid)) return undefined;
  return typeof (file as Partial<ReadsInto>).readInto === 'function' ? file as SourceFile & ReadsInto : undefined;
}

/**
 * The layout of the pixels a file read in place put in the volume, when its
 * header (the bytes before its pixel data) still says what the scan saw:
 * native little-endian pixel data of at least one frame, starting right where
 * the header bytes end. Undefined otherwise (the caller reads the file whole).
 */
export async function inPlaceLayout(head: Uint8Array, scanned: DicomHeader): Promise<PixelLayout | undefined> {
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
