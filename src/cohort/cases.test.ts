import { describe, expect, it } from 'vitest';
import { memoryFile, type SourceFile } from '../shared/source-file.ts';
import type { ScanReport, SkippedFile, VolumeSource } from '../io/scan.ts';
import { scanFiles } from '../io/scan.ts';
import type { DicomSeries } from '../io/dicom/types.ts';
import { BASIC_TEXT_SR, imageElements, seriesFiles, shuffled } from '../io/dicom/testing/synthetic.ts';
import { writeDicom } from '../io/dicom/testing/write-dicom.ts';
import { IDENTITY } from '../io/geometry.ts';
import { gzip } from '../io/gzip.ts';
import { encodeNifti } from '../io/nifti/write.ts';
import {
  caseFileStem, caseIdFor, casesFromScan, caseSourcePath, classifyScan, commonFolder, comparePaths, isLabelMapPath,
} from './cases.ts';

function nifti(path: string): VolumeSource {
  return { id: path, kind: 'nifti', name: path, paths: [path], dims: [2, 2, 2] };
}

function dicom(paths: string[], uid: string, description: string, seriesId = uid): VolumeSource {
  const series = { id: seriesId, seriesInstanceUid: uid, description, rows: 2, columns: 2, sliceCount: paths.length, headers: [] } as DicomSeries;
  return { id: seriesId, kind: 'dicom', name: description, paths, dims: [2, 2, paths.length], description, series };
}

function skipped(path: string, code: SkippedFile['code'], reason = `the reason for ${path}`): SkippedFile {
  return { path, code, reason };
}

const opts = { outputFolder: 'labels' };

describe('comparePaths', () => {
  it('sorts numbers by value, segment by segment', () => {
    const paths = ['case10/a.nii', 'case2/a.nii', 'case1/b.nii', 'Case1/a.nii', 'case1/a10.nii', 'case1/a9.nii'];
    expect([...paths].sort(comparePaths)).toEqual(['Case1/a.nii', 'case1/a9.nii', 'case1/a10.nii', 'case1/b.nii', 'case2/a.nii', 'case10/a.nii']);
  });
  it('is a total order (case and code-unit ties broken)', () => {
    expect(comparePaths('a', 'A')).not.toBe(0);
    expect(Math.sign(comparePaths('a', 'A'))).toBe(-Math.sign(comparePaths('A', 'a')));
    expect(comparePaths('x/y', 'x/y')).toBe(0);
  });
});

describe('caseIdFor', () => {
  it('NIfTI: the relative path without .nii / .nii.gz', () => {
    expect(caseIdFor(nifti('p1/t1.nii.gz'))).toBe('p1/t1');
    expect(caseIdFor(nifti('p1/t1.NII'))).toBe('p1/t1');
    expect(caseIdFor(nifti('brain.nii'))).toBe('brain');
  });
  it('DICOM: series folder + SeriesInstanceUID (+ #n when split)', () => {
    expect(caseIdFor(dicom(['p1/mr/IM1', 'p1/mr/IM2'], '1.2.3', 'T1'))).toBe('p1/mr/1.2.3');
    expect(caseIdFor(dicom(['p1/mr/IM1'], '1.2.3', 'T1', '1.2.3#2'))).toBe('p1/mr/1.2.3#2');
    expect(caseIdFor(dicom(['IM1'], '1.2.3', 'T1'))).toBe('1.2.3');
    // a series spread over sub-folders: their common folder
    expect(caseIdFor(dicom(['p1/s/a/IM1', 'p1/s/b/IM2'], '9.9', 'CT'))).toBe('p1/s/9.9');
    expect(caseIdFor(dicom(['p1/IM1'], '', 'CT', 'no-series-uid:p1'))).toBe('p1/no-series-uid');
  });
});

describe('commonFolder / caseSourcePath', () => {
  it('finds the deepest shared folder', () => {
    expect(commonFolder(['a/b/c/1', 'a/b/d/2'])).toBe('a/b');
    expect(commonFolder(['a/1', 'b/2'])).toBe('');
    expect(commonFolder(['x'])).toBe('');
    expect(commonFolder([])).toBe('');
  });
  it('names the file of a one-file case and the folder of a series', () => {
    expect(caseSourcePath({ sourcePaths: ['p/t1.nii.gz'] })).toBe('p/t1.nii.gz');
    expect(caseSourcePath({ sourcePaths: ['p/s/IM1', 'p/s/IM2'] })).toBe('p/s');
    expect(caseSourcePath({ sourcePaths: ['IM1', 'IM2'] })).toBe('.');
  });
});

