import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../shared/volume.ts';
import { gridAxis } from './bspline-axis.ts';
import { LatticeEvaluator } from './bspline-eval.ts';
import { LatticeFitter } from './bspline-fit.ts';
import { addLattice, refineLattice, zeroLattice, type Lattice } from './lattice.ts';

/** ITK's BSplineKernelFunction<3>, written out independently of bspline-axis.ts. */
function kernel3(u: number): number {
  const a = Math.abs(u);
  if (a < 1) return (4 - 6 * a * a + 3 * a * a * a) / 6;
  if (a < 2) return (2 - a) ** 3 / 6;
  return 0;
}

/** Parametric position of voxel i of n on `spans` spans, with ITK's end-point epsilon. */
function param(i: number, n: number, spans: number): number {
  const u = (i * spans) / (n - 1);
  const eps = (spans / (n - 1)) * 1e-3;
  return Math.abs(u - spans) <= eps ? spans - eps : u;
}

/** BSplineScatteredDataPointSetToImageFilter's one-level fit, point by point, 64 neighbours each. */
function bruteForceFit(values: Float32Array, mask: Uint8Array, dims: Vec3, spans: Vec3): Float64Array {
  const size = spans.map((s) => s + 3) as Vec3;
  const delta = new Float64Array(size[0] * size[1] * size[2]);
  const omega = new Float64Array(delta.length);
  const w = new Float64Array(64);
  for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) {
    const i = x + dims[0] * (y + dims[1] * z);
    if (!mask[i]) continue;
    const p = [param(x, dims[0], spans[0]), param(y, dims[1], spans[1]), param(z, dims[2], spans[2])];
    let w2 = 0;
    for (let c = 0; c < 64; c++) {
      const k = [c & 3, (c >> 2) & 3, c >> 4];
      let b = 1;
      for (let d = 0; d < 3; d++) b *= kernel3(p[d]! - Math.floor(p[d]!) - k[d]! + 1);
      w[c] = b;
      w2 += b * b;
    }
    for (let c = 0; c < 64; c++) {
      const k = [c & 3, (c >> 2) & 3, c >> 4];
      const at = Math.floor(p[0]!) + k[0]! + size[0] * (Math.floor(p[1]!) + k[1]! + size[1] * (Math.floor(p[2]!) + k[2]!));
      const t = w[c]!;
      omega[at] = omega[at]! + t * t;
      delta[at] = delta[at]! + (values[i]! * t * t * t) / w2;
    }
  }
  return delta.map((d, c) => (omega[c] !== 0 ? d / omega[c]! : 0));
}

function bruteForceEvaluate(lattice: Lattice, dims: Vec3): Float64Array {
  const spans = lattice.size.map((s) => s - 3);
  const out = new Float64Array(dims[0] * dims[1] * dims[2]);
  for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) {
    const p = [param(x, dims[0], spans[0]!), param(y, dims[1], spans[1]!), param(z, dims[2], spans[2]!)];
    let v = 0;
    for (let c = 0; c < 64; c++) {
      const k = [c & 3, (c >> 2) & 3, c >> 4];
      let b = 1;
      for (let d = 0; d < 3; d++) b *= kernel3(p[d]! - Math.floor(p[d]!) - k[d]! + 1);
      v += b * lattice.values[Math.floor(p[0]!) + k[0]! + lattice.size[0] * (Math.floor(p[1]!) + k[1]! + lattice.size[1] * (Math.floor(p[2]!) + k[2]!))]!;
    }
    out[x + dims[0] * (y + dims[1] * z)] = v;
  }
  return out;
}

function evaluate(lattice: Lattice, dims: Vec3): Float32Array {
  const spans = lattice.size.map((s) => s - 3);
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  new LatticeEvaluator().evaluate(lattice, gridAxis(dims[0], spans[0]!), gridAxis(dims[1], spans[1]!), gridAxis(dims[2], spans[2]!), out);
  return out;
}

function pseudoRandom(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1);
}

const dims: Vec3 = [13, 11, 9];
const n = dims[0] * dims[1] * dims[2];

