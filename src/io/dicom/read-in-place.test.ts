/**
 * Files that can read into memory we own (ReadsInto, as Node's disk files
 * can) have their pixels read straight into the volume. The volume must be
 * exactly what the plain path (read each file whole, copy its pixels) gives,
 * whatever the pixel layout and scaling, and a file that changed after the
 * scan must still be read right (or fail as the plain path fails).
 */
import { describe, expect, it } from 'vitest';
import { isVolumeError } from '../../shared/errors.ts';
import { memoryFile, type SourceFile } from '../../shared/source-file.ts';
import type { Volume } from '../../shared/volume.ts';
import { readDicomSeries } from './read-series.ts';
import { scan } from './testing/load.ts';
import { imageElements, type SeriesSpec, seriesFiles, seriesImages } from './testing/synthetic.ts';
import { writeDicom } from './testing/write-dicom.ts';
import type { DicomSeries, ReadsInto } from './types.ts';

/** A memory file that also reads into given buffers, counting how it was read. */
function readingInto(file: SourceFile, bytes?: Uint8Array): SourceFile & ReadsInto & { whole: number; into: number } {
  const f = {
    path: file.path,
    size: file.size,
    whole: 0,
    into: 0,
    read(start?: number, end?: number): Promise<Uint8Array> {
      f.whole++;
      return bytes ? memoryFile(file.path, bytes).read(start, end) : file.read(start, end);
    },
    async readInto(targets: readonly Uint8Array[], position: number): Promise<number> {
      f.into++;
      const all = bytes ?? await file.read();
      let at = position;
      for (const t of targets) {
        const part = all.subarray(Math.min(at, all.length), Math.min(at + t.length, all.length));
        t.set(part);
        at += part.length;
        if (part.length < t.length) break;
      }
      return at - position;
    },
  };
  return f;
}

async function seriesOf(files: readonly SourceFile[]): Promise<DicomSeries> {
  const { series } = await scan(files);
  expect(series.length).toBe(1);
  return series[0]!;
}

function expectSameVolume(a: Volume, b: Volume): void {
  expect(a.datatype).toBe(b.datatype);
  expect(a.data.constructor).toBe(b.data.constructor);
  expect(a.dims).toEqual(b.dims);
  expect(a.affine).toEqual(b.affine);
  expect(a.data.length).toBe(b.data.length);
  let differ = 0;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) differ++;
  expect(differ).toBe(0);
}

/** Every voxel is its stored value (kept to BitsStored) × slope + intercept, in the volume's type. */
function expectScaledValues(v: Volume, spec: SeriesSpec): void {
  const type = spec.type ?? 'int16';
  const width = type.endsWith('8') ? 8 : type.endsWith('16') ? 16 : 32;
  const bits = spec.image?.bitsStored ?? width;
  const signed = type.startsWith('int');
  const value = spec.value!;
  let wrong = 0;
  for (let k = 0; k < spec.slices; k++) {
    for (let j = 0; j < spec.rows; j++) {
      for (let i = 0; i < spec.columns; i++) {
        // As written (wrapped to the stored width), then kept to BitsStored.
        let stored = value(i, j, k);
        stored = width === 32 ? (signed ? stored | 0 : stored >>> 0) : signed ? (stored << (32 - width)) >> (32 - width) : stored & (2 ** width - 1);
        if (bits < width) stored = signed ? (stored << (32 - bits)) >> (32 - bits) : stored & (2 ** bits - 1);
        const expected = stored * (spec.slope ?? 1) + (spec.intercept ?? 0);
        const got = v.data[i + spec.columns * (j + spec.rows * k)]!;
        if (got !== (v.datatype === 'float32' ? Math.fround(expected) : expected)) wrong++;
      }
    }
  }
  expect(wrong, `${v.datatype} voxels not stored × slope + intercept`).toBe(0);
}

const small = { slices: 4, rows: 5, columns: 7 };

/** Stored values over the whole 16-bit range with garbage above BitsStored, and blank-ish values. */
const noisy = (i: number, j: number, k: number): number => ((i * 7919 + j * 104729 + k * 1299709) * 2654435761) >>> 16;

