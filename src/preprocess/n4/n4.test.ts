import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../shared/volume.ts';
import { correctBiasField, type N4Progress } from './n4.ts';
import { planShrink, shrink } from './shrink.ts';
import { applyField, makeField } from './testing/fields.ts';
import { coefficientOfVariation, correlation } from './testing/metrics.ts';
import { normals } from './testing/random.ts';

/** A synthetic head: background, a "scalp" shell, two tissues inside, a little noise. */
function phantom(dims: Vec3): { data: Float32Array; tissue: Uint8Array; inside: Uint8Array } {
  const [nx, ny, nz] = dims;
  const data = new Float32Array(nx * ny * nz);
  const tissue = new Uint8Array(data.length);
  const inside = new Uint8Array(data.length);
  const noise = normals(data.length, 0, 4, 21);
  let i = 0;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    const r = Math.hypot((x - nx / 2) / (0.45 * nx), (y - ny / 2) / (0.45 * ny), (z - nz / 2) / (0.45 * nz));
    const stripe = Math.floor(x / 6) % 2 === 0;
    let v = 5;
    if (r < 1) { v = 250; inside[i] = 1; }
    if (r < 0.85) { v = stripe ? 180 : 110; tissue[i] = stripe ? 1 : 0; }
    data[i] = v + noise[i]!;
  }
  return { data, tissue, inside };
}

describe('correctBiasField', () => {
  const dims: Vec3 = [72, 80, 60];
  const { data, tissue, inside } = phantom(dims);

  it('recovers a ±30 % ramp on a synthetic head', async () => {
    const truth = makeField('ramp', dims);
    const biased = applyField(data, truth);
    const result = await correctBiasField({ data: biased, dims }, { shrinkFactor: 2 });
    expect(result.field).not.toBeNull();
    expect(correlation(result.field!, truth, inside)).toBeGreaterThan(0.95);
    const before = coefficientOfVariation(biased, tissue);
    const after = coefficientOfVariation(result.corrected, tissue);
    const clean = coefficientOfVariation(data, tissue);
    expect(before - after).toBeGreaterThan(0.5 * (before - clean));
    expect(result.shrunkDims).toEqual([36, 40, 30]);
    expect(result.otsuThreshold).toBeGreaterThan(5);
    // corrected × field is the input again
    for (let k = 0; k < biased.length; k += 997) expect(result.corrected[k]! * result.field![k]!).toBeCloseTo(biased[k]!, 2);
  });

  it('reports progress per iteration and stops when a checkpoint throws', async () => {
    const seen: N4Progress[] = [];
    const stop = new Error('stop');
    await expect(correctBiasField({ data, dims }, { preset: 'fast' }, (p) => {
      seen.push(p);
      if (seen.filter((s) => s.phase === 'fit').length === 2) throw stop;
    })).rejects.toBe(stop);
    expect(seen.map((p) => p.phase)).toEqual(['prepare', 'prepare', 'fit', 'fit']);
    expect(seen[2]).toMatchObject({ done: 1, total: 16, level: 0 });
    expect(seen[3]!.done).toBeGreaterThan(1);
    expect(seen[3]!.convergence).toBeGreaterThan(0);
  });

  it('fits only where a given mask says, and refuses a mask of the wrong size', async () => {
    const result = await correctBiasField({ data, dims, mask: tissue }, { preset: 'fast', includeField: false });
    expect(result.otsuThreshold).toBeNull();
    expect(result.field).toBeNull();
    const plan = planShrink(dims, 4);
    const expected = shrink(tissue, dims, plan).reduce((a, b) => a + b, 0);
    expect(result.maskVoxels).toBe(expected);
    await expect(correctBiasField({ data, dims, mask: new Uint8Array(10) })).rejects.toThrow(/mask has 10 voxels/);
  });
});

describe('correctBiasField on one slice', () => {
  it('fits a 2D image (a one-voxel axis stays unshrunk and constant)', async () => {
    const dims: Vec3 = [160, 140, 1];
    const data = new Float32Array(160 * 140);
    const inside = new Uint8Array(data.length);
    for (let y = 0; y < 140; y++) for (let x = 0; x < 160; x++) {
      const i = x + 160 * y;
      if (Math.hypot((x - 80) / 70, (y - 70) / 60) < 1) { inside[i] = 1; data[i] = (Math.floor(x / 8) % 2 ? 100 : 180) + ((i * 7919) % 13); } else data[i] = 3;
    }
    const truth = makeField('ramp', dims);
    const result = await correctBiasField({ data: applyField(data, truth), dims });
    expect(result.shrunkDims).toEqual([40, 35, 1]);
    expect(correlation(result.field!, truth, inside)).toBeGreaterThan(0.95);
  });
});

describe('planShrink', () => {
  it('centres the shrunk grid as itk::ShrinkImageFilter does', () => {
    expect(planShrink([256, 256, 170], 4)).toEqual({ factor: [4, 4, 4], dims: [64, 64, 42], offset: [2, 2, 3], centre: [1.5, 1.5, 2.5] });
    expect(planShrink([181, 217, 3], 4)).toMatchObject({ factor: [4, 4, 1], dims: [45, 54, 3], offset: [2, 2, 0] });
  });
});
