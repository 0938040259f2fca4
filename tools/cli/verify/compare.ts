/**
 * Engine vs trace, per step, slice and object: low-res logit differences (the verdict), mask
 * IoU and object-score differences (reported). Pure.
 *
 * Why logits: on random weights masks cover most of the slice, so a bank error that moves
 * every logit by 0.3 barely moves the IoU. Two measures see it: the largest difference
 * relative to the slice's logit range, and whether the pixels near the decision boundary
 * (|logit| ≤ SIGN_BAND in the trace) fall on the same side of it.
 */

export interface LogitComparison {
  /** Largest |engine − trace| low-res logit, both clamped to ±LOGIT_CLAMP. */
  maxLogitDiff: number;
  /** max − min of the trace's clamped logits on the slice. */
  logitRange: number;
  /** maxLogitDiff / max(logitRange, 1). */
  relativeDiff: number;
  /** The 99th percentile of |engine − trace| / max(logitRange, 1): what most pixels differ by. */
  relativeP99: number;
  /** Trace pixels with |logit| ≤ SIGN_BAND, and how many of them the engine puts on the same side of 0. */
  bandPixels: number;
  bandAgree: number;
}

export interface Row extends LogitComparison {
  step: number;
  pass: string;
  slice: number;
  object: number;
  iou: number;
  scoreDiff: number;
  enginePixels: number;
  tracePixels: number;
}

/** The −1024 "no object" fill would swamp every other difference; ±32 is SAM2's own clamp of mask logits. */
export const LOGIT_CLAMP = 32;

export function maskIoU(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`masks of ${a.length} and ${b.length} pixels`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! > 0;
    const y = b[i]! > 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/** Logits within ±2 of 0 (probabilities 0.12–0.88): where a small error turns a pixel over. */
export const SIGN_BAND = 2;

export function compareLogits(engine: ArrayLike<number>, trace: ArrayLike<number>, clamp = LOGIT_CLAMP): LogitComparison {
  if (engine.length !== trace.length) throw new RangeError(`logits of ${engine.length} and ${trace.length} values`);
  const c = (v: number) => Math.max(-clamp, Math.min(clamp, v));
  let max = 0;
  let lo = Infinity;
  let hi = -Infinity;
  let bandPixels = 0;
  let bandAgree = 0;
  const diffs = new Float32Array(trace.length);
  for (let i = 0; i < trace.length; i++) {
    const e = c(engine[i]!);
    const t = c(trace[i]!);
    const d = Math.abs(e - t);
    diffs[i] = d;
    if (Number.isNaN(d)) max = NaN; // a NaN is the largest difference
    else if (d > max) max = d;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
    if (Math.abs(t) <= SIGN_BAND) {
      bandPixels++;
      if (e > 0 === t > 0) bandAgree++;
    }
  }
  const logitRange = trace.length > 0 ? hi - lo : 0;
  diffs.sort(); // NaN sorts last
  const p99 = diffs.length > 0 ? diffs[Math.min(diffs.length - 1, Math.floor(0.99 * diffs.length))]! : 0;
  const scale = Math.max(logitRange, 1);
  return { maxLogitDiff: max, logitRange, relativeDiff: max / scale, relativeP99: Number.isNaN(max) ? NaN : p99 / scale, bandPixels, bandAgree };
}

export function maxLogitDiff(a: ArrayLike<number>, b: ArrayLike<number>, clamp = LOGIT_CLAMP): number {
  if (a.length !== b.length) throw new RangeError(`logits of ${a.length} and ${b.length} values`);
  const c = (v: number) => Math.max(-clamp, Math.min(clamp, v));
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(c(a[i]!) - c(b[i]!));
    if (Number.isNaN(d)) return NaN; // a NaN is the largest difference
    if (d > m) m = d;
  }
  return m;
}

export interface Tolerance {
  /** Difference allowed relative to a slice's logit range: the largest ('max'), or what 99 % of its pixels stay within ('p99'). */
  relative: number;
  of: 'max' | 'p99';
  /** Share of the near-boundary pixels (over all slices) that must agree in sign. */
  sign: number;
}

/** fp32 graphs against fp32 PyTorch: float32 rounding only (a 60-slice trace differs by ~1e-6 of the range). */
export const FP32_TOLERANCE: Tolerance = { relative: 1e-4, of: 'max', sign: 0.999 };
/**
 * fp16 weights (fp32 compute) against the fp32 checkpoint: the weights differ, and where that
 * turns a near-zero pixel over, hole filling and sprinkle removal set it to ±0.1, so the largest
 * difference is ~0.1–0.25 whatever the bank does. Judged on what 99 % of the pixels stay within
 * (a bank error moves them all) and on the sign near the boundary. The random-init SAM 2.1
 * tiny's fp16 export stays within 2.2e-4 on the 60-slice trace; the old retention reaches 1e-2.
 */
export const FP16_TOLERANCE: Tolerance = { relative: 2e-3, of: 'p99', sign: 0.999 };

export interface Verdict {
  pass: boolean;
  reasons: string[];
  maxRelative: number;
  maxLogitDiff: number;
  signAgreement: number;
  meanIoU: number;
  minIoU: number;
}

/** The verdict on logits; IoU is reported, not judged. */
export function judge(rows: readonly Row[], tol: Tolerance = FP32_TOLERANCE): Verdict {
  const none = { pass: false, reasons: ['nothing was compared'], maxRelative: NaN, maxLogitDiff: NaN, signAgreement: NaN, meanIoU: NaN, minIoU: NaN };
  if (rows.length === 0) return none;
  const ious = rows.map((r) => r.iou);
  const meanIoU = ious.reduce((s, v) => s + v, 0) / ious.length;
  const minIoU = Math.min(...ious);
  const worst = (f: (r: Row) => number) => rows.reduce((m, r) => (Number.isNaN(f(r)) || f(r) > m ? f(r) : m), 0);
  const measure = (r: Row) => (tol.of === 'max' ? r.relativeDiff : r.relativeP99);
  const maxRelative = worst(measure);
  const band = rows.reduce((s, r) => s + r.bandPixels, 0);
  const agree = rows.reduce((s, r) => s + r.bandAgree, 0);
  const signAgreement = band === 0 ? 1 : agree / band;
  const reasons: string[] = [];
  if (!(maxRelative <= tol.relative)) {
    const off = rows.filter((r) => !(measure(r) <= tol.relative));
    const at = off.slice(0, 4).map((r) => `step ${r.step} ${r.pass} ${r.slice}/obj ${r.object} (${(measure(r) * Math.max(r.logitRange, 1)).toExponential(2)} of ${r.logitRange.toFixed(1)})`).join(', ');
    const what = tol.of === 'max' ? 'logits differ by up to' : '99 % of the pixels\' logits differ by up to';
    reasons.push(`${what} ${maxRelative.toExponential(2)} of their range (allowed ${tol.relative.toExponential(0)}) on ${off.length} of ${rows.length} slices: ${at}${off.length > 4 ? ', …' : ''}`);
  }
  if (!(signAgreement >= tol.sign)) {
    reasons.push(`${band - agree} of ${band} pixels near the boundary turn over (sign agreement ${signAgreement.toFixed(5)} < ${tol.sign})`);
  }
  return { pass: reasons.length === 0, reasons, maxRelative, maxLogitDiff: worst((r) => r.maxLogitDiff), signAgreement, meanIoU, minIoU };
}
