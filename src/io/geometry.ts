/**
 * Geometry math shared by the readers and the label writer. Matrices are
 * row-major 4×4 (16 numbers), voxel → world in RAS+ mm unless a name says LPS.
 * The quaternion code follows the NIfTI-1 reference (nifti1_io.c) and nibabel,
 * because a label must land where those tools put it.
 */
import type { Affine, Vec3 } from '../shared/volume.ts';

export const IDENTITY: Affine = Object.freeze([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

export function multiply(a: Affine, b: Affine): number[] {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r * 4 + k]! * b[k * 4 + c]!;
      out[r * 4 + c] = s;
    }
  }
  return out;
}

/** world = A · [i, j, k, 1] */
export function voxelToWorld(a: Affine, i: number, j: number, k: number): Vec3 {
  return [
    a[0]! * i + a[1]! * j + a[2]! * k + a[3]!,
    a[4]! * i + a[5]! * j + a[6]! * k + a[7]!,
    a[8]! * i + a[9]! * j + a[10]! * k + a[11]!,
  ];
}

export function invert(a: Affine): number[] {
  // General 4×4 inverse by cofactors; affines here are small and well conditioned.
  const m = a;
  const inv = new Array<number>(16);
  inv[0] = m[5]! * m[10]! * m[15]! - m[5]! * m[11]! * m[14]! - m[9]! * m[6]! * m[15]! + m[9]! * m[7]! * m[14]! + m[13]! * m[6]! * m[11]! - m[13]! * m[7]! * m[10]!;
  inv[4] = -m[4]! * m[10]! * m[15]! + m[4]! * m[11]! * m[14]! + m[8]! * m[6]! * m[15]! - m[8]! * m[7]! * m[14]! - m[12]! * m[6]! * m[11]! + m[12]! * m[7]! * m[10]!;
  inv[8] = m[4]! * m[9]! * m[15]! - m[4]! * m[11]! * m[13]! - m[8]! * m[5]! * m[15]! + m[8]! * m[7]! * m[13]! + m[12]! * m[5]! * m[11]! - m[12]! * m[7]! * m[9]!;
  inv[12] = -m[4]! * m[9]! * m[14]! + m[4]! * m[10]! * m[13]! + m[8]! * m[5]! * m[14]! - m[8]! * m[6]! * m[13]! - m[12]! * m[5]! * m[10]! + m[12]! * m[6]! * m[9]!;
  inv[1] = -m[1]! * m[10]! * m[15]! + m[1]! * m[11]! * m[14]! + m[9]! * m[2]! * m[15]! - m[9]! * m[3]! * m[14]! - m[13]! * m[2]! * m[11]! + m[13]! * m[3]! * m[10]!;
  inv[5] = m[0]! * m[10]! * m[15]! - m[0]! * m[11]! * m[14]! - m[8]! * m[2]! * m[15]! + m[8]! * m[3]! * m[14]! + m[12]! * m[2]! * m[11]! - m[12]! * m[3]! * m[10]!;
  inv[9] = -m[0]! * m[9]! * m[15]! + m[0]! * m[11]! * m[13]! + m[8]! * m[1]! * m[15]! - m[8]! * m[3]! * m[13]! - m[12]! * m[1]! * m[11]! + m[12]! * m[3]! * m[9]!;
  inv[13] = m[0]! * m[9]! * m[14]! - m[0]! * m[10]! * m[13]! - m[8]! * m[1]! * m[14]! + m[8]! * m[2]! * m[13]! + m[12]! * m[1]! * m[10]! - m[12]! * m[2]! * m[9]!;
  inv[2] = m[1]! * m[6]! * m[15]! - m[1]! * m[7]! * m[14]! - m[5]! * m[2]! * m[15]! + m[5]! * m[3]! * m[14]! + m[13]! * m[2]! * m[7]! - m[13]! * m[3]! * m[6]!;
  inv[6] = -m[0]! * m[6]! * m[15]! + m[0]! * m[7]! * m[14]! + m[4]! * m[2]! * m[15]! - m[4]! * m[3]! * m[14]! - m[12]! * m[2]! * m[7]! + m[12]! * m[3]! * m[6]!;
  inv[10] = m[0]! * m[5]! * m[15]! - m[0]! * m[7]! * m[13]! - m[4]! * m[1]! * m[15]! + m[4]! * m[3]! * m[13]! + m[12]! * m[1]! * m[7]! - m[12]! * m[3]! * m[5]!;
  inv[14] = -m[0]! * m[5]! * m[14]! + m[0]! * m[6]! * m[13]! + m[4]! * m[1]! * m[14]! - m[4]! * m[2]! * m[13]! - m[12]! * m[1]! * m[6]! + m[12]! * m[2]! * m[5]!;
  inv[3] = -m[1]! * m[6]! * m[11]! + m[1]! * m[7]! * m[10]! + m[5]! * m[2]! * m[11]! - m[5]! * m[3]! * m[10]! - m[9]! * m[2]! * m[7]! + m[9]! * m[3]! * m[6]!;
  inv[7] = m[0]! * m[6]! * m[11]! - m[0]! * m[7]! * m[10]! - m[4]! * m[2]! * m[11]! + m[4]! * m[3]! * m[10]! + m[8]! * m[2]! * m[7]! - m[8]! * m[3]! * m[6]!;
  inv[11] = -m[0]! * m[5]! * m[11]! + m[0]! * m[7]! * m[9]! + m[4]! * m[1]! * m[11]! - m[4]! * m[3]! * m[9]! - m[8]! * m[1]! * m[7]! + m[8]! * m[3]! * m[5]!;
  inv[15] = m[0]! * m[5]! * m[10]! - m[0]! * m[6]! * m[9]! - m[4]! * m[1]! * m[10]! + m[4]! * m[2]! * m[9]! + m[8]! * m[1]! * m[6]! - m[8]! * m[2]! * m[5]!;
  const det = m[0]! * inv[0]! + m[1]! * inv[4]! + m[2]! * inv[8]! + m[3]! * inv[12]!;
  if (det === 0 || !Number.isFinite(det)) throw new Error('singular affine');
  return inv.map((v) => v! / det);
}

