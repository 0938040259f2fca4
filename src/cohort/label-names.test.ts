import { describe, expect, it } from 'vitest';
import type { DicomSeries } from '../io/dicom/types.ts';
import type { ScanReport, VolumeSource } from '../io/scan.ts';
import { seriesFiles } from '../io/dicom/testing/synthetic.ts';
import { scanFiles } from '../io/scan.ts';
import { caseFileStem, classifyScan } from './cases.ts';
import { labelFileNames, MAX_LABEL_FILE_NAME, safePart } from './label-names.ts';

interface SeriesFields { patientId?: string; seriesNumber?: number; seriesDescription?: string; studyDate?: string; modality?: string }

let uidCount = 0;
function dicom(paths: string[], fields: SeriesFields, seriesId?: string): VolumeSource {
  const uid = `1.2.826.0.1.3680043.9.${++uidCount}`;
  // As the main thread gets it: the series' fields, no per-file headers.
  const series = {
    id: seriesId ?? uid, seriesInstanceUid: uid, description: fields.seriesDescription ?? 'MR', rows: 2, columns: 2, sliceCount: paths.length,
    headers: [], ...fields,
  } as DicomSeries;
  return { id: series.id, kind: 'dicom', name: series.description, paths, dims: [2, 2, paths.length], series };
}

function nifti(path: string): VolumeSource {
  return { id: path, kind: 'nifti', name: path, paths: [path], dims: [2, 2, 2] };
}

/** Label file name per case, in queue order. */
function names(volumes: VolumeSource[], skipped: ScanReport['skipped'] = []): string[] {
  return classifyScan({ volumes, skipped }, { outputFolder: 'labels' }).cases.map((c) => c.labelFile ?? '(none)');
}

/** Label file name per case, by the case's first file. */
function named(volumes: VolumeSource[]): Record<string, string> {
  return Object.fromEntries(classifyScan({ volumes, skipped: [] }, { outputFolder: 'labels' }).cases.map((c) => [c.sourcePaths[0]!, c.labelFile ?? '(none)']));
}

