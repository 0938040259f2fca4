/**
 * N4's convergence measure between two successive log bias fields: the coefficient of
 * variation (σ/μ) of exp(f1 − f2) over the masked voxels, accumulated as ITK does
 * (Welford's running mean and sum of squares).
 */
export function fieldChange(f1: Float32Array, f2: Float32Array, mask: Uint8Array): number {
  let n = 0;
  let mu = 0;
  let s = 0;
  for (let i = 0; i < f1.length; i++) {
    if (!mask[i]) continue;
    const v = Math.exp(f1[i]! - f2[i]!);
    n += 1;
    const d = v - mu;
    mu += d / n;
    s += d * (v - mu);
  }
  if (n < 2) return 0;
  return Math.sqrt(s / (n - 1)) / mu;
}