/** Column lengths of the 3×3 part: voxel sizes in mm along i, j, k. */
export function affineSpacing(a: Affine): Vec3 {
  const col = (c: number) => Math.hypot(a[c]!, a[4 + c]!, a[8 + c]!);
  return [col(0), col(1), col(2)];
}

/** Negate the first two rows: LPS (DICOM patient) ↔ RAS (NIfTI). */
export function lpsToRas(a: Affine): number[] {
  return a.map((v, idx) => (idx < 8 ? -v : v));
}

/**
 * The affine nibabel builds from a NIfTI quaternion (quatern_b/c/d, qoffset,
 * pixdim with qfac = pixdim[0]). Mirrors nifti1_io.c's
 * nifti_quatern_to_mat44 and nibabel's Nifti1Header.get_qform.
 */
export function qformToAffine(quatern: Vec3, qoffset: Vec3, pixdim: readonly number[]): number[] {
  let [b, c, d] = quatern;
  // nibabel fills `a` from b, c, d; tiny negative remainders count as zero.
  const w2 = 1 - (b * b + c * c + d * d);
  const threshold = -3 * 1.1920929e-7; // 3 · float32 eps, as nibabel
  let a: number;
  if (w2 < 0) {
    if (w2 < threshold) {
      // Not a unit quaternion: normalise (b,c,d) and use a = 0, as nifti1_io does.
      const n = Math.sqrt(b * b + c * c + d * d);
      b /= n; c /= n; d /= n;
    }
    a = 0;
  } else {
    a = Math.sqrt(w2);
  }
  const r = [
    a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
    2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b),
    2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b,
  ];
  const qfac = pixdim[0]! < 0 ? -1 : 1;
  const dx = Math.abs(pixdim[1] ?? 1) || 1;
  const dy = Math.abs(pixdim[2] ?? 1) || 1;
  const dz = (Math.abs(pixdim[3] ?? 1) || 1) * qfac;
  return [
    r[0]! * dx, r[1]! * dy, r[2]! * dz, qoffset[0],
    r[3]! * dx, r[4]! * dy, r[5]! * dz, qoffset[1],
    r[6]! * dx, r[7]! * dy, r[8]! * dz, qoffset[2],
    0, 0, 0, 1,
  ];
}

/**
 * nibabel's fallback when neither sform nor qform is set
 * (Nifti1Header.get_base_affine: shape_zoom_affine with x flipped, centred).
 */
export function baseAffine(dims: Vec3, pixdim: readonly number[]): number[] {
  const z = [Math.abs(pixdim[1] ?? 1) || 1, Math.abs(pixdim[2] ?? 1) || 1, Math.abs(pixdim[3] ?? 1) || 1];
  const zx = -z[0]!;
  const o = dims.map((n) => (n - 1) / 2);
  return [
    zx, 0, 0, -o[0]! * zx,
    0, z[1]!, 0, -o[1]! * z[1]!,
    0, 0, z[2]!, -o[2]! * z[2]!,
    0, 0, 0, 1,
  ];
}

/**
 * Quaternion representation of an affine for the NIfTI qform, as
 * nifti1_io.c's nifti_mat44_to_quatern: the rotation part after removing
 * voxel sizes; a left-handed matrix gets qfac = -1 with the third column negated.
 * A sheared matrix (gantry tilt) cannot be held by a qform; the nearest
 * rotation is used by orthogonalising, as the reference does.
 */
