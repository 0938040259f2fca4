// The DICOM reader against dcm2niix: every voxel centre we place in the world
// must land on a voxel centre of dcm2niix's NIfTI holding the same value
// (dcm2niix may flip axes, so voxels are compared through world positions).
// Never skipped: without dcm2niix on PATH, or without the shared MPRAGE
// series, these tests FAIL and say what is missing (CI has both).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryFile, type SourceFile } from '../../shared/source-file.ts';
import type { Volume } from '../../shared/volume.ts';
import { inFileOrder } from '../file-order.ts';
import { invert, maxAffineDifference, voxelToWorld } from '../geometry.ts';
import { labelGridOf } from '../label-grid.ts';
import { readNifti } from '../nifti/read.ts';
import { writeLabelNifti } from '../nifti/write.ts';
import { diskFile, diskFiles } from '../node/files.ts';
import { loadOne } from './testing/load.ts';
import { cross, MR_IMAGE_STORAGE, type SeriesSpec, seriesFiles, writeImage } from './testing/synthetic.ts';
import { enhancedFile, type EnhancedSpec, enhancedValue, type StackSpec, storageOrder } from './testing/enhanced.ts';
import { scan } from './testing/load.ts';
import { readDicomSeries } from './read-series.ts';

const NO_DCM2NIIX = 'dcm2niix is not installed (not found on PATH): the DICOM oracle tests need it '
  + '(apt-get install dcm2niix, or pip install dcm2niix)';

/** Every NIfTI dcm2niix writes for `folder`, by file name (sorted). */
async function dcm2niixAll(folder: string): Promise<Array<[string, Volume]>> {
  const out = mkdtempSync(join(tmpdir(), 'slicesam-dcm2niix-out-'));
  try {
    execFileSync('dcm2niix', ['-z', 'n', '-b', 'n', '-f', 'out', '-o', out, folder], { stdio: 'ignore' });
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new Error(NO_DCM2NIIX);
    throw new Error(`dcm2niix failed on ${folder}: ${(e as Error).message}`);
  }
  const nii = readdirSync(out).filter((f) => f.endsWith('.nii')).sort();
  if (!nii[0]) throw new Error(`dcm2niix wrote no NIfTI for ${folder}`);
  return Promise.all(nii.map(async (name) => [name, await readNifti(await diskFile(join(out, name)))] as [string, Volume]));
}

async function dcm2niix(folder: string): Promise<Volume> {
  return (await dcm2niixAll(folder))[0]![1];
}

function requireFolder(folder: string, what: string): string {
  if (!existsSync(folder)) throw new Error(`${what} is missing: ${folder} does not exist (CI always has ../shared/data)`);
  return folder;
}

async function toDisk(files: readonly SourceFile[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'slicesam-dcm-'));
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.path), await f.read());
  return dir;
}

/** Whether theirs has our voxel count and our corner voxel centres land on its voxel centres (so: the same grid). */
function sameGrid(ours: Volume, theirs: Volume): boolean {
  const [nx, ny, nz] = ours.dims;
  if (nx * ny * nz !== theirs.dims[0] * theirs.dims[1] * theirs.dims[2]) return false;
  const inv = invert(theirs.affine);
  for (const k of [0, nz - 1]) {
    for (const j of [0, ny - 1]) {
      for (const i of [0, nx - 1]) {
        const w = voxelToWorld(ours.affine, i, j, k);
        const v = voxelToWorld(inv, w[0], w[1], w[2]);
        if (v.some((x, a) => Math.abs(x - Math.round(x)) > 2e-3 || Math.round(x) < 0 || Math.round(x) >= theirs.dims[a]!)) return false;
      }
    }
  }
  return true;
}

/**
 * Every `stride`-th voxel (and all corners) of ours sits on a voxel of theirs with the same value;
 * with `slices`, only our k slices it lists are compared.
 */
