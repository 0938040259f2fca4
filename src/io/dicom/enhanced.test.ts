// Enhanced multi-frame images: frames ordered by their per-frame functional
// groups, rescaled per frame, and one object holding several stacks split into
// several series. Every file here is written by the project's DICOM writer
// (write.ts, through testing/enhanced.ts); every voxel read is checked against
// the world position and the value the writer was given.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVolumeError } from '../../shared/errors.ts';
import { memoryFile, type SourceFile } from '../../shared/source-file.ts';
import type { Vec3, Volume } from '../../shared/volume.ts';
import { voxelToWorld } from '../geometry.ts';
import { scanFiles, loadVolume } from '../scan.ts';
import { readDicomHeader } from './read-header.ts';
import { readDicomSeries } from './read-series.ts';
import { loadOne, scan } from './testing/load.ts';
import { countingFile, cross, seriesFiles, writeImage } from './testing/synthetic.ts';
import {
  enhancedElements, enhancedFile, type EnhancedSpec, enhancedValue, type StackSpec, stackVoxel, storageOrder,
} from './testing/enhanced.ts';
import { writeDicom } from './write.ts';

const ras = (p: readonly number[]): Vec3 => [-p[0]!, -p[1]!, p[2]!];

const a = Math.PI / 7, b = Math.PI / 9;
const OBLIQUE = [Math.cos(a), Math.sin(a), 0, -Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)];
const AXIAL = [1, 0, 0, 0, 1, 0];
const SAGITTAL = [0, 1, 0, 0, 0, -1];

/**
 * Every voxel of `v` sits at the LPS position the stack puts voxel (i, j, k)
 * (k in position order, `reversed` when the volume runs against the stack's
 * step) and holds the stored value scaled by that slice's rescale.
 */
function expectStack(v: Volume, stack: StackSpec, s: number, spec: EnhancedSpec, reversed = false): void {
  const value = spec.value ?? enhancedValue;
  const [nx, ny, nz] = v.dims;
  expect([nx, ny, nz]).toEqual([spec.columns, spec.rows, stack.frames]);
  let worst = 0;
  for (let k = 0; k < nz; k++) {
    const sk = reversed ? nz - 1 - k : k;
    const slope = stack.slope?.(sk) ?? 1, intercept = stack.intercept?.(sk) ?? 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const want = ras(stackVoxel(stack, i, j, sk));
        const got = voxelToWorld(v.affine, i, j, k);
        worst = Math.max(worst, ...got.map((g, c) => Math.abs(g - want[c]!)));
        const expected = value(s, i, j, sk) * slope + intercept;
        const actual = v.data[i + j * nx + k * nx * ny]!;
        if (Math.abs(actual - expected) > 1e-3 * Math.max(1, Math.abs(expected))) {
          throw new Error(`voxel ${i},${j},${k} (stack ${s}, slice ${sk}) holds ${actual}, expected ${expected}`);
        }
      }
    }
  }
  expect(worst, 'largest distance (mm) of a voxel centre from its written position').toBeLessThan(1e-4);
}

async function onlySeries(files: SourceFile[]) {
  const { series } = await scan(files);
  return { series, map: new Map(files.map((f) => [f.path, f])) };
}

