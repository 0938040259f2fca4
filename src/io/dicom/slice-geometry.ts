/**
 * Slice order and the voxel → world matrix of a DICOM series: slices sorted by
 * ImagePositionPatient projected on the slice normal (row × column cosines),
 * the slice step taken from positions (first to last), and the irregularities
 * worth telling the user about.
 *
 * Missing slices: when a step between neighbours is a whole multiple (within
 * GAP_TOLERANCE) of the typical (median) step, the plan leaves blank slots
 * there, so that every slice read sits exactly at its ImagePositionPatient and
 * dims[2] counts the slots. Blank slots hold 0 (a value every output type
 * holds). dcm2niix (checked: v1.0.20220720) does not fill gaps with a blank
 * value: its main output stacks the slices at the first step, and an extra
 * "_Eq" output interpolates each gap linearly (see dcm2niix.oracle.test.ts).
 * ITK's series reader (not checked here) is known to warn and stack the slices
 * at one spacing. So there is no blank value to copy, and 0 it is.
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
  /**
   * One entry per k slot of the volume: the index of the input slice that fills
   * it, or null for a missing slice (left blank). Duplicates are left out.
   */
  slots: Array<number | null>;
  /** Voxel → LPS mm, row-major 4×4. */
  affineLps: number[];
  warnings: string[];
}

/** Positions closer than this along the normal are the same slice position. */
const DUPLICATE_TOLERANCE_MM = 0.01;
/** A step within this fraction of the typical step from a whole multiple (≥ 2) of it is a gap of missing slices. */
const GAP_TOLERANCE = 0.1;
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
  // A frame of a multi-frame file is named by its number (frame 1 too).
  const multiFrame = new Set(slices.filter((s) => s.frame > 0).map((s) => s.path));
  const names = indices.slice(0, 3).map((i) => multiFrame.has(slices[i]!.path) ? `${slices[i]!.path} frame ${slices[i]!.frame + 1}` : slices[i]!.path);
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
    return { slots: [index], affineLps: affine(colI, colJ, scale(normal, step), s.position ?? [0, 0, 0]), warnings };
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
    return { slots: order, affineLps: affine(colI, colJ, scale(normal, step), origin), warnings };
  }

  const depth = slices.map((s) => dot(s.position!, normal));
  const tie = byInstance(slices);
  const sorted = all.sort((a, b) => depth[a]! - depth[b]! || tie(a, b));
  // Slices within DUPLICATE_TOLERANCE_MM of a group's first slice share its position.
  const groups: number[][] = [];
  for (const i of sorted) {
    const group = groups[groups.length - 1];
    if (group && Math.abs(depth[i]! - depth[group[0]!]!) < DUPLICATE_TOLERANCE_MM) group.push(i);
    else groups.push([i]);
  }
  const order = groups.map((g) => [...g].sort(tie)[0]!);
  const shared = groups.filter((g) => g.length > 1);
  if (shared.length > 0) {
    const sharing = shared.reduce((sum, g) => sum + g.length, 0);
    const repeats = Math.max(...shared.map((g) => g.length));
    const dropped = shared.flatMap((g) => [...g].sort(tie).slice(1));
    const some = shared.length < groups.length ? ` (only ${shared.length} of ${groups.length} positions repeat)` : '';
    warnings.push(warning(DICOM_WARNING.duplicatePositions,
      `${sharing} slices share positions: ${repeats} time points or repeats; keeping the first of each`
      + ` (lowest InstanceNumber), so a 4D series shows only its first time point${some}; left out: ${fewPaths(slices, dropped)}`));
  }
  if (order.length === 1) return single(order[0]!);

  const n = order.length;
  const steps: number[] = [];
  for (let k = 1; k < n; k++) steps.push(depth[order[k]!]! - depth[order[k - 1]!]!);
  const m = median(steps);
  const tolerance = Math.max(0.01, 0.01 * m);
  // Each real slice's slot; a step that is a whole multiple w ≥ 2 of the typical one leaves w − 1 blank slots.
  const slotOf: number[] = [0];
  const gaps: Array<{ k: number; count: number }> = [];
  const plain: number[] = [];
  steps.forEach((s, k) => {
    const whole = Math.round(s / m);
    if (whole >= 2 && Math.abs(s - whole * m) <= GAP_TOLERANCE * m) {
      gaps.push({ k, count: whole - 1 });
      slotOf.push(slotOf[k]! + whole);
    } else {
      plain.push(s);
      slotOf.push(slotOf[k]! + 1);
    }
  });
  const irregular = plain.some((s) => Math.abs(s - m) > tolerance);
  const slotCount = slotOf[n - 1]! + 1;

  const first = slices[order[0]!]!.position!;
  const last = slices[order[n - 1]!]!.position!;
  const step = scale(sub(last, first), 1 / (slotCount - 1));
  const along = dot(step, normal);
  // How far each real slice's position is from where its slot puts it, along the normal.
  let worst = 0;
  order.forEach((i, k) => { worst = Math.max(worst, Math.abs(depth[i]! - depth[order[0]!]! - slotOf[k]! * along)); });

  const uneven = irregular || worst > tolerance;

  const slots: Array<number | null> = new Array<number | null>(slotCount).fill(null);
  order.forEach((i, k) => { slots[slotOf[k]!] = i; });
  if (gaps.length > 0) {
    const missing = slotCount - n;
    const at = (slot: number): string => fmt(depth[order[0]!]! + slot * along, 2);
    const where = gaps.slice(0, 5).map(({ k, count }) => {
      const k0 = slotOf[k]! + 1;
      const after = fewPaths(slices, [order[k]!]);
      return count === 1
        ? `slot ${k0} (${at(k0)} mm along the slice normal, after ${after})`
        : `slots ${k0}–${k0 + count - 1} (${at(k0)} to ${at(k0 + count - 1)} mm along the slice normal, after ${after})`;
    });
    const more = gaps.length > 5 ? ` and ${gaps.length - 5} more gaps` : '';
    warnings.push(warning(DICOM_WARNING.missingSlices,
      `${missing} slice${missing === 1 ? '' : 's'} missing (the usual step is ${fmt(m)} mm): ${where.join('; ')}${more}; `
      + `filled blank (0)${uneven ? '' : ' so that every slice read stays at its ImagePositionPatient'} `
      + `(${slotCount} slices in the volume, ${n} read)`));
  }
  if (uneven) {
    const range = plain.length > 0 ? plain : steps;
    warnings.push(warning(DICOM_WARNING.nonUniformSpacing,
      `slice steps range from ${fmt(Math.min(...range))} to ${fmt(Math.max(...range))} mm (median ${fmt(m)} mm), `
      + `not all whole multiples of it: the volume spreads the slices evenly from first to last, so the positions of slices `
      + `between the first and the last are approximated (up to ${fmt(worst)} mm off their ImagePositionPatient)`));
  }

  const lateral = norm(sub(step, scale(normal, along)));
  const angle = Math.atan2(lateral, Math.abs(along));
  if (angle > TILT_TOLERANCE_RAD) {
    warnings.push(warning(DICOM_WARNING.gantryTilt,
      `slice positions step ${fmt((angle * 180) / Math.PI, 2)}° off the slice normal (gantry tilt); the affine keeps the shear`));
  }
  return { slots, affineLps: affine(colI, colJ, step, first), warnings };
}