describe('caseFileStem', () => {
  it('is readable and hash-free for plain ids', () => {
    expect(caseFileStem('p1/t1')).toBe('p1_t1');
    expect(caseFileStem('p1/mr/1.2.840.10008.5')).toBe('p1_mr_1.2.840.10008.5');
  });
  it('adds a hash whenever the readable form could merge two ids', () => {
    const a = caseFileStem('a/b_c');
    const b = caseFileStem('a_b/c');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^a_b_c-[0-9a-f]{8}$/);
    expect(caseFileStem('a/b_c')).toBe(a); // stable
    expect(caseFileStem('p/1.2.3#2')).toMatch(/^p_1.2.3_2-[0-9a-f]{8}$/);
    expect(caseFileStem('Patient Müller/T1 (ax)')).toMatch(/^Patient_M_ller_T1__ax_-[0-9a-f]{8}$/);
  });
  it('is safe: no separators, no leading dot, no reserved names, bounded length', () => {
    const ids = ['.hidden/x', '-x', 'con', 'aux/x', 'x.', 'a'.repeat(400), '', 'ü/ü', 'a\\b:c*d?e"f<g>h|i'];
    const stems = ids.map(caseFileStem);
    for (const s of stems) {
      expect(s).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
      expect(s.length).toBeLessThanOrEqual(159);
      expect(s).not.toMatch(/^(con|aux)(\.|$)/i);
    }
    expect(new Set(stems).size).toBe(ids.length);
  });
  it('gives distinct stems to many similar ids', () => {
    const ids: string[] = [];
    for (let i = 0; i < 500; i++) ids.push(`p${i}/s_1`, `p${i}_s/1`, `p${i}/s 1`);
    expect(new Set(ids.map(caseFileStem)).size).toBe(ids.length);
  });
});

describe('isLabelMapPath', () => {
  it.each([
    ['BraTS_001_seg.nii.gz', true], ['case1-labels.nii', true], ['case1_label.nii.gz', true], ['x.seg.nii.gz', true],
    ['brain_mask.nii.gz', true], ['liver_SEGMENTATION.nii', true], ['labels/x.nii.gz', true], ['p1/Labels/t1.nii.gz', true],
    ['Task01/labelsTr/brain_001.nii.gz', true], ['Task01/imagesTr/brain_001.nii.gz', false],
    ['segment.nii.gz', false], ['labeled.nii', false], ['t1_seg.dcm', false], ['p1/t1.nii.gz', false], ['mask.nii.gz', false],
  ])('%s → %s', (path, expected) => {
    expect(isLabelMapPath(path)).toBe(expected);
  });
  it('follows the configured output folder name', () => {
    expect(isLabelMapPath('p1/out/x.nii', 'out')).toBe(true);
    expect(isLabelMapPath('p1/labels/x.nii', 'out')).toBe(true); // 'labels' always
    expect(isLabelMapPath('p1/images/x.nii', 'out')).toBe(false);
  });
});