function expectSameVoxels(ours: Volume, theirs: Volume, stride = 1, slices?: ReadonlySet<number>): void {
  const inv = invert(theirs.affine);
  const [nx, ny, nz] = ours.dims;
  expect(nx * ny * nz).toBe(theirs.dims[0] * theirs.dims[1] * theirs.dims[2]);
  let checked = 0;
  for (let k = 0; k < nz; k++) {
    if (slices && !slices.has(k)) continue;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const corner = (i === 0 || i === nx - 1) && (j === 0 || j === ny - 1) && (k === 0 || k === nz - 1);
        if (!corner && (i + j * nx + k * nx * ny) % stride !== 0) continue;
        const w = voxelToWorld(ours.affine, i, j, k);
        const v = voxelToWorld(inv, w[0], w[1], w[2]);
        const r = v.map(Math.round) as [number, number, number];
        for (let a = 0; a < 3; a++) expect(Math.abs(v[a]! - r[a]!), `voxel ${i},${j},${k} → ${v.join(', ')}`).toBeLessThan(2e-3);
        const idx = r[0] + r[1] * theirs.dims[0] + r[2] * theirs.dims[0] * theirs.dims[1];
        expect(ours.data[i + j * nx + k * nx * ny], `voxel ${i},${j},${k}`).toBeCloseTo(theirs.data[idx]!, 3);
        checked++;
      }
    }
  }
  expect(checked).toBeGreaterThan(8);
}

const real = fileURLToPath(new URL('../../../../shared/data/dicom/vs-seg-001-t1-mprage/', import.meta.url));

/** Synthetic 2D series (CT, no MRAcquisitionType) in several orientations and encodings. */
const a = Math.PI / 7, b = Math.PI / 9;
const row = [Math.cos(a), Math.sin(a), 0];
const col = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
const n = cross(row, col);
const cases: Array<[string, SeriesSpec]> = [
  ['axial, int16 with intercept', { slices: 5, rows: 6, columns: 7, intercept: -1024, value: (i, j, k) => i * 3 + j * 50 + k * 700 }],
  ['axial, descending positions', { slices: 4, rows: 5, columns: 6, step: [0, 0, -2.5] }],
  ['oblique', { slices: 5, rows: 6, columns: 5, orientation: [...row, ...col], pixelSpacing: [0.9, 0.6], step: [n[0] * 1.5, n[1] * 1.5, n[2] * 1.5] }],
  ['sagittal', { slices: 4, rows: 5, columns: 6, orientation: [0, 1, 0, 0, 0, -1], step: [-3, 0, 0] }],
  ['coronal, uint16', { slices: 4, rows: 5, columns: 6, orientation: [1, 0, 0, 0, 0, -1], step: [0, 2, 0], type: 'uint16' }],
  ['implicit VR, uint8', { slices: 3, rows: 4, columns: 4, type: 'uint8', write: { transferSyntax: 'implicit-le' }, value: (i, j, k) => i + 4 * j + 16 * k }],
  ['explicit VR big endian', { slices: 3, rows: 4, columns: 4, write: { transferSyntax: 'explicit-be' } }],
];

describe('DICOM reader vs dcm2niix', () => {
  it.each(cases)('%s', async (_name, spec) => {
    const files = await seriesFiles(spec);
    const ours = await loadOne(files);
    const theirs = await dcm2niix(await toDisk(files));
    expect(sameGrid(ours, theirs)).toBe(true);
    expectSameVoxels(ours, theirs);
  });

  it('the real MPRAGE series', async () => {
    requireFolder(real, 'the shared MPRAGE series');
    const ours = await loadOne(await diskFiles(real));
    expectSameVoxels(ours, await dcm2niix(real), 997);
  });

  // Missing slices. We leave blank (0) slots so every slice read stays at its
  // ImagePositionPatient. dcm2niix (checked with v1.0.20220720 on exactly these
  // series) does something else, so there is nothing to agree with voxel by voxel:
  //   - it warns "Interslice distance varies in this volume (incompatible with
  //     NIfTI format)" and "Missing images? Expected 7 [6] images, but
  //     instance number (0020,0013) ranges from 1 to 8";
  //   - out.nii holds only the slices read (7 [6]), stacked at the step between
  //     the first two slices: every slice after a gap sits one step (two steps
  //     after the second gap) away from its ImagePositionPatient;
  //   - out_Eq_1.nii resamples to equal steps of the smallest step, filling each
  //     gap by linear interpolation between its neighbours, but counts its slots
  //     as ceil((span − half the last step) / step), i.e. 7 for the 8 positions
  //     here, so the last slice is dropped (the other slices read keep their
  //     values exactly).
  // So: dcm2niix must run on the series, and any output of its on our grid (a
  // later version may fix the count of the _Eq file) must agree with ours on
  // every slice read; its gap slots are interpolated, ours blank, and are not
  // compared.
  const gapCases: Array<[string, number[]]> = [['one missing slice', [3]], ['two non-adjacent missing slices', [2, 5]]];
  it.each(gapCases)('%s: dcm2niix runs on it; outputs on our grid agree on the slices read', async (_name, drop) => {
    const all = await seriesFiles({ slices: 8, rows: 4, columns: 5 });
    const files = all.filter((_, k) => !drop.includes(k));
    const ours = await loadOne(files);
    expect(ours.dims[2]).toBe(8);
    const read = new Set([0, 1, 2, 3, 4, 5, 6, 7].filter((k) => !drop.includes(k)));
    const outputs = await dcm2niixAll(await toDisk(files));
    expect(outputs.length).toBeGreaterThan(0);
    for (const [, theirs] of outputs) if (sameGrid(ours, theirs)) expectSameVoxels(ours, theirs, 1, read);
  });
});

