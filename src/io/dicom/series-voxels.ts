/**
 * The voxels of the volume being read: the stored-type array that frames are
 * copied (or read straight) into, one slot per k, and how each slice is
 * scaled on the way in. Three ways, chosen once for the series:
 *   - fractional scales: each slice to float32 as it arrives, through a
 *     one-slice scratch array (never the stored and the float volume at once);
 *   - 16-bit with integer scales (fused): scaled in the same pass that finds
 *     whether int16 or uint16 holds the results;
 *   - otherwise: stored as they are, each slice's range noted (measured only
 *     where BitsStored leaves the output type open) for rescaleVolume.
 */
import { VolumeError } from '../../shared/errors.ts';
import { BYTES_PER_VOXEL, newVoxelArray, type VoxelArray, type VoxelType } from '../../shared/volume.ts';
import type { Slice } from './header-slices.ts';
import { INT16_OVERFLOW, rangeOf, UINT16_OVERFLOW, type Overflow16 } from './kernels.ts';
import { scale16Stored } from './kernels-stored16.ts';
import { MAX_PIXEL_BYTES } from './limits.ts';
import { copyPixels, declaredRange, keepStoredBits, layoutOf, storedVoxelType, type PixelLayout } from './pixels.ts';
import { rescaledType, rescaleVolume, type SliceScale } from './rescale.ts';
import type { DicomHeader } from './types.ts';

/** The fused scaling wrote values that neither int16 nor uint16 holds: the series must be read again, widening. */
export class Refit extends Error {}

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

/** The voxel arrays of one read of a series, with the way of scaling chosen for it. */
export class SeriesVoxels {
  readonly storedType: VoxelType;
  /** Bytes per stored voxel. */
  readonly bpp: number;
  /** Voxels in one slice (rows × columns). */
  readonly sliceLength: number;
  /** Bytes of one stored frame. */
  readonly frameBytes: number;
  private readonly stored: VoxelArray;
  private readonly floats: Float32Array | undefined;
  private readonly scales: SliceScale[];
  private readonly fused: boolean;
  private readonly measure: boolean;
  private overflow: Overflow16 = 0;

  /**
   * Allocated once for the whole series (`n` slots, `present` the slices that
   * fill some); too-large when it cannot be held. `allowFused` false: no
   * fused scaling (the read again after a Refit).
   */
  constructor(first: DicomHeader, present: readonly Slice[], n: number, allowFused: boolean, seriesDescription: string) {
    const storedType = storedVoxelType(first.bitsAllocated, first.pixelRepresentation)!;
    const bpp = BYTES_PER_VOXEL[storedType];
    const sliceLength = first.rows * first.columns;
    // Fractional scales always give float32: then scale each slice as it arrives, through a one-slice scratch
    // array, instead of holding the stored volume and the float volume at once.
    const floatDirect = present.some((s) => !Number.isInteger(s.slope) || !Number.isInteger(s.intercept));
    const outBytes = floatDirect ? 4 : bpp;
    if (sliceLength * n * Math.max(bpp, outBytes) >= MAX_PIXEL_BYTES) {
      throw new VolumeError('too-large', first.path,
        `series ${seriesDescription}: ${first.columns}×${first.rows}×${n} voxels of ${bpp * 8} bits is more than we can hold`);
    }
    this.stored = newVoxelArray(storedType, floatDirect ? sliceLength : sliceLength * n);
    this.floats = floatDirect ? new Float32Array(sliceLength * n) : undefined;
    // Blank slots keep the arrays' initial 0, which every output type holds: an identity scale over [0, 0].
    this.scales = new Array<SliceScale>(n).fill({ slope: 1, intercept: 0, min: 0, max: 0 });
    // Measuring each slice's value range costs a pass over the volume; skip it when
    // the range BitsStored allows already fits a type no wider than the stored one
    // (12-bit CT with an intercept of -1024 → int16).
    const declared = declaredRange(layoutOf(first, first.transferSyntaxUid), bpp);
    // 16-bit data with integer scales: scale each slice in one pass that also finds whether int16
    // or uint16 holds the results (the common CT case), instead of a measuring pass and then a scaling pass.
    this.fused = allowFused && !floatDirect && bpp === 2 && present.some((s) => s.slope !== 1 || s.intercept !== 0);
    this.measure = !floatDirect && present.some((s) => s.slope !== 1 || s.intercept !== 0)
      && BYTES_PER_VOXEL[rescaledType(storedType, present.map((s) => ({ slope: s.slope, intercept: s.intercept, ...declared })))] > bpp;
    this.storedType = storedType;
    this.bpp = bpp;
    this.sliceLength = sliceLength;
    this.frameBytes = sliceLength * bpp;
  }

