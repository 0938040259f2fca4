/**
 * Display windows: CT presets (width / level in HU), MR presets (percentile windows of the
 * head) and the automatic window (0.5–99.5th percentile of the voxel values), and which
 * presets an image is offered. The model sees the window the user sees.
 */
import type { VoxelArray } from '../shared/volume.ts';

export interface WindowPreset {
  id: string;
  name: string;
  /** CT: width and level in HU; null for the percentile windows. */
  width: number | null;
  level: number | null;
  /**
   * MR: the window's upper end as a percentile of the head's voxels (foreground, see
   * headPercentiles); its lower end is `lower` % of the head, or, without it, the 0.5th
   * percentile of the whole image (the air: black).
   */
  upper?: number;
  lower?: number;
  /** The images it is meant for; undefined: every image (the automatic window). */
  modality?: 'CT' | 'MR';
}

/**
 * Linear windows only (no gamma): the model is given exactly what is shown, and SAM2 saw
 * plain min–max scaled images in training. MR intensities have no units, so the MR windows
 * are percentiles of the head's voxels (the air, half of a head MR, would otherwise set them):
 *  - T1: the brightest 2 % of the head is mostly scalp fat and marrow, brighter than white
 *    matter; clipping it spreads grey and white matter (and a tumour against them) over the
 *    whole grey scale. (The automatic window ends near the head's 99th percentile.)
 *  - T2 / FLAIR: CSF (T2) and lesions (FLAIR) are the bright signal read; the top stays just
 *    unsaturated (99.5 %) and the lower end rises to the darkest 5 % of the head, so the
 *    parenchyma is not a flat mid grey.
 *  - T1 post-contrast: enhancement (tumour, vessels, dura) is the brightest signal and is what
 *    is segmented; only the top 0.1 % saturates, so an enhancing lesion keeps its texture and
 *    its edge against the vessels beside it.
 */
export const WINDOW_PRESETS: readonly WindowPreset[] = Object.freeze([
  { id: 'auto', name: 'Auto (0.5–99.5 %)', width: null, level: null },
  { id: 'mr-t1', name: 'MR T1 (head ≤ 98 %)', width: null, level: null, upper: 98, modality: 'MR' },
  { id: 'mr-t2', name: 'MR T2 / FLAIR (head 5–99.5 %)', width: null, level: null, lower: 5, upper: 99.5, modality: 'MR' },
  { id: 'mr-post', name: 'MR T1 post-contrast (head ≤ 99.9 %)', width: null, level: null, upper: 99.9, modality: 'MR' },
  { id: 'soft-tissue', name: 'CT soft tissue (400 / 40)', width: 400, level: 40, modality: 'CT' },
  { id: 'lung', name: 'CT lung (1500 / −600)', width: 1500, level: -600, modality: 'CT' },
  { id: 'bone', name: 'CT bone (1800 / 400)', width: 1800, level: 400, modality: 'CT' },
  { id: 'brain', name: 'CT brain (80 / 40)', width: 80, level: 40, modality: 'CT' },
]);

/**
 * The presets offered for an image: the automatic window first, then those of its modality.
 * MR gets no CT presets (HU windows mean nothing on MR: "CT brain" on a T1 is a white-out) and
 * CT no MR ones; an image of unknown modality (NIfTI) is offered both, the likelier first:
 * CT when its darkest voxels are air in HU (below −500).
 */
export function presetsFor(modality: string | undefined, data?: VoxelArray): WindowPreset[] {
  const kind = modality === 'CT' || modality === 'MR' ? modality : null;
  const guess = kind ?? (data && percentileWindow(data, 0.5, 99.5).min < -500 ? 'CT' : 'MR');
  const of = (m: 'CT' | 'MR') => WINDOW_PRESETS.filter((p) => p.modality === m);
  const other = guess === 'CT' ? 'MR' : 'CT';
  return [WINDOW_PRESETS[0]!, ...of(guess), ...(kind ? [] : of(other))];
}

/**
 * The p-th and q-th percentiles (0–100) of the values, from at most `sample` evenly spaced
 * voxels (exact for smaller volumes). NaN values are ignored.
 */
export function percentileWindow(data: VoxelArray, p = 0.5, q = 99.5, sample = 1 << 20): { min: number; max: number } {
  return windowOf(sampleValues(data, sample), p, q);
}

/**
 * The p-th and q-th percentiles (0–100) of the head's voxels: those above FSL BET's
 * background threshold, 2nd percentile + 10 % of the 2nd–98th percentile range. The whole
 * image's percentiles when nothing is above it.
 */
export function headPercentiles(data: VoxelArray, p: number, q: number, sample = 1 << 20): { min: number; max: number } {
  const values = sampleValues(data, sample);
  const whole = windowOf(values.slice(), 2, 98);
  const threshold = whole.min + 0.1 * (whole.max - whole.min);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > threshold) values[n++] = values[i]!;
  return n > 0 ? windowOf(values.subarray(0, n), p, q) : windowOf(values, p, q);
}

/** At most `sample` evenly spaced values (all of a smaller volume), NaN left out. */
function sampleValues(data: VoxelArray, sample: number): Float64Array {
  const step = Math.max(1, Math.floor(data.length / sample));
  const values = new Float64Array(Math.ceil(data.length / step));
  let n = 0;
  for (let i = 0; i < data.length; i += step) {
    const v = Number(data[i]);
    if (!Number.isNaN(v)) values[n++] = v;
  }
  return values.subarray(0, n);
}

/** The p-th and q-th percentiles of `a` (reordered in place); the full range of a nearly constant one. */
function windowOf(a: Float64Array, p: number, q: number): { min: number; max: number } {
  const n = a.length;
  if (n === 0) return { min: 0, max: 1 };
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
  if (preset.width !== null && preset.level !== null) return { min: preset.level - preset.width / 2, max: preset.level + preset.width / 2 };
  if (preset.upper === undefined) return percentileWindow(data);
  const head = headPercentiles(data, preset.lower ?? 0, preset.upper);
  const min = preset.lower === undefined ? percentileWindow(data, 0.5, 99.5).min : head.min;
  return { min, max: head.max > min ? head.max : min + 1 };
}
