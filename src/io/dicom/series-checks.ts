/**
 * Whether a header can join its series: a syntax we decode, greyscale pixels
 * of a type we read, and the same grid, pixel type and orientation as the
 * series' first header. Each refusal says why, in the user's terms.
 */
import { VolumeError } from '../../shared/errors.ts';
import { storedVoxelType } from './pixels.ts';
import { isDecodableTransferSyntax, notDecodedReason } from './transfer-syntax.ts';
import type { DicomHeader } from './types.ts';

const COLOUR = /^(RGB|YBR|PALETTE|HSV|ARGB|CMYK)/i;
const ORIENTATION_TOLERANCE = 1e-3;

/** Refuses (VolumeError) a header that cannot join the series whose first header is `first`. */
export function validate(h: DicomHeader, first: DicomHeader): void {
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

/** Whether two orientations (six direction cosines) differ by more than the tolerance, or only one is given. */
export function orientationDiffers(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (!a || !b) return a !== b;
  return a.some((v, i) => Math.abs(v - (b[i] ?? NaN)) > ORIENTATION_TOLERANCE || Number.isNaN(b[i]!));
}
