// File voxel orders (file-order.ts) and label files read back onto their case's grid (label-grid.ts):
// every signed permutation keeps each voxel's world position, and a label file written in the
// volume's own order (by an earlier version) opens exactly as one in dcm2niix's order.
import { describe, expect, it } from 'vitest';
import { isVolumeError } from '../shared/errors.ts';
import { memoryFile } from '../shared/source-file.ts';
import type { Vec3, Volume } from '../shared/volume.ts';
import { loadOne } from './dicom/testing/load.ts';
import { MR_IMAGE_STORAGE, seriesFiles, type SeriesSpec } from './dicom/testing/synthetic.ts';
import { fileAffine, fileDims, fileOrderOf, fromFileOrder, isVolumeOrder, toFileOrder, type FileOrder } from './file-order.ts';
import { voxelToWorld } from './geometry.ts';
import { labelGridOf, labelVoxelsOnGrid } from './label-grid.ts';
import { readNifti } from './nifti/read.ts';
import { writeLabelNifti } from './nifti/write.ts';

const ALL_ORDERS: FileOrder[] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]].flatMap((axes) =>
  [0, 1, 2, 3, 4, 5, 6, 7].map((c) => ({ axes: axes as [number, number, number], flip: [(c & 1) > 0, (c & 2) > 0, (c & 4) > 0] as [boolean, boolean, boolean] })));

describe('file voxel orders', () => {
  const dims: Vec3 = [3, 4, 5];
  const affine = [0.1, -0.9, 0.2, 10, 0.8, 0.1, 0.3, -20, -0.2, 0.25, 2.9, 5, 0, 0, 0, 1];
  const data = Int16Array.from({ length: 60 }, (_, n) => n * 3 - 70);

  it.each(ALL_ORDERS.map((o) => [`${o.axes.join('')} flip ${o.flip.map(Number).join('')}`, o] as const))('%s: each voxel keeps its value and world position; the round trip is exact', (_name, order) => {
    const file = toFileOrder(data, dims, order);
    const fd = fileDims(dims, order);
    const fa = fileAffine(affine, dims, order);
    expect(fd[0] * fd[1] * fd[2]).toBe(60);
    // Every file voxel's world position holds the volume voxel with that world position.
    for (let z = 0; z < fd[2]; z++) for (let y = 0; y < fd[1]; y++) for (let x = 0; x < fd[0]; x++) {
      const w = voxelToWorld(fa, x, y, z);
      const v = data.findIndex((_, n) => {
        const p = voxelToWorld(affine, n % 3, Math.floor(n / 3) % 4, Math.floor(n / 12));
        return Math.hypot(p[0] - w[0], p[1] - w[1], p[2] - w[2]) < 1e-9;
      });
      expect(v, `file voxel ${x},${y},${z}`).toBeGreaterThanOrEqual(0);
      expect(file[x + fd[0] * (y + fd[1] * z)]).toBe(data[v]);
    }
    expect(Array.from(fromFileOrder(file, dims, order))).toEqual(Array.from(data));
  });
});

async function dicomVolume(spec: SeriesSpec): Promise<Volume> {
  return loadOne(await seriesFiles(spec));
}

async function reread(bytes: Uint8Array): Promise<Volume> {
  return readNifti(memoryFile('label.nii.gz', bytes));
}

const mr3d = { modality: 'MR', sopClassUid: MR_IMAGE_STORAGE, extra: [{ tag: 0x00180023, vr: 'CS' as const, value: '3D' }] };

describe('label files on their case grid', () => {
  const specs: Array<[string, SeriesSpec]> = [
    ['2D CT (rows reversed)', { slices: 4, rows: 5, columns: 6 }],
    ['3D MR sagittal (axes permuted)', { slices: 4, rows: 5, columns: 6, orientation: [0, 1, 0, 0, 0, -1], step: [-1.5, 0, 0], image: mr3d }],
  ];

  it.each(specs)('%s: written in the files\' order, an old file in the volume\'s order opens the same', async (_name, spec) => {
    const volume = await dicomVolume(spec);
    const grid = labelGridOf(volume);
    expect(isVolumeOrder(grid.order!)).toBe(false);
    const labels = Uint8Array.from({ length: volume.data.length }, (_, n) => (n * 7) % 5);

    const now = await reread(await writeLabelNifti(labels, grid));
    expect(now.dims).toEqual(fileDims(volume.dims, grid.order!));
    expect(Array.from(now.data)).not.toEqual(Array.from(labels)); // really another order
    expect(Array.from(labelVoxelsOnGrid(now, grid, 'now.nii.gz'))).toEqual(Array.from(labels));

    // What an earlier version wrote: the volume's own order and affine.
    const old = await reread(await writeLabelNifti(labels, { dims: volume.dims, affine: volume.affine }));
    expect(old.dims).toEqual(volume.dims);
    expect(Array.from(labelVoxelsOnGrid(old, grid, 'old.nii.gz'))).toEqual(Array.from(labels));
  });

  it('a label file on another grid is refused, by name', async () => {
    const volume = await dicomVolume({ slices: 4, rows: 5, columns: 6 });
    const other = await dicomVolume({ slices: 4, rows: 5, columns: 6, origin: [-99, -120, -50] });
    const file = await reread(await writeLabelNifti(new Uint8Array(120), labelGridOf(other)));
    let error: unknown;
    try { labelVoxelsOnGrid(file, labelGridOf(volume), 'labels/x.nii.gz'); } catch (e) { error = e; }
    expect(isVolumeError(error) && error.code === 'inconsistent-series' && error.file === 'labels/x.nii.gz').toBe(true);
  });

  it('NIfTI sources keep their own order', async () => {
    const volume = await dicomVolume({ slices: 3, rows: 4, columns: 4 });
    const nifti: Volume = { ...volume, meta: { format: 'nifti', sourcePaths: ['a.nii'], warnings: [] } };
    expect(isVolumeOrder(fileOrderOf(nifti))).toBe(true);
    expect(isVolumeOrder(fileOrderOf(volume))).toBe(false);
  });
});
