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
  const values: number[] = [];
  for (let i = 0; i < data.length; i += step) {
    const v = Number(data[i]);
    if (!Number.isNaN(v)) values.push(v);
  }
  if (values.length === 0) return { min: 0, max: 1 };
  const sorted = Float64Array.from(values).sort();
  const at = (pct: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((pct / 100) * (sorted.length - 1))))]!;
  let min = at(p);
  let max = at(q);
  if (!(max > min)) {
    // A nearly constant image: fall back to the full range so something is visible.
    min = sorted[0]!;
    max = sorted[sorted.length - 1]!;
    if (!(max > min)) max = min + 1;
  }
  return { min, max };
}

export function presetWindow(preset: WindowPreset, data: VoxelArray): { min: number; max: number } {
  if (preset.width === null || preset.level === null) return percentileWindow(data);
  return { min: preset.level - preset.width / 2, max: preset.level + preset.width / 2 };
}
