// The NIfTI reader against nibabel: files written by nibabel in every
// datatype, transform convention, byte order and version must read back with
// nibabel's affine (get_best_affine) and nibabel's scaled voxel values.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPython } from '../../../tools/oracle/run.ts';
import { diskFile } from '../node/files.ts';
import { readNifti } from './read.ts';

let dir = '';
let cases: string[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slicesam-nifti-'));
  runPython('make_nifti_cases.py', [dir]);
  cases = readdirSync(dir).filter((f) => f.endsWith('.expected.json')).map((f) => f.replace('.expected.json', ''));
});

interface Expected { file: string; shape: number[]; affine: number[][]; dtype: string }

describe('NIfTI reader vs nibabel', () => {
  it('has the full case set', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each([
    'dtype_int8', 'dtype_uint8', 'dtype_int16', 'dtype_uint16', 'dtype_int32', 'dtype_uint32', 'dtype_float32', 'dtype_float64',
    'sform_only', 'qform_only', 'no_transform', 'qform_sform_differ', 'qform_left_handed',
    'scaled', 'scaled_integer', 'big_endian', 'big_endian_float', 'nifti2', 'nifti2_big_endian',
    'four_d', 'extension', 'two_d',
  ])('%s: same shape, affine and values as nibabel', async (name) => {
    const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as Expected;
    const values = new Float64Array(new Uint8Array(readFileSync(join(dir, `${name}.expected.f64`))).buffer);
    const volume = await readNifti(await diskFile(join(dir, expected.file)));
    expect(volume.dims).toEqual(expected.shape);
    const affine = expected.affine.flat();
    for (let n = 0; n < 16; n++) expect(volume.affine[n]).toBeCloseTo(affine[n]!, 4);
    expect(volume.data.length).toBe(values.length);
    let worst = 0;
    for (let n = 0; n < values.length; n++) worst = Math.max(worst, Math.abs(volume.data[n]! - values[n]!) / Math.max(1, Math.abs(values[n]!)));
    expect(worst).toBeLessThan(1e-6);
  });

  it('keeps the stored datatype when there is no scaling', async () => {
    for (const t of ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64']) {
      const v = await readNifti(await diskFile(join(dir, `dtype_${t}.nii.gz`)));
      expect(v.datatype).toBe(t);
    }
  });

  it('integer slope/intercept stays integer; fractional becomes float32', async () => {
    expect((await readNifti(await diskFile(join(dir, 'scaled_integer.nii.gz')))).datatype).toBe('int16');
    expect((await readNifti(await diskFile(join(dir, 'scaled.nii.gz')))).datatype).toBe('float32');
  });

  it('warns for 4D, 2D and missing transforms', async () => {
    const four = await readNifti(await diskFile(join(dir, 'four_d.nii.gz')));
    expect(four.meta.warnings.join(' ')).toMatch(/3 volumes: using the first/);
    const two = await readNifti(await diskFile(join(dir, 'two_d.nii.gz')));
    expect(two.dims[2]).toBe(1);
    expect(two.meta.warnings.join(' ')).toMatch(/2D image/);
    expect(two.nifti?.spatialRank).toBe(2);
    const none = await readNifti(await diskFile(join(dir, 'no_transform.nii.gz')));
    expect(none.meta.warnings.join(' ')).toMatch(/neither sform nor qform/);
  });
});
