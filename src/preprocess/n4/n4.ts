/**
 * N4 bias-field correction (Tustison et al. 2010), following
 * itk::N4BiasFieldCorrectionImageFilter: on a shrunk copy of the image, in the log
 * domain and inside a mask, repeat {sharpen the intensity histogram; fit a cubic
 * B-spline to what sharpening removed; add it to the field} until the field stops
 * changing, at levels of ever finer control-point lattices. The final lattice is then
 * evaluated on the full-resolution grid and divided out of the original intensities.
 */
import type { Vec3 } from '../../shared/volume.ts';
import { mappedAxis, gridAxis } from './bspline-axis.ts';
import { LatticeEvaluator } from './bspline-eval.ts';
import { LatticeFitter } from './bspline-fit.ts';
import { fieldChange } from './convergence.ts';
import { addLattice, refineLattice, spansOf, zeroLattice, type Lattice } from './lattice.ts';
import { resolveN4Options, type N4Options, type N4Preset } from './options.ts';
import { otsuThreshold } from './otsu.ts';
import { HistogramSharpener } from './sharpen.ts';
import { planShrink, shrink, type ShrinkPlan } from './shrink.ts';

export interface N4Input {
  /** Voxels, i fastest (any numeric type). Values ≤ 0 never enter the fit. */
  data: ArrayLike<number>;
  dims: Vec3;
  /** Optional foreground mask on the same grid (≠ 0 = fit here); Otsu's when absent. */
  mask?: ArrayLike<number> | null;
}

export interface N4Progress {
  /** prepare: shrink, mask, log; fit: the iterations; apply: the full-resolution field. */
  phase: 'prepare' | 'fit' | 'apply';
  done: number;
  total: number;
  /** During fit: the level (0-based) and the last convergence measure. */
  level?: number;
  convergence?: number;
}

export interface N4LevelReport {
  iterations: number;
  /** The last convergence measure (CV of exp(Δ log field)). */
  convergence: number;
  /** Whether the level stopped on the threshold rather than on its iteration limit. */
  converged: boolean;
}

export interface N4Result {
  /** original / field, float32, on the input grid. */
  corrected: Float32Array;
  /** The multiplicative bias field (original = corrected × field); null when not asked for. */
  field: Float32Array | null;
  levels: N4LevelReport[];
  /** Iterations run, all levels together. */
  iterations: number;
  /** Every level stopped on the convergence threshold. */
  converged: boolean;
  options: N4Options;
  shrunkDims: Vec3;
  /** Shrunk voxels the fit used. */
  maskVoxels: number;
  /** Otsu's threshold when the mask was computed (null for a given mask). */
  otsuThreshold: number | null;
  /** The final control-point lattice of the log field (size = spans + 3 per axis, x fastest). */
  lattice: Lattice;
}

/**
 * Called after preparation, after every iteration and before and after the apply step.
 * May be async (the worker yields there so a cancel message can arrive) and may throw to
 * stop the run.
 */
export type N4Checkpoint = (progress: N4Progress) => void | Promise<void>;

export interface N4RunOptions extends Partial<N4Options> {
  preset?: N4Preset;
  /** Return the full-resolution field as well (default true). */
  includeField?: boolean;
}

interface Prepared {
  plan: ShrinkPlan;
  logInput: Float32Array;
  mask: Uint8Array;
  maskVoxels: number;
  threshold: number | null;
}

/** Shrunk log intensities and the shrunk mask (positive voxels only, so log is defined). */
export function prepare(input: N4Input, options: N4Options): Prepared {
  const plan = planShrink(input.dims, options.shrinkFactor);
  const shrunk = shrink(input.data, input.dims, plan);
  const threshold = input.mask ? null : otsuThreshold(input.data, options.otsuBins);
  const userMask = input.mask ? shrink(input.mask, input.dims, plan) : null;
  const mask = new Uint8Array(shrunk.length);
  const logInput = new Float32Array(shrunk.length);
  let maskVoxels = 0;
  for (let i = 0; i < shrunk.length; i++) {
    const v = shrunk[i]!;
    const inside = userMask ? userMask[i] !== 0 : v > threshold!;
    if (inside && v > 0) {
      mask[i] = 1;
      logInput[i] = Math.log(v);
      maskVoxels++;
    }
  }
  return { plan, logInput, mask, maskVoxels, threshold };
}

