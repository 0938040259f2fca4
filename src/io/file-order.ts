/**
 * The voxel order of the NIfTI files written for a volume (labels, `slicesam
 * convert`). A DICOM series is written in dcm2niix's order, so that a label
 * pairs index for index with dcm2niix's image of the series (what nnU-Net and
 * MONAI pipelines are trained on). The Volume in memory keeps the DICOM order
 * (i along the rows, j down the columns, k along the slice normal): reads go
 * straight into place, and the viewer, the engine's slices, autosaves and
 * caches are unchanged. A file's order is a signed permutation of the
 * volume's axes, applied on write and undone on read; its affine is the
 * volume's with columns permuted and negated and the origin moved to the new
 * first voxel, so every voxel keeps its exact world position.
 *
 * dcm2niix's order (v1.0.20220720, console/nii_dicom_batch.cpp), after it
 * stacks slices along +normal as we do:
 *  - 3D MR acquisitions (MRAcquisitionType 3D, not EPI), several evenly spaced
 *    slices: nii_setOrtho (nii_ortho.cpp) flips each axis so that voxel 0 is
 *    the corner nearest the lowest world corner, then permutes the axes to
 *    best follow x, y, z ('closest-ras');
 *  - the same, unevenly spaced: the DICOM order ('as-stored');
 *  - everything else: rows reversed, nii_flipY ('flip-rows').
 */
import type { Affine, Dcm2niixLayout, Vec3, Volume, VoxelArray } from '../shared/volume.ts';
import { maxAffineDifference, voxelToWorld } from './geometry.ts';

export type { Dcm2niixLayout };

/** A signed permutation of a volume's axes: file axis f runs along volume axis axes[f], backwards where flip[f]. */
export interface FileOrder {
  axes: [number, number, number];
  flip: [boolean, boolean, boolean];
}

export const VOLUME_ORDER: FileOrder = Object.freeze({ axes: [0, 1, 2], flip: [false, false, false] }) as FileOrder;

export function isVolumeOrder(order: FileOrder): boolean {
  return order.axes.every((a, f) => a === f) && order.flip.every((x) => !x);
}

/** Where a volume's files put its voxels: dcm2niix's order for DICOM, the volume's own for NIfTI. */
export function fileOrderOf(volume: Pick<Volume, 'dims' | 'affine' | 'meta'>): FileOrder {
  const layout = volume.meta.format === 'dicom' ? volume.meta.dcm2niixLayout : undefined;
  return layout ? dcm2niixOrder(volume.dims, volume.affine, layout) : VOLUME_ORDER;
}

export function dcm2niixOrder(dims: Vec3, affine: Affine, layout: Dcm2niixLayout): FileOrder {
  if (layout === 'flip-rows') return { axes: [0, 1, 2], flip: [false, true, false] };
  if (layout === 'as-stored') return VOLUME_ORDER;
  return closestRas(dims, affine);
}

/** Where each source axis goes in nii_setOrtho's six rotations (getBestOrient), in its order. */
const ROTATIONS: ReadonlyArray<readonly [number, number, number]> = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

function closestRas(dims: Vec3, affine: Affine): FileOrder {
  // minCornerFlip: of the 8 corners, the first nearest the component-wise lowest one.
  const corners = [0, 1, 2, 3, 4, 5, 6, 7].map((c) => {
    const flips = [0, 1, 2].map((a) => ((c >> a) & 1) === 1);
    return { flips, world: voxelToWorld(affine, flips[0] ? dims[0] - 1 : 0, flips[1] ? dims[1] - 1 : 0, flips[2] ? dims[2] - 1 : 0) };
  });
  const low = [0, 1, 2].map((x) => Math.min(...corners.map((c) => c.world[x]!)));
  let pick = corners[0]!;
  let best = Infinity;
  for (const c of corners) {
    const d = Math.hypot(c.world[0] - low[0]!, c.world[1] - low[1]!, c.world[2] - low[2]!);
    if (d < best) { best = d; pick = c; }
  }
  const sign = pick.flips.map((f) => (f ? -1 : 1));
  // getBestOrient: the rotation whose axes, flipped as above, have the largest summed component along their world axis.
  let outOf: readonly number[] = [0, 1, 2];
  let score = 0;
  for (const rot of ROTATIONS) {
    const s = rot.reduce((sum, o, a) => sum + sign[a]! * affine[o * 4 + a]!, 0);
    if (s > score) { score = s; outOf = rot; }
  }
  const axes: [number, number, number] = [0, 0, 0];
  const flip: [boolean, boolean, boolean] = [false, false, false];
  outOf.forEach((o, a) => { axes[o] = a; flip[o] = pick.flips[a]!; });
  return { axes, flip };
}

