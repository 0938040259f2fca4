/** Copying native (uncompressed) pixel data into a voxel array: byte order and stored-bit handling. */
import type { VoxelArray, VoxelType } from '../../shared/volume.ts';
import { rangeOf, type Range } from './kernels.ts';
import { trimStored16 } from './kernels-stored16.ts';
import { isBigEndian } from './transfer-syntax.ts';
import type { DicomHeader } from './types.ts';

export interface PixelLayout {
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  bigEndian: boolean;
}

/** How a header's pixels are laid out, in the given transfer syntax. */
export function layoutOf(h: DicomHeader, transferSyntaxUid: string): PixelLayout {
  return {
    bitsAllocated: h.bitsAllocated,
    bitsStored: h.bitsStored,
    signed: h.pixelRepresentation === 1,
    bigEndian: isBigEndian(transferSyntaxUid),
  };
}

/** The voxel type that holds stored values as they are; undefined for what we do not read (1-bit, 64-bit…). */
export function storedVoxelType(bitsAllocated: number, pixelRepresentation: number): VoxelType | undefined {
  const signed = pixelRepresentation === 1;
  switch (bitsAllocated) {
    case 8: return signed ? 'int8' : 'uint8';
    case 16: return signed ? 'int16' : 'uint16';
    case 32: return signed ? 'int32' : 'uint32';
    default: return undefined;
  }
}

function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 2) {
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      const t = bytes[i]!; bytes[i] = bytes[i + 1]!; bytes[i + 1] = t;
    }
  } else if (width === 4) {
    for (let i = 0; i + 3 < bytes.length; i += 4) {
      const a = bytes[i]!, b = bytes[i + 1]!;
      bytes[i] = bytes[i + 3]!; bytes[i + 1] = bytes[i + 2]!; bytes[i + 2] = b; bytes[i + 3] = a;
    }
  }
}

/** The values BitsStored allows (what a slice can hold without looking at it). */
export function declaredRange(layout: PixelLayout, width: number): Range {
  const bits = layout.bitsStored > 0 && layout.bitsStored <= width * 8 ? layout.bitsStored : width * 8;
  return layout.signed ? { min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 } : { min: 0, max: 2 ** bits - 1 };
}

/**
 * Copy `count` voxels from `src` (at byte `srcOffset`) into `dst` (at voxel
 * `dstOffset`): swap big-endian bytes, sign-extend or mask to BitsStored.
 * With `measure`, returns the smallest and largest value copied; otherwise
 * the range BitsStored allows (no pass over the voxels).
 */
export function copyPixels(
  src: Uint8Array, srcOffset: number, dst: VoxelArray, dstOffset: number, count: number, layout: PixelLayout, measure = true,
): Range {
  const width = dst.BYTES_PER_ELEMENT;
  const bytes = new Uint8Array(dst.buffer, dst.byteOffset + dstOffset * width, count * width);
  bytes.set(src.subarray(srcOffset, srcOffset + count * width));
  if (layout.bigEndian && width > 1) swapBytes(bytes, width);
  const view = dst.subarray(dstOffset, dstOffset + count);
  keepStoredBits(view, layout);
  return measure ? rangeOf(view) : declaredRange(layout, width);
}

/**
 * Pixels may carry overlay or garbage bits above BitsStored: sign-extend or
 * mask them away, in place (little-endian or already swapped voxels).
 */
export function keepStoredBits(view: VoxelArray, layout: PixelLayout): void {
  const bits = layout.bitsStored;
  if (!(bits > 0 && bits < layout.bitsAllocated)) return;
  if ((layout.signed && view instanceof Int16Array) || (!layout.signed && view instanceof Uint16Array)) {
    trimStored16(view, bits);
    return;
  }
  const count = view.length;
  if (layout.signed) {
    const shift = 32 - bits;
    for (let i = 0; i < count; i++) view[i] = (view[i]! << shift) >> shift;
  } else {
    const mask = 2 ** bits - 1;
    for (let i = 0; i < count; i++) view[i] = (view[i]! & mask) >>> 0;
  }
}