describe('LatticeFitter (separable one-level B-spline approximation)', () => {
  it('gives the lattice ITK\'s point-by-point formula gives, masked voxels only', () => {
    const values = pseudoRandom(n, 3);
    const mask = Uint8Array.from(pseudoRandom(n, 5), (v) => (v > -0.4 ? 1 : 0));
    for (const spans of [[1, 1, 1], [2, 4, 1], [8, 4, 2]] as Vec3[]) {
      const fitter = new LatticeFitter(dims, mask, spans);
      const phi = new Float64Array(fitter.latticeSize[0] * fitter.latticeSize[1] * fitter.latticeSize[2]);
      fitter.fit(values, phi);
      const ref = bruteForceFit(values, mask, dims, spans);
      let worst = 0;
      for (let c = 0; c < ref.length; c++) worst = Math.max(worst, Math.abs(phi[c]! - ref[c]!));
      expect(worst, `spans ${spans}`).toBeLessThan(1e-9);
    }
  });

  it('reproduces a smooth cubic when its residual is fitted again and again (as N4 iterates)', () => {
    const big: Vec3 = [24, 20, 16];
    const cubic = (x: number, y: number, z: number): number => 0.5 + 0.8 * x - 0.6 * y * y + 0.3 * x * y * z + 0.4 * z * z * z;
    const values = new Float32Array(big[0] * big[1] * big[2]);
    let i = 0;
    for (let z = 0; z < big[2]; z++) for (let y = 0; y < big[1]; y++) for (let x = 0; x < big[0]; x++) values[i++] = cubic(x / (big[0] - 1), y / (big[1] - 1), z / (big[2] - 1));
    const mask = new Uint8Array(values.length).fill(1);
    const fitter = new LatticeFitter(big, mask, [2, 2, 2]);
    const lattice = zeroLattice(fitter.latticeSize);
    const phi = new Float64Array(lattice.values.length);
    const residual = new Float32Array(values.length);
    const errorAfter = (iterations: number): number => {
      for (let k = 0; k < iterations; k++) {
        const fit = evaluate(lattice, big);
        for (let v = 0; v < values.length; v++) residual[v] = values[v]! - fit[v]!;
        fitter.fit(residual, phi);
        addLattice(lattice, phi);
      }
      const fit = evaluate(lattice, big);
      let sum = 0;
      for (let k = 0; k < values.length; k++) sum += (values[k]! - fit[k]!) ** 2;
      return Math.sqrt(sum / values.length);
    };
    // RMS error over a cubic whose range is about 2.
    const first = errorAfter(1);
    const later = errorAfter(199);
    const last = errorAfter(800);
    expect(first).toBeGreaterThan(0.1); // one pass is a local approximation, not a projection…
    expect(later).toBeLessThan(0.01); // …but fitting the residual again converges onto the cubic,
    expect(last).toBeLessThan(later / 3); // and keeps converging (the cubic is in the spline space).
  });
});

describe('LatticeEvaluator and refineLattice', () => {
  it('evaluates as the direct 64-term sum', () => {
    const lattice: Lattice = { size: [7, 5, 4], values: Float64Array.from(pseudoRandom(7 * 5 * 4, 9)) };
    const fast = evaluate(lattice, dims);
    const ref = bruteForceEvaluate(lattice, dims);
    for (let v = 0; v < n; v++) expect(Math.abs(fast[v]! - ref[v]!)).toBeLessThan(1e-5);
  });

  it('refining doubles the spans and keeps the function', () => {
    const lattice: Lattice = { size: [4, 5, 6], values: Float64Array.from(pseudoRandom(4 * 5 * 6, 13)) };
    const refined = refineLattice(lattice);
    expect(refined.size).toEqual([5, 7, 9]);
    const a = evaluate(lattice, [17, 15, 11]);
    const b = evaluate(refined, [17, 15, 11]);
    for (let v = 0; v < a.length; v++) expect(Math.abs(a[v]! - b[v]!)).toBeLessThan(1e-5);
  });
});
