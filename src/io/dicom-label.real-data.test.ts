// Labels written for DICOM sources, read back by nibabel and laid over
// dcm2niix's independent conversion of the same series: the label must sit
// on the anatomy it was drawn on, in world coordinates, with sform = qform
// (code 1) and no identifying text in the header.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nibRead, runPython } from '../../tools/oracle/run.ts';
import type { Volume } from '../shared/volume.ts';
import { seriesFiles, type SeriesSpec } from './dicom/testing/synthetic.ts';
import { voxelToWorld } from './geometry.ts';
import { gunzip } from './gzip.ts';
import { writeLabelNifti } from './nifti/write.ts';
import { diskFiles } from './node/files.ts';
import { loadVolume, scanFiles } from './scan.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MPRAGE = resolve(ROOT, '../shared/data/dicom/vs-seg-001-t1-mprage');

let tmp = '';
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'slicesam-dicom-label-')); });
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

async function loadFolder(folder: string): Promise<Volume> {
  const files = await diskFiles(folder);
  const report = await scanFiles(files);
  expect(report.volumes).toHaveLength(1);
  return loadVolume(report.volumes[0]!, new Map(files.map((f) => [f.path, f])));
}

function dcm2niix(folder: string): string {
  const out = join(tmp, 'd2n');
  mkdirSync(out, { recursive: true });
  execFileSync('dcm2niix', ['-z', 'n', '-b', 'n', '-f', 'series', '-o', out, folder], { stdio: 'ignore' });
  const nii = readdirSync(out).filter((f) => f.endsWith('.nii'));
  expect(nii).toEqual(['series.nii']);
  return join(out, 'series.nii');
}

interface LabelStats { count: number; centroid_mm: number[]; intensity_min: number; intensity_max: number }
interface Digest { count: number; labels: Record<string, LabelStats> }

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Printable ASCII runs of 4 or more characters in the header (where identifiers would show). */
function headerText(nii: Uint8Array): string[] {
  return (new TextDecoder('latin1').decode(nii.subarray(0, 352)).match(/[\x20-\x7e]{4,}/g) ?? []);
}

describe('labels for DICOM sources', () => {
  it('the MPRAGE label overlays dcm2niix\'s conversion in world space, with sform = qform (code 1)', async () => {
    const volume = await loadFolder(MPRAGE);
    const [nx, ny, nz] = volume.dims;
    const threshold = 600;
    const centre = voxelToWorld(volume.affine, nx / 2, ny / 2, nz / 2);
    const labels = new Uint8Array(nx * ny * nz);
    let bright = 0, sphere = 0;
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      const idx = i + nx * (j + ny * k);
      if (volume.data[idx]! > threshold) { labels[idx] = 1; bright++; continue; }
      const [x, y, z] = voxelToWorld(volume.affine, i, j, k);
      if ((x - centre[0]) ** 2 + (y - centre[1]) ** 2 + (z - centre[2]) ** 2 < 12 ** 2) { labels[idx] = 2; sphere++; }
    }
    expect(bright).toBeGreaterThan(10_000);
    expect(sphere).toBeGreaterThan(1_000);
    const gz = await writeLabelNifti(labels, volume);
    const labelPath = join(tmp, 'mprage-label.nii.gz');
    writeFileSync(labelPath, gz);

    const [l] = nibRead([labelPath], { digest: true });
    expect(l!.shape).toEqual([nx, ny, nz]);
    expect(l!.dtype).toBe('uint8');
    expect(l!.sform_code).toBe(1);
    expect(l!.qform_code).toBe(1);
    const ours = [...volume.affine];
    l!.affine.flat().forEach((v, n) => expect(v).toBeCloseTo(ours[n]!, 3));
    l!.qform.flat().forEach((v, n) => expect(v).toBeCloseTo(l!.sform.flat()[n]!, 3));
    expect(l!.data_sha256).toBe(sha256(labels));
    expect(headerText(await gunzip(gz, 352))).toEqual(['SliceSAM label']); // and the 3-byte magic "n+1"

    const theirs = dcm2niix(MPRAGE);
    const [d] = JSON.parse(runPython('label_world_digest.py', [theirs, labelPath])) as Digest[];
    // Every label-1 voxel lands on a voxel of dcm2niix's image that is brighter than the threshold
    // (the label was drawn from our intensities; their image is independent).
    expect(d!.labels['1']!.count).toBe(bright);
    expect(d!.labels['1']!.intensity_min).toBeGreaterThan(threshold);
    expect(d!.labels['2']!.count).toBe(sphere);
    d!.labels['2']!.centroid_mm.forEach((c, n) => expect(Math.abs(c - centre[n]!)).toBeLessThan(0.5));
  });

  it('a gantry-tilted series keeps its sheared transform in the sform', async () => {
    const t = Math.tan((12 * Math.PI) / 180);
    const spec: SeriesSpec = { slices: 6, rows: 5, columns: 7, step: [0, 2 * t, 2], pixelSpacing: [0.8, 0.7], origin: [-20, 14, 33] };
    const folder = join(tmp, 'tilt');
    mkdirSync(folder, { recursive: true });
    for (const f of await seriesFiles(spec)) writeFileSync(join(folder, f.path), await f.read());
    const volume = await loadFolder(folder);
    const labels = new Uint8Array(volume.data.length).map((_, n) => n % 4);
    const path = join(tmp, 'tilt-label.nii.gz');
    writeFileSync(path, await writeLabelNifti(labels, volume));
    const [l] = nibRead([path], { values: true });
    expect(l!.sform_code).toBe(1);
    l!.affine.flat().forEach((v, n) => expect(v).toBeCloseTo(volume.affine[n]!, 4));
    expect(l!.values).toEqual(Array.from(labels));
    // The sheared column really is there: the slice step is not along the slice normal.
    const k = [volume.affine[2]!, volume.affine[6]!, volume.affine[10]!];
    expect(Math.abs(k[1]!)).toBeGreaterThan(0.3);
  });
});
