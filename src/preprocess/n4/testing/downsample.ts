/** 2×2 in-plane averaging (i, j halved; k kept): a quarter of the voxels, same anatomy. */
import type { Vec3 } from '../../../shared/volume.ts';

export function halveInPlane(volume: { data: ArrayLike<number>; dims: Vec3 }): { data: Float32Array; dims: Vec3 } {
  const [sx, sy, sz] = volume.dims;
  const nx = Math.floor(sx / 2), ny = Math.floor(sy / 2);
  const data = new Float32Array(nx * ny * sz);
  const src = volume.data;
  for (let k = 0; k < sz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const a = 2 * i + sx * (2 * j + sy * k);
    data[i + nx * (j + ny * k)] = (src[a]! + src[a + 1]! + src[a + sx]! + src[a + sx + 1]!) / 4;
  }
  return { data, dims: [nx, ny, sz] };
}
