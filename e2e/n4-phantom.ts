/**
 * A small synthetic MR head for the N4 end-to-end test: background, a bright "scalp" shell,
 * two tissues in stripes inside, a little noise, all multiplied by a smooth bias (a ±30 %
 * ramp from left to right, as a receive coil on one side gives). Stored as int16.
 */
import type { Vec3 } from '../src/shared/volume.ts';

export interface MrPhantom {
  dims: Vec3;
  /** Biased voxels, i fastest. */
  data: Int16Array;
  /** 1 for the inner tissue (where the bias is measured). */
  tissue: Uint8Array;
  /** 1 for the brighter of the two inner tissues. */
  bright: Uint8Array;
}

/** Deterministic standard normals (Box–Muller over a 32-bit LCG). */
function normals(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

export function mrPhantom(dims: Vec3, seed = 7): MrPhantom {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const data = new Int16Array(n);
  const tissue = new Uint8Array(n);
  const bright = new Uint8Array(n);
  const noise = normals(n, seed);
  let i = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        const r = Math.hypot((x - nx / 2) / (0.45 * nx), (y - ny / 2) / (0.45 * ny), (z - nz / 2) / (0.6 * nz));
        const stripe = Math.floor(y / 8) % 2 === 0;
        let v = 5;
        if (r < 1) v = 250;
        if (r < 0.85) {
          v = stripe ? 180 : 110;
          tissue[i] = 1;
          bright[i] = stripe ? 1 : 0;
        }
        const bias = 1 + 0.3 * (nx > 1 ? (2 * x) / (nx - 1) - 1 : 0);
        data[i] = Math.round((v + 4 * noise[i]!) * bias * 4);
      }
    }
  }
  return { dims, data, tissue, bright };
}

/** Mean of the bright tissue in the right half over the left half (1 = no left–right bias). */
export function rightLeftRatio(p: MrPhantom, image: ArrayLike<number>): number {
  const [nx] = p.dims;
  let left = 0, nl = 0, right = 0, nr = 0;
  for (let i = 0; i < image.length; i++) {
    if (!p.bright[i]) continue;
    const x = i % nx;
    if (x < nx / 2) { left += image[i]!; nl++; } else { right += image[i]!; nr++; }
  }
  return right / nr / (left / nl);
}
