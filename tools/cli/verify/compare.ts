/** Engine vs trace, per slice and object: mask IoU, logit and object-score differences. Pure. */

export interface Row {
  pass: string;
  slice: number;
  object: number;
  iou: number;
  /** Largest |engine − trace| low-res logit, both clamped to ±LOGIT_CLAMP. */
  maxLogitDiff: number;
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

export interface Verdict {
  meanIoU: number;
  minIoU: number;
  pass: boolean;
  reasons: string[];
}

export function judge(rows: readonly Row[], minMean = 0.99, minEach = 0.95): Verdict {
  if (rows.length === 0) return { meanIoU: NaN, minIoU: NaN, pass: false, reasons: ['nothing was compared'] };
  const ious = rows.map((r) => r.iou);
  const meanIoU = ious.reduce((s, v) => s + v, 0) / ious.length;
  const minIoU = Math.min(...ious);
  const reasons: string[] = [];
  if (!(meanIoU >= minMean)) reasons.push(`mean IoU ${meanIoU.toFixed(4)} < ${minMean}`);
  const low = rows.filter((r) => !(r.iou >= minEach));
  if (low.length > 0) reasons.push(`${low.length} slice(s) below ${minEach}: ${low.map((r) => `${r.pass} ${r.slice}/obj ${r.object} (${r.iou.toFixed(3)})`).join(', ')}`);
  return { meanIoU, minIoU, pass: reasons.length === 0, reasons };
}
