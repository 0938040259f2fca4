/** Statistics the recovery tests judge N4 by. */
import { otsuThreshold } from '../otsu.ts';

/** Pearson's r of a and b over the voxels where `where` ≠ 0. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>, where: Uint8Array): number {
  let n = 0, sa = 0, sb = 0;
  for (let i = 0; i < where.length; i++) if (where[i]) { n++; sa += a[i]!; sb += b[i]!; }
  const ma = sa / n, mb = sb / n;
  let cov = 0, va = 0, vb = 0;
  for (let i = 0; i < where.length; i++) {
    if (!where[i]) continue;
    const da = a[i]! - ma, db = b[i]! - mb;
    cov += da * db; va += da * da; vb += db * db;
  }
  return cov / Math.sqrt(va * vb);
}

/** Coefficient of variation (σ/μ) of `values` over the voxels where `where` ≠ 0. */
export function coefficientOfVariation(values: ArrayLike<number>, where: Uint8Array): number {
  let n = 0, s = 0, s2 = 0;
  for (let i = 0; i < where.length; i++) if (where[i]) { n++; s += values[i]!; s2 += values[i]! * values[i]!; }
  const mean = s / n;
  return Math.sqrt(Math.max(0, s2 / n - mean * mean)) / mean;
}

/** Voxels above Otsu's threshold (the head). */
export function headMask(data: ArrayLike<number>): Uint8Array {
  const t = otsuThreshold(data, 200);
  const m = new Uint8Array(data.length);
  for (let i = 0; i < m.length; i++) m[i] = data[i]! > t ? 1 : 0;
  return m;
}

/**
 * White-matter-range voxels of a clean T1 image: inside the head, above a second Otsu
 * split (the bright tissue class), within ±`halfWidth` of that class's histogram peak.
 */
export function whiteMatterRange(data: ArrayLike<number>, head: Uint8Array, halfWidth = 0.08): { mask: Uint8Array; peak: number; count: number } {
  const inside: number[] = [];
  for (let i = 0; i < head.length; i++) if (head[i]) inside.push(data[i]!);
  const split = otsuThreshold(inside, 200);
  const bright = inside.filter((v) => v > split);
  let lo = Infinity, hi = -Infinity;
  for (const v of bright) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const bins = 100;
  const hist = new Float64Array(bins);
  for (const v of bright) hist[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]! += 1;
  let best = 0;
  for (let b = 1; b < bins; b++) if (hist[b]! > hist[best]!) best = b;
  const peak = lo + ((best + 0.5) / bins) * (hi - lo);
  const mask = new Uint8Array(head.length);
  let count = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] && Math.abs(data[i]! - peak) <= halfWidth * peak) { mask[i] = 1; count++; }
  }
  return { mask, peak, count };
}