export async function correctBiasField(input: N4Input, run: N4RunOptions = {}, checkpoint?: N4Checkpoint): Promise<N4Result> {
  const { preset, includeField, ...given } = run;
  const options = resolveN4Options(given, preset);
  const n = input.dims[0] * input.dims[1] * input.dims[2];
  if (input.data.length !== n) throw new RangeError(`N4: ${input.data.length} voxels for dims ${input.dims.join('×')}`);
  if (input.mask && input.mask.length !== n) throw new RangeError(`N4: the mask has ${input.mask.length} voxels, the image ${n}`);
  const total = options.iterations.reduce((a, b) => a + b, 0);
  await checkpoint?.({ phase: 'prepare', done: 0, total: 1 });

  const { plan, logInput, mask, maskVoxels, threshold } = prepare(input, options);
  if (maskVoxels < 2) throw new RangeError('N4: the mask holds fewer than two positive voxels');
  await checkpoint?.({ phase: 'prepare', done: 1, total: 1 });

  const sdims = plan.dims;
  const size = logInput.length;
  const uncorrected = logInput.slice();
  const sharpened = new Float32Array(size);
  const residual = new Float32Array(size);
  let field = new Float32Array(size);
  let next = new Float32Array(size);
  const sharpener = new HistogramSharpener(options.histogramBins, options.fwhm, options.wienerNoise);
  const evaluator = new LatticeEvaluator();
  const cp = options.controlPoints;
  let lattice = zeroLattice([cp, cp, cp]);
  const levels: N4LevelReport[] = [];
  let done = 0;

  for (let level = 0; level < options.levels; level++) {
    const spans = spansOf(lattice);
    const fitter = new LatticeFitter(sdims, mask, spans);
    const ax = gridAxis(sdims[0], spans[0]);
    const ay = gridAxis(sdims[1], spans[1]);
    const az = gridAxis(sdims[2], spans[2]);
    const phi = new Float64Array(lattice.values.length);
    const max = options.iterations[level]!;
    let convergence = Infinity;
    let iterations = 0;
    while (iterations < max && convergence > options.convergenceThreshold) {
      iterations++;
      sharpener.sharpen(uncorrected, mask, sharpened);
      for (let i = 0; i < size; i++) residual[i] = mask[i] ? uncorrected[i]! - sharpened[i]! : 0;
      fitter.fit(residual, phi);
      addLattice(lattice, phi);
      evaluator.evaluate(lattice, ax, ay, az, next);
      convergence = fieldChange(field, next, mask);
      [field, next] = [next, field];
      for (let i = 0; i < size; i++) uncorrected[i] = mask[i] ? logInput[i]! - field[i]! : 0;
      done++;
      await checkpoint?.({ phase: 'fit', done, total, level, convergence });
    }
    levels.push({ iterations, convergence, converged: convergence <= options.convergenceThreshold });
    done += max - iterations;
    if (level < options.levels - 1) lattice = refineLattice(lattice);
  }

  await checkpoint?.({ phase: 'apply', done: 0, total: 1 });
  const { corrected, biasField } = applyField(input, plan, lattice, evaluator, includeField !== false);
  await checkpoint?.({ phase: 'apply', done: 1, total: 1 });
  return {
    corrected,
    field: biasField,
    levels,
    iterations: levels.reduce((a, l) => a + l.iterations, 0),
    converged: levels.every((l) => l.converged),
    options,
    shrunkDims: [...sdims],
    maskVoxels,
    otsuThreshold: threshold,
    lattice,
  };
}

/**
 * The log field on the full grid: each full-resolution voxel is placed where it lies
 * relative to the shrunk grid the lattice was fitted on (voxels past the shrunk grid's
 * end samples take the end values), then original / exp(field).
 */
function applyField(input: N4Input, plan: ShrinkPlan, lattice: Lattice, evaluator: LatticeEvaluator, keepField: boolean): { corrected: Float32Array; biasField: Float32Array | null } {
  const spans = spansOf(lattice);
  const axes = [0, 1, 2].map((a) => mappedAxis(input.dims[a]!, plan.centre[a]!, plan.factor[a]!, plan.dims[a]!, spans[a]!));
  const field = new Float32Array(input.data.length);
  evaluator.evaluate(lattice, axes[0]!, axes[1]!, axes[2]!, field);
  const corrected = new Float32Array(field.length);
  const data = input.data;
  for (let i = 0; i < field.length; i++) {
    const b = Math.exp(field[i]!);
    field[i] = b;
    corrected[i] = data[i]! / b;
  }
  return { corrected, biasField: keepField ? field : null };
}