/** Whether Windows, macOS and Linux all take this as one file name, as written, and our other rules hold. */
function expectSafe(name: string): void {
  expect(name.length, name).toBeLessThanOrEqual(MAX_LABEL_FILE_NAME);
  expect(name.endsWith('.nii.gz'), name).toBe(true);
  const stem = name.slice(0, -'.nii.gz'.length);
  expect(stem, name).not.toMatch(/[<>:"/\\|?*\u0000-\u001f\u007f]/);
  expect(stem, name).not.toMatch(/[. ]$/); // Windows drops trailing dots and spaces
  expect(stem, name).not.toMatch(/^[.-]/); // hidden, or read as an option
  expect(stem.split('.')[0], name).not.toMatch(/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i);
  expect(stem.normalize('NFC')).toBe(stem);
  expect(stem.length).toBeGreaterThan(0);
}

describe('label file names', () => {
  it('DICOM: <PatientID>_<SeriesNumber>_<SeriesDescription>.nii.gz', () => {
    expect(names([dicom(['p/mr/IM1', 'p/mr/IM2'], { patientId: 'VS-SEG-001', seriesNumber: 2, seriesDescription: 't1_mpr_tra_gk_v4' })]))
      .toEqual(['VS-SEG-001_2_t1_mpr_tra_gk_v4.nii.gz']);
    expect(names([dicom(['IM1'], { patientId: 'P7', seriesNumber: 501, seriesDescription: 'T1 MPRAGE (post)' })])).toEqual(['P7_501_T1_MPRAGE_post.nii.gz']);
  });

  it('missing PatientID: the series folder; missing SeriesNumber: left out; missing description: the modality', () => {
    expect(names([dicom(['study/patient-02/IM1'], { seriesNumber: 4, seriesDescription: 'FLAIR' })])).toEqual(['patient-02_4_FLAIR.nii.gz']);
    expect(names([dicom(['p/IM1'], { patientId: 'P1', seriesDescription: 'FLAIR' })])).toEqual(['P1_FLAIR.nii.gz']);
    expect(names([dicom(['p/IM1'], { patientId: 'P1', seriesNumber: 3, modality: 'CT' })])).toEqual(['P1_3_CT.nii.gz']);
    expect(names([dicom(['IM1'], {})])).toEqual(['series.nii.gz']);
  });

  it('unsafe characters, device names, dots and spaces at the ends never reach the file system', () => {
    const got = named([
      dicom(['a/IM1'], { patientId: ' ..Müller^Hans ', seriesNumber: 1, seriesDescription: 'T1 <ax>: "post" / ? * | \\ \u0001 tab\there. ' }),
      dicom(['b/IM1'], { patientId: 'NUL', seriesDescription: '' }),
      dicom(['c/IM1'], { patientId: '-rf', seriesNumber: 2, seriesDescription: '...' }),
      nifti('x/con.nii.gz'),
      nifti('y/aux.t1.nii'),
      nifti('z/Lpt1.nii'),
      nifti('w/e\u0301t\u00e9.nii'), // e + combining acute: NFC makes it é
    ]);
    Object.values(got).forEach(expectSafe);
    expect(got['a/IM1']).toBe('Müller_Hans_1_T1_ax_post_tab_here.nii.gz');
    expect(got['b/IM1']).toBe('NUL_.nii.gz');
    expect(got['c/IM1']).toBe('rf_2.nii.gz'); // '...' is nothing: no description part
    expect([got['x/con.nii.gz'], got['y/aux.t1.nii'], got['z/Lpt1.nii']]).toEqual(['con_.nii.gz', 'aux_.t1.nii.gz', 'Lpt1_.nii.gz']);
    expect(got['w/e\u0301t\u00e9.nii']).toBe('\u00e9t\u00e9.nii.gz');
    expect(safePart('a::b')).toBe('a_b');
  });

  it('long descriptions are cut to fit 80 characters, patient and series number kept', () => {
    const long = 'Diffusion weighted imaging with a very long protocol name '.repeat(5);
    const [name] = names([dicom(['p/IM1'], { patientId: 'PATIENT-0001', seriesNumber: 1201, seriesDescription: long })]);
    expectSafe(name!);
    expect(name!.length).toBe(MAX_LABEL_FILE_NAME);
    expect(name!.startsWith('PATIENT-0001_1201_Diffusion_weighted_imaging')).toBe(true);
    const [nii] = names([nifti(`${'deep/'.repeat(30)}${'x'.repeat(120)}.nii.gz`)]);
    expectSafe(nii!);
    expect(nii).toBe(`${'x'.repeat(73)}.nii.gz`);
  });

  it('collisions: the study date, then a hash of the case; case-insensitive; never another case\'s old name', () => {
    const t1 = { patientId: 'P1', seriesNumber: 2, seriesDescription: 'T1' };
    const got = named([
      dicom(['base/IM1'], { ...t1, studyDate: '20190101' }),
      dicom(['follow/IM1'], { ...t1, studyDate: '20200101' }),
      dicom(['same-day-a/IM1'], { ...t1, patientId: 'P2', studyDate: '20210101' }),
      dicom(['same-day-b/IM1'], { ...t1, patientId: 'p2', studyDate: '20210101' }),
      dicom(['other/IM1'], { ...t1, patientId: 'P3' }),
    ]);
    expect([got['base/IM1'], got['follow/IM1']]).toEqual(['P1_2_T1_20190101.nii.gz', 'P1_2_T1_20200101.nii.gz']);
    expect(got['same-day-a/IM1']).toMatch(/^P2_2_T1_20210101_[0-9a-f]{8}\.nii\.gz$/);
    expect(got['same-day-b/IM1']).toMatch(/^p2_2_T1_20210101_[0-9a-f]{8}\.nii\.gz$/);
    expect(got['other/IM1']).toBe('P3_2_T1.nii.gz');
    const all = Object.values(got);
    expect(new Set(all.map((n) => n.toLowerCase())).size).toBe(all.length);
    all.forEach(expectSafe);

    // 'p1_t1' is the name earlier versions gave p1/t1.nii.gz: the root file p1_t1.nii.gz may not take it.
    const cohort = names([nifti('p1/t1.nii.gz'), nifti('p1_t1.nii.gz')]);
    expect(caseFileStem('p1/t1')).toBe('p1_t1');
    expect(cohort[0]).toBe('t1.nii.gz');
    expect(cohort[1]).toMatch(/^p1_t1_[0-9a-f]{8}\.nii\.gz$/);
  });

  it('the same cohort gives the same names, whatever order the scan lists it in', () => {
    const volumes = [
      dicom(['a/IM1'], { patientId: 'P', seriesNumber: 1, seriesDescription: 'T1', studyDate: '1' }),
      dicom(['b/IM1'], { patientId: 'P', seriesNumber: 1, seriesDescription: 'T1', studyDate: '1' }),
      nifti('c/t1.nii.gz'), nifti('d/t1.nii.gz'),
    ];
    const once = names(volumes);
    expect(names([...volumes].reverse())).toEqual(once);
    expect(names(volumes)).toEqual(once);
    expect(new Set(once).size).toBe(4);
  });

  it('NIfTI: the file name without extension, with its folders where needed to be unique', () => {
    expect(names([nifti('p1/t1.nii.gz'), nifti('p2/t1.nii.gz'), nifti('p3/flair.nii')])).toEqual(['p1_t1.nii.gz', 'p2_t1.nii.gz', 'flair.nii.gz']);
    expect(names([nifti('a/x/t1.nii'), nifti('b/x/t1.nii')])).toEqual(['a_x_t1.nii.gz', 'b_x_t1.nii.gz']);
    expect(names([nifti('brain.nii.gz')])).toEqual(['brain.nii.gz']);
  });

  it('a series split into several grids: one name per part; failed cases get none', () => {
    const a = dicom(['p/IM1'], { patientId: 'P', seriesNumber: 5, seriesDescription: 'Loc' }, '1.2.3#1');
    const b = dicom(['p/IM2'], { patientId: 'P', seriesNumber: 5, seriesDescription: 'Loc' }, '1.2.3#2');
    expect(names([a, b], [{ path: 'p/bad.dcm', code: 'truncated', reason: 'cut short' }]).sort())
      .toEqual(['(none)', 'P_5_Loc_part1.nii.gz', 'P_5_Loc_part2.nii.gz']);
  });

  it('labelFileNames: cases whose names agree all the way still get two files (the hash of the id)', () => {
    const entry = { id: 'a', kind: 'nifti' as const, sourcePaths: ['x/t1.nii'] };
    const got = labelFileNames([{ entry }, { entry: { ...entry, id: 'b' } }], (id) => `old-${id}`);
    expect([...got.keys()]).toEqual(['a', 'b']);
    expect(new Set(got.values()).size).toBe(2);
    [...got.values()].forEach(expectSafe);
  });

  it('from real files: what the scan reads, as the main thread gets it (per-file headers left in the worker)', async () => {
    const files = await seriesFiles({
      slices: 2, rows: 2, columns: 2, seriesNumber: 7, seriesDescription: 'T2 FLAIR',
      image: { extra: [{ tag: 0x00100020, vr: 'LO', value: 'P-42' }, { tag: 0x00080020, vr: 'DA', value: '20240131' }] },
      name: (k) => `site/p42/IM${k}`,
    });
    const report = await scanFiles(files);
    const stripped = report.volumes.map((v) => (v.series ? { ...v, series: { ...v.series, headers: [] } } : v));
    expect(names(stripped)).toEqual(['P-42_7_T2_FLAIR.nii.gz']);
  });
});
