/**
 * Synthetic phantoms for engine tests and benchmarks: bright blobs (value 100) on a dark
 * background (value 10) that drift from slice to slice, with the true label map.
 * Test helper only; the app never imports it.
 */
import type { Vec3 } from '../../shared/volume.ts';

export interface PhantomObject {
  label: number;
  /** First and last slice (along k) where the object exists. */
  first: number;
  last: number;
  /** Centre (x = i, y = j) on the first and on the last slice; linear in between. */
  from: [number, number];
  to: [number, number];
  /** Radius in voxels (largest in the middle of the object's range when `taper`). */
  radius: number;
  /** Shrink towards both ends like a sphere (the radius never drops below 40 %). */
  taper?: boolean;
}

export interface Phantom {
  dims: Vec3;
  data: Int16Array;
  truth: Uint8Array;
}

export const PHANTOM_BRIGHT = 100;
export const PHANTOM_DARK = 10;

export function objectCentre(o: PhantomObject, k: number): { cx: number; cy: number; r: number } {
  const span = Math.max(1, o.last - o.first);
  const t = (k - o.first) / span;
  const cx = o.from[0] + (o.to[0] - o.from[0]) * t;
  const cy = o.from[1] + (o.to[1] - o.from[1]) * t;
  const r = o.taper ? o.radius * Math.max(0.4, Math.sqrt(Math.max(0, 1 - (2 * t - 1) ** 2))) : o.radius;
  return { cx, cy, r };
}

export function makePhantom(dims: Vec3, objects: readonly PhantomObject[]): Phantom {
  const [nx, ny, nz] = dims;
  const data = new Int16Array(nx * ny * nz).fill(PHANTOM_DARK);
  const truth = new Uint8Array(nx * ny * nz);
  for (const o of objects) {
    for (let k = o.first; k <= o.last; k++) {
      const { cx, cy, r } = objectCentre(o, k);
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          if ((i - cx) ** 2 + (j - cy) ** 2 <= r * r) {
            const v = i + nx * (j + ny * k);
            data[v] = PHANTOM_BRIGHT;
            truth[v] = o.label;
          }
        }
      }
    }
  }
  return { dims, data, truth };
}

/** The object's bounding box on slice k (inclusive voxel corners), a little padded. */
export function boxOn(o: PhantomObject, k: number, pad = 2): { x0: number; y0: number; x1: number; y1: number } {
  const { cx, cy, r } = objectCentre(o, k);
  return { x0: Math.floor(cx - r - pad), y0: Math.floor(cy - r - pad), x1: Math.ceil(cx + r + pad), y1: Math.ceil(cy + r + pad) };
}

/** Dice of `label` between a predicted and the true label map. */
export function dice(pred: Uint8Array, truth: Uint8Array, label: number): number {
  let a = 0;
  let b = 0;
  let both = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = pred[i] === label;
    const t = truth[i] === label;
    if (p) a++;
    if (t) b++;
    if (p && t) both++;
  }
  return a + b === 0 ? 1 : (2 * both) / (a + b);
}