describe('enhanced multi-frame: one stack', () => {
  it('frames stored shuffled, oblique, per-frame integer rescale: every voxel at its written position with its value', async () => {
    const stack: StackSpec = {
      frames: 7, origin: [-40, 25, 10], orientation: OBLIQUE, pixelSpacing: [0.9, 0.6],
      step: cross(OBLIQUE.slice(0, 3), OBLIQUE.slice(3)).map((x) => x * 1.5) as Vec3,
      intercept: (k) => -1024 + 5 * k, slope: () => 1,
    };
    const spec: EnhancedSpec = { rows: 5, columns: 6, stacks: [stack] };
    // The shuffle really is out of position order.
    const order = storageOrder(spec).map(([, k]) => k);
    expect(order).not.toEqual([...order].sort((x, y) => x - y));
    const file = countingFile(enhancedFile(spec));
    const { series, map } = await onlySeries([file]);
    expect(series).toHaveLength(1);
    expect(series[0]!.sliceCount).toBe(7);
    file.reads = 0;
    const v = await readDicomSeries(series[0]!, map);
    expect(file.reads).toBe(1);
    expect(v.datatype).toBe('int16');
    expectStack(v, stack, 0, spec);
    expect(v.meta.warnings).toEqual([]);
  });

  it('fractional per-frame slopes give float32, each frame scaled by its own', async () => {
    const stack: StackSpec = {
      frames: 4, origin: [0, 0, 0], orientation: AXIAL, pixelSpacing: [0.5, 0.5], step: [0, 0, -3],
      slope: (k) => 0.25 * (k + 1), intercept: (k) => -10 * k,
    };
    const spec: EnhancedSpec = { rows: 3, columns: 4, stacks: [stack] };
    const { series, map } = await onlySeries([enhancedFile(spec)]);
    const v = await readDicomSeries(series[0]!, map);
    expect(v.datatype).toBe('float32');
    // The step is −3 mm in z: the volume runs from the last written slice up.
    expectStack(v, stack, 0, spec, true);
  });

  it('orientation and pixel spacing in the shared groups only, positions per frame', async () => {
    const stack: StackSpec = { frames: 5, origin: [10, -20, 30], orientation: SAGITTAL, pixelSpacing: [1.1, 0.7], step: [-2.5, 0, 0], geometryShared: true };
    const spec: EnhancedSpec = { rows: 4, columns: 3, stacks: [stack], shared: { slope: 2, intercept: -7 } };
    const { series, map } = await onlySeries([enhancedFile(spec)]);
    const v = await readDicomSeries(series[0]!, map);
    expectStack(v, { ...stack, slope: () => 2, intercept: () => -7 }, 0, spec);
  });

  it('InStackPositionNumber breaks ties between frames at one position: the first of them is kept, with a warning', async () => {
    const stack: StackSpec = { frames: 3, origin: [0, 0, 0], orientation: AXIAL, pixelSpacing: [1, 1], stackId: '1' };
    const spec: EnhancedSpec = { rows: 2, columns: 2, stacks: [stack], order: [[0, 2], [0, 0], [0, 1]] };
    const elements = enhancedElements(spec);
    // Give the stored-first frame (in-stack position 3) the position of in-stack position 2: two frames at z = 2.
    const perFrame = elements.find((e) => e.tag === 0x52009230)!.value as unknown as Array<Array<{ tag: number; value: unknown }>>;
    const plane = perFrame[0]!.find((e) => e.tag === 0x00209113)!;
    plane.value = [[{ tag: 0x00200032, vr: 'DS', value: [0, 0, 2] }]];
    const { series, map } = await onlySeries([memoryFile('dup.dcm', writeDicom(elements))]);
    const v = await readDicomSeries(series[0]!, map);
    expect(v.dims).toEqual([2, 2, 2]);
    expect(v.meta.warnings.join()).toMatch(/^duplicate-positions: .*left out: dup\.dcm frame 1$/);
    // Slot 1 holds in-stack position 2 (slice 1), not the stored-first frame (slice 2).
    expect(Array.from(v.data.subarray(4, 8))).toEqual([0, 1, 2, 3].map((x) => enhancedValue(0, x % 2, x >> 1, 1)));
  });
});

