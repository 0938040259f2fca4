import { describe, expect, it } from 'vitest';
import { isVolumeError, type VolumeErrorCode } from '../../shared/errors.ts';
import { memoryFile, type SourceFile } from '../../shared/source-file.ts';
import { readDicomHeader } from './read-header.ts';
import { decodeRleFrame, RleError } from './rle.ts';
import { loadOne } from './testing/load.ts';
import { leBytes, packBits, rleFrame, writeRleImage } from './testing/rle.ts';
import { ENHANCED_MR_IMAGE_STORAGE, writeImage } from './testing/synthetic.ts';
import { writeDicomAsync } from './testing/write-dicom.ts';
import { imageElements } from './write.ts';

const ROWS = 5, COLUMNS = 7;
const base = {
  studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4', sopInstanceUid: '1.2.3.4.5', modality: 'MR',
  rows: ROWS, columns: COLUMNS, position: [0, 0, 0] as [number, number, number], orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [1, 1] as [number, number],
};

/** Values with runs (replicate runs) and noise (literal runs), covering the type's extremes. */
function pattern<T extends Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array>(make: (n: number) => T, lo: number, hi: number): T {
  const a = make(ROWS * COLUMNS);
  for (let p = 0; p < a.length; p++) a[p] = p < 9 ? lo : p < 12 ? hi : p % 3 === 0 ? lo + p * 7 : hi - p * 13;
  return a;
}

async function expectError(files: SourceFile[], code: VolumeErrorCode, path: string): Promise<string> {
  try {
    await loadOne(files);
  } catch (e) {
    if (!isVolumeError(e)) throw e;
    expect(e.code, e.message).toBe(code);
    expect(e.file).toBe(path);
    return e.reason;
  }
  throw new Error(`expected ${code}`);
}

