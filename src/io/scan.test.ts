// One folder with good and bad files of every kind: the scan lists each
// volume once and each bad file with its reason, never stopping early; the
// good volumes still load.
import { describe, expect, it } from 'vitest';
import { memoryFile, type SourceFile } from '../shared/source-file.ts';
import { BASIC_TEXT_SR, imageElements, seriesFiles, shuffled, writeImage } from './dicom/testing/synthetic.ts';
import { writeDicom } from './dicom/testing/write-dicom.ts';
import { IDENTITY } from './geometry.ts';
import { gzip } from './gzip.ts';
import { encodeNifti } from './nifti/write.ts';
import { loadVolume, scanFiles } from './scan.ts';

async function cohort(): Promise<SourceFile[]> {
  const nifti = encodeNifti({ data: new Int16Array(24).map((_, n) => n), datatype: 'int16', dims: [2, 3, 4], affine: IDENTITY });
  const series = await seriesFiles({ slices: 4, rows: 3, columns: 2, seriesInstanceUid: '1.2.826.0.1.1', seriesDescription: 'T1', name: (k) => `patient1/t1/IM${k}` });
  const other = await seriesFiles({ slices: 2, rows: 2, columns: 2, seriesInstanceUid: '1.2.826.0.1.2', seriesDescription: 'FLAIR', name: (k) => `patient1/flair/IM${k}` });
  const sr = writeDicom(imageElements({ rows: 0, columns: 0, pixels: null, sopClassUid: BASIC_TEXT_SR, modality: 'SR' })
    .filter((e) => (e.tag >>> 16) !== 0x0028));
  // A syntax that is not decoded (JPEG XL Lossless): the series is listed, and fails alone when loaded.
  const jpeg = writeImage({ rows: 2, columns: 2, pixels: new Int16Array(4), seriesInstanceUid: '1.2.826.0.1.3' }, { transferSyntaxUid: '1.2.840.10008.1.2.4.110' });
  return shuffled([
    memoryFile('volumes/brain.nii.gz', await gzip(nifti)),
    memoryFile('volumes/plain.nii', nifti),
    ...series,
    ...other,
    memoryFile('patient1/report', sr),
    memoryFile('patient2/jpeg.dcm', jpeg),
    memoryFile('junk/empty.dcm', new Uint8Array(0)),
    memoryFile('junk/noise.bin', new Uint8Array(4096).map((_, n) => (n * 2654435761) >>> 24)),
    memoryFile('junk/cut.nii', nifti.subarray(0, 360)),
    memoryFile('junk/cut.nii.gz', (await gzip(nifti.subarray(0, 360)))),
    memoryFile('junk/notes.txt.gz', await gzip(new TextEncoder().encode('not an image'))),
  ]);
}

describe('scanFiles', () => {
  it('lists every volume and every skipped file with its reason, sorted by path', async () => {
    const files = await cohort();
    const progress: number[] = [];
    const report = await scanFiles(files, { onProgress: (p) => progress.push(p.done) });
    expect(report.volumes.map((v) => [v.kind, v.name, v.dims])).toEqual([
      ['dicom', 'patient1/flair — FLAIR', [2, 2, 2]],
      ['dicom', 'patient1/t1 — T1', [2, 3, 4]],
      ['dicom', expect.stringMatching(/^patient2 — /), [2, 2, 1]],
      ['nifti', 'volumes/brain.nii.gz', [2, 3, 4]],
      ['nifti', 'volumes/plain.nii', [2, 3, 4]],
    ]);
    expect(report.skipped.map((s) => [s.path, s.code])).toEqual([
      ['junk/cut.nii', 'truncated'],
      ['junk/cut.nii.gz', 'truncated'],
      ['junk/empty.dcm', 'empty'],
      ['junk/noise.bin', 'not-recognised'],
      ['junk/notes.txt.gz', 'not-recognised'],
      ['patient1/report', 'non-image'],
    ]);
    for (const s of report.skipped) expect(s.reason.length).toBeGreaterThan(10);
    expect(progress.at(-1)).toBe(files.length);
  });

  it('says why a file is no image in the terms its name suggests', async () => {
    const nifti = encodeNifti({ data: new Int16Array(24), datatype: 'int16', dims: [2, 3, 4], affine: IDENTITY });
    const text = new TextEncoder().encode('x'.repeat(600));
    const report = await scanFiles([
      memoryFile('a/short.nii', nifti.subarray(0, 200)),
      memoryFile('b/text.nii', text),
      memoryFile('c/text.dcm', text),
      memoryFile('d/text.bin', text),
    ]);
    expect(report.skipped.map((s) => [s.path, s.code, s.reason])).toEqual([
      ['a/short.nii', 'not-recognised', expect.stringMatching(/^named as NIfTI but only 200 bytes: a NIfTI header alone is 348 bytes, so the file is cut off/)],
      ['b/text.nii', 'not-recognised', expect.stringMatching(/^named as NIfTI but holds no NIfTI header/)],
      ['c/text.dcm', 'not-recognised', expect.stringMatching(/^named as DICOM but holds no DICOM header/)],
      ['d/text.bin', 'not-recognised', expect.stringMatching(/^neither DICOM nor NIfTI/)],
    ]);
  });

  it('loads the good volumes; the compressed one fails naming its syntax', async () => {
    const files = await cohort();
    const byPath = new Map(files.map((f) => [f.path, f]));
    const report = await scanFiles(files);
    const outcomes = await Promise.all(report.volumes.map((v) => loadVolume(v, byPath).then(
      (vol) => `${v.name}: ${vol.dims.join('×')}`,
      (e: Error) => `${v.name}: ${e.message}`,
    )));
    expect(outcomes.filter((o) => /×/.test(o))).toHaveLength(4);
    expect(outcomes.find((o) => o.startsWith('patient2'))).toMatch(/patient2\/jpeg\.dcm: JPEG XL Lossless \(1\.2\.840\.10008\.1\.2\.4\.110\) is not decoded yet$/);
  });

  it('stops when its signal aborts', async () => {
    const files = await cohort();
    const controller = new AbortController();
    controller.abort(new DOMException('Cancelled', 'AbortError'));
    await expect(scanFiles(files, { signal: controller.signal })).rejects.toThrow(/Cancelled/);
  });
});
