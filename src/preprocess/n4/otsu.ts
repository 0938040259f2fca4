/**
 * Otsu's threshold as itk::OtsuThresholdImageFilter computes it (what the seed tool
 * masks N4 with): a histogram of `bins` bins from the minimum to the maximum (ITK widens
 * the top by a hundredth of a bin for float data), the bin that maximises the
 * between-class variance, and that bin's upper edge as the threshold.
 */

export function otsuThreshold(data: ArrayLike<number>, bins = 200): number {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) return min;
  const top = max + (max - min) / bins / 100;
  const width = (top - min) / bins;
  const hist = new Float64Array(bins);
  for (let i = 0; i < data.length; i++) {
    const b = Math.min(bins - 1, Math.floor((data[i]! - min) / width));
    hist[b]! += 1;
  }
  let total = 0;
  let totalMean = 0;
  for (let b = 0; b < bins; b++) {
    total += hist[b]!;
    totalMean += hist[b]! * (min + (b + 0.5) * width);
  }
  totalMean /= total;
  // Between-class variance w0·w1·(μ0 − μ1)², written with the running first moment.
  let w0 = 0;
  let m0 = 0;
  let best = -1;
  let bestBin = 0;
  for (let b = 0; b < bins - 1; b++) {
    w0 += hist[b]! / total;
    m0 += (hist[b]! / total) * (min + (b + 0.5) * width);
    const w1 = 1 - w0;
    if (w0 <= 0 || w1 <= 0) continue;
    const diff = totalMean * w0 - m0;
    const between = (diff * diff) / (w0 * w1);
    if (between > best) {
      best = between;
      bestBin = b;
    }
  }
  return min + (bestBin + 1) * width;
}

/** 1 where the value is above Otsu's threshold (the head), 0 elsewhere. */
export function otsuMask(data: ArrayLike<number>, bins = 200): Uint8Array {
  const t = otsuThreshold(data, bins);
  const mask = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) mask[i] = data[i]! > t ? 1 : 0;
  return mask;
}
