/**
 * The grid a case's label file is written on and read back from: the
 * volume's dims and affine (and NIfTI geometry, copied verbatim), plus the
 * voxel order its files take (file-order.ts: dcm2niix's for DICOM). Reading
 * accepts a label in any order of the same grid, so files an earlier version
 * wrote in the volume's own order open as they did.
 */
import { VolumeError } from '../shared/errors.ts';
import type { Volume } from '../shared/volume.ts';
import { fileOrderOf, fromFileOrder, orderOfFile, type FileOrder } from './file-order.ts';

export type LabelGrid = Pick<Volume, 'dims' | 'affine' | 'nifti'> & { order?: FileOrder };

export function labelGridOf(volume: Pick<Volume, 'dims' | 'affine' | 'nifti' | 'meta'>): LabelGrid {
  return { dims: volume.dims, affine: volume.affine, ...(volume.nifti ? { nifti: volume.nifti } : {}), order: fileOrderOf(volume) };
}

/** A label file's voxels in the volume's order; refused (VolumeError) when the file is not on the grid in some axis order. */
export function labelVoxelsOnGrid(label: Pick<Volume, 'data' | 'dims' | 'affine'>, grid: LabelGrid, path: string): Volume['data'] {
  const order = orderOfFile(label, grid);
  if (!order) {
    throw new VolumeError('inconsistent-series', path,
      `this label map (${label.dims.join('×')}) is not on the grid of its case (${grid.dims.join('×')}); it was not loaded`);
  }
  return fromFileOrder(label.data, grid.dims, order);
}