const cases: Array<[string, SeriesSpec]> = [
  ['int16, intercept −1024 (CT)', { ...small, type: 'int16', intercept: -1024, value: (i, j, k) => -1000 + 300 * k + i * j }],
  ['int16, intercept −1024, values that overflow int16 (→ int32)', { ...small, type: 'int16', intercept: -1024, value: (i, j, k) => (k === 2 && i === 3 ? -32768 : i + j) }],
  ['int16, intercept +1024, values past 32767 that fit uint16', { ...small, type: 'int16', intercept: 1024, value: (i, j) => 32000 + i * j * 10 }],
  ['int16, intercept +1024, overflowing both', { ...small, type: 'int16', intercept: 1024, value: (i, j) => (i === 0 && j === 0 ? -2000 : 32000 + i * 10) }],
  ['uint16, 12 bits stored with garbage above, intercept −1024', { ...small, type: 'uint16', intercept: -1024, image: { bitsStored: 12 }, value: noisy }],
  ['uint16, 12 bits, intercept −1024, every value ≥ 1024 (stays uint16)', { ...small, type: 'uint16', intercept: -1024, image: { bitsStored: 12 }, value: (i, j) => 1024 + i * 100 + j }],
  ['uint16, 16 bits, intercept −1024, values under 1024 and over 33791 (→ int32)', { ...small, type: 'uint16', intercept: -1024, value: (i) => (i === 0 ? 0 : 20000 + i * 7000) }],
  ['uint16, 16 bits, intercept −1024, every value ≥ 1024 (stays uint16)', { ...small, type: 'uint16', intercept: -1024, value: (i) => 20000 + i * 7000 }],
  ['uint16, 16 bits, intercept +5000, values over 60535 (→ uint32)', { ...small, type: 'uint16', intercept: 5000, value: (i) => 40000 + i * 4000 }],
  ['uint16, 16 bits, intercept +5000, small values (stays uint16)', { ...small, type: 'uint16', intercept: 5000, value: (i) => i * 100 }],
  ['uint16, no scaling, 12 bits with garbage (MR)', { ...small, type: 'uint16', image: { bitsStored: 12 }, value: noisy }],
  ['int16, 12 bits signed with garbage, intercept −1024', { ...small, type: 'int16', intercept: -1024, image: { bitsStored: 12 }, value: (i, j, k) => noisy(i, j, k) - 32768 }],
  ['int16, 12 bits signed, intercept +31000 (→ uint16)', { ...small, type: 'int16', intercept: 31000, image: { bitsStored: 12 }, value: (i, j, k) => noisy(i, j, k) - 32768 }],
  ['int16, slope 2, intercept −1024', { ...small, type: 'int16', slope: 2, intercept: -1024, value: (i, j, k) => i * 1000 - j * 3000 + k }],
  ['uint16, slope 3 on 12 bits with garbage', { ...small, type: 'uint16', slope: 3, intercept: 7, image: { bitsStored: 12 }, value: noisy }],
  ['an odd number of voxels per slice', { slices: 3, rows: 3, columns: 5, type: 'int16', intercept: -1024, value: (i, j, k) => i - j + 1000 * k }],
  ['uint8', { ...small, type: 'uint8', value: (i, j, k) => (i + j * 3 + k * 50) & 255 }],
  ['uint8 with an intercept that leaves 8 bits (→ int8)', { ...small, type: 'uint8', intercept: -100, value: (i, j, k) => (i + j * 3 + k * 50) & 255 }],
  ['int32 with an intercept (→ float32)', { ...small, type: 'int32', intercept: -1024, value: (i, j, k) => i * 100000 - k * 7 }],
  ['fractional slope (float32)', { ...small, type: 'int16', slope: 0.5, intercept: -1024, value: (i, j, k) => i * 3 - j + k }],
  ['implicit VR little endian', { ...small, type: 'int16', intercept: -1024, write: { transferSyntax: 'implicit-le' }, value: (i, j) => i * j }],
  ['explicit VR big endian (read whole)', { ...small, type: 'int16', intercept: -1024, write: { transferSyntax: 'explicit-be' }, value: (i, j) => i * j - 5 }],
  ['deflated (read whole)', { ...small, type: 'uint16', write: { transferSyntax: 'deflated' }, value: (i, j) => i * j }],
  ['meta group without preamble', { ...small, type: 'int16', intercept: -1024, write: { part10: false, metaWithoutPreamble: true }, value: (i, j) => i + j }],
  ['bare data set (no meta group)', { ...small, type: 'int16', intercept: -1024, write: { part10: false }, value: (i, j) => i + 2 * j }],
];