export function affineToQform(aff: Affine): { quatern: Vec3; qoffset: Vec3; spacing: Vec3; qfac: 1 | -1 } {
  let r11 = aff[0]!, r12 = aff[1]!, r13 = aff[2]!;
  let r21 = aff[4]!, r22 = aff[5]!, r23 = aff[6]!;
  let r31 = aff[8]!, r32 = aff[9]!, r33 = aff[10]!;
  const qoffset: Vec3 = [aff[3]!, aff[7]!, aff[11]!];
  let xd = Math.hypot(r11, r21, r31);
  let yd = Math.hypot(r12, r22, r32);
  let zd = Math.hypot(r13, r23, r33);
  if (xd === 0) { r11 = 1; r21 = 0; r31 = 0; xd = 1; }
  if (yd === 0) { r22 = 1; r12 = 0; r32 = 0; yd = 1; }
  if (zd === 0) { r33 = 1; r13 = 0; r23 = 0; zd = 1; }
  const spacing: Vec3 = [xd, yd, zd];
  r11 /= xd; r21 /= xd; r31 /= xd;
  r12 /= yd; r22 /= yd; r32 /= yd;
  r13 /= zd; r23 /= zd; r33 /= zd;
  // Orthogonalise (polar decomposition by iteration, as nifti_mat33_polar).
  let m = [r11, r12, r13, r21, r22, r23, r31, r32, r33];
  m = polar(m);
  [r11, r12, r13, r21, r22, r23, r31, r32, r33] = m as [number, number, number, number, number, number, number, number, number];
  const det = r11 * r22 * r33 - r11 * r32 * r23 - r21 * r12 * r33 + r21 * r32 * r13 + r31 * r12 * r23 - r31 * r22 * r13;
  let qfac: 1 | -1 = 1;
  if (det <= 0) { qfac = -1; r13 = -r13; r23 = -r23; r33 = -r33; }
  let a = r11 + r22 + r33 + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = 0.25 * (r32 - r23) / a;
    c = 0.25 * (r13 - r31) / a;
    d = 0.25 * (r21 - r12) / a;
  } else {
    const xx = 1 + r11 - (r22 + r33);
    const yy = 1 + r22 - (r11 + r33);
    const zz = 1 + r33 - (r11 + r22);
    if (xx > 1) {
      b = 0.5 * Math.sqrt(xx); c = 0.25 * (r12 + r21) / b; d = 0.25 * (r13 + r31) / b; a = 0.25 * (r32 - r23) / b;
    } else if (yy > 1) {
      c = 0.5 * Math.sqrt(yy); b = 0.25 * (r12 + r21) / c; d = 0.25 * (r23 + r32) / c; a = 0.25 * (r13 - r31) / c;
    } else {
      d = 0.5 * Math.sqrt(zz); b = 0.25 * (r13 + r31) / d; c = 0.25 * (r23 + r32) / d; a = 0.25 * (r21 - r12) / d;
    }
    if (a < 0) { b = -b; c = -c; d = -d; }
  }
  return { quatern: [b, c, d], qoffset, spacing, qfac };
}

function det3(m: number[]): number {
  return m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
}

function inv3(m: number[]): number[] {
  const d = det3(m);
  return [
    (m[4]! * m[8]! - m[5]! * m[7]!) / d, (m[2]! * m[7]! - m[1]! * m[8]!) / d, (m[1]! * m[5]! - m[2]! * m[4]!) / d,
    (m[5]! * m[6]! - m[3]! * m[8]!) / d, (m[0]! * m[8]! - m[2]! * m[6]!) / d, (m[2]! * m[3]! - m[0]! * m[5]!) / d,
    (m[3]! * m[7]! - m[4]! * m[6]!) / d, (m[1]! * m[6]! - m[0]! * m[7]!) / d, (m[0]! * m[4]! - m[1]! * m[3]!) / d,
  ];
}

/** Nearest orthogonal matrix: Newton iteration X ← (X + X⁻ᵀ)/2. */
function polar(m: number[]): number[] {
  let x = m.slice();
  for (let it = 0; it < 100; it++) {
    const xi = inv3(x);
    const next = x.map((v, idx) => 0.5 * (v + xi[(idx % 3) * 3 + Math.floor(idx / 3)]!));
    const diff = next.reduce((s, v, idx) => s + Math.abs(v - x[idx]!), 0);
    x = next;
    if (diff < 1e-12) break;
  }
  return x;
}

/** Largest absolute difference between two affines, element by element. */
export function maxAffineDifference(a: Affine, b: Affine): number {
  let m = 0;
  for (let idx = 0; idx < 16; idx++) m = Math.max(m, Math.abs(a[idx]! - b[idx]!));
  return m;
}
