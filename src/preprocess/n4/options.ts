/**
 * N4 parameters, their defaults and the "fast" preset. Defaults are the ones
 * ITK users get through SimpleITK / ANTs (itk::N4BiasFieldCorrectionImageFilter
 * with 4 fitting levels of 50 iterations); see docs/n4.md.
 */

export interface N4Options {
  /** Shrink factor per axis for the fit (ITK ShrinkImageFilter sampling). Default 4. */
  shrinkFactor: number;
  /** Fitting levels; the control-point grid doubles its spans at each new level. Default 4. */
  levels: number;
  /** Maximum iterations per level (length = levels). Default [50, 50, 50, 50]. */
  iterations: number[];
  /** Stop a level when the coefficient of variation of exp(Δ log field) falls to this. Default 0.001. */
  convergenceThreshold: number;
  /** Control points per axis at the first level (spline order + 1 = ITK's default 4). */
  controlPoints: number;
  /** Bins of the log-intensity histogram that is sharpened. Default 200. */
  histogramBins: number;
  /** FWHM of the Gaussian assumed to blur the log-intensity histogram. Default 0.15. */
  fwhm: number;
  /** Wiener filter noise of the deconvolution. Default 0.01. */
  wienerNoise: number;
  /** Bins of the histogram Otsu's threshold is chosen on (when no mask is given). Default 200. */
  otsuBins: number;
}

/** What itk::N4BiasFieldCorrectionImageFilter does as SimpleITK and ANTs drive it. */
export const N4_DEFAULTS: Readonly<N4Options> = Object.freeze({
  shrinkFactor: 4,
  levels: 4,
  iterations: Object.freeze([50, 50, 50, 50]) as number[],
  convergenceThreshold: 0.001,
  controlPoints: 4,
  histogramBins: 200,
  fwhm: 0.15,
  wienerNoise: 0.01,
  otsuBins: 200,
});

/** The seed tool's setting: 4 levels × 4 iterations, otherwise the defaults. */
export const N4_FAST: Readonly<Partial<N4Options>> = Object.freeze({ levels: 4, iterations: Object.freeze([4, 4, 4, 4]) as number[] });

export const N4_PRESETS = Object.freeze({ default: N4_DEFAULTS, fast: N4_FAST });
export type N4Preset = keyof typeof N4_PRESETS;

/** The cubic B-spline order N4 uses (ITK's m_SplineOrder); fixed, the fit is written for it. */
export const SPLINE_ORDER = 3;

function positiveInt(name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`N4 option ${name} must be an integer ≥ ${min} (got ${v})`);
  return v;
}

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`N4 option ${name} must be a positive number (got ${v})`);
  return v;
}

/**
 * Defaults, then the preset, then `given`; checked. When only `levels` is given the
 * iterations list follows it (the last count repeated), as SimpleITK derives levels from it.
 */
export function resolveN4Options(given: Partial<N4Options> = {}, preset: N4Preset = 'default'): N4Options {
  const merged: N4Options = { ...N4_DEFAULTS, ...N4_PRESETS[preset], ...given };
  const levels = positiveInt('levels', merged.levels);
  let iterations = [...merged.iterations];
  if (given.iterations === undefined && iterations.length !== levels) {
    const last = iterations[iterations.length - 1] ?? 50;
    iterations = Array.from({ length: levels }, (_, i) => iterations[i] ?? last);
  }
  if (iterations.length !== levels) throw new RangeError(`N4 option iterations has ${iterations.length} entries for ${levels} levels`);
  iterations.forEach((n, i) => positiveInt(`iterations[${i}]`, n, 0));
  if (!(merged.convergenceThreshold >= 0)) throw new RangeError(`N4 option convergenceThreshold must be ≥ 0`);
  return {
    shrinkFactor: positiveInt('shrinkFactor', merged.shrinkFactor),
    levels,
    iterations,
    convergenceThreshold: merged.convergenceThreshold,
    controlPoints: positiveInt('controlPoints', merged.controlPoints, SPLINE_ORDER + 1),
    histogramBins: positiveInt('histogramBins', merged.histogramBins, 2),
    fwhm: positive('fwhm', merged.fwhm),
    wienerNoise: positive('wienerNoise', merged.wienerNoise),
    otsuBins: positiveInt('otsuBins', merged.otsuBins, 2),
  };
}
