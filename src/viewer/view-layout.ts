/**
 * The default layout of the three planes, pure: the working plane (axial) in one large tile and
 * the other two stacked beside it (below it on a portrait screen), each at the largest size that
 * fits, the group centred. Reading a lesion of a few centimetres, the working plane gets most of
 * the screen and the other two stay as references; NiiVue's 2 × 2 grid left a quarter black and,
 * on a wide screen, drew every tile at a quarter of the height.
 */

/** A tile as NiiVue's custom layout takes it: left, top, width, height as fractions of the canvas. */
export type TileRect = [number, number, number, number];

/** Field of view of each plane in mm: width and height as shown. */
export interface PlaneFov {
  axial: [number, number];
  coronal: [number, number];
  sagittal: [number, number];
}

export interface HeroLayout {
  axial: TileRect;
  coronal: TileRect;
  sagittal: TileRect;
}

/** The largest share of the canvas's long side the main tile may take, and the gap between tiles in pixels. */
const MAX_MAIN = 0.72;
const GAP = 6;

/** The tiles for a canvas of `width` × `height` pixels (null while it has no size). */
export function heroLayout(width: number, height: number, fov: PlaneFov): HeroLayout | null {
  if (!(width > 0 && height > 0) || ![fov.axial, fov.coronal, fov.sagittal].every(([w, h]) => w > 0 && h > 0)) return null;
  const landscape = width >= height;
  // Work in (long, short) = along the group and across it.
  const [L, S] = landscape ? [width, height] : [height, width];
  const along = (f: [number, number]) => (landscape ? f[0] : f[1]);
  const across = (f: [number, number]) => (landscape ? f[1] : f[0]);
  const main = fov.axial;
  const sides = [fov.coronal, fov.sagittal];
  const sMain = Math.min(S / across(main), (MAX_MAIN * L) / along(main));
  const mainAlong = sMain * along(main);
  // The two others share one scale (the same mm per pixel), stacked across the group.
  const sideAlong = Math.max(...sides.map(along));
  const sideAcross = sides.reduce((t, f) => t + across(f), 0);
  const sSide = Math.min(sMain, (L - mainAlong - GAP) / sideAlong, (S - GAP) / sideAcross);
  if (!(sSide > 0)) return null;
  const groupAlong = mainAlong + GAP + sSide * sideAlong;
  const start = (L - groupAlong) / 2;
  const mainAcross = sMain * across(main);
  const rects: Record<'axial' | 'coronal' | 'sagittal', [number, number, number, number]> = {
    axial: [start, (S - mainAcross) / 2, mainAlong, mainAcross],
    coronal: [0, 0, 0, 0],
    sagittal: [0, 0, 0, 0],
  };
  const sidesAcross = sSide * sideAcross + GAP;
  let at = (S - sidesAcross) / 2;
  for (const [name, f] of [['coronal', fov.coronal], ['sagittal', fov.sagittal]] as const) {
    const a = sSide * along(f);
    const c = sSide * across(f);
    rects[name] = [start + mainAlong + GAP + (sSide * sideAlong - a) / 2, at, a, c];
    at += c + GAP;
  }
  const frac = ([l, t, w, h]: [number, number, number, number]): TileRect =>
    landscape ? [l / width, t / height, w / width, h / height] : [t / width, l / height, h / width, w / height];
  return { axial: frac(rects.axial), coronal: frac(rects.coronal), sagittal: frac(rects.sagittal) };
}