describe('readDicomSeries: pixels read straight into the volume', () => {
  it.each(cases)('%s: the same volume as reading each file whole', async (name, spec) => {
    const files = await seriesFiles(spec);
    const series = await seriesOf(files);
    const plain = await readDicomSeries(series, new Map(files.map((f) => [f.path, f])));
    const into = files.map((f) => readingInto(f));
    const direct = await readDicomSeries(series, new Map(into.map((f) => [f.path, f])));
    expectSameVolume(direct, plain);
    expectScaledValues(plain, spec);
    const named = /\(→ (\w+)\)|\(stays (\w+)\)/.exec(name);
    if (named) expect(plain.datatype).toBe(named[1] ?? named[2]);
    const whole = spec.write?.transferSyntax === 'explicit-be' || spec.write?.transferSyntax === 'deflated' || !Number.isInteger(spec.slope ?? 1);
    if (!whole) {
      // Each file read once, into the volume (a refit, for values that outgrow 16 bits, reads them again).
      expect(into.every((f) => f.into >= 1 && f.whole === 0)).toBe(true);
    } else {
      // Big-endian and deflated files, and fractional scales (scaled through a one-slice scratch array), are read whole.
      expect(into.every((f) => f.into === 0)).toBe(true);
    }
  });

  it('a file whose header grew after the scan (pixels moved) is read whole, and right', async () => {
    const spec: SeriesSpec = { ...small, type: 'int16', intercept: -1024, value: (i, j, k) => i * 10 + j - k * 100 };
    const files = await seriesFiles(spec);
    const series = await seriesOf(files);
    const plain = await readDicomSeries(series, new Map(files.map((f) => [f.path, f])));
    // Slice 2 rewritten with a longer description: same pixels, later in the file.
    const img = seriesImages(spec)[2]!;
    const changed = writeDicom(imageElements({ ...img, seriesDescription: `${'a much longer description '.repeat(8)}` }));
    expect(changed.length).toBeGreaterThan(files[2]!.size);
    const into = files.map((f, k) => readingInto(f, k === 2 ? changed : undefined));
    const direct = await readDicomSeries(series, new Map(into.map((f) => [f.path, f])));
    expectSameVolume(direct, plain);
    expect(into[2]!.whole).toBe(1);
    expect(into.filter((f, k) => k !== 2).every((f) => f.whole === 0)).toBe(true);
  });

  it('a file cut short after the scan fails as truncated, as when read whole', async () => {
    const files = await seriesFiles({ ...small, type: 'int16', intercept: -1024 });
    const series = await seriesOf(files);
    const bytes = await files[1]!.read();
    const cut = bytes.subarray(0, bytes.length - 10);
    const codes: string[] = [];
    for (const wrap of [(f: SourceFile, b?: Uint8Array) => (b ? memoryFile(f.path, b) : f), readingInto]) {
      const map = new Map(files.map((f, k) => [f.path, wrap(f, k === 1 ? cut : undefined)]));
      try {
        await readDicomSeries(series, map);
        codes.push('none');
      } catch (e) {
        if (!isVolumeError(e)) throw e;
        expect(e.file).toBe(files[1]!.path);
        codes.push(e.code);
      }
    }
    expect(codes).toEqual(['truncated', 'truncated']);
  });

  it('the scan records where each file\'s pixels start', async () => {
    const files = await seriesFiles({ ...small, type: 'int16' });
    const series = await seriesOf(files);
    for (const h of series.headers) {
      const bytes = await files.find((f) => f.path === h.path)!.read();
      expect(h.pixelDataOffset).toBe(bytes.length - small.rows * small.columns * 2);
    }
    const deflated = await seriesOf(await seriesFiles({ ...small, type: 'int16', write: { transferSyntax: 'deflated' } }));
    expect(deflated.headers.every((h) => h.pixelDataOffset === undefined)).toBe(true);
  });
});
