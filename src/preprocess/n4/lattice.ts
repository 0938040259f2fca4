/** A 3D control-point lattice of the cubic B-spline (x fastest), and its refinement. */
import type { Vec3 } from '../../shared/volume.ts';
import { SPLINE_ORDER } from './options.ts';

export interface Lattice {
  /** Control points per axis (spans + 3). */
  size: Vec3;
  values: Float64Array;
}

export function zeroLattice(size: Vec3): Lattice {
  return { size: [...size], values: new Float64Array(size[0] * size[1] * size[2]) };
}

export function spansOf(lattice: Lattice): Vec3 {
  return lattice.size.map((n) => n - SPLINE_ORDER) as Vec3;
}

/**
 * The same function on a lattice with twice the spans per axis (exact: cubic B-spline
 * subdivision). New point k sits at old position (k−1)/2: odd k on an old point j =
 * (k+1)/2, giving (φj−1 + 6φj + φj+1)/8; even k halfway, giving (φk/2 + φk/2+1)/2.
 */
export function refineLattice(lattice: Lattice): Lattice {
  let current = lattice;
  for (let axis = 0; axis < 3; axis++) current = refineAxis(current, axis as 0 | 1 | 2);
  return current;
}

function refineAxis(lattice: Lattice, axis: 0 | 1 | 2): Lattice {
  const n = lattice.size[axis];
  const m = 2 * n - SPLINE_ORDER;
  const size: Vec3 = [...lattice.size];
  size[axis] = m;
  const out = new Float64Array(size[0] * size[1] * size[2]);
  const src = lattice.values;
  // Strides of the refined axis in source and output, and the loops around it.
  const inStride = axis === 0 ? 1 : axis === 1 ? lattice.size[0] : lattice.size[0] * lattice.size[1];
  const outStride = axis === 0 ? 1 : axis === 1 ? size[0] : size[0] * size[1];
  const inner = inStride;
  const outer = (lattice.size[0] * lattice.size[1] * lattice.size[2]) / (n * inStride);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const inBase = o * n * inStride + i;
      const outBase = o * m * outStride + i;
      for (let k = 0; k < m; k++) {
        let v: number;
        if (k & 1) {
          const j = (k + 1) >> 1;
          v = (src[inBase + (j - 1) * inStride]! + 6 * src[inBase + j * inStride]! + src[inBase + (j + 1) * inStride]!) / 8;
        } else {
          const j = k >> 1;
          v = (src[inBase + j * inStride]! + src[inBase + (j + 1) * inStride]!) / 2;
        }
        out[outBase + k * outStride] = v;
      }
    }
  }
  return { size, values: out };
}

/** a += b (same size). */
export function addLattice(a: Lattice, b: Float64Array): void {
  const v = a.values;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! + b[i]!;
}
