/**
 * Display windows: CT presets (width / level in HU) and the automatic MR window
 * (0.5–99.5th percentile of the voxel values). The model sees the window the user sees.
 */
import type { VoxelArray } from '../shared/volume.ts';

export interface WindowPreset {
  id: string;
  name: string;
  /** Width and level; null for the automatic percentile window. */
  width: number | null;
  level: number | null;
}

export const WINDOW_PRESETS: readonly WindowPreset[] = Object.freeze([
  { id: 'auto', name: 'Auto (0.5–99.5 %)', width: null, level: null },
  { id: 'soft-tissue', name: 'CT soft tissue (400 / 40)', width: 400, level: 40 },
  { id: 'lung', name: 'CT lung (1500 / −600)', width: 1500, level: -600 },
  { id: 'bone', name: 'CT bone (1800 / 400)', width: 1800, level: 400 },
  { id: 'brain', name: 'CT brain (80 / 40)', width: 80, level: 40 },
]);

/**
 * The p-th and q-th percentiles (0–100) of the values, from at most `sample` evenly spaced
 * voxels (exact for smaller volumes). NaN values are ignored.
 */
export function percentileWindow(data: VoxelArray, p = 0.5, q = 99.5, sample = 1 << 20): { min: number; max: number } {
  const step = Math.max(1, Math.floor(data.length / sample));
  const values = new Float64Array(Math.ceil(data.length / step));
  let n = 0;
  for (let i = 0; i < data.length; i += step) {
    const v = Number(data[i]);
    if (!Number.isNaN(v)) values[n++] = v;
  }
  if (n === 0) return { min: 0, max: 1 };
  const a = values.subarray(0, n);
  const rank = (pct: number) => Math.min(n - 1, Math.max(0, Math.round((pct / 100) * (n - 1))));
  // Two order statistics by selection, not a sort of the whole sample (80 ms for a million values).
  const [lo, hi] = [rank(Math.min(p, q)), rank(Math.max(p, q))];
  selectKth(a, lo, 0, n - 1);
  selectKth(a, hi, lo, n - 1);
  let min = a[rank(p)]!;
  let max = a[rank(q)]!;
  if (!(max > min)) {
    // A nearly constant image: fall back to the full range so something is visible.
    min = a[0]!;
    max = a[0]!;
    for (let i = 1; i < n; i++) {
      if (a[i]! < min) min = a[i]!;
      if (a[i]! > max) max = a[i]!;
    }
    if (!(max > min)) max = min + 1;
  }
  return { min, max };
}

/**
 * Rearrange a[left..right] so that a[k] holds the value a sort would put there, everything
 * before it is ≤ and everything after it ≥ (Hoare's selection, median-of-three pivots).
 */
export function selectKth(a: Float64Array, k: number, left = 0, right = a.length - 1): void {
  while (right > left) {
    const mid = (left + right) >> 1;
    // median of three as pivot, moved to a[mid]
    if (a[mid]! < a[left]!) swap(a, mid, left);
    if (a[right]! < a[left]!) swap(a, right, left);
    if (a[right]! < a[mid]!) swap(a, right, mid);
    const pivot = a[mid]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

export function presetWindow(preset: WindowPreset, data: VoxelArray): { min: number; max: number } {
  if (preset.width === null || preset.level === null) return percentileWindow(data);
  return { min: preset.level - preset.width / 2, max: preset.level + preset.width / 2 };
}