// Enhanced multi-frame objects written by our writer (testing/enhanced.ts).
// What dcm2niix v1.0.20220720 does with them (checked on these files):
//   - it keeps the frames in the order they are stored, placing the volume at
//     the first stored frame's position: frames stored out of position order
//     come out scrambled and shifted (so it converts files with frames in
//     position order, and we read the same frames stored shuffled);
//   - it takes the slice step from SliceThickness, not from the positions
//     (SliceThickness 3 for frames 1.5 mm apart gives a 3 mm step), so each
//     stack here carries its true step as SliceThickness (enhanced.test.ts
//     checks every voxel centre against the positions written, whatever
//     SliceThickness says);
//   - it reads one stack per file (given two, it warns "slice orientation
//     varies" and stacks them all): each stack of a two-stack object is
//     compared with its conversion of a file holding just that stack;
//   - it applies one rescale to a whole file: rescale here is one per stack
//     (per-frame rescale: enhanced.test.ts).
describe('enhanced multi-frame vs dcm2niix', () => {
  const a = Math.PI / 5, b = Math.PI / 11;
  const row = [Math.cos(a), Math.sin(a), 0];
  const col = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
  const n = cross(row, col);
  const oblique: StackSpec = {
    frames: 6, origin: [-20, 30, -5], orientation: [...row, ...col], pixelSpacing: [0.9, 0.6],
    step: [n[0] * 1.5, n[1] * 1.5, n[2] * 1.5], sliceThickness: 1.5, stackId: '1', slope: () => 1, intercept: () => -1024,
  };
  const sagittal: StackSpec = {
    frames: 4, origin: [5, -20, 60], orientation: [0, 1, 0, 0, 0, -1], pixelSpacing: [0.8, 0.7], step: [-3, 0, 0], sliceThickness: 3, stackId: '2',
    slope: () => 2, intercept: () => -100,
  };
  /** A file of stack `s` of `spec` alone, its frames stored in position order (what dcm2niix converts right). */
  const inOrder = (spec: EnhancedSpec, s: number): SourceFile => enhancedFile({
    ...spec, stacks: [spec.stacks[s]!], path: `stack${s}.dcm`,
    order: Array.from({ length: spec.stacks[s]!.frames }, (_, k) => [0, k] as const),
    value: (_t, i, j, k) => enhancedValue(s, i, j, k),
  });

  it('one oblique stack stored shuffled reads as dcm2niix converts it stored in order', async () => {
    const spec: EnhancedSpec = { rows: 5, columns: 7, stacks: [oblique] };
    const ours = await loadOne([enhancedFile(spec)]);
    const theirs = await dcm2niix(await toDisk([inOrder(spec, 0)]));
    expect(sameGrid(ours, theirs)).toBe(true);
    expectSameVoxels(ours, theirs);
  });

  it('two stacks in one object, frames shuffled: each as dcm2niix converts a file of just its frames in order', async () => {
    const spec: EnhancedSpec = { rows: 5, columns: 6, stacks: [oblique, sagittal] };
    const both = enhancedFile(spec);
    const { series } = await scan([both]);
    expect(series).toHaveLength(2);
    for (const s of [0, 1]) {
      const ours = await readDicomSeries(series[s]!, new Map([[both.path, both]]));
      const theirs = await dcm2niix(await toDisk([inOrder(spec, s)]));
      expect(sameGrid(ours, theirs), `stack ${s}`).toBe(true);
      expectSameVoxels(ours, theirs);
    }
  });

  // A classic multi-frame image (one ImagePositionPatient, no functional
  // groups): dcm2niix stacks the frames along +normal from that position,
  // SpacingBetweenSlices apart, warning "Unable to determine slice direction"; so do we.
  it('classic multi-frame: frames stacked as dcm2niix stacks them', async () => {
    const file = memoryFile('classic.dcm', writeImage({
      rows: 5, columns: 6, numberOfFrames: 4, pixels: new Int16Array(120).map((_, x) => x * 7 - 300),
      position: [10, -20, 30], orientation: [...row, ...col], pixelSpacing: [0.8, 0.7], sliceThickness: 1,
      sopClassUid: '1.2.840.10008.5.1.4.1.1.4', modality: 'MR', extra: [{ tag: 0x00180088, vr: 'DS', value: 2.5 }],
    }));
    const ours = await loadOne([file]);
    const theirs = await dcm2niix(await toDisk([file]));
    expect(sameGrid(ours, theirs)).toBe(true);
    expectSameVoxels(ours, theirs);
  });
});