describe('casesFromScan', () => {
  const report: ScanReport = {
    volumes: [
      nifti('volumes/case10.nii.gz'),
      nifti('volumes/case2.nii.gz'),
      nifti('labels/volumes_case2.nii.gz'),
      nifti('volumes/case2_seg.nii.gz'),
      dicom(['patient1/IM2', 'patient1/IM4'], '1.2.2', 'FLAIR'),
      dicom(['patient1/IM1', 'patient1/IM3'], '1.2.1', 'T1'),
      dicom(['patient10/s1/IM1'], '1.3.1', 'CT'),
      dicom(['patient2/a/IM1'], '1.4.1', 'T1'),
      dicom(['patient2/a/IM2'], '1.4.2', 'T1'),
    ],
    skipped: [
      skipped('patient1/report', 'non-image', 'a Basic Text SR: no image'),
      skipped('patient1/DICOMDIR', 'non-image'),
      skipped('patient1/README', 'not-recognised'),
      skipped('patient1/IM5', 'not-recognised'),
      skipped('patient1/IM6', 'truncated', 'the file ends inside the pixel data'),
      skipped('patient3/1.2.840.99', 'empty'),
      skipped('junk/cut.nii', 'truncated', 'the file holds 360 bytes; its header needs 400'),
      skipped('junk/empty.dcm', 'empty', 'the file is empty (0 bytes)'),
      skipped('junk/notes.txt', 'not-recognised'),
      skipped('junk/sidecar.json', 'not-recognised'),
      skipped('junk/noise.bin', 'not-recognised'),
      skipped('other/noise', 'not-recognised'),
      skipped('junk/fake.nii.gz', 'not-recognised', 'a gzip file that does not hold a NIfTI image'),
      skipped('junk/._fake.nii.gz', 'not-recognised'),
      skipped('junk/jpeg.dcm', 'unsupported-transfer-syntax', 'JPEG 2000'),
      skipped('labels/volumetry.csv', 'not-recognised'),
      skipped('labels/broken.nii.gz', 'truncated'),
      skipped('volumes/old_labels.nii.gz', 'truncated'),
    ],
  };

  it('lists one case per volume and a failed case per unreadable image, naturally sorted', () => {
    const cases = casesFromScan(report, opts);
    expect(cases.map((c) => [c.id, c.name, c.kind, c.status])).toEqual([
      ['junk/cut', 'junk/cut.nii', 'nifti', 'failed'],
      ['junk/empty.dcm', 'junk/empty.dcm', 'dicom', 'failed'],
      ['junk/fake', 'junk/fake.nii.gz', 'nifti', 'failed'],
      ['junk/jpeg.dcm', 'junk/jpeg.dcm', 'dicom', 'failed'],
      ['patient1/1.2.2', 'patient1 — FLAIR', 'dicom', 'todo'],
      ['patient1/1.2.1', 'patient1 — T1', 'dicom', 'todo'],
      ['patient1/IM5', 'patient1/IM5', 'dicom', 'failed'],
      ['patient1/IM6', 'patient1/IM6', 'dicom', 'failed'],
      ['patient2/a/1.4.1', 'patient2/a — T1', 'dicom', 'todo'],
      ['patient2/a/1.4.2', 'patient2/a — T1 (2)', 'dicom', 'todo'],
      ['patient10/s1/1.3.1', 'patient10/s1 — CT', 'dicom', 'todo'],
      ['volumes/case2', 'volumes/case2.nii.gz', 'nifti', 'todo'],
      ['volumes/case10', 'volumes/case10.nii.gz', 'nifti', 'todo'],
    ]);
    const byId = new Map(cases.map((c) => [c.id, c]));
    expect(byId.get('junk/cut')!.reason).toBe('the file holds 360 bytes; its header needs 400');
    expect(byId.get('patient1/IM6')!.reason).toMatch(/pixel data/);
    expect(byId.get('patient1/1.2.1')!.sourcePaths).toEqual(['patient1/IM1', 'patient1/IM3']);
    for (const c of cases) expect(c.reason === undefined).toBe(c.status !== 'failed');
  });

  it('says why each other path was left out', () => {
    const { ignored } = classifyScan(report, opts);
    expect(ignored.map((i) => [i.path, i.why])).toEqual([
      ['junk/._fake.nii.gz', 'hidden'],
      ['junk/noise.bin', 'not-an-image'],
      ['junk/notes.txt', 'not-an-image'],
      ['junk/sidecar.json', 'not-an-image'],
      ['labels/broken.nii.gz', 'output-folder'],
      ['labels/volumes_case2.nii.gz', 'output-folder'],
      ['labels/volumetry.csv', 'output-folder'],
      ['other/noise', 'not-an-image'],
      ['patient1/DICOMDIR', 'not-an-image'],
      ['patient1/README', 'not-an-image'],
      ['patient1/report', 'not-an-image'],
      ['patient3/1.2.840.99', 'not-an-image'],
      ['volumes/case2_seg.nii.gz', 'label-map'],
      ['volumes/old_labels.nii.gz', 'label-map'],
    ]);
  });

  it('uses the configured output folder', () => {
    const { cases, ignored } = classifyScan(report, { outputFolder: 'volumes' });
    expect(cases.some((c) => c.id.startsWith('volumes/'))).toBe(false);
    expect(ignored.filter((i) => i.path.startsWith('volumes/')).every((i) => i.why === 'output-folder')).toBe(true);
    // NIfTI files in a folder named 'labels' are still label maps; other files there are not images
    expect(ignored.find((i) => i.path === 'labels/volumes_case2.nii.gz')?.why).toBe('label-map');
    expect(ignored.find((i) => i.path === 'labels/volumetry.csv')?.why).toBe('not-an-image');
    expect(cases.some((c) => c.id.startsWith('labels/'))).toBe(false);
  });

  it('is deterministic whatever the order of the report', () => {
    const reversed: ScanReport = { volumes: [...report.volumes].reverse(), skipped: [...report.skipped].reverse() };
    expect(casesFromScan(reversed, opts)).toEqual(casesFromScan(report, opts));
  });

  it('keeps ids unique when two NIfTI files differ only by .nii / .nii.gz', () => {
    const cases = casesFromScan({ volumes: [nifti('a/x.nii'), nifti('a/x.nii.gz'), nifti('a/y.nii')], skipped: [] }, opts);
    expect(cases.map((c) => c.id)).toEqual(['a/x.nii', 'a/x.nii.gz', 'a/y']);
  });

  it('gives a failed file the id it would have once readable', () => {
    const before = casesFromScan({ volumes: [], skipped: [skipped('p/t1.nii.gz', 'truncated')] }, opts);
    const after = casesFromScan({ volumes: [nifti('p/t1.nii.gz')], skipped: [] }, opts);
    expect(before[0]!.id).toBe(after[0]!.id);
  });
});

