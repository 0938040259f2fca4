/**
 * N4's histogram sharpening (Tustison et al. 2010, eqs. 5–7; ITK's
 * N4BiasFieldCorrectionImageFilter::SharpenImage step for step): the log-intensity
 * histogram, taken as the true histogram blurred by a Gaussian of the given FWHM, is
 * Wiener-deconvolved; every voxel is then moved to E[u | v], the expected un-blurred
 * value given its blurred one.
 */
import { Fft } from './fft.ts';

export class HistogramSharpener {
  private readonly bins: number;
  private readonly fwhm: number;
  private readonly noise: number;
  private readonly padded: number;
  private readonly offset: number;
  private readonly fft: Fft;
  // Scratch buffers, reused by every call (no allocation per iteration).
  private readonly hist: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly re2: Float64Array;
  private readonly im2: Float64Array;
  private readonly filterF: Float64Array;
  private readonly u: Float64Array;
  private readonly map: Float64Array;

  constructor(bins = 200, fwhm = 0.15, wienerNoise = 0.01) {
    this.bins = bins;
    this.fwhm = fwhm;
    this.noise = wienerNoise;
    // As ITK: the next power of two above the bin count, doubled, the histogram centred in it.
    this.padded = 2 ** (Math.ceil(Math.log2(bins)) + 1);
    this.offset = Math.floor(0.5 * (this.padded - bins));
    this.fft = new Fft(this.padded);
    this.hist = new Float64Array(bins);
    this.re = new Float64Array(this.padded);
    this.im = new Float64Array(this.padded);
    this.re2 = new Float64Array(this.padded);
    this.im2 = new Float64Array(this.padded);
    this.filterF = new Float64Array(this.padded);
    this.u = new Float64Array(this.padded);
    this.map = new Float64Array(bins);
  }

  /** Writes the sharpened value of every masked voxel of `src` into `dst` (others: 0). */
  sharpen(src: Float32Array, mask: Uint8Array, dst: Float32Array): void {
    const { bins, padded, offset, fft, hist, re, im, re2, im2, filterF, u, map } = this;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < src.length; i++) {
      if (!mask[i]) continue;
      const v = src[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    dst.fill(0);
    if (!(hi > lo)) {
      // A flat image has nothing to sharpen; leave the voxels where they are.
      for (let i = 0; i < src.length; i++) if (mask[i]) dst[i] = src[i]!;
      return;
    }
    const slope = (hi - lo) / (bins - 1);

    // Triangular Parzen window: each voxel split between its two nearest bins.
    hist.fill(0);
    for (let i = 0; i < src.length; i++) {
      if (!mask[i]) continue;
      const c = (src[i]! - lo) / slope;
      const b = Math.floor(c);
      const frac = c - b;
      if (frac === 0) hist[b]! += 1;
      else if (b < bins - 1) {
        hist[b]! += 1 - frac;
        hist[b + 1]! += frac;
      }
    }

    // The Gaussian blur, sampled in bins and normalised to unit area, in frequency space.
    const scaledFwhm = this.fwhm / slope;
    const expFactor = (4 * Math.LN2) / (scaledFwhm * scaledFwhm);
    const scale = (2 * Math.sqrt(Math.LN2 / Math.PI)) / scaledFwhm;
    re2.fill(0);
    im2.fill(0);
    re2[0] = scale;
    for (let n = 1; n <= padded / 2; n++) re2[n] = re2[padded - n] = scale * Math.exp(-n * n * expFactor);
    fft.forward(re2, im2);
    for (let n = 0; n < padded; n++) filterF[n] = re2[n]!; // real: the kernel is even

    // U = V deconvolved by the Wiener filter conj(F)/(|F|² + noise), negatives clipped.
    re.fill(0);
    im.fill(0);
    for (let n = 0; n < bins; n++) re[n + offset] = hist[n]!;
    fft.forward(re, im);
    for (let n = 0; n < padded; n++) {
      const f = filterF[n]!;
      const g = f / (f * f + this.noise);
      re[n] = re[n]! * g;
      im[n] = im[n]! * g;
    }
    fft.inverse(re, im);
    for (let n = 0; n < padded; n++) u[n] = Math.max(re[n]!, 0);

    // E[u|v] = (F * (u·U)) / (F * U): numerator in re/im, denominator in re2/im2.
    for (let n = 0; n < padded; n++) {
      re[n] = (lo + (n - offset) * slope) * u[n]!;
      im[n] = 0;
      re2[n] = u[n]!;
      im2[n] = 0;
    }
    fft.forward(re, im);
    fft.forward(re2, im2);
    for (let n = 0; n < padded; n++) {
      const f = filterF[n]!;
      re[n] = re[n]! * f;
      im[n] = im[n]! * f;
      re2[n] = re2[n]! * f;
      im2[n] = im2[n]! * f;
    }
    fft.inverse(re, im);
    fft.inverse(re2, im2);
    for (let n = 0; n < bins; n++) {
      const d = re2[n + offset]!;
      map[n] = d !== 0 ? re[n + offset]! / d : 0;
    }

    // Each voxel moves to the mapping, linearly interpolated between bins.
    const last = map[bins - 1]!;
    for (let i = 0; i < src.length; i++) {
      if (!mask[i]) continue;
      const c = (src[i]! - lo) / slope;
      const b = Math.floor(c);
      dst[i] = b < bins - 1 ? map[b]! + (map[b + 1]! - map[b]!) * (c - b) : last;
    }
  }
}