describe('enhanced multi-frame: several stacks in one object', () => {
  const axial: StackSpec = {
    frames: 5, origin: [-30, -40, 20], orientation: AXIAL, pixelSpacing: [0.8, 0.7], step: [0, 0, 2.5], stackId: '1',
    intercept: (k) => -1000 + k, slope: () => 1,
  };
  const sagittal: StackSpec = {
    frames: 3, origin: [5, -20, 60], orientation: SAGITTAL, pixelSpacing: [0.9, 0.6], step: [-3, 0, 0], stackId: '2',
    intercept: () => -1024, slope: () => 2,
  };

  it('two stacks (different StackID and orientation), frames interleaved: two series, each in its own geometry', async () => {
    const spec: EnhancedSpec = { rows: 6, columns: 5, stacks: [axial, sagittal] };
    const order = storageOrder(spec).map(([s]) => s);
    expect(order.indexOf(1)).toBeLessThan(order.lastIndexOf(0)); // the stacks really are interleaved
    const file = countingFile(enhancedFile(spec));
    const { series, map } = await onlySeries([file]);
    expect(series.map((s) => [s.id, s.sliceCount, s.description])).toEqual([
      ['1.2.826.0.1.3680043.2.1125.9#1', 5, 'enhanced (part 1 of 2: stack 1, 5×6)'],
      ['1.2.826.0.1.3680043.2.1125.9#2', 3, 'enhanced (part 2 of 2: stack 2, 5×6)'],
    ]);
    for (const [s, stack] of [axial, sagittal].entries()) {
      file.reads = 0;
      const v = await readDicomSeries(series[s]!, map);
      expect(file.reads).toBe(1);
      expect(v.meta.sourcePaths).toEqual(['enhanced.dcm']);
      expectStack(v, stack, s, spec);
    }
  });

  it('two stacks with one orientation and spacing split by StackID alone', async () => {
    const second: StackSpec = { ...axial, stackId: '2', origin: [-30, -40, 21.25], intercept: () => 0 };
    const spec: EnhancedSpec = { rows: 3, columns: 4, stacks: [axial, second] };
    const { series, map } = await onlySeries([enhancedFile(spec)]);
    expect(series.map((s) => s.sliceCount)).toEqual([5, 5]);
    expectStack(await readDicomSeries(series[0]!, map), axial, 0, spec);
    expectStack(await readDicomSeries(series[1]!, map), second, 1, spec);
  });

  it('two orientations without StackIDs split by orientation', async () => {
    const a1: StackSpec = { ...axial }, s1: StackSpec = { ...sagittal };
    delete a1.stackId;
    delete s1.stackId;
    // Without StackIDs the stacks come in the order of their first frames.
    const order = [[0, 3], [1, 1], [0, 0], [0, 4], [1, 0], [0, 1], [1, 2], [0, 2]] as const;
    const spec: EnhancedSpec = { rows: 3, columns: 3, stacks: [a1, s1], order };
    const { series, map } = await onlySeries([enhancedFile(spec)]);
    expect(series.map((s) => s.description)).toEqual(['enhanced (part 1 of 2: stack 1, 3×3)', 'enhanced (part 2 of 2: stack 2, 3×3)']);
    expectStack(await readDicomSeries(series[0]!, map), a1, 0, spec);
    expectStack(await readDicomSeries(series[1]!, map), s1, 1, spec);
  });

  it('scanFiles lists one volume per stack, with its own dimensions, and loadVolume reads each', async () => {
    const spec: EnhancedSpec = { rows: 6, columns: 5, stacks: [axial, sagittal], path: 'study/enhanced.dcm' };
    const file = enhancedFile(spec);
    const report = await scanFiles([file]);
    expect(report.skipped).toEqual([]);
    expect(report.volumes.map((v) => [v.id, v.dims, v.paths])).toEqual([
      ['1.2.826.0.1.3680043.2.1125.9#1', [5, 6, 5], ['study/enhanced.dcm']],
      ['1.2.826.0.1.3680043.2.1125.9#2', [5, 6, 3], ['study/enhanced.dcm']],
    ]);
    const files = new Map([[file.path, file]]);
    expectStack(await loadVolume(report.volumes[1]!, files), sagittal, 1, spec);
  });
});