describe('casesFromScan on a real scan', () => {
  async function root(): Promise<SourceFile[]> {
    const image = encodeNifti({ data: new Int16Array(24).map((_, n) => n), datatype: 'int16', dims: [2, 3, 4], affine: IDENTITY });
    const label = encodeNifti({ data: new Uint8Array(24), datatype: 'uint8', dims: [2, 3, 4], affine: IDENTITY });
    const t1 = await seriesFiles({ slices: 3, rows: 3, columns: 2, seriesInstanceUid: '1.2.826.0.1.1', seriesDescription: 'T1', name: (k) => `site A/patient 2/IM${2 * k}` });
    const flair = await seriesFiles({ slices: 2, rows: 2, columns: 2, seriesInstanceUid: '1.2.826.0.1.2', seriesDescription: 'FLAIR', name: (k) => `site A/patient 2/IM${2 * k + 1}` });
    const ct = await seriesFiles({ slices: 2, rows: 2, columns: 2, seriesInstanceUid: '1.2.826.0.1.3', seriesDescription: 'CT', name: (k) => `site A/patient 10/ct/${k}.dcm` });
    const sr = writeDicom(imageElements({ rows: 0, columns: 0, pixels: null, sopClassUid: BASIC_TEXT_SR, modality: 'SR' }).filter((e) => (e.tag >>> 16) !== 0x0028));
    return shuffled([
      ...t1, ...flair, ...ct,
      memoryFile('site A/patient 2/report', sr),
      memoryFile('site A/patient 2/IM99', new Uint8Array(200).fill(7)),
      memoryFile('nifti/case2.nii.gz', await gzip(image)),
      memoryFile('nifti/case10.nii', image),
      memoryFile('nifti/case10_seg.nii.gz', await gzip(label)),
      memoryFile('nifti/broken.nii', image.subarray(0, 360)),
      memoryFile('nifti/README.txt', new TextEncoder().encode('about this data')),
      memoryFile('nifti/case2.json', new TextEncoder().encode('{"EchoTime": 0.03}')),
      memoryFile('labels/nifti_case2.nii.gz', await gzip(label)),
      memoryFile('labels/volumetry.csv', new TextEncoder().encode('case_id\n')),
    ]);
  }

  it('lists exactly the expected cases', async () => {
    const report = await scanFiles(await root());
    const cases = casesFromScan(report, opts);
    expect(cases.map((c) => [c.id, c.name, c.status])).toEqual([
      ['nifti/broken', 'nifti/broken.nii', 'failed'],
      ['nifti/case2', 'nifti/case2.nii.gz', 'todo'],
      ['nifti/case10', 'nifti/case10.nii', 'todo'],
      ['site A/patient 2/1.2.826.0.1.2', 'site A/patient 2 — FLAIR', 'todo'],
      ['site A/patient 2/1.2.826.0.1.1', 'site A/patient 2 — T1', 'todo'],
      ['site A/patient 2/IM99', 'site A/patient 2/IM99', 'failed'],
      ['site A/patient 10/ct/1.2.826.0.1.3', 'site A/patient 10/ct — CT', 'todo'],
    ]);
    expect(cases[0]!.reason).toMatch(/bytes/);
    expect(cases[4]!.sourcePaths).toEqual(['site A/patient 2/IM0', 'site A/patient 2/IM2', 'site A/patient 2/IM4']);
  });
});
