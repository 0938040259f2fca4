/** The real series in ../shared/data: FAILS (never skips) when the folder is absent; CI always has it. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { voxelToWorld } from '../geometry.ts';
import { diskFiles } from '../node/files.ts';
import { readDicomSeries } from './read-series.ts';
import { scanFiles } from '../scan.ts';
import { countingFile } from './testing/synthetic.ts';

const folder = fileURLToPath(new URL('../../../../shared/data/dicom/vs-seg-001-t1-mprage/', import.meta.url));

describe('real series vs-seg-001-t1-mprage', () => {
  it('scans 120 slices from file prefixes and reads a 512×512×120 uint16 volume 1.5 mm apart', async () => {
    if (!existsSync(folder)) throw new Error(`the shared MPRAGE series is missing: ${folder} does not exist (CI always has ../shared/data)`);
    const files = (await diskFiles(folder)).map(countingFile);
    expect(files.length).toBe(120);
    const scan = await scanFiles(files);
    expect(scan.skipped).toEqual([]);
    expect(scan.volumes.length).toBe(1);
    const series = scan.volumes[0]!.series!;
    expect(series.sliceCount).toBe(120);
    expect(series.headers[0]!.transferSyntaxUid).toBe('1.2.840.10008.1.2');
    expect(Math.max(...files.map((f) => f.maxEnd))).toBeLessThanOrEqual(64 * 1024);

    files.forEach((f) => { f.reads = 0; });
    const v = await readDicomSeries(series, new Map(files.map((f) => [f.path, f])));
    expect(files.every((f) => f.reads === 1)).toBe(true);
    expect(v.dims).toEqual([512, 512, 120]);
    expect(v.datatype).toBe('uint16');
    expect(v.spacing[0]).toBeCloseTo(0.41015625, 6);
    expect(v.spacing[1]).toBeCloseTo(0.41015625, 6);
    expect(v.spacing[2]).toBeCloseTo(1.5, 3);
    expect(v.meta.modality).toBe('MR');
    expect(v.meta.warnings).toEqual([]);
    expect(v.meta.sourcePaths.length).toBe(120);
    // First slice centre = its ImagePositionPatient in RAS.
    const first = series.headers.find((h) => h.path === v.meta.sourcePaths[0])!.imagePositionPatient!;
    const origin = voxelToWorld(v.affine, 0, 0, 0);
    expect(origin[0]).toBeCloseTo(-first[0], 4);
    expect(origin[1]).toBeCloseTo(-first[1], 4);
    expect(origin[2]).toBeCloseTo(first[2], 4);
    let max = 0;
    for (let i = 0; i < v.data.length; i += 97) max = Math.max(max, v.data[i]!);
    expect(max).toBeGreaterThan(0);
  });
});
