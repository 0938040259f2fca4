// The DICOM reader against dcm2niix: every voxel centre we place in the world
// must land on a voxel centre of dcm2niix's NIfTI holding the same value
// (dcm2niix may flip axes, so voxels are compared through world positions).
// Skipped where dcm2niix is not installed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SourceFile } from '../../shared/source-file.ts';
import type { Volume } from '../../shared/volume.ts';
import { invert, voxelToWorld } from '../geometry.ts';
import { readNifti } from '../nifti/read.ts';
import { diskFile, diskFiles } from '../node/files.ts';
import { loadOne } from './testing/load.ts';
import { cross, type SeriesSpec, seriesFiles } from './testing/synthetic.ts';

function hasDcm2niix(): boolean {
  try {
    execFileSync('dcm2niix', ['-v'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    // `dcm2niix -v` exits non-zero on some versions; a missing binary throws ENOENT.
    return (e as { code?: string }).code !== 'ENOENT';
  }
}

async function dcm2niix(folder: string): Promise<Volume> {
  const out = mkdtempSync(join(tmpdir(), 'slicesam-dcm2niix-out-'));
  execFileSync('dcm2niix', ['-z', 'n', '-b', 'n', '-f', 'out', '-o', out, folder], { stdio: 'ignore' });
  const nii = readdirSync(out).filter((f) => f.endsWith('.nii')).sort();
  if (!nii[0]) throw new Error(`dcm2niix wrote no NIfTI for ${folder}`);
  return readNifti(await diskFile(join(out, nii[0])));
}

async function toDisk(files: readonly SourceFile[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'slicesam-dcm-'));
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.path), await f.read());
  return dir;
}

/** Every `stride`-th voxel (and all corners) of ours sits on a voxel of theirs with the same value. */
function expectSameVoxels(ours: Volume, theirs: Volume, stride = 1): void {
  const inv = invert(theirs.affine);
  const [nx, ny, nz] = ours.dims;
  expect(nx * ny * nz).toBe(theirs.dims[0] * theirs.dims[1] * theirs.dims[2]);
  let checked = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const corner = (i === 0 || i === nx - 1) && (j === 0 || j === ny - 1) && (k === 0 || k === nz - 1);
        if (!corner && (i + j * nx + k * nx * ny) % stride !== 0) continue;
        const w = voxelToWorld(ours.affine, i, j, k);
        const v = voxelToWorld(inv, w[0], w[1], w[2]);
        const r = v.map(Math.round) as [number, number, number];
        for (let a = 0; a < 3; a++) expect(Math.abs(v[a]! - r[a]!), `voxel ${i},${j},${k} → ${v.join(', ')}`).toBeLessThan(2e-3);
        const idx = r[0] + r[1] * theirs.dims[0] + r[2] * theirs.dims[0] * theirs.dims[1];
        expect(ours.data[i + j * nx + k * nx * ny], `voxel ${i},${j},${k}`).toBeCloseTo(theirs.data[idx]!, 3);
        checked++;
      }
    }
  }
  expect(checked).toBeGreaterThan(8);
}

const real = fileURLToPath(new URL('../../../../shared/data/dicom/vs-seg-001-t1-mprage/', import.meta.url));

describe.skipIf(!hasDcm2niix())('DICOM reader vs dcm2niix', () => {
  const a = Math.PI / 7, b = Math.PI / 9;
  const row = [Math.cos(a), Math.sin(a), 0];
  const col = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
  const n = cross(row, col);
  const cases: Array<[string, SeriesSpec]> = [
    ['axial, int16 with intercept', { slices: 5, rows: 6, columns: 7, intercept: -1024, value: (i, j, k) => i * 3 + j * 50 + k * 700 }],
    ['axial, descending positions', { slices: 4, rows: 5, columns: 6, step: [0, 0, -2.5] }],
    ['oblique', { slices: 5, rows: 6, columns: 5, orientation: [...row, ...col], pixelSpacing: [0.9, 0.6], step: [n[0] * 1.5, n[1] * 1.5, n[2] * 1.5] }],
    ['sagittal', { slices: 4, rows: 5, columns: 6, orientation: [0, 1, 0, 0, 0, -1], step: [-3, 0, 0] }],
    ['coronal, uint16', { slices: 4, rows: 5, columns: 6, orientation: [1, 0, 0, 0, 0, -1], step: [0, 2, 0], type: 'uint16' }],
    ['implicit VR, uint8', { slices: 3, rows: 4, columns: 4, type: 'uint8', write: { transferSyntax: 'implicit-le' }, value: (i, j, k) => i + 4 * j + 16 * k }],
    ['explicit VR big endian', { slices: 3, rows: 4, columns: 4, write: { transferSyntax: 'explicit-be' } }],
  ];

  it.each(cases)('%s', async (_name, spec) => {
    const files = await seriesFiles(spec);
    const ours = await loadOne(files);
    expectSameVoxels(ours, await dcm2niix(await toDisk(files)));
  });

  it.skipIf(!existsSync(real))('the real MPRAGE series', async () => {
    const ours = await loadOne(await diskFiles(real));
    expectSameVoxels(ours, await dcm2niix(real), 997);
  });
});
