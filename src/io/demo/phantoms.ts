/**
 * Synthetic phantoms for the demo cohort: a head (scalp, skull, CSF, grey and
 * white matter, ventricles, an enhancing tumour with oedema around it) and an
 * abdomen (fat, muscle, liver with a lesion, kidneys, aorta, spine). Shapes
 * are ellipsoids and cylinders in world millimetres; images sample them at
 * voxel centres and add seeded noise, so every run gives the same bytes.
 * Nothing here comes from a person.
 */
import type { Vec3 } from '../../shared/volume.ts';

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Roughly normal noise (sum of three uniforms), mean 0, standard deviation ≈ sigma. */
export function noise(random: () => number, sigma: number): number {
  return (random() + random() + random() - 1.5) * 2 * sigma;
}

/** Inside the ellipsoid with this centre and semi-axes? */
function inEllipsoid(p: Vec3, c: Vec3, r: Vec3): boolean {
  const x = (p[0] - c[0]) / r[0], y = (p[1] - c[1]) / r[1], z = (p[2] - c[2]) / r[2];
  return x * x + y * y + z * z <= 1;
}

function grow(r: Vec3, by: number): Vec3 {
  return [r[0] + by, r[1] + by, r[2] + by];
}

// ---------------------------------------------------------------------- head

export type HeadTissue = 'air' | 'scalp' | 'skull' | 'csf' | 'grey' | 'white' | 'ventricle' | 'oedema' | 'tumour';

/**
 * A head in patient coordinates (mm; the axes are whatever the image's world
 * is: LPS for DICOM): outer surface an ellipsoid, each layer inside the last.
 */
export interface HeadPhantom {
  centre: Vec3;
  /** Semi-axes of the scalp surface. */
  radii: Vec3;
  tumour: { centre: Vec3; radius: number; oedema: number };
}

/** Layer depths from the scalp surface inwards, mm. */
const SKULL_AT = 4, CSF_AT = 9, GREY_AT = 11, WHITE_AT = 15;

export function headTissue(h: HeadPhantom, p: Vec3): HeadTissue {
  const { centre: c, radii: r, tumour: t } = h;
  if (!inEllipsoid(p, c, r)) return 'air';
  if (!inEllipsoid(p, c, grow(r, -SKULL_AT))) return 'scalp';
  if (!inEllipsoid(p, c, grow(r, -CSF_AT))) return 'skull';
  if (!inEllipsoid(p, c, grow(r, -GREY_AT))) return 'csf';
  const dx = p[0] - t.centre[0], dy = p[1] - t.centre[1], dz = p[2] - t.centre[2];
  const d2 = dx * dx + dy * dy + dz * dz;
  if (d2 <= t.radius * t.radius) return 'tumour';
  if (d2 <= (t.radius + t.oedema) ** 2) return 'oedema';
  // Two lateral ventricles either side of the midline (first axis).
  const v: Vec3 = [r[0] * 0.15, r[1] * 0.3, r[2] * 0.25];
  if (inEllipsoid(p, [c[0] - v[0] * 0.9, c[1], c[2] + 2], v) || inEllipsoid(p, [c[0] + v[0] * 0.9, c[1], c[2] + 2], v)) return 'ventricle';
  if (!inEllipsoid(p, c, grow(r, -WHITE_AT))) return 'grey';
  return 'white';
}

/** MR signal per tissue for two contrasts (arbitrary units, 12-bit range). */
export const MR_CONTRASTS: Readonly<Record<'t1' | 'flair', Readonly<Record<HeadTissue, number>>>> = Object.freeze({
  // T1 after contrast: fat-rich scalp bright, CSF dark, white > grey, enhancing tumour brightest.
  t1: { air: 0, scalp: 760, skull: 70, csf: 170, grey: 470, white: 640, ventricle: 150, oedema: 400, tumour: 1180 },
  // FLAIR: CSF suppressed, oedema and tumour bright.
  flair: { air: 0, scalp: 430, skull: 40, csf: 70, grey: 560, white: 460, ventricle: 50, oedema: 1050, tumour: 900 },
});

// ------------------------------------------------------------------- abdomen

export type AbdomenTissue = 'air' | 'fat' | 'muscle' | 'liver' | 'lesion' | 'kidney' | 'aorta' | 'bone' | 'canal';

/** CT numbers (HU) per tissue, portal-venous-like phase. */
export const CT_HU: Readonly<Record<AbdomenTissue, number>> = Object.freeze({
  air: -1000, fat: -100, muscle: 45, liver: 60, lesion: 15, kidney: 160, aorta: 180, bone: 650, canal: 20,
});

/**
 * An abdomen in NIfTI world millimetres, RAS+: +x towards the patient's
 * right, +y anterior, +z superior; origin at the body's centre. So the liver
 * (patient's right) sits at x > 0, the aorta just left of the midline
 * (x < 0), the spine posterior (y < 0).
 */
export interface AbdomenPhantom {
  /** Semi-axes of the body outline (an elliptic cylinder along z), mm. */
  body: [number, number];
  /** Subcutaneous fat thickness, mm. */
  fat: number;
  liver: { centre: Vec3; radii: Vec3 };
  lesion: { centre: Vec3; radius: number };
  kidneys: { centres: [Vec3, Vec3]; radii: Vec3 };
  aorta: { centre: [number, number]; radius: number };
  spine: { centre: [number, number]; radius: number; canal: number };
}

export function abdomenTissue(a: AbdomenPhantom, p: Vec3): AbdomenTissue {
  const [x, y] = p;
  const ex = x / a.body[0], ey = y / a.body[1];
  if (ex * ex + ey * ey > 1) return 'air';
  const ix = x / (a.body[0] - a.fat), iy = y / (a.body[1] - a.fat);
  if (ix * ix + iy * iy > 1) return 'fat';
  const s = a.spine;
  const sx = x - s.centre[0], sy = y - s.centre[1];
  if (sx * sx + sy * sy <= s.radius * s.radius) return 'bone';
  const cy = y - (s.centre[1] - s.radius - s.canal);
  if (sx * sx + cy * cy <= s.canal * s.canal) return 'canal';
  const ax = x - a.aorta.centre[0], ay = y - a.aorta.centre[1];
  if (ax * ax + ay * ay <= a.aorta.radius ** 2) return 'aorta';
  const l = a.lesion;
  const lx = p[0] - l.centre[0], ly = p[1] - l.centre[1], lz = p[2] - l.centre[2];
  if (lx * lx + ly * ly + lz * lz <= l.radius * l.radius) return 'lesion';
  if (inEllipsoid(p, a.liver.centre, a.liver.radii)) return 'liver';
  if (inEllipsoid(p, a.kidneys.centres[0], a.kidneys.radii) || inEllipsoid(p, a.kidneys.centres[1], a.kidneys.radii)) return 'kidney';
  return 'muscle';
}
