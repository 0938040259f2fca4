/**
 * Slice order and the voxel → world matrix of a DICOM series: slices sorted by
 * ImagePositionPatient projected on the slice normal (row × column cosines),
 * the slice step taken from positions (first to last), and the irregularities
 * worth telling the user about.
 */
import type { Vec3 } from '../../shared/volume.ts';
import { DICOM_WARNING, warning } from './warnings.ts';

export interface SliceInput {
  position?: Vec3;
  instanceNumber?: number;
  path: string;
  frame: number;
}

export interface GeometryContext {
  /** Six direction cosines (row then column), LPS. */
  orientation?: readonly number[];
  /** [row spacing, column spacing] mm. */
  pixelSpacing?: readonly [number, number];
  imagerPixelSpacing?: readonly [number, number];
  sliceThickness?: number;
  spacingBetweenSlices?: number;
}

export interface SlicePlan {
  /** Indices into the input slices, in k order; duplicates left out. */
  order: number[];
  /** Voxel → LPS mm, row-major 4×4. */
  affineLps: number[];
  warnings: string[];
}

/** Positions closer than this along the normal are the same slice position. */
const DUPLICATE_TOLERANCE_MM = 0.01;
/** Step vectors more than this far from the normal (radians) are a gantry tilt. */
const TILT_TOLERANCE_RAD = 1e-3;

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
const unit = (a: Vec3): Vec3 => scale(a, 1 / norm(a));
const fmt = (v: number, digits = 3): string => String(Number(v.toFixed(digits)));

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function affine(colI: Vec3, colJ: Vec3, colK: Vec3, origin: Vec3): number[] {
  return [
    colI[0], colJ[0], colK[0], origin[0],
    colI[1], colJ[1], colK[1], origin[1],
    colI[2], colJ[2], colK[2], origin[2],
    0, 0, 0, 1,
  ];
}

function byInstance(slices: readonly SliceInput[]) {
  return (a: number, b: number): number => {
    const sa = slices[a]!, sb = slices[b]!;
    return (sa.instanceNumber ?? Infinity) - (sb.instanceNumber ?? Infinity) || 0
      || (sa.path < sb.path ? -1 : sa.path > sb.path ? 1 : 0)
      || sa.frame - sb.frame;
  };
}

function fewPaths(slices: readonly SliceInput[], indices: number[]): string {
  const names = indices.slice(0, 3).map((i) => slices[i]!.frame > 0 ? `${slices[i]!.path} frame ${slices[i]!.frame + 1}` : slices[i]!.path);
  return names.join(', ') + (indices.length > 3 ? ` and ${indices.length - 3} more` : '');
}

