/**
 * A file read whole, into the volume: parsed again (it must still be the
 * DICOM image the scan saw), its pixel data checked against its transfer
 * syntax and its size, and each frame the series wants from it decoded
 * (RLE, or a codec) or taken as it is, then handed to its slot.
 */
import type { Element } from 'dicom-parser';
import { VolumeError } from '../../shared/errors.ts';
import { CodecError, decodeFrame } from './codecs.ts';
import { sniffDicom } from './detect.ts';
import type { PlacedSlice } from './header-slices.ts';
import { UNDEFINED_LENGTH } from './limits.ts';
import { parseDicomBytes } from './parse.ts';
import { layoutOf } from './pixels.ts';
import { decodeRleFrame, encapsulatedFrame, readFragments, RleError } from './rle.ts';
import type { SeriesVoxels } from './series-voxels.ts';
import { describeTransferSyntax, isDecodableTransferSyntax, isEncapsulatedDecodable, notDecodedReason, RLE_LOSSLESS } from './transfer-syntax.ts';

/** An image file parsed: its transfer syntax, its pixel data element and the bytes that element's offsets are in. */
interface ParsedImage {
  ts: string;
  pixel: Element;
  encapsulated: boolean;
  parsedArray: Uint8Array;
}

/** The file's bytes parsed as an image whose pixel data its transfer syntax can hold; a VolumeError says what it is instead. */
async function parseImage(path: string, bytes: Uint8Array): Promise<ParsedImage> {
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
  return { ts, pixel, encapsulated, parsedArray: parsed.dataSet.byteArray as Uint8Array };
}

/** Fill the slots of `wanted` (the frames of the file at `path`, read whole as `bytes`). */
export async function copyFileFrames(path: string, bytes: Uint8Array, wanted: readonly PlacedSlice[], voxels: SeriesVoxels): Promise<void> {
  const { ts, pixel, encapsulated, parsedArray } = await parseImage(path, bytes);
  const { frameBytes, sliceLength, bpp } = voxels;
  const header = wanted[0]!.slice.header;
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
    voxels.put(k, slice, array, src, layoutInfo);
  }
}