describe('decodeRleFrame (PS3.5 Annex G)', () => {
  it('decodes literal, replicate and no-op runs, runs crossing rows, and ignores segment padding', () => {
    // 8-bit, 6 pixels: literal [1 2], replicate 5×3 → only 4 needed, -128 no-op, padding after.
    const frame = new Uint8Array(64 + 8);
    new DataView(frame.buffer).setUint32(0, 1, true);
    new DataView(frame.buffer).setUint32(4, 64, true);
    frame.set([1, 1, 2, 128, 256 - 4, 5, 0, 0], 64);
    const out = new Uint8Array(6);
    decodeRleFrame(frame, out, 6, 1);
    expect([...out]).toEqual([1, 2, 5, 5, 5, 5]);
  });

  it.each([
    ['uint8', () => pattern((n) => new Uint8Array(n), 0, 255), 1],
    ['int16', () => pattern((n) => new Int16Array(n), -32768, 32767), 2],
    ['uint16', () => pattern((n) => new Uint16Array(n), 0, 65535), 2],
    ['int32', () => pattern((n) => new Int32Array(n), -(2 ** 31), 2 ** 31 - 1), 4],
  ] as const)('round-trips %s samples through our encoder (most significant byte first)', (_, make, width) => {
    const values = make();
    const le = leBytes(values);
    const out = new Uint8Array(le.length);
    decodeRleFrame(rleFrame(le, width), out, values.length, width);
    expect([...out]).toEqual([...le]);
  });

  it('segment 1 holds the high bytes', () => {
    const frame = rleFrame(leBytes(new Uint16Array([0x0102, 0x0304])), 2);
    // Segment 1 at 64: literal [0x01 0x03]; segment 2: literal [0x02 0x04].
    expect([...frame.subarray(64, 67)]).toEqual([1, 1, 3]);
  });

  it.each([
    ['a segment offset past the end of the frame', (f: Uint8Array) => new DataView(f.buffer).setUint32(8, f.length + 10, true), 'bad-header', /segment 2 starts at byte \d+, past the end of the frame/],
    ['the wrong number of segments', (f: Uint8Array) => new DataView(f.buffer).setUint32(0, 3, true), 'bad-header', /names 3 segments where 16-bit greyscale needs 2/],
    ['a first segment that does not start at 64', (f: Uint8Array) => new DataView(f.buffer).setUint32(4, 60, true), 'bad-header', /first RLE segment starts at byte 60/],
    ['segments out of order', (f: Uint8Array) => new DataView(f.buffer).setUint32(8, 64, true), 'bad-header', /segment 2 starts at byte 64, not after segment 1/],
  ] as const)('refuses %s', (_, lie, kind, message) => {
    const frame = rleFrame(leBytes(pattern((n) => new Uint16Array(n), 0, 4095)), 2);
    lie(frame);
    const out = new Uint8Array(ROWS * COLUMNS * 2);
    let caught: unknown;
    try { decodeRleFrame(frame, out, ROWS * COLUMNS, 2); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(RleError);
    expect((caught as RleError).kind).toBe(kind);
    expect((caught as RleError).message).toMatch(message);
  });

  it('a segment that ends early is truncated', () => {
    const frame = rleFrame(leBytes(pattern((n) => new Uint16Array(n), 0, 4095)), 2);
    expect(() => decodeRleFrame(frame.subarray(0, frame.length - 6), new Uint8Array(ROWS * COLUMNS * 2), ROWS * COLUMNS, 2))
      .toThrow(/segment 2 .* decodes to \d+ bytes where 35 pixels need 35/);
    expect(() => decodeRleFrame(frame.subarray(0, 40), new Uint8Array(ROWS * COLUMNS * 2), ROWS * COLUMNS, 2)).toThrow(/fewer than its 64-byte header/);
  });

  it('packBits writes what PackBits decoders read', () => {
    expect(packBits(new Uint8Array([7, 7, 7, 7, 1, 2]))).toEqual([253, 7, 1, 1, 2, 128]);
  });
});

describe('readDicomSeries: RLE Lossless files', () => {
  it.each([
    ['uint8', () => pattern((n) => new Uint8Array(n), 0, 255), 8, 0],
    ['int16', () => pattern((n) => new Int16Array(n), -32768, 32767), 16, 1],
    ['uint16', () => pattern((n) => new Uint16Array(n), 0, 65535), 16, 0],
    ['uint32', () => pattern((n) => new Uint32Array(n), 0, 2 ** 32 - 1), 32, 0],
  ] as const)('reads %s pixels bit-exactly, like the same image uncompressed', async (_, make, bits, rep) => {
    const values = make();
    const rle = writeRleImage({ ...base, bitsAllocated: bits, pixelRepresentation: rep }, [rleFrame(leBytes(values), bits / 8)]);
    const plain = writeImage({ ...base, pixels: values });
    const a = await loadOne([memoryFile('rle.dcm', rle)]);
    const b = await loadOne([memoryFile('plain.dcm', plain)]);
    expect(a.datatype).toBe(b.datatype);
    expect(a.dims).toEqual([COLUMNS, ROWS, 1]);
    expect(a.affine).toEqual(b.affine);
    expect([...a.data]).toEqual([...values]);
    expect([...a.data]).toEqual([...b.data]);
  });

  it('keeps BitsStored and applies the rescale, as for native pixels', async () => {
    const values = pattern((n) => new Uint16Array(n), 0, 4095).map((v) => v | 0xf000); // garbage above 12 bits
    const spec = { ...base, bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 0, intercept: -1024 };
    const a = await loadOne([memoryFile('rle.dcm', writeRleImage(spec, [rleFrame(leBytes(values), 2)]))]);
    const b = await loadOne([memoryFile('plain.dcm', writeImage({ ...spec, pixels: values }))]);
    expect(a.datatype).toBe('int16');
    expect([...a.data]).toEqual([...b.data]);
  });

  it('reads a series of RLE slices and an enhanced multi-frame RLE file (one fragment per frame, with or without an offset table)', async () => {
    const slices = [0, 1, 2].map((k) => pattern((n) => new Int16Array(n), -1000 - k, 3000 + k));
    const files = slices.map((v, k) => memoryFile(`s${k}.dcm`, writeRleImage({
      ...base, sopInstanceUid: `1.2.3.4.5.${k}`, position: [0, 0, 2 * k], bitsAllocated: 16, pixelRepresentation: 1,
    }, [rleFrame(leBytes(v), 2)])));
    const series = await loadOne(files);
    expect(series.dims).toEqual([COLUMNS, ROWS, 3]);
    expect([...series.data]).toEqual(slices.flatMap((s) => [...s]));

    const frames = slices.map((v) => rleFrame(leBytes(v), 2));
    const perFrame = slices.map((_, k) => [
      { tag: 0x00209113, vr: 'SQ' as const, value: [[{ tag: 0x00200032, vr: 'DS' as const, value: [0, 0, 2 * k] }]] },
    ]);
    const enhanced = {
      ...base, sopClassUid: ENHANCED_MR_IMAGE_STORAGE, bitsAllocated: 16, pixelRepresentation: 1, numberOfFrames: 3,
      extra: [
        { tag: 0x52009229, vr: 'SQ' as const, value: [[{ tag: 0x00209116, vr: 'SQ' as const, value: [[{ tag: 0x00200037, vr: 'DS' as const, value: [1, 0, 0, 0, 1, 0] }]] }]] },
        { tag: 0x52009230, vr: 'SQ' as const, value: perFrame },
      ],
    };
    let offset = 0;
    const offsets = frames.map((f) => { const o = offset; offset += 8 + f.length; return o; });
    for (const table of [undefined, offsets]) {
      const v = await loadOne([memoryFile('mf.dcm', writeRleImage(enhanced, frames, table))]);
      expect(v.dims).toEqual([COLUMNS, ROWS, 3]);
      expect([...v.data]).toEqual(slices.flatMap((s) => [...s]));
    }
  });

  it('an RLE frame whose header lies (segment offset past the end) → bad-header naming the file and the syntax', async () => {
    const frame = rleFrame(leBytes(pattern((n) => new Uint16Array(n), 0, 4095)), 2);
    new DataView(frame.buffer).setUint32(8, 100_000, true);
    const file = memoryFile('liar.dcm', writeRleImage({ ...base, bitsAllocated: 16, pixelRepresentation: 0 }, [frame]));
    expect(await expectError([file], 'bad-header', 'liar.dcm'))
      .toBe(`RLE Lossless (1.2.840.10008.1.2.5): RLE segment 2 starts at byte 100000, past the end of the frame (${frame.length} bytes)`);
  });

  it('an RLE file cut short inside its fragment → truncated', async () => {
    const frame = rleFrame(leBytes(pattern((n) => new Uint16Array(n), 0, 4095)), 2);
    const whole = writeRleImage({ ...base, bitsAllocated: 16, pixelRepresentation: 0 }, [frame]);
    const reason = await expectError([memoryFile('cut.dcm', whole.subarray(0, whole.length - 20))], 'truncated', 'cut.dcm');
    expect(reason).toMatch(/^RLE Lossless \(1\.2\.840\.10008\.1\.2\.5\): /);
  });

  it('a multi-frame RLE file with fewer fragments than frames → truncated', async () => {
    const frame = rleFrame(leBytes(pattern((n) => new Uint16Array(n), 0, 4095)), 2);
    const spec = {
      ...base, sopClassUid: ENHANCED_MR_IMAGE_STORAGE, bitsAllocated: 16, pixelRepresentation: 0, numberOfFrames: 2,
      extra: [{ tag: 0x52009230, vr: 'SQ' as const, value: [0, 1].map((k) => [
        { tag: 0x00209113, vr: 'SQ' as const, value: [[{ tag: 0x00200032, vr: 'DS' as const, value: [0, 0, k] }]] },
        { tag: 0x00209116, vr: 'SQ' as const, value: [[{ tag: 0x00200037, vr: 'DS' as const, value: [1, 0, 0, 0, 1, 0] }]] },
      ]) }],
    };
    expect(await expectError([memoryFile('mf.dcm', writeRleImage(spec, [frame]))], 'truncated', 'mf.dcm'))
      .toMatch(/1 fragment for 2 frames/);
  });
});

describe('deflated data sets that are broken', () => {
  it('a truncated deflate stream → a VolumeError for that file, from the header scan and from the read', async () => {
    const pixels = pattern((n) => new Uint16Array(n), 0, 4095);
    const whole = await writeDicomAsync(imageElements({ ...base, pixels }), { transferSyntax: 'deflated' });
    const cut = whole.subarray(0, whole.length - 30);
    let caught: unknown;
    try { await readDicomHeader(memoryFile('cut-dfl.dcm', cut)); } catch (e) { caught = e; }
    expect(isVolumeError(caught), String(caught)).toBe(true);
    const e = caught as { code: string; file: string; reason: string };
    expect(e.file).toBe('cut-dfl.dcm');
    expect(['truncated', 'bad-header']).toContain(e.code);
    expect(e.reason).toMatch(/deflated data set/);
    // And a cohort with it still reads its other file.
    const good = await loadOne([memoryFile('good.dcm', whole)]);
    expect([...good.data]).toEqual([...pixels]);
  });
});