export function planSlices(slices: readonly SliceInput[], ctx: GeometryContext): SlicePlan {
  const warnings: string[] = [];
  let row: Vec3 = [1, 0, 0];
  let col: Vec3 = [0, 1, 0];
  const o = ctx.orientation;
  if (o && o.length >= 6) {
    row = unit([o[0]!, o[1]!, o[2]!]);
    col = unit([o[3]!, o[4]!, o[5]!]);
  } else {
    warnings.push(warning(DICOM_WARNING.noOrientation,
      'no ImageOrientationPatient: identity orientation assumed (rows along patient left, columns along posterior)'));
  }
  const normal = unit(cross(row, col));
  let ps = ctx.pixelSpacing;
  if (!ps && ctx.imagerPixelSpacing) {
    ps = ctx.imagerPixelSpacing;
    warnings.push(warning(DICOM_WARNING.imagerPixelSpacing,
      `no PixelSpacing: ImagerPixelSpacing (${fmt(ps[0])} × ${fmt(ps[1])} mm, at the detector) used`));
  }
  if (!ps) {
    ps = [1, 1];
    warnings.push(warning(DICOM_WARNING.noPixelSpacing, 'no PixelSpacing: 1 mm pixels assumed'));
  }
  const colI = scale(row, ps[1]);
  const colJ = scale(col, ps[0]);
  const all = slices.map((_, i) => i);

  const single = (index: number): SlicePlan => {
    const s = slices[index]!;
    const thickness = ctx.sliceThickness !== undefined && ctx.sliceThickness > 0 ? ctx.sliceThickness : undefined;
    const step = thickness ?? 1;
    warnings.push(warning(DICOM_WARNING.singleSlice, thickness !== undefined
      ? `one slice only: its thickness along the slice axis is the SliceThickness (${fmt(step)} mm)`
      : 'one slice only and no SliceThickness: 1 mm assumed along the slice axis'));
    if (!s.position) warnings.push(warning(DICOM_WARNING.noPosition, 'no ImagePositionPatient: the slice is placed at the origin'));
    return { order: [index], affineLps: affine(colI, colJ, scale(normal, step), s.position ?? [0, 0, 0]), warnings };
  };

  if (slices.length === 1) return single(0);

  const missing = all.filter((i) => !slices[i]!.position);
  if (missing.length > 0) {
    const order = all.sort(byInstance(slices));
    const sbs = ctx.spacingBetweenSlices, st = ctx.sliceThickness;
    const step = sbs !== undefined && sbs > 0 ? sbs : st !== undefined && st > 0 ? st : 1;
    warnings.push(warning(DICOM_WARNING.noPosition,
      `${missing.length} of ${slices.length} slices have no ImagePositionPatient: slices ordered by InstanceNumber, ${fmt(step)} mm apart`));
    const origin = slices[order[0]!]!.position ?? [0, 0, 0];
    return { order, affineLps: affine(colI, colJ, scale(normal, step), origin), warnings };
  }

  const depth = slices.map((s) => dot(s.position!, normal));
  const tie = byInstance(slices);
  const sorted = all.sort((a, b) => depth[a]! - depth[b]! || tie(a, b));
  const order: number[] = [];
  const dropped: number[] = [];
  for (const i of sorted) {
    const last = order[order.length - 1];
    if (last !== undefined && Math.abs(depth[i]! - depth[last]!) < DUPLICATE_TOLERANCE_MM) dropped.push(i);
    else order.push(i);
  }
  if (dropped.length > 0) {
    warnings.push(warning(DICOM_WARNING.duplicatePositions,
      `${dropped.length} slice(s) share a position with another slice; the first by InstanceNumber was kept (left out: ${fewPaths(slices, dropped)})`));
  }
  if (order.length === 1) return single(order[0]!);

  const n = order.length;
  const steps: number[] = [];
  for (let k = 1; k < n; k++) steps.push(depth[order[k]!]! - depth[order[k - 1]!]!);
  const m = median(steps);
  let missingCount = 0;
  const gapAfter: number[] = [];
  let irregular = 0;
  steps.forEach((s, k) => {
    const r = s / m;
    const whole = Math.round(r);
    if (r > 1.5 && Math.abs(r - whole) < 0.25) {
      missingCount += whole - 1;
      gapAfter.push(order[k]!);
    } else if (Math.abs(s - m) > Math.max(0.01, 0.01 * m)) {
      irregular++;
    }
  });
  if (missingCount > 0) {
    warnings.push(warning(DICOM_WARNING.missingSlices,
      `about ${missingCount} slice(s) missing (gap after ${fewPaths(slices, gapAfter)}; the usual step is ${fmt(m)} mm); `
      + 'the volume spreads the slices it has evenly from first to last'));
  }
  if (irregular > 0) {
    warnings.push(warning(DICOM_WARNING.nonUniformSpacing,
      `slice steps range from ${fmt(Math.min(...steps))} to ${fmt(Math.max(...steps))} mm (median ${fmt(m)} mm); `
      + 'the volume spreads the slices evenly from first to last'));
  }

  const first = slices[order[0]!]!.position!;
  const last = slices[order[n - 1]!]!.position!;
  const step = scale(sub(last, first), 1 / (n - 1));
  const along = dot(step, normal);
  const lateral = norm(sub(step, scale(normal, along)));
  const angle = Math.atan2(lateral, Math.abs(along));
  if (angle > TILT_TOLERANCE_RAD) {
    warnings.push(warning(DICOM_WARNING.gantryTilt,
      `slice positions step ${fmt((angle * 180) / Math.PI, 2)}° off the slice normal (gantry tilt); the affine keeps the shear`));
  }
  return { order, affineLps: affine(colI, colJ, step, first), warnings };
}