describe('enhanced multi-frame: bad input', () => {
  const stack: StackSpec = { frames: 4, origin: [0, 0, 0], orientation: AXIAL, pixelSpacing: [1, 1] };
  const spec: EnhancedSpec = { rows: 2, columns: 3, stacks: [stack], path: 'liar.dcm' };

  it.each([[2, 'fewer'], [6, 'more']])('a per-frame sequence with %i items for 4 frames (%s) is an error naming the file and both counts', async (items) => {
    const file = enhancedFile(spec, { perFrameItems: items });
    const e = await readDicomHeader(file).then(() => undefined, (x: unknown) => x);
    expect(isVolumeError(e)).toBe(true);
    expect(e).toMatchObject({ code: 'bad-header', file: 'liar.dcm' });
    expect((e as { reason: string }).reason)
      .toBe(`PerFrameFunctionalGroupsSequence (5200,9230) holds ${items} items but NumberOfFrames (0028,0008) is 4: its items cannot be matched to frames`);
  });

  it('in a cohort scan the lying file is skipped with its reason and the other series still read', async () => {
    const good = await seriesFiles({ slices: 3, rows: 2, columns: 2, name: (k) => `good/${k}.dcm` });
    const report = await scanFiles([...good, enhancedFile(spec, { perFrameItems: 3 })]);
    expect(report.skipped).toEqual([{ path: 'liar.dcm', code: 'bad-header', reason: expect.stringMatching(/holds 3 items but NumberOfFrames \(0028,0008\) is 4/) }]);
    expect(report.volumes).toHaveLength(1);
    const v = await loadVolume(report.volumes[0]!, new Map(good.map((f) => [f.path, f])));
    expect(v.dims).toEqual([2, 2, 3]);
  });

  it('NumberOfFrames larger than the pixel data holds → truncated, naming the file', async () => {
    // 4 per-frame items and NumberOfFrames 4, but pixel data for 3 frames.
    const elements = enhancedElements(spec);
    const px = elements.find((e) => e.tag === 0x7fe00010)!;
    px.value = (px.value as Int16Array).subarray(0, 2 * 3 * 3);
    const { series, map } = await onlySeries([memoryFile('short.dcm', writeDicom(elements))]);
    await expect(readDicomSeries(series[0]!, map)).rejects.toMatchObject({ code: 'truncated', file: 'short.dcm' });
  });

  it('a frame without a position is refused by its number', async () => {
    const elements = enhancedElements({ ...spec, order: [[0, 0], [0, 1], [0, 2], [0, 3]] });
    const perFrame = elements.find((e) => e.tag === 0x52009230)!.value as unknown as Array<Array<{ tag: number }>>;
    perFrame[2] = perFrame[2]!.filter((e) => e.tag !== 0x00209113);
    const { series, map } = await onlySeries([memoryFile('nopos.dcm', writeDicom(elements))]);
    await expect(readDicomSeries(series[0]!, map)).rejects.toMatchObject({
      code: 'unsupported-multiframe', file: 'nopos.dcm', reason: expect.stringMatching(/^frame 3 of 4 has no position/),
    });
  });
});

