/**
 * Known smooth multiplicative fields for recovery tests (what an MR coil does to an
 * image): a ±30 % linear ramp, a quadratic bowl and a low-frequency product of sines,
 * on normalised coordinates −1…1 along each axis.
 */
import type { Vec3 } from '../../../shared/volume.ts';

export type FieldName = 'ramp' | 'bowl' | 'sines';

const SHAPES: Record<FieldName, (x: number, y: number, z: number) => number> = {
  ramp: (_x, y) => 1 + 0.3 * y,
  bowl: (x, y, z) => 0.75 + 0.5 * ((x * x + y * y + z * z) / 3),
  sines: (x, y, z) => 1 + 0.3 * Math.sin(0.8 * Math.PI * x) * Math.sin(0.6 * Math.PI * y + 0.4) * Math.cos(0.5 * Math.PI * z),
};

export function makeField(name: FieldName, dims: Vec3): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float32Array(nx * ny * nz);
  const norm = (i: number, n: number): number => (n > 1 ? (2 * i) / (n - 1) - 1 : 0);
  const shape = SHAPES[name];
  let o = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) out[o++] = shape(norm(i, nx), norm(j, ny), norm(k, nz));
    }
  }
  return out;
}

/** data × field, as float32. */
export function applyField(data: ArrayLike<number>, field: Float32Array): Float32Array {
  const out = new Float32Array(field.length);
  for (let i = 0; i < out.length; i++) out[i] = data[i]! * field[i]!;
  return out;
}
