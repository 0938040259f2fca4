// Bad NIfTI input: every failure is a VolumeError naming the file and the
// reason, thrown quickly, never a hang or a giant allocation.
import { describe, expect, it } from 'vitest';
import { VolumeError, type VolumeErrorCode } from '../../shared/errors.ts';
import { memoryFile } from '../../shared/source-file.ts';
import { gzip } from '../gzip.ts';
import { IDENTITY } from '../geometry.ts';
import { readNifti } from './read.ts';
import { encodeNifti } from './write.ts';

function good(): Uint8Array {
  const data = new Int16Array(4 * 5 * 6).map((_, n) => n);
  return encodeNifti({ data, datatype: 'int16', dims: [4, 5, 6], affine: IDENTITY });
}

async function expectError(bytes: Uint8Array, code: VolumeErrorCode, pattern: RegExp, path = 'cases/bad.nii'): Promise<void> {
  const started = performance.now();
  const error = await readNifti(memoryFile(path, bytes)).then(() => null, (e: unknown) => e);
  expect(performance.now() - started).toBeLessThan(1000);
  expect(error).toBeInstanceOf(VolumeError);
  const v = error as VolumeError;
  expect(v.code).toBe(code);
  expect(v.file).toBe(path);
  expect(v.message).toContain(path);
  expect(v.reason).toMatch(pattern);
}

function patch(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

describe('NIfTI bad input', () => {
  it('reads the well-formed control file', async () => {
    const v = await readNifti(memoryFile('ok.nii', good()));
    expect(v.dims).toEqual([4, 5, 6]);
    expect(v.data[119]).toBe(119);
  });

  it('zero-byte file', () => expectError(new Uint8Array(0), 'empty', /empty/));

  it('truncated inside the header', () => expectError(good().subarray(0, 200), 'truncated', /shorter than a NIfTI header/));

  it('truncated inside the image data', () => expectError(good().subarray(0, 352 + 100), 'truncated', /stops after 100 of 240 bytes/));

  it('truncated .nii.gz', async () => {
    const gz = await gzip(good());
    await expectError(gz.subarray(0, gz.length - 30), 'truncated', /truncated or corrupt|stops after/, 'cases/bad.nii.gz');
  });

  it('corrupt .nii.gz', async () => {
    const gz = (await gzip(good())).slice();
    for (let n = 20; n < gz.length - 8; n++) gz[n] = (gz[n]! * 31 + 7) & 0xff;
    await expectError(gz, 'truncated', /truncated or corrupt/, 'cases/bad.nii.gz');
  });

  it('wrong magic / random bytes', async () => {
    const random = new Uint8Array(1000).map((_, n) => (n * 2654435761) >>> 24);
    await expectError(random, 'not-recognised', /not a NIfTI file/);
    await expectError(patch(good(), (v) => v.setUint8(345, 0x21)), 'not-recognised', /not a NIfTI file/);
  });

  it('dims that claim more voxels than the file holds', () =>
    expectError(patch(good(), (v) => v.setInt16(46, 600, true)), 'truncated', /stops after 240 of 24000 bytes/));

  it('a 4 GB claimed volume is refused before any allocation', () =>
    expectError(patch(good(), (v) => { v.setInt16(42, 32000, true); v.setInt16(44, 32000, true); v.setInt16(46, 32000, true); }), 'too-large', /GiB/));

  it('a 4 GB claimed volume in a .nii.gz is refused too', async () => {
    const gz = await gzip(patch(good(), (v) => { v.setInt16(42, 1024, true); v.setInt16(44, 1024, true); v.setInt16(46, 2048, true); }));
    await expectError(gz, 'too-large', /GiB/, 'cases/big.nii.gz');
  });

  it('a gzip whose header claims more than its trailer holds', async () => {
    const gz = await gzip(patch(good(), (v) => v.setInt16(46, 3000, true)));
    await expectError(gz, 'truncated', /compressed file holds/, 'cases/lies.nii.gz');
  });

  it('vox_offset inside the header', () => expectError(patch(good(), (v) => v.setFloat32(108, 100, true)), 'bad-header', /vox_offset/));

  it('negative and zero dims', async () => {
    await expectError(patch(good(), (v) => v.setInt16(42, -4, true)), 'bad-header', /dim\[1\] is -4/);
    await expectError(patch(good(), (v) => v.setInt16(40, 9, true)), 'bad-header', /dim\[0\] is 9/);
  });

  it('unsupported voxel types name the type', async () => {
    await expectError(patch(good(), (v) => { v.setInt16(70, 128, true); v.setInt16(72, 24, true); }), 'unsupported-colour', /RGB24/);
    await expectError(patch(good(), (v) => { v.setInt16(70, 1792, true); v.setInt16(72, 128, true); }), 'unsupported-datatype', /complex128/);
    await expectError(patch(good(), (v) => { v.setInt16(70, 1024, true); v.setInt16(72, 64, true); }), 'unsupported-datatype', /int64/);
  });

  it('bitpix that contradicts the datatype', () => expectError(patch(good(), (v) => v.setInt16(72, 8, true)), 'bad-header', /bitpix 8/));

  it('a degenerate transform', () => expectError(patch(good(), (v) => {
    v.setInt16(254, 1, true);
    for (let n = 0; n < 12; n++) v.setFloat32(280 + 4 * n, 0, true);
  }), 'bad-header', /degenerate/));
});
