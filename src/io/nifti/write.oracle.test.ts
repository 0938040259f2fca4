// Label files read back by nibabel: the source's exact shape and transform
// (codes, sform, qform, pixdim), the declared datatype and the values we wrote.
// And the 48-orientation set: a label drawn at one world place lands at that
// world place, over the same anatomy, in every orientation.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nibRead, runPython } from '../../../tools/oracle/run.ts';
import type { Volume } from '../../shared/volume.ts';
import { voxelToWorld } from '../geometry.ts';
import { diskFile } from '../node/files.ts';
import { readNifti } from './read.ts';
import { encodeNifti, encodeNiftiPair, writeLabelNifti } from './write.ts';

const SPACE = '../shared/data/nifti_space';
let out = '';
let cases = '';
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'slicesam-labels-'));
  cases = mkdtempSync(join(tmpdir(), 'slicesam-nifti-'));
  runPython('make_nifti_cases.py', [cases]);
});

/** A label that depends on world position only: 1 inside a sphere, 2 in a box, 0 elsewhere. */
function worldLabel(v: Volume): Uint8Array {
  const [nx, ny, nz] = v.dims;
  const lab = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const [x, y, z] = voxelToWorld(v.affine, i, j, k);
    const idx = i + nx * (j + ny * k);
    if ((x - 12) ** 2 + (y + 20) ** 2 + (z - 5) ** 2 < 15 ** 2) lab[idx] = 1;
    else if (Math.abs(x + 30) < 9 && Math.abs(y - 10) < 9 && Math.abs(z - 20) < 9) lab[idx] = 2;
  }
  return lab;
}

async function writeFor(v: Volume, labels: ArrayLike<number>, name: string): Promise<string> {
  const path = join(out, name);
  writeFileSync(path, await writeLabelNifti(labels, v));
  return path;
}

describe('the viewer\'s .hdr / .img pair vs nibabel', () => {
  it.each(['qform_sform_differ.nii.gz', 'nifti2.nii.gz', 'qform_left_handed.nii'])('%s: the pair reads as the same image as the .nii', async (file) => {
    const v = await readNifti(await diskFile(join(cases, file)));
    const pair = encodeNiftiPair(v);
    expect(pair.image).toBe(v.data.buffer); // the volume's own voxels, not a copy
    const base = join(out, `pair-${file.replace(/\.nii(\.gz)?$/, '')}`);
    writeFileSync(`${base}.hdr`, new Uint8Array(pair.header));
    writeFileSync(`${base}.img`, new Uint8Array(pair.image));
    writeFileSync(`${base}.nii`, encodeNifti(v));
    const [p, n] = nibRead([`${base}.hdr`, `${base}.nii`], { values: true });
    expect(p!.shape).toEqual(n!.shape);
    expect(p!.version).toBe(n!.version);
    expect(p!.affine).toEqual(n!.affine);
    expect([p!.sform, p!.qform, p!.sform_code, p!.qform_code]).toEqual([n!.sform, n!.qform, n!.sform_code, n!.qform_code]);
    expect(p!.dtype).toBe(n!.dtype);
    expect(p!.values).toEqual(n!.values);
  });
});

describe('label writer vs nibabel', () => {
  const kinds = ['sform_only.nii.gz', 'qform_only.nii.gz', 'no_transform.nii.gz', 'qform_sform_differ.nii.gz',
    'qform_left_handed.nii', 'nifti2.nii.gz', 'nifti2_big_endian.nii', 'two_d.nii.gz', 'four_d.nii.gz'];

  it.each(kinds)('%s: the label carries the source geometry exactly', async (file) => {
    const src = join(cases, file);
    const v = await readNifti(await diskFile(src));
    const labels = new Uint8Array(v.data.length).map((_, n) => (n * 7) % 5);
    const path = await writeFor(v, labels, `label-${file.replace(/\.nii(\.gz)?$/, '')}.nii.gz`);
    const [s, l] = nibRead([src, path], { values: true });
    expect(l!.shape).toEqual(file === 'four_d.nii.gz' ? s!.shape.slice(0, 3) : s!.shape);
    expect(l!.version).toBe(s!.version);
    expect(l!.sform_code).toBe(s!.sform_code);
    expect(l!.qform_code).toBe(s!.qform_code);
    expect(l!.sform).toEqual(s!.sform);
    expect(l!.qform).toEqual(s!.qform);
    expect(l!.affine).toEqual(s!.affine);
    expect(l!.pixdim.slice(0, 4)).toEqual(s!.pixdim.slice(0, 4));
    expect(l!.dtype).toBe('uint8');
    expect(l!.values).toEqual(Array.from(labels));
    expect(l!.descrip).toBe('SliceSAM label');
    expect(l!.aux_file).toBe('');
    expect(l!.intent_code).toBe(1002);
  });

  it('switches to uint16 when a label exceeds 255', async () => {
    const v = await readNifti(await diskFile(join(cases, 'sform_only.nii.gz')));
    const labels = new Uint16Array(v.data.length).map((_, n) => (n % 3 === 0 ? 300 + n : n % 2));
    const path = await writeFor(v, labels, 'label-u16.nii.gz');
    const [l] = nibRead([path], { values: true });
    expect(l!.dtype).toBe('uint16');
    expect(l!.values).toEqual(Array.from(labels));
  });

  it('refuses labels that do not fit the grid or the types', async () => {
    const v = await readNifti(await diskFile(join(cases, 'sform_only.nii.gz')));
    await expect(writeLabelNifti(new Uint8Array(3), v)).rejects.toThrow(/holds 3 voxels/);
    await expect(writeLabelNifti(new Int32Array(v.data.length).fill(70000), v)).rejects.toThrow(/exceeds 65535/);
  });

  it('all 48 orientations: labels land at the same world positions over the same anatomy', async () => {
    const files = readdirSync(SPACE).filter((f) => f.endsWith('.nii.gz')).sort();
    expect(files).toHaveLength(48);
    const args: string[] = [];
    for (const f of files) {
      const v = await readNifti(await diskFile(join(SPACE, f)));
      args.push(join(SPACE, f), await writeFor(v, worldLabel(v), `space-${f}`));
    }
    const records = JSON.parse(runPython('label_world.py', args)) as { label: string; points: [number, number, number, number, number][] }[];
    const reference = records[0]!.points;
    expect(reference.length).toBeGreaterThan(500);
    expect(new Set(reference.map((p) => p[3]))).toEqual(new Set([1, 2]));
    // Every labelled voxel sits inside its source image (intensity read through the source affine).
    expect(reference.every((p) => Number.isFinite(p[4]))).toBe(true);
    for (const r of records) {
      expect(r.points.length, r.label).toBe(reference.length);
      let worstMm = 0, wrongValues = 0, wrongIntensities = 0;
      for (let n = 0; n < reference.length; n++) {
        const [x, y, z, value, intensity] = r.points[n]!;
        const ref = reference[n]!;
        worstMm = Math.max(worstMm, Math.abs(x - ref[0]), Math.abs(y - ref[1]), Math.abs(z - ref[2]));
        if (value !== ref[3]) wrongValues++;
        if (Math.abs(intensity - ref[4]) > 1e-4) wrongIntensities++;
      }
      expect({ label: r.label, worstMm: worstMm < 0.01, wrongValues, wrongIntensities })
        .toEqual({ label: r.label, worstMm: true, wrongValues: 0, wrongIntensities: 0 });
    }
  });
});
