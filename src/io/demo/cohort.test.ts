import { describe, expect, it } from 'vitest';
import { memoryFile, type SourceFile } from '../../shared/source-file.ts';
import type { Vec3, Volume } from '../../shared/volume.ts';
import { memoryDirectory, MemoryDirectoryHandle, treeOf } from '../fs/testing/memory-directory.ts';
import { walkDirectory } from '../fs/walk.ts';
import { writeFileAtomic } from '../fs/files.ts';
import { loadVolume, scanFiles } from '../scan.ts';
import { DEMO_COHORT, DEMO_MARKER, DEMO_VERSION, demoPaths, generateDemoFiles, openDemoCohort, writeDemoCohort } from './cohort.ts';

/** Voxel (i, j, k) nearest to a RAS point, through the inverse of a diagonal-free 3×3 (general) affine. */
function voxelAt(v: Volume, ras: Vec3): Vec3 {
  const a = v.affine;
  const m = [[a[0]!, a[1]!, a[2]!], [a[4]!, a[5]!, a[6]!], [a[8]!, a[9]!, a[10]!]];
  const d = [ras[0] - a[3]!, ras[1] - a[7]!, ras[2] - a[11]!];
  const det = m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) - m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) + m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
  const solve = (col: number): number => {
    const r = m.map((row, n) => row.map((x, c) => (c === col ? d[n]! : x)));
    return (r[0]![0]! * (r[1]![1]! * r[2]![2]! - r[1]![2]! * r[2]![1]!) - r[0]![1]! * (r[1]![0]! * r[2]![2]! - r[1]![2]! * r[2]![0]!) + r[0]![2]! * (r[1]![0]! * r[2]![1]! - r[1]![1]! * r[2]![0]!)) / det;
  };
  return [Math.round(solve(0)), Math.round(solve(1)), Math.round(solve(2))];
}

function valueAt(v: Volume, [i, j, k]: Vec3): number {
  return v.data[i + v.dims[0] * (j + v.dims[1] * k)]!;
}