describe('classic multi-frame (no functional groups)', () => {
  const n = cross(OBLIQUE.slice(0, 3), OBLIQUE.slice(3));
  const classic = (extra: Parameters<typeof writeImage>[0]['extra'], sliceThickness?: number): SourceFile => memoryFile('classic.dcm', writeImage({
    rows: 3, columns: 4, numberOfFrames: 5, pixels: new Int16Array(60).map((_, x) => x), position: [10, 20, 30], orientation: OBLIQUE,
    pixelSpacing: [0.8, 0.7], sopClassUid: '1.2.840.10008.5.1.4.1.1.4', modality: 'MR', intercept: -5, slope: 1,
    ...(sliceThickness !== undefined ? { sliceThickness } : {}), extra,
  }));

  it('frames stacked along the slice normal from ImagePositionPatient, SpacingBetweenSlices apart, with a warning', async () => {
    const file = classic([{ tag: 0x00180088, vr: 'DS', value: 2.5 }], 1);
    const { series, map } = await onlySeries([file]);
    expect(series[0]!.sliceCount).toBe(5);
    const v = await readDicomSeries(series[0]!, map);
    expect(v.dims).toEqual([4, 3, 5]);
    for (let k = 0; k < 5; k++) {
      const want = [10, 20, 30].map((p, c) => p + n[c]! * 2.5 * k);
      const got = voxelToWorld(v.affine, 0, 0, k);
      ras(want).forEach((w, c) => expect(got[c]).toBeCloseTo(w, 6));
    }
    expect(Array.from(v.data.subarray(12, 15))).toEqual([7, 8, 9]);
    expect(v.meta.warnings).toEqual([expect.stringMatching(/^frame-positions-assumed: classic\.dcm: .*5 frames .* 2\.5 mm apart \(SpacingBetweenSlices\)/)]);
  });

  it('SliceThickness when there is no SpacingBetweenSlices', async () => {
    const { series, map } = await onlySeries([classic([], 3)]);
    const v = await readDicomSeries(series[0]!, map);
    expect(v.spacing[2]).toBeCloseTo(3, 6);
    expect(v.meta.warnings.join()).toMatch(/3 mm apart \(SliceThickness\)/);
  });

  it('a cine (FrameIncrementPointer → FrameTime) is refused: its frames are time points', async () => {
    const { series, map } = await onlySeries([classic([{ tag: 0x00280009, vr: 'AT', value: 0x00181063 }, { tag: 0x00181063, vr: 'DS', value: 33 }], 2)]);
    await expect(readDicomSeries(series[0]!, map)).rejects.toMatchObject({
      code: 'unsupported-multiframe', file: 'classic.dcm', reason: expect.stringMatching(/frames are time points \(FrameIncrementPointer → FrameTime \(0018,1063\)\), not slices/),
    });
  });

  it('no spacing at all is refused, naming what is lacking', async () => {
    const { series, map } = await onlySeries([classic([])]);
    await expect(readDicomSeries(series[0]!, map)).rejects.toMatchObject({
      code: 'unsupported-multiframe', reason: expect.stringMatching(/no SpacingBetweenSlices or SliceThickness to place its frames as slices/),
    });
  });

  describe('GridFrameOffsetVector (RT Dose)', () => {
    const grid = (offsets: number[], orientation = [1, 0, 0, 0, 1, 0]): SourceFile => memoryFile('dose.dcm', writeImage({
      rows: 2, columns: 2, numberOfFrames: 3, pixels: new Uint32Array(12).map((_, x) => x), position: [10, 20, 30], orientation,
      pixelSpacing: [2, 2], sopClassUid: '1.2.840.10008.5.1.4.1.1.481.2', modality: 'RTDOSE', sliceThickness: 9,
      extra: [{ tag: 0x00280009, vr: 'AT', value: 0x3004000c }, { tag: 0x3004000c, vr: 'DS', value: offsets }],
    }));
    const zOf = (v: Volume): number[] => [0, 1, 2].map((k) => voxelToWorld(v.affine, 0, 0, k)[2]);

    it('relative offsets (first 0) place the frames, not SliceThickness, and need no warning', async () => {
      const { series, map } = await onlySeries([grid([0, 4, 8])]);
      const v = await readDicomSeries(series[0]!, map);
      expect(zOf(v).map((z) => Number(z.toFixed(6)))).toEqual([30, 34, 38]);
      expect(v.datatype).toBe('uint32');
      expect(v.meta.warnings).toEqual([]);
    });

    it('absolute offsets (first not 0) of an axial image are the frames\' z; descending ones come out ascending', async () => {
      const { series, map } = await onlySeries([grid([30, 25, 20])]);
      const v = await readDicomSeries(series[0]!, map);
      expect(zOf(v).map((z) => Number(z.toFixed(6)))).toEqual([20, 25, 30]);
      expect(Array.from(v.data.subarray(0, 4))).toEqual([8, 9, 10, 11]); // frame 3 (z = 20) first
    });

    it('absolute offsets of a non-axial image, and a vector of the wrong length, are refused saying so', async () => {
      let { series, map } = await onlySeries([grid([5, 10, 15], [1, 0, 0, 0, 0, -1])]);
      await expect(readDicomSeries(series[0]!, map)).rejects.toMatchObject({ code: 'unsupported-multiframe', reason: expect.stringMatching(/gives z coordinates .* not axial/) });
      ({ series, map } = await onlySeries([grid([0, 5])]));
      await expect(readDicomSeries(series[0]!, map)).rejects.toMatchObject({ code: 'unsupported-multiframe', reason: expect.stringMatching(/holds 2 offsets for 3 frames/) });
    });
  });
});

