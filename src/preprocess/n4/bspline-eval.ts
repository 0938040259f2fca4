/**
 * The B-spline function of a lattice at the samples of three axes (a grid), as
 * itk::BSplineControlPointImageFilter evaluates it, contracted one axis at a time so a
 * voxel costs four multiply-adds.
 */
import type { AxisSamples } from './bspline-axis.ts';
import type { Lattice } from './lattice.ts';

export class LatticeEvaluator {
  private plane: Float64Array;
  private row: Float64Array;

  constructor() {
    this.plane = new Float64Array(0);
    this.row = new Float64Array(0);
  }

  /** Writes f(x, y, z) for every sample of the grid ax × ay × az into `out` (x fastest). */
  evaluate(lattice: Lattice, ax: AxisSamples, ay: AxisSamples, az: AxisSamples, out: Float32Array): void {
    const [lx, ly] = lattice.size;
    const planeSize = lx * ly;
    if (this.plane.length < planeSize) this.plane = new Float64Array(planeSize);
    if (this.row.length < lx) this.row = new Float64Array(lx);
    const { plane, row } = this;
    const phi = lattice.values;
    const nx = ax.count;
    const ny = ay.count;
    let o = 0;
    for (let z = 0; z < az.count; z++) {
      // Contract z: the lattice plane this slice sees.
      const base = az.first[z]! * planeSize;
      const w0 = az.w[4 * z]!, w1 = az.w[4 * z + 1]!, w2 = az.w[4 * z + 2]!, w3 = az.w[4 * z + 3]!;
      for (let c = 0; c < planeSize; c++) {
        const p = base + c;
        plane[c] = w0 * phi[p]! + w1 * phi[p + planeSize]! + w2 * phi[p + 2 * planeSize]! + w3 * phi[p + 3 * planeSize]!;
      }
      for (let y = 0; y < ny; y++) {
        // Contract y: the lattice row this grid row sees.
        const rb = ay.first[y]! * lx;
        const v0 = ay.w[4 * y]!, v1 = ay.w[4 * y + 1]!, v2 = ay.w[4 * y + 2]!, v3 = ay.w[4 * y + 3]!;
        for (let c = 0; c < lx; c++) {
          const p = rb + c;
          row[c] = v0 * plane[p]! + v1 * plane[p + lx]! + v2 * plane[p + 2 * lx]! + v3 * plane[p + 3 * lx]!;
        }
        for (let x = 0; x < nx; x++) {
          const c = ax.first[x]!;
          const k = 4 * x;
          out[o++] = ax.w[k]! * row[c]! + ax.w[k + 1]! * row[c + 1]! + ax.w[k + 2]! * row[c + 2]! + ax.w[k + 3]! * row[c + 3]!;
        }
      }
    }
  }
}
