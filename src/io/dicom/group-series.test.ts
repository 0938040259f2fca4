import { describe, expect, it } from 'vitest';
import { memoryFile } from '../../shared/source-file.ts';
import { groupIntoSeries } from './group-series.ts';
import { readDicomHeader } from './read-header.ts';
import { readDicomSeries } from './read-series.ts';
import { BASIC_TEXT_SR, imageElements, seriesFiles, shuffled } from './testing/synthetic.ts';
import { scan } from './testing/load.ts';
import { writeDicom } from './testing/write-dicom.ts';
import type { DicomHeader } from './types.ts';

describe('groupIntoSeries', () => {
  it('separates two series interleaved in one folder, files without extension', async () => {
    const a = await seriesFiles({ slices: 5, rows: 3, columns: 4, seriesInstanceUid: '1.2.9.1', seriesNumber: 2, seriesDescription: 'A', name: (k) => `dir/a${k}` });
    const b = await seriesFiles({ slices: 3, rows: 6, columns: 2, seriesInstanceUid: '1.2.9.2', seriesNumber: 1, seriesDescription: 'B', name: (k) => `dir/b${k}` });
    const sr = memoryFile('dir/sr', writeDicom(imageElements({ rows: 0, columns: 0, pixels: null, sopClassUid: BASIC_TEXT_SR, modality: 'SR' })
      .filter((e) => (e.tag >>> 16) !== 0x0028)));
    const files = shuffled([...a, ...b, sr]);
    const { series, skipped } = await scan(files);
    expect(series.map((s) => [s.id, s.description, s.sliceCount, s.seriesNumber])).toEqual([
      ['1.2.9.2', 'B', 3, 1],
      ['1.2.9.1', 'A', 5, 2],
    ]);
    expect(skipped.map((s) => [s.path, s.objectType])).toEqual([['dir/sr', 'SR']]);
    const map = new Map(files.map((f) => [f.path, f]));
    const va = await readDicomSeries(series[1]!, map);
    const vb = await readDicomSeries(series[0]!, map);
    expect(va.dims).toEqual([4, 3, 5]);
    expect(vb.dims).toEqual([2, 6, 3]);
  });

  it('splits one UID by orientation, size and pixel spacing, with stable ids', async () => {
    const uid = '1.2.9.3';
    const axial = await seriesFiles({ slices: 3, rows: 4, columns: 4, seriesInstanceUid: uid, name: (k) => `ax${k}` });
    const sag = await seriesFiles({ slices: 2, rows: 4, columns: 4, seriesInstanceUid: uid, orientation: [0, 1, 0, 0, 0, -1], name: (k) => `sag${k}` });
    const small = await seriesFiles({ slices: 2, rows: 2, columns: 2, seriesInstanceUid: uid, name: (k) => `small${k}` });
    const fine = await seriesFiles({ slices: 2, rows: 4, columns: 4, seriesInstanceUid: uid, pixelSpacing: [0.4, 0.4], name: (k) => `fine${k}` });
    // Orientation within 1e-4 stays together.
    const nearly = await seriesFiles({ slices: 1, rows: 4, columns: 4, seriesInstanceUid: uid, orientation: [1, 0.00005, 0, 0, 1, 0], origin: [-100, -120, -44], name: () => 'ax-nearly' });
    const headers = (await Promise.all([...axial, ...sag, ...small, ...fine, ...nearly].map(readDicomHeader))) as DicomHeader[];
    const run = () => groupIntoSeries(shuffled(headers, 3)).map((s) => [s.id, s.sliceCount, s.headers.map((h) => h.path).join(',')]);
    const out = run();
    expect(out).toEqual([
      [`${uid}#1`, 4, 'ax-nearly,ax0,ax1,ax2'],
      [`${uid}#2`, 2, 'fine0,fine1'],
      [`${uid}#3`, 2, 'sag0,sag1'],
      [`${uid}#4`, 2, 'small0,small1'],
    ]);
    expect(groupIntoSeries(headers).map((s) => s.id)).toEqual(out.map((s) => s[0]));
    expect(groupIntoSeries(shuffled(headers, 11))[2]!.description).toBe('synthetic (part 3 of 4: 4×4)');
  });
});