describe('demo cohort', () => {
  it('is deterministic and lists the files it writes', async () => {
    const [a, b] = [await generateDemoFiles(), await generateDemoFiles()];
    expect(a.map((f) => f.path)).toEqual(demoPaths());
    expect(a.length).toBe(40 + 32 + 32 + 2);
    const differ = a.filter((f, n) => Buffer.compare(f.bytes, b[n]!.bytes) !== 0).map((f) => f.path);
    expect(differ).toEqual([]);
    const total = a.reduce((s, f) => s + f.bytes.byteLength, 0);
    expect(total).toBeLessThan(12e6);
  });

  it('scans to 4 volumes and one truncated file; every volume loads with the described geometry', async () => {
    const t0 = performance.now();
    const files: SourceFile[] = (await generateDemoFiles()).map((f) => memoryFile(f.path, f.bytes));
    const generated = performance.now() - t0;
    const report = await scanFiles(files);
    expect(report.volumes).toHaveLength(DEMO_COHORT.cases.length);
    expect(report.skipped).toEqual([expect.objectContaining({ path: 'patient-04/broken.dcm', code: 'truncated' })]);
    const byPath = new Map(files.map((f) => [f.path, f]));

    for (const c of DEMO_COHORT.cases) {
      const source = report.volumes.find((v) => (v.kind === 'nifti' ? v.id === c.path : v.description === c.description && v.paths[0]!.startsWith(`${c.path}/`)));
      expect(source, c.description).toBeDefined();
      expect(source!.dims).toEqual(c.dims);
      expect(source!.paths).toHaveLength(c.fileCount);
      const v = await loadVolume(source!, byPath);
      expect(v.dims).toEqual(c.dims);
      expect(v.datatype).toBe(c.datatype);
      for (let n = 0; n < 3; n++) expect(v.spacing[n]).toBeCloseTo(c.spacing[n]!, 5);
      expect(v.meta.warnings, c.description).toEqual([]);
      // Geometry end to end: each landmark's centre, found through the volume's own affine, shows its tissue.
      for (const l of c.landmarks) {
        const at = voxelAt(v, l.centreRas);
        const value = valueAt(v, at);
        if (c.modality === 'MR') expect(value, `${c.description} ${l.name} at ${at}`).toBeGreaterThan(850);
        else if (l.name === 'liver lesion') expect(value, `${l.name} at ${at}`).toBeLessThan(50);
        else expect(value, `${l.name} at ${at}`).toBeGreaterThan(550);
      }
      if (c.kind === 'nifti') {
        // LPS voxel axes: i runs towards the patient's left (RAS x falls), j towards posterior.
        expect(v.affine[0]).toBeLessThan(0);
        expect(v.affine[5]).toBeLessThan(0);
        expect(v.affine[10]).toBeGreaterThan(0);
        expect(v.meta.modality ?? 'CT').toBe('CT');
      }
    }
    // patient-02: two series interleaved in one folder, files without extension.
    const p2 = report.volumes.filter((v) => v.paths[0]!.startsWith('patient-02/'));
    expect(p2.map((v) => v.description).sort()).toEqual(['FLAIR phantom', 'T1 phantom']);
    expect(p2[0]!.id).not.toBe(p2[1]!.id);
    expect(p2.flatMap((v) => v.paths).every((p) => /^patient-02\/IM\d{4}$/.test(p))).toBe(true);
    expect(generated).toBeLessThan(5000); // about 0.3 s on a laptop; generous for CI
  });

  it('writes into a folder and is found again by walking it', async () => {
    const root = await memoryDirectory();
    const progress: number[] = [];
    const result = await writeDemoCohort(root.handle, { onProgress: (n) => progress.push(n) });
    expect(result.caseCount).toBe(4);
    expect(result.files).toEqual(demoPaths());
    expect(progress.at(-1)).toBe(result.files.length);
    const walked = await walkDirectory(root.handle, { skipFolders: ['labels'] });
    expect(walked.map((f) => f.path).sort()).toEqual(demoPaths());
    const report = await scanFiles(walked);
    expect(report.volumes).toHaveLength(4);
  });

  it('reuses a folder of the same version, regenerates another, keeps labels/ and removes only files a demo wrote', async () => {
    const root = new MemoryDirectoryHandle('slicesam-demo');
    const first = await openDemoCohort({ root: root.handle });
    expect(first.reused).toBe(false);
    expect(JSON.parse(new TextDecoder().decode(treeOf(root).get(DEMO_MARKER)!))).toMatchObject({ version: DEMO_VERSION });
    await writeFileAtomic(root.handle, 'labels/patient-01.nii.gz', 'earlier output');
    await writeFileAtomic(root.handle, 'stray.txt', 'left over');

    const again = await openDemoCohort({ root: root.handle });
    expect(again.reused).toBe(true);
    expect(again.files).toEqual(first.files);
    expect(treeOf(root).has('stray.txt')).toBe(true);

    // An older version, whose marker lists a file this version no longer writes.
    await writeFileAtomic(root.handle, 'old-phantom.nii.gz', 'an older demo case');
    await writeFileAtomic(root.handle, DEMO_MARKER, JSON.stringify({ version: DEMO_VERSION - 1, paths: ['old-phantom.nii.gz', '../escape.txt'] }));
    const fresh = await openDemoCohort({ root: root.handle });
    expect(fresh.reused).toBe(false);
    const tree = treeOf(root);
    // Only what a demo wrote goes: a file of anyone else's stays.
    expect(tree.has('old-phantom.nii.gz')).toBe(false);
    expect(tree.has('stray.txt')).toBe(true);
    tree.delete('stray.txt');
    expect(new TextDecoder().decode(tree.get('labels/patient-01.nii.gz'))).toBe('earlier output');
    expect([...tree.keys()].filter((p) => !p.startsWith('labels/') && p !== DEMO_MARKER).sort()).toEqual(demoPaths());
  });
});