// Voxel order. What we write for a DICOM series (slicesam convert, label
// files) takes dcm2niix's voxel order, so arrays pair index for index with
// dcm2niix's image: the same dims, every voxel at the same array index, and
// the same affine. 2D series: rows reversed; 3D MR acquisitions: nii_setOrtho's
// reorientation (see ../file-order.ts), in every orientation here.
describe('voxel order of what we write vs dcm2niix', () => {
  const mr3d = { modality: 'MR', sopClassUid: MR_IMAGE_STORAGE, extra: [{ tag: 0x00180023, vr: 'CS' as const, value: '3D' }] };
  const value = (i: number, j: number, k: number): number => (i * 7 + j * 31 + k * 101) % 997;
  const base = { rows: 6, columns: 7, value };
  const orderCases: Array<[string, SeriesSpec]> = [
    ...cases,
    ['3D MR axial', { ...base, slices: 5, image: mr3d }],
    ['3D MR axial, descending', { ...base, slices: 5, step: [0, 0, -1.5], image: mr3d }],
    ['3D MR sagittal', { ...base, slices: 4, orientation: [0, 1, 0, 0, 0, -1], step: [-1.2, 0, 0], image: mr3d }],
    ['3D MR coronal', { ...base, slices: 4, orientation: [1, 0, 0, 0, 0, -1], step: [0, 1.1, 0], image: mr3d }],
    ['3D MR oblique', { ...base, slices: 5, orientation: [...row, ...col], pixelSpacing: [0.9, 0.6], step: [n[0] * 1.5, n[1] * 1.5, n[2] * 1.5], image: mr3d }],
    ['3D MR, rows and columns reversed', { ...base, slices: 3, orientation: [-1, 0, 0, 0, -1, 0], image: mr3d }],
    // Two time points: dcm2niix's image is 4D, which it never reorients (rows reversed); ours is its first volume.
    ['3D MR sagittal, two time points', {
      ...base, slices: 8, orientation: [0, 1, 0, 0, 0, -1], step: [0, 0, 0], positions: (k, p) => [p[0] - 1.5 * (k % 4), p[1], p[2]], image: mr3d,
    }],
  ];

  it.each(orderCases)('%s: same dims, affine and voxel at every array index; labels too', async (_name, spec) => {
    const files = await seriesFiles(spec);
    const ours = await loadOne(files);
    const theirs = await dcm2niix(await toDisk(files));
    const written = inFileOrder(ours);
    expect(written.dims).toEqual(theirs.dims.slice(0, 3));
    expect(maxAffineDifference(written.affine, theirs.affine)).toBeLessThan(1e-3);
    let differ = 0;
    for (let x = 0; x < written.data.length; x++) if (written.data[x] !== theirs.data[x]) differ++;
    expect(differ).toBe(0);

    // A label drawn on our volume (a threshold of it) lands where dcm2niix's image holds the same voxels.
    const threshold = Number(theirs.data[Math.floor(theirs.data.length / 3)]);
    const labels = Uint8Array.from(ours.data, (v) => (Number(v) > threshold ? 1 : 0));
    const file = await readNifti(memoryFile('label.nii.gz', await writeLabelNifti(labels, labelGridOf(ours))));
    expect(file.dims).toEqual(theirs.dims.slice(0, 3));
    expect(maxAffineDifference(file.affine, theirs.affine)).toBeLessThan(1e-3);
    let wrong = 0, set = 0;
    for (let x = 0; x < file.data.length; x++) {
      if (file.data[x] !== (Number(theirs.data[x]) > threshold ? 1 : 0)) wrong++;
      set += file.data[x]!;
    }
    expect(wrong).toBe(0);
    expect(set).toBeGreaterThan(0);
  });
});
