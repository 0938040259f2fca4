/**
 * Subsampling as itk::ShrinkImageFilter does it: the shrunk grid is centred on the
 * input grid and takes every f-th voxel (no averaging), so the fit sees real intensities.
 */
import type { Vec3 } from '../../shared/volume.ts';

export interface ShrinkPlan {
  /** Factor actually used per axis (reduced where an axis is too short to keep 2 samples). */
  factor: Vec3;
  /** Shrunk grid size. */
  dims: Vec3;
  /** Full-resolution index of shrunk voxel 0, as sampled (rounded half up, as ITK). */
  offset: Vec3;
  /** Full-resolution position of shrunk voxel 0's centre (the two grids share their centre). */
  centre: Vec3;
}

export function planShrink(dims: Vec3, factor: number): ShrinkPlan {
  const plan: ShrinkPlan = { factor: [1, 1, 1], dims: [1, 1, 1], offset: [0, 0, 0], centre: [0, 0, 0] };
  for (let a = 0; a < 3; a++) {
    const n = dims[a]!;
    const f = Math.max(1, Math.min(factor, Math.floor(n / 2)));
    const m = Math.max(1, Math.floor(n / f));
    const c = (n - 1) / 2 - ((m - 1) / 2) * f;
    plan.factor[a] = f;
    plan.dims[a] = m;
    plan.centre[a] = c;
    plan.offset[a] = Math.max(0, Math.floor(c + 0.5));
  }
  return plan;
}

/** The voxels of `data` (any numeric array on `dims`) at the plan's sample points, as float32. */
export function shrink(data: ArrayLike<number>, dims: Vec3, plan: ShrinkPlan): Float32Array {
  const [mx, my, mz] = plan.dims;
  const [fx, fy, fz] = plan.factor;
  const [ox, oy, oz] = plan.offset;
  const nx = dims[0];
  const nxy = dims[0] * dims[1];
  const out = new Float32Array(mx * my * mz);
  let o = 0;
  for (let z = 0; z < mz; z++) {
    const zBase = (oz + z * fz) * nxy;
    for (let y = 0; y < my; y++) {
      const base = zBase + (oy + y * fy) * nx + ox;
      for (let x = 0; x < mx; x++) out[o++] = data[base + x * fx]!;
    }
  }
  return out;
}
