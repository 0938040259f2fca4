// Real NIfTI files read by us and by nibabel, and label maps we write for them
// read back by nibabel: ITK's KmeansTest T1 (LSA, qform and sform differ
// slightly, vox_offset 0, scl_slope NaN) with its k-means segmentation, and
// Colin27 ch2 (sform only, junk quaternion) with the AAL atlas on its grid.
// Data fetched into .test-data/ by tools/fetch-test-data.sh; a failed fetch
// FAILS these tests (never skips them).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flat, nibRead, runPython, SYSTEM_PYTHON, type NibRecord } from '../../tools/oracle/run.ts';
import type { Volume } from '../shared/volume.ts';
import { diskFile } from './node/files.ts';
import { readNifti } from './nifti/read.ts';
import { encodeNifti, writeLabelNifti } from './nifti/write.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = join(ROOT, '.test-data');
const ITK_T1 = join(DATA, 'itk/KmeansTest_T1UCharRaw.nii.gz');
const ITK_SEG = join(DATA, 'itk/KmeansTest_T1KmeansPrelimSegmentation.nii.gz');
const CH2 = join(DATA, 'mricron/ch2.nii.gz');
const AAL = join(DATA, 'mricron/aal.nii.gz');
const AAL_TXT = join(DATA, 'mricron/aal.nii.txt');