  /** Whether slices go to float32 through a one-slice scratch array: then no slot of stored voxels can be read into. */
  get scaledToFloat(): boolean {
    return this.floats !== undefined;
  }

  /** The stored voxels of slot k as a view of the volume (the bytes a file's pixels are read into). */
  slot(k: number): Uint8Array {
    const { stored, frameBytes } = this;
    return new Uint8Array(stored.buffer, stored.byteOffset + k * frameBytes, frameBytes);
  }

  /** Slot k holds its stored little-endian voxels: keep BitsStored, then scale (fused) or note the range. */
  finishInPlace(k: number, slice: Slice, layoutInfo: PixelLayout): void {
    const { stored, sliceLength, frameBytes } = this;
    const view = stored.subarray(k * sliceLength, (k + 1) * sliceLength);
    if (this.fused) {
      const out = new Int16Array(stored.buffer, stored.byteOffset + k * frameBytes, sliceLength);
      this.overflow |= scale16Stored(view as Int16Array | Uint16Array, out, layoutInfo.bitsStored, slice.slope, slice.intercept);
      return;
    }
    keepStoredBits(view, layoutInfo);
    const { min, max } = this.measure ? rangeOf(view) : declaredRange(layoutInfo, this.bpp);
    this.scales[k] = { slope: slice.slope, intercept: slice.intercept, min, max };
  }

  /** Slot k from one frame's pixels, laid out as native pixel data, at byte `src` of `array`. */
  put(k: number, slice: Slice, array: Uint8Array, src: number, layoutInfo: PixelLayout): void {
    const { stored, floats, sliceLength, frameBytes, fused } = this;
    if (floats) {
      copyPixels(array, src, stored, 0, sliceLength, layoutInfo);
      const { slope, intercept } = slice;
      const base = k * sliceLength;
      for (let i = 0; i < sliceLength; i++) floats[base + i] = stored[i]! * slope + intercept;
      return;
    }
    const at = array.byteOffset + src;
    if (fused && at % 4 === 0 && !layoutInfo.bigEndian) {
      // 4-byte-aligned little-endian 16-bit pixels need no copy first: scale straight from the file's bytes
      // (two voxels per 32-bit word; otherwise the copy below, then the same scaling in place, is faster).
      const from = this.storedType === 'int16' ? new Int16Array(array.buffer, at, sliceLength) : new Uint16Array(array.buffer, at, sliceLength);
      const out = new Int16Array(stored.buffer, stored.byteOffset + k * frameBytes, sliceLength);
      this.overflow |= scale16Stored(from, out, layoutInfo.bitsStored, slice.slope, slice.intercept);
      return;
    }
    if (fused) {
      // Copy (swapping bytes, keeping BitsStored), then scale in place.
      copyPixels(array, src, stored, k * sliceLength, sliceLength, layoutInfo, false);
      const view = stored.subarray(k * sliceLength, (k + 1) * sliceLength) as Int16Array | Uint16Array;
      this.overflow |= scale16Stored(view, new Int16Array(stored.buffer, stored.byteOffset + k * frameBytes, sliceLength), 16, slice.slope, slice.intercept);
      return;
    }
    const { min, max } = copyPixels(array, src, stored, k * sliceLength, sliceLength, layoutInfo, this.measure);
    this.scales[k] = { slope: slice.slope, intercept: slice.intercept, min, max };
  }

  /** The volume's voxels once every slot is filled, in the type that holds them; throws Refit when a fused scaling overflowed both 16-bit types. */
  finish(): { data: VoxelArray; datatype: VoxelType } {
    return this.floats
      ? { data: this.floats, datatype: 'float32' as const }
      : this.fused
        ? reinterpret16(this.stored, this.storedType, this.overflow)
        : rescaleVolume(this.stored, this.storedType, this.sliceLength, this.scales);
  }
}