// The same two-stack object compressed by DCMTK (RLE, JPEG Lossless SV1, JPEG-LS): each frame's
// compressed stream must be found by its number in the file, whatever stack and position it has.
const DCMTK_TOOLS = ['/usr/bin/dcmcrle', '/usr/bin/dcmcjpeg', '/usr/bin/dcmcjpls'];
const noDcmtk = DCMTK_TOOLS.filter((t) => !existsSync(t));
if (noDcmtk.length) console.warn(`SKIPPED compressed enhanced multi-frame: missing ${noDcmtk.join(', ')} (apt-get install -y dcmtk)`);

describe.skipIf(noDcmtk.length > 0)('enhanced multi-frame compressed by DCMTK', () => {
  const axial: StackSpec = { frames: 5, origin: [-30, -40, 20], orientation: AXIAL, pixelSpacing: [0.8, 0.7], step: [0, 0, 2.5], stackId: '1', intercept: (k) => -1000 + k, slope: () => 1 };
  const sagittal: StackSpec = { frames: 3, origin: [5, -20, 60], orientation: SAGITTAL, pixelSpacing: [0.9, 0.6], step: [-3, 0, 0], stackId: '2', intercept: () => -1024, slope: () => 2 };
  const spec: EnhancedSpec = { rows: 6, columns: 5, stacks: [axial, sagittal] };

  it.each([
    ['RLE Lossless', 'dcmcrle', [], '1.2.840.10008.1.2.5'],
    ['JPEG Lossless SV1', 'dcmcjpeg', ['+e1'], '1.2.840.10008.1.2.4.70'],
    ['JPEG-LS Lossless', 'dcmcjpls', [], '1.2.840.10008.1.2.4.80'],
  ] as const)('%s: both stacks read back as written', async (_name, tool, flags, uid) => {
    const dir = mkdtempSync(join(tmpdir(), 'slicesam-enhanced-'));
    try {
      writeFileSync(join(dir, 'in.dcm'), await enhancedFile(spec).read());
      execFileSync(tool, [...flags, join(dir, 'in.dcm'), join(dir, 'out.dcm')], { stdio: 'ignore' });
      const file = memoryFile('compressed.dcm', new Uint8Array(readFileSync(join(dir, 'out.dcm'))));
      const { series, map } = await onlySeries([file]);
      expect(series[0]!.headers[0]!.transferSyntaxUid).toBe(uid);
      expect(series.map((s) => s.sliceCount)).toEqual([5, 3]);
      expectStack(await readDicomSeries(series[0]!, map), axial, 0, spec);
      expectStack(await readDicomSeries(series[1]!, map), sagittal, 1, spec);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('JPEG Lossless SV1 frames whose last code ends on a byte boundary keep their last sample (40 frames, as the uncompressed file)', async () => {
    // Noise on top, then rows of one value: the run's short codes end some frames exactly on a byte boundary
    // (here 5 of 40), where jpeg-lossless-decoder-js 2.1.2 dropped the last sample (left 0).
    let seed = 99;
    const noise = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    const many: EnhancedSpec = {
      rows: 24, columns: 20, stacks: [{ frames: 40, origin: [0, 0, 0], orientation: AXIAL, pixelSpacing: [1, 1] }],
      order: Array.from({ length: 40 }, (_, k) => [0, k] as const),
      value: (_s, _i, j, k) => (j < 4 + (k % 7) ? noise() % (50 + 13 * k) : 24),
    };
    const dir = mkdtempSync(join(tmpdir(), 'slicesam-enhanced-'));
    try {
      const plain = enhancedFile(many);
      writeFileSync(join(dir, 'in.dcm'), await plain.read());
      execFileSync('dcmcjpeg', ['+e1', join(dir, 'in.dcm'), join(dir, 'out.dcm')], { stdio: 'ignore' });
      const reference = await loadOne([plain]);
      const v = await loadOne([memoryFile('jpeg.dcm', new Uint8Array(readFileSync(join(dir, 'out.dcm'))))]);
      for (let k = 0; k < 40; k++) expect(v.data[(k + 1) * 480 - 1], `last sample of frame ${k + 1}`).toBe(24);
      expect(Array.from(v.data)).toEqual(Array.from(reference.data));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The writer's enhanced objects as pydicom reads them: the frames, their functional groups and pixels as written.
const PYTHON = '/usr/bin/python3';
const noPydicom = !existsSync('/usr/lib/python3/dist-packages/pydicom');
if (noPydicom) console.warn('SKIPPED the pydicom check of the enhanced writer (apt-get install -y python3-pydicom)');

describe.skipIf(noPydicom)('the enhanced multi-frame writer, read by pydicom', () => {
  it('NumberOfFrames, per-frame positions, orientations, rescale, stack IDs and pixels are what the spec says', async () => {
    const axial: StackSpec = { frames: 3, origin: [-30, -40, 20], orientation: AXIAL, pixelSpacing: [0.8, 0.7], step: [0, 0, 2.5], stackId: '1', intercept: (k) => -1000 + k, slope: () => 1 };
    const sagittal: StackSpec = { frames: 2, origin: [5, -20, 60], orientation: SAGITTAL, pixelSpacing: [0.9, 0.6], step: [-3, 0, 0], stackId: '2', intercept: () => -1024, slope: () => 2 };
    const spec: EnhancedSpec = { rows: 4, columns: 3, stacks: [axial, sagittal] };
    const dir = mkdtempSync(join(tmpdir(), 'slicesam-enhanced-'));
    try {
      writeFileSync(join(dir, 'e.dcm'), await enhancedFile(spec).read());
      const script = [
        'import json, sys, pydicom',
        'ds = pydicom.dcmread(sys.argv[1])',
        'fr = ds.PerFrameFunctionalGroupsSequence',
        'print(json.dumps({"n": int(ds.NumberOfFrames), "items": len(fr), "sop": ds.SOPClassUID,',
        '  "ipp": [[float(x) for x in f.PlanePositionSequence[0].ImagePositionPatient] for f in fr],',
        '  "iop": [[float(x) for x in f.PlaneOrientationSequence[0].ImageOrientationPatient] for f in fr],',
        '  "intercept": [float(f.PixelValueTransformationSequence[0].RescaleIntercept) for f in fr],',
        '  "stack": [str(f.FrameContentSequence[0].StackID) for f in fr],',
        '  "pos": [int(f.FrameContentSequence[0].InStackPositionNumber) for f in fr],',
        '  "pixels": ds.pixel_array.reshape(len(fr), -1).tolist()}))',
      ].join('\n');
      const got = JSON.parse(execFileSync(PYTHON, ['-c', script, join(dir, 'e.dcm')], { encoding: 'utf8' })) as {
        n: number; items: number; sop: string; ipp: number[][]; iop: number[][]; intercept: number[]; stack: string[]; pos: number[]; pixels: number[][];
      };
      const order = storageOrder(spec);
      const stacks = [axial, sagittal];
      expect([got.n, got.items, got.sop]).toEqual([5, 5, '1.2.840.10008.5.1.4.1.1.2.1']);
      order.forEach(([s, k], f) => {
        const st = stacks[s]!;
        stackVoxel(st, 0, 0, k).forEach((x, a) => expect(got.ipp[f]![a]).toBeCloseTo(x, 6));
        expect(got.iop[f]).toEqual(st.orientation);
        expect(got.intercept[f]).toBe(st.intercept!(k));
        expect([got.stack[f], got.pos[f]]).toEqual([st.stackId, k + 1]);
        expect(got.pixels[f]).toEqual(Array.from({ length: 12 }, (_, x) => enhancedValue(s, x % 3, Math.floor(x / 3), k)));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