let tmp = '';
beforeAll(() => {
  const run = spawnSync('bash', [join(ROOT, 'tools/fetch-test-data.sh')], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tools/fetch-test-data.sh failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  tmp = mkdtempSync(join(tmpdir(), 'slicesam-nifti-real-'));
}, 180_000);
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

interface LabelStats { count: number; centroid_mm: number[]; min_mm: number[]; max_mm: number[]; intensity_sum: number }
interface Digest { source: string; label: string; count: number; sha256: string; labels: Record<string, LabelStats>; rows_for: number[]; rows: Row[] }
type Row = [number, number, number, number, number];

/**
 * label_world_digest.py over SOURCE LABEL pairs, each pair computed once per run;
 * each digest also lists the rows (as label_world.py prints them) of its smallest label.
 */
const digests = new Map<string, Digest>();
function digest(pairs: string[]): Digest[] {
  const run = (p: string[]): Digest[] => JSON.parse(runPython('label_world_digest.py', ['--rows-for-smallest', ...p])) as Digest[];
  const key = (n: number): string => `${pairs[2 * n]}\0${pairs[2 * n + 1]}`;
  const missing: string[] = [];
  for (let n = 0; n < pairs.length / 2; n++) if (!digests.has(key(n))) missing.push(pairs[2 * n]!, pairs[2 * n + 1]!);
  if (missing.length) for (const d of run(missing)) digests.set(`${d.source}\0${d.label}`, d);
  return Array.from({ length: pairs.length / 2 }, (_, n) => digests.get(key(n))!);
}

/** label_world.py (the reference, slow on big labels: only sparse ones here). */
function labelWorld(pairs: string[]): Array<{ points: Row[] }> {
  return JSON.parse(runPython('label_world.py', pairs)) as Array<{ points: Row[] }>;
}

interface WorldComparison { ok: boolean; failures: string[]; max_mm: number; mismatched_voxels: number; max_abs_diff: number; compared_voxels: number; voxels: number }
function compareWorld(ours: string, theirs: string): WorldComparison {
  const run = spawnSync(SYSTEM_PYTHON, [join(ROOT, 'tools/oracle/compare_world.py'), ours, theirs], { encoding: 'utf8' });
  if (run.status !== 0 && run.status !== 1) throw new Error(`compare_world.py failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as WorldComparison;
}

/** Same grid in the world, same voxel values (what nibabel reads, scaled), exactly. */
function expectSameVoxels(ours: string, theirs: string, voxels: number): void {
  const c = compareWorld(ours, theirs);
  expect(c.failures, JSON.stringify(c)).toEqual([]);
  expect(c.compared_voxels).toBe(voxels);
  expect(c.max_mm).toBeLessThan(1e-3);
  expect(c.mismatched_voxels).toBe(0);
  expect(c.max_abs_diff).toBe(0);
}

async function writeLabel(labels: ArrayLike<number>, source: Volume, name: string): Promise<string> {
  const path = join(tmp, name);
  writeFileSync(path, await writeLabelNifti(labels, source));
  return path;
}

/** What nibabel sees in a label we wrote must be the source's geometry, exactly. */
function expectSameGeometry(label: NibRecord, source: NibRecord, dtype: string): void {
  expect(label.shape).toEqual(source.shape);
  expect(label.version).toBe(source.version);
  expect(label.sform_code).toBe(source.sform_code);
  expect(label.qform_code).toBe(source.qform_code);
  expect(label.sform).toEqual(source.sform);
  expect(label.qform).toEqual(source.qform);
  expect(label.affine).toEqual(source.affine);
  expect(label.quatern).toEqual(source.quatern);
  expect(label.qoffset).toEqual(source.qoffset);
  expect(label.pixdim.slice(0, 4)).toEqual(source.pixdim.slice(0, 4));
  expect(label.dtype).toBe(dtype);
  expect(label.intent_code).toBe(1002);
  expect(label.descrip).toBe('SliceSAM label');
}

function expectAffineClose(ours: readonly number[], theirs: number[][], tol = 1e-5): void {
  const t = flat(theirs);
  const worst = Math.max(...ours.map((v, n) => Math.abs(v - t[n]!)));
  expect(worst, `ours ${JSON.stringify(ours)} vs nibabel ${JSON.stringify(t)}`).toBeLessThan(tol);
}

/**
 * label_world.py on our label for the original's smallest region alone (its Python loops are too
 * slow for 10⁶ voxels): those voxels sit exactly where the original has them, over the same source
 * intensities. (The rows of the original come from label_world_digest.py, which computes them as
 * label_world.py does; this also checks the digest script against label_world.py.)
 */
async function expectSmallestRegionByLabelWorld(source: string, sourceVolume: Volume, labels: ArrayLike<number>, original: Digest, name: string): Promise<void> {
  const value = original.rows_for[0]!;
  const only = new Uint8Array(labels.length);
  for (let n = 0; n < labels.length; n++) if (labels[n] === value) only[n] = value;
  const [mine] = labelWorld([source, await writeLabel(only, sourceVolume, name)]);
  expect(mine!.points.length).toBe(original.labels[String(value)]!.count);
  // (Deep equality over 10⁴ rows is slow in expect: compare the JSON, and show the first differing row.)
  if (JSON.stringify(mine!.points) !== JSON.stringify(original.rows)) {
    const at = mine!.points.findIndex((row, n) => JSON.stringify(row) !== JSON.stringify(original.rows[n]));
    expect(mine!.points[at], `row ${at} of region ${value}`).toEqual(original.rows[at]);
  }
}

describe('ITK KmeansTest T1 (LSA; qform and sform differ)', () => {
  it('reads with nibabel\'s affine (the sform wins) and nibabel\'s voxels', async () => {
    const v = await readNifti(await diskFile(ITK_T1));
    const [n] = nibRead([ITK_T1]);
    // The case is what it claims to be: codes 1/2, the two transforms differ, the axes are L S A.
    expect([n!.sform_code, n!.qform_code]).toEqual([1, 2]);
    const qs = flat(n!.qform).map((q, k) => Math.abs(q - flat(n!.sform)[k]!));
    expect(Math.max(...qs)).toBeGreaterThan(1e-4);
    expect(v.dims).toEqual(n!.shape);
    expect(v.dims).toEqual([128, 128, 62]);
    expectAffineClose(v.affine, n!.affine);
    expectAffineClose(v.affine, n!.sform);
    expect(v.spacing.map((s) => +s.toFixed(5))).toEqual([2, 2, 3]);
    expect(v.datatype).toBe('int16');
    // Our voxels, re-encoded on our affine, against the file as nibabel reads it.
    const copy = join(tmp, 'itk-t1-ours.nii');
    writeFileSync(copy, encodeNifti(v));
    expectSameVoxels(copy, ITK_T1, 128 * 128 * 62);
  });

  it('its segmentation written as our label: nibabel sees the T1\'s exact geometry and every label, at the same world places', async () => {
    const t1 = await readNifti(await diskFile(ITK_T1));
    const seg = await readNifti(await diskFile(ITK_SEG));
    expect(seg.dims).toEqual(t1.dims);
    const ours = await writeLabel(seg.data, t1, 'itk-label.nii.gz');
    const [src, lab] = nibRead([ITK_T1, ours]);
    expectSameGeometry(lab!, src!, 'uint8');
    expectSameVoxels(ours, ITK_SEG, 128 * 128 * 62); // the segmentation file's values, voxel for voxel

    // Every labelled voxel: same world position, same value, over the same T1 intensity.
    const [o, m] = digest([ITK_T1, ITK_SEG, ITK_T1, ours]);
    expect(m!.count).toBe(o!.count);
    expect(m!.labels).toEqual(o!.labels);
    expect(m!.sha256).toBe(o!.sha256);

    await expectSmallestRegionByLabelWorld(ITK_T1, t1, seg.data, o!, 'itk-label-sparse.nii.gz');
  });
});

describe('Colin27 ch2 with the AAL atlas (sform only, junk quaternion)', () => {
  it('ch2 reads with its sform (the junk quaternion ignored) and nibabel\'s voxels, in world space', async () => {
    const v = await readNifti(await diskFile(CH2));
    const [n] = nibRead([CH2]);
    expect([n!.sform_code, n!.qform_code]).toEqual([4, 0]);
    expect(n!.quatern).toEqual([1, 0, 0]); // junk: a 180° turn that, if used, would flip y and z
    expect(v.dims).toEqual([181, 217, 181]);
    expect(v.dims).toEqual(n!.shape);
    expectAffineClose(v.affine, n!.affine);
    expectAffineClose(v.affine, n!.sform);
    // Our volume re-encoded, against the file: same world grid, same voxels.
    const copy = join(tmp, 'ch2-ours.nii');
    writeFileSync(copy, encodeNifti(v));
    expectSameVoxels(copy, CH2, 181 * 217 * 181);
  });

  it('AAL written as our label for ch2: ch2\'s exact geometry, uint8 (max 116), the atlas voxel for voxel at the same world places', async () => {
    const ch2 = await readNifti(await diskFile(CH2));
    const aal = await readNifti(await diskFile(AAL));
    expect(aal.dims).toEqual(ch2.dims);
    let max = 0;
    for (const x of aal.data) if (x > max) max = x;
    expect(max).toBe(116); // the atlas holds region indices 1..116: uint8
    const ours = await writeLabel(aal.data, ch2, 'aal-label.nii.gz');
    const [src, lab] = nibRead([CH2, ours]);
    expectSameGeometry(lab!, src!, 'uint8');
    // Voxel for voxel (and world place for world place) the atlas file.
    expectSameVoxels(ours, AAL, 181 * 217 * 181);

    const [o, m] = digest([CH2, AAL, CH2, ours]);
    expect(m!.count).toBe(o!.count);
    expect(Object.keys(m!.labels)).toHaveLength(116);
    expect(m!.labels).toEqual(o!.labels);
    expect(m!.sha256).toBe(o!.sha256);

    await expectSmallestRegionByLabelWorld(CH2, ch2, aal.data, o!, 'aal-label-sparse.nii.gz');
  });

  it('AAL with the region codes of aal.nii.txt (2001..9170) is written as uint16, each region where the atlas has it', async () => {
    const ch2 = await readNifti(await diskFile(CH2));
    const aal = await readNifti(await diskFile(AAL));
    const codeOf = new Map<number, number>();
    for (const line of readFileSync(AAL_TXT, 'latin1').split(/\r?\n/)) {
      const [index, , code] = line.trim().split(/\s+/);
      if (index && code) codeOf.set(Number(index), Number(code));
    }
    expect(codeOf.size).toBe(116);
    expect(Math.max(...codeOf.values())).toBe(9170);
    const lut = new Uint16Array(256);
    for (const [index, code] of codeOf) lut[index] = code;
    const coded = new Uint16Array(aal.data.length);
    for (let n = 0; n < coded.length; n++) coded[n] = lut[aal.data[n]!]!;
    const ours = await writeLabel(coded, ch2, 'aal-codes.nii.gz');
    const [src, lab] = nibRead([CH2, ours]);
    expectSameGeometry(lab!, src!, 'uint16');
    const [o, m] = digest([CH2, AAL, CH2, ours]);
    expect(m!.count).toBe(o!.count);
    for (const [index, stats] of Object.entries(o!.labels)) {
      expect(m!.labels[String(codeOf.get(Number(index)))], `region ${index}`).toEqual(stats);
    }
  });
});
