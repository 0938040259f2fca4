/**
 * The benchmark volume: the shared MPRAGE (512×512×120, 0.41×0.41×1.5 mm) averaged 2×2
 * in-plane and linearly resampled to 170 slices: a real 256×256×170 T1, the size class
 * of issue 9. Written as NIfTI for ITK.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Vec3, Volume } from '../../../src/shared/volume.ts';
import { diskFiles } from '../../../src/io/node/files.ts';
import { loadVolume, scanFiles } from '../../../src/io/scan.ts';
import { encodeNifti } from '../../../src/io/nifti/write.ts';
import { halveInPlane } from '../../../src/preprocess/n4/testing/downsample.ts';
import { ROOT } from '../shared/cli.ts';

export const BENCH_DIMS: Vec3 = [256, 256, 170];

export async function benchVolume(outPath: string): Promise<{ data: Float32Array; dims: Vec3 }> {
  const dir = join(ROOT, '../shared/data/dicom/vs-seg-001-t1-mprage');
  const files = await diskFiles(dir);
  const source = (await scanFiles(files)).volumes[0];
  if (!source) throw new Error(`no series in ${dir}`);
  const v: Volume = await loadVolume(source, new Map(files.map((f) => [f.path, f])));
  const sz = v.dims[2];
  const [nx, ny, nz] = BENCH_DIMS;
  const half = halveInPlane(v).data;
  if (half.length !== nx * ny * sz) throw new Error(`the MPRAGE is ${v.dims.join('×')}, expected 512×512×N`);
  const data = new Float32Array(nx * ny * nz);
  const plane = nx * ny;
  for (let k = 0; k < nz; k++) {
    const z = (k * (sz - 1)) / (nz - 1);
    const z0 = Math.min(sz - 2, Math.floor(z));
    const t = z - z0;
    for (let p = 0; p < plane; p++) data[p + plane * k] = (1 - t) * half[p + plane * z0]! + t * half[p + plane * (z0 + 1)]!;
  }
  const spacing: Vec3 = [v.spacing[0] * 2, v.spacing[1] * 2, (v.spacing[2] * (sz - 1)) / (nz - 1)];
  const affine = [spacing[0], 0, 0, 0, 0, spacing[1], 0, 0, 0, 0, spacing[2], 0, 0, 0, 0, 1];
  writeFileSync(outPath, encodeNifti({ data, datatype: 'float32', dims: BENCH_DIMS, affine }));
  return { data, dims: BENCH_DIMS };
}
