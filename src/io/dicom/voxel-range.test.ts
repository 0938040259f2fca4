import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { knownVoxelRange, measureVoxelRange } from '../../shared/voxel-range.ts';
import { diskFiles } from '../node/files.ts';
import { loadOne } from './testing/load.ts';
import { seriesFiles, type SeriesSpec } from './testing/synthetic.ts';

// The range the reader keeps for the viewer (series-voxels.ts) must be the volume's own, or absent.
const small: SeriesSpec = { slices: 5, rows: 3, columns: 4 };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the voxel range a DICOM read keeps', () => {
  it('is the voxels\' own range where the stored values are the volume\'s, read whole or in place', async () => {
    const spec: SeriesSpec = { ...small, type: 'int16', value: (i, j, k) => (k === 3 && i === 2 && j === 1 ? -700 : 10 * i + j + 100 * k) };
    const files = await seriesFiles(spec);
    const whole = await loadOne(files); // memory files: read whole, then copied
    expect(knownVoxelRange(whole.data)).toEqual({ min: -700, max: 432 });
    expect(measureVoxelRange(whole.data)).toEqual({ min: -700, max: 432 });

    const dir = mkdtempSync(join(tmpdir(), 'slicesam-range-'));
    dirs.push(dir);
    for (const f of files) writeFileSync(join(dir, f.path), await f.read());
    const inPlace = await loadOne(await diskFiles(dir)); // disk files: read into their slots
    expect(Array.from(inPlace.data)).toEqual(Array.from(whole.data));
    expect(knownVoxelRange(inPlace.data)).toEqual({ min: -700, max: 432 });
  });

  it('counts the 0 of slots no slice filled', async () => {
    const files = (await seriesFiles({ ...small, type: 'uint16', value: (i, j, k) => 500 + i + k })).filter((_, k) => k !== 2);
    const v = await loadOne(files);
    expect(v.dims[2]).toBe(5);
    expect(knownVoxelRange(v.data)).toEqual({ min: 0, max: 507 });
    expect(measureVoxelRange(v.data)).toEqual({ min: 0, max: 507 });
  });

  it('masks bits above BitsStored before measuring', async () => {
    const v = await loadOne(await seriesFiles({ ...small, type: 'uint16', image: { bitsStored: 12 }, value: (i) => 0x8000 | (100 + i) }));
    expect(knownVoxelRange(v.data)).toEqual({ min: 100, max: 103 });
  });

  it('is not kept where slices are scaled (the main thread measures those)', async () => {
    const ct = await loadOne(await seriesFiles({ ...small, type: 'int16', intercept: -1024, value: (i) => i }));
    expect(knownVoxelRange(ct.data)).toBeUndefined();
    const fractional = await loadOne(await seriesFiles({ ...small, type: 'uint16', slope: 0.5, value: (i) => i }));
    expect(knownVoxelRange(fractional.data)).toBeUndefined();
  });
});
