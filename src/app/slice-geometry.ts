/**
 * From what the user clicks (a world position on a view plane) to what the engine takes
 * (a native voxel axis, a slice index, slice pixels), and back.
 */
import { invert, voxelToWorld } from '../io/geometry.ts';
import type { SliceAxis, SlicePoint } from '../engine/protocol.ts';
import type { Affine, Vec3 } from '../shared/volume.ts';
import type { ViewPlane } from '../viewer/viewer-controller.ts';

const WORLD_NORMAL: Record<ViewPlane, number> = { sagittal: 0, coronal: 1, axial: 2 };

/** The native voxel axis whose direction is closest to the plane's normal (R, A or S). */
export function planeAxis(affine: Affine, plane: ViewPlane): SliceAxis {
  const row = WORLD_NORMAL[plane];
  let best: SliceAxis = 2;
  let bestCos = -1;
  for (const a of [0, 1, 2] as const) {
    const col = [affine[a]!, affine[4 + a]!, affine[8 + a]!];
    const cos = Math.abs(col[row]!) / Math.hypot(...col);
    if (cos > bestCos) {
      bestCos = cos;
      best = a;
    }
  }
  return best;
}

/** The plane a native axis is shown in (the inverse of planeAxis for this affine). */
export function axisPlane(affine: Affine, axis: SliceAxis): ViewPlane {
  for (const p of ['axial', 'coronal', 'sagittal'] as const) if (planeAxis(affine, p) === axis) return p;
  return 'axial';
}

/** World mm → continuous voxel indices (i, j, k). */
export function worldToVoxel(affine: Affine, mm: Vec3): Vec3 {
  const inv = invert(affine);
  return voxelToWorld(inv, mm[0], mm[1], mm[2]);
}

/** Slice index and slice pixel of a voxel position, for slices along `axis` (SlicePoint convention). */
export function toSlice(axis: SliceAxis, ijk: Vec3): { slice: number; x: number; y: number } {
  const [i, j, k] = ijk;
  if (axis === 2) return { slice: Math.round(k), x: i, y: j };
  if (axis === 1) return { slice: Math.round(j), x: i, y: k };
  return { slice: Math.round(i), x: j, y: k };
}

/** Voxel position of a slice pixel on slice `slice` along `axis`. */
export function fromSlice(axis: SliceAxis, slice: number, x: number, y: number): Vec3 {
  if (axis === 2) return [x, y, slice];
  if (axis === 1) return [x, slice, y];
  return [slice, x, y];
}

/** World position of a slice point. */
export function slicePointToWorld(affine: Affine, axis: SliceAxis, slice: number, p: { x: number; y: number }): Vec3 {
  const [i, j, k] = fromSlice(axis, slice, p.x, p.y);
  return voxelToWorld(affine, i, j, k);
}

/** Clamp a slice point into the slice (clicks on the border of a tile may fall just outside). */
export function clampPoint(p: Omit<SlicePoint, 'positive'>, width: number, height: number): { x: number; y: number } {
  return { x: Math.min(width - 1, Math.max(0, p.x)), y: Math.min(height - 1, Math.max(0, p.y)) };
}