/** The file's dims. */
export function fileDims(dims: Vec3, order: FileOrder): Vec3 {
  return [dims[order.axes[0]]!, dims[order.axes[1]]!, dims[order.axes[2]]!];
}

/** The file's affine: the same world positions, voxel for voxel. */
export function fileAffine(affine: Affine, dims: Vec3, order: FileOrder): number[] {
  const start = [0, 0, 0];
  order.axes.forEach((a, f) => { if (order.flip[f]) start[a] = dims[a]! - 1; });
  const origin = voxelToWorld(affine, start[0]!, start[1]!, start[2]!);
  const out = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  for (let r = 0; r < 3; r++) {
    order.axes.forEach((a, f) => { out[r * 4 + f] = order.flip[f] ? -affine[r * 4 + a]! : affine[r * 4 + a]!; });
    out[r * 4 + 3] = origin[r]!;
  }
  return out;
}

/** For each file voxel in file order, its index in the volume: calls visit(fileIndex, volumeIndex). */
function walk(dims: Vec3, order: FileOrder, visit: (fileIndex: number, volumeIndex: number) => void): void {
  const stride = [1, dims[0], dims[0] * dims[1]];
  const [n0, n1, n2] = fileDims(dims, order);
  const step = order.axes.map((a, f) => (order.flip[f] ? -stride[a]! : stride[a]!));
  let start = 0;
  order.axes.forEach((a, f) => { if (order.flip[f]) start += (dims[a]! - 1) * stride[a]!; });
  let out = 0;
  for (let z = 0, pz = start; z < n2; z++, pz += step[2]!) {
    for (let y = 0, py = pz; y < n1; y++, py += step[1]!) {
      for (let x = 0, p = py; x < n0; x++, p += step[0]!) visit(out++, p);
    }
  }
}

/** The volume's voxels in file order (a new array of the same type; the input itself in the volume's order). */
export function toFileOrder<T extends VoxelArray>(data: T, dims: Vec3, order: FileOrder): T {
  if (isVolumeOrder(order)) return data;
  const out = new (data.constructor as new (n: number) => T)(data.length);
  walk(dims, order, (f, v) => { out[f] = data[v]!; });
  return out;
}

/** A file's voxels back in the volume's order (`dims`: the volume's). */
export function fromFileOrder<T extends VoxelArray>(data: T, dims: Vec3, order: FileOrder): T {
  if (isVolumeOrder(order)) return data;
  const out = new (data.constructor as new (n: number) => T)(data.length);
  walk(dims, order, (f, v) => { out[v] = data[f]!; });
  return out;
}

/**
 * The order in which a file (its dims and affine) holds the volume's grid:
 * the signed permutation whose file affine matches within `toleranceMm`
 * element by element, or undefined when the file is on another grid.
 * Finds old files in the volume's order and new ones in dcm2niix's alike.
 */
export function orderOfFile(file: { dims: Vec3; affine: Affine }, grid: { dims: Vec3; affine: Affine }, toleranceMm = 1e-3): FileOrder | undefined {
  for (const axes of ROTATIONS) {
    for (let c = 0; c < 8; c++) {
      const order: FileOrder = { axes: [axes[0]!, axes[1]!, axes[2]!], flip: [(c & 1) === 1, (c & 2) === 2, (c & 4) === 4] };
      if (!fileDims(grid.dims, order).every((n, f) => n === file.dims[f])) continue;
      if (maxAffineDifference(fileAffine(grid.affine, grid.dims, order), file.affine) < toleranceMm) return order;
    }
  }
  return undefined;
}

/** The volume as its files hold it (for writing it whole): voxels, dims and affine in its file order. */
export function inFileOrder(volume: Volume): Pick<Volume, 'data' | 'datatype' | 'dims' | 'affine' | 'nifti'> {
  const order = fileOrderOf(volume);
  if (volume.nifti || isVolumeOrder(order)) return volume;
  return {
    data: toFileOrder(volume.data, volume.dims, order),
    datatype: volume.datatype,
    dims: fileDims(volume.dims, order),
    affine: fileAffine(volume.affine, volume.dims, order),
  };
}
