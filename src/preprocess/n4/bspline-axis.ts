/**
 * Uniform cubic B-spline basis and its samples along one axis. A lattice with
 * `spans + 3` control points covers parametric positions u ∈ [0, spans); a sample at u
 * uses control points floor(u) … floor(u)+3 with the four weights below (ITK's
 * BSplineKernelFunction<3> at u − floor(u) − k + 1, k = 0…3). Tensor products of these
 * tables give every 3D weight, which is what makes fitting and evaluation separable.
 */

/** Weights of one axis's samples: `first[i]` is the first control point of sample i, `w[4i + k]` its k-th weight. */
export interface AxisSamples {
  count: number;
  first: Int32Array;
  w: Float64Array;
  /** Σ_k w[4i+k]² per sample (a factor of ITK's w2Sum). */
  w2: Float64Array;
}

/** The four cubic weights at fraction t ∈ [0, 1). */
export function cubicWeights(t: number, out: Float64Array, at = 0): void {
  const s = 1 - t;
  const t2 = t * t;
  const t3 = t2 * t;
  out[at] = (s * s * s) / 6;
  out[at + 1] = (3 * t3 - 6 * t2 + 4) / 6;
  out[at + 2] = (-3 * t3 + 3 * t2 + 3 * t + 1) / 6;
  out[at + 3] = t3 / 6;
}

/** Samples at the given parametric positions (already clamped into [0, spans)). */
export function axisSamples(positions: ArrayLike<number>): AxisSamples {
  const count = positions.length;
  const first = new Int32Array(count);
  const w = new Float64Array(4 * count);
  const w2 = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const u = positions[i]!;
    const f = Math.floor(u);
    first[i] = f;
    cubicWeights(u - f, w, 4 * i);
    w2[i] = w[4 * i]! ** 2 + w[4 * i + 1]! ** 2 + w[4 * i + 2]! ** 2 + w[4 * i + 3]! ** 2;
  }
  return { count, first, w, w2 };
}

/**
 * Keeps u inside [0, spans): ITK moves a point within spans/(size−1)·1e-3 of the
 * far end just inside it (BSplineScatteredDataPointSetToImageFilter's m_BSplineEpsilon).
 */
function clampSpan(u: number, spans: number, epsilon: number): number {
  if (u >= spans - epsilon) return spans - epsilon;
  return u < 0 ? 0 : u;
}

/** Samples at the voxels of an axis of `size` voxels that the lattice spans end to end. */
export function gridAxis(size: number, spans: number): AxisSamples {
  if (size < 2) return axisSamples([0]);
  const step = spans / (size - 1);
  const epsilon = step * 1e-3;
  return axisSamples(Array.from({ length: size }, (_, i) => clampSpan(i * step, spans, epsilon)));
}

/**
 * Samples at the full-resolution voxels of an axis whose shrunk grid (`shrunkSize`
 * voxels, voxel 0 centred on full-resolution position `centre`, `factor` apart) the
 * lattice spans. Voxels beyond the shrunk grid's end voxels take the end values.
 */
export function mappedAxis(size: number, centre: number, factor: number, shrunkSize: number, spans: number): AxisSamples {
  if (shrunkSize < 2) return axisSamples(new Float64Array(size));
  const step = spans / (shrunkSize - 1);
  const epsilon = step * 1e-3;
  return axisSamples(Array.from({ length: size }, (_, i) => clampSpan(((i - centre) / factor) * step, spans, epsilon)));
}
