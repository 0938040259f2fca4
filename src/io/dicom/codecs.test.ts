// codecs.ts on its own: what decodeFrame refuses and how it says so. The
// decoding itself is proven on real files in compressed.real-data.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CodecError, decodeFrame, isCodecSyntax, jpegFrameHeader } from './codecs.ts';
import { readFragments } from './rle.ts';

const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const JLS = `${PYDICOM}/MR_small_jpeg_ls_lossless.dcm`;
/** 12-bit JPEG Extended (SOF1), 256×1024, one frame in one fragment. */
const JPEG12 = `${PYDICOM}/JPEG-lossy.dcm`;
/** 8-bit JPEG Baseline (SOF0), 3 × 100×100 RGB: only its frame header is used here. */
const JPEG8 = `${PYDICOM}/SC_rgb_jpeg_dcmtk.dcm`;
const MR = { rows: 64, columns: 64, bitsAllocated: 16, pixelRepresentation: 1, samplesPerPixel: 1 };
const LOSSY12 = { rows: 1024, columns: 256, bitsAllocated: 16, pixelRepresentation: 0, samplesPerPixel: 1 };
const EXTENDED = '1.2.840.10008.1.2.4.51';

/** The first fragment of a file's encapsulated pixel data (for these files, its one frame's stream). */
function firstFragment(path: string): Uint8Array {
  const bytes = new Uint8Array(readFileSync(path));
  const pixelTag = Buffer.from(bytes).lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
  const { fragments } = readFragments(bytes, pixelTag + 12);
  return bytes.subarray(fragments[0]!.position, fragments[0]!.position + fragments[0]!.length);
}

/** The one fragment (the JPEG-LS stream) of MR_small_jpeg_ls_lossless.dcm. */
function jpegLsStream(): Uint8Array {
  return firstFragment(JLS);
}

async function codecError(p: Promise<unknown>): Promise<CodecError> {
  let caught: unknown;
  try { await p; } catch (e) { caught = e; }
  expect(caught).toBeInstanceOf(CodecError);
  return caught as CodecError;
}

describe('codecs', () => {
  it('knows the JPEG family it decodes, and not the rest', () => {
    for (const uid of ['50', '51', '57', '70', '80', '81', '90', '91']) expect(isCodecSyntax(`1.2.840.10008.1.2.4.${uid}`)).toBe(true);
    for (const uid of ['1.2.840.10008.1.2.4.92', '1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.5', '1.2.840.10008.1.2.1']) expect(isCodecSyntax(uid)).toBe(false);
  });

  it('reads a JPEG stream\'s frame header past other segments, and nothing from what is not one', () => {
    // SOI, APP0 (4 bytes of content), a fill byte, DQT (length 3), SOF1: 12-bit, 3 rows, 513 columns, 1 component.
    const sof = [0xff, 0xc1, 0x00, 0x0b, 12, 0x00, 0x03, 0x02, 0x01, 0x01, 0x01, 0x11, 0x00];
    const stream = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x06, 1, 2, 3, 4, 0xff, 0xff, 0xdb, 0x00, 0x03, 0x00, ...sof]);
    expect(jpegFrameHeader(stream)).toEqual({ marker: 0xc1, precision: 12, height: 3, width: 513, components: 1 });
    expect(jpegFrameHeader(stream.subarray(0, 20))).toBeUndefined(); // cut inside the frame header
    expect(jpegFrameHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, ...sof]))).toBeUndefined(); // a scan first
    expect(jpegFrameHeader(new Uint8Array([0x00, 0xd8, ...sof]))).toBeUndefined(); // no SOI
    expect(jpegFrameHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, ...sof]))).toBeUndefined(); // a length < 2
    // A DHT (c4) is not a frame header, though its code sits among theirs.
    expect(jpegFrameHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xc4, 0x00, 0x09, 8, 0, 1, 0, 1, 1, 1, ...sof]))?.precision).toBe(12);
  });

  it.skipIf(!existsSync(JPEG12) || !existsSync(JPEG8))('the real files\' frame headers: 12-bit SOF1 and 8-bit SOF0', () => {
    expect(jpegFrameHeader(firstFragment(JPEG12))).toEqual({ marker: 0xc1, precision: 12, height: 1024, width: 256, components: 1 });
    expect(jpegFrameHeader(firstFragment(JPEG8))).toMatchObject({ marker: 0xc0, precision: 8, height: 100, width: 100, components: 3 });
  });

  it.skipIf(!existsSync(JPEG12))('12-bit JPEG decodes through DCMTK\'s libijg12, under either JPEG UID, to OsiriX\'s values', async () => {
    const stream = firstFragment(JPEG12);
    for (const uid of [EXTENDED, '1.2.840.10008.1.2.4.50']) {
      const bytes = await decodeFrame(uid, stream, LOSSY12);
      expect(bytes.length).toBe(256 * 1024 * 2);
      const pixels = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
      // pydicom's tests cite these (OsiriX); Cornerstone's pdf.js-derived decoder gives 259 and 109.
      expect([pixels[420 * 256 + 140], pixels[230 * 256 + 120]]).toEqual([244, 95]);
      expect(pixels.reduce((a, b) => Math.max(a, b))).toBe(264);
    }
  });

  it.skipIf(!existsSync(JPEG12))('a 12-bit stream that is corrupt, cut, not the header\'s size, or of another precision → CodecError, bad-header; the decoder still works after', async () => {
    const stream = firstFragment(JPEG12);
    // A marker segment length of 1 (DQT, the segment after SOI and SOF1: bytes 15–18 are ff db 00 43).
    expect(Array.from(stream.subarray(15, 19))).toEqual([0xff, 0xdb, 0x00, 0x43]);
    const bogus = stream.slice();
    bogus[17] = 0; bogus[18] = 1;
    let e = await codecError(decodeFrame(EXTENDED, bogus, LOSSY12));
    expect(e.kind).toBe('bad-header');
    expect(e.message).toMatch(/^the JPEG 12-bit decoder failed: \S/);
    expect(e.message).not.toMatch(/::/);
    console.info(e.message);
    // Cut: libjpeg pads a short stream with EOI and warns, as dcmdjpeg does: the frame decodes (grey below the cut).
    expect((await decodeFrame(EXTENDED, stream.subarray(0, 2000), LOSSY12)).length).toBe(256 * 1024 * 2);
    e = await codecError(decodeFrame(EXTENDED, stream, { ...LOSSY12, rows: 512 }));
    expect(e.message).toBe('the JPEG 12-bit stream holds a 256×1024 image of 1 component where the header says 256×512 of 1');
    e = await codecError(decodeFrame(EXTENDED, stream, { ...LOSSY12, bitsAllocated: 8 }));
    expect(e.message).toBe('the JPEG 12-bit decoder returned 524288 bytes where 256×1024 pixels of 8 bits need 262144');
    const sixteen = stream.slice();
    const sof = Buffer.from(sixteen).indexOf(Buffer.from([0xff, 0xc1]));
    sixteen[sof + 4] = 16;
    e = await codecError(decodeFrame(EXTENDED, sixteen, LOSSY12));
    expect(e).toMatchObject({ kind: 'bad-header', message: 'the JPEG stream\'s frame header gives 16-bit samples: JPEG Baseline and Extended hold 8 or 12' });
    const pixels = await decodeFrame(EXTENDED, stream, LOSSY12);
    expect(pixels[2 * (420 * 256 + 140)]).toBe(244);
  });

  it('refuses a syntax it has no codec for', async () => {
    const e = await codecError(decodeFrame('1.2.840.10008.1.2.4.92', new Uint8Array(8), MR));
    expect(e.kind).toBe('unsupported-transfer-syntax');
  });

  it.skipIf(!existsSync(JLS))('a stream that is not the header\'s depth, or is not JPEG-LS at all → CodecError, bad-header', async () => {
    const stream = jpegLsStream();
    expect((await decodeFrame('1.2.840.10008.1.2.4.80', stream, MR)).length).toBe(64 * 64 * 2);
    let e = await codecError(decodeFrame('1.2.840.10008.1.2.4.80', stream, { ...MR, bitsAllocated: 8 }));
    expect(e).toMatchObject({ kind: 'bad-header', message: 'the JPEG-LS decoder returned 8192 bytes where 64×64 pixels of 8 bits need 4096' });
    e = await codecError(decodeFrame('1.2.840.10008.1.2.4.80', new Uint8Array(100), MR));
    expect(e.kind).toBe('bad-header');
    expect(e.message).toMatch(/^the JPEG-LS decoder failed: /);
    e = await codecError(decodeFrame('1.2.840.10008.1.2.4.70', new Uint8Array(100), MR));
    expect(e.message).toMatch(/^the JPEG Lossless decoder failed: /);
    e = await codecError(decodeFrame('1.2.840.10008.1.2.4.50', new Uint8Array(100), { ...MR, bitsAllocated: 8 }));
    expect(e.message).toMatch(/^the JPEG Baseline decoder failed: /);
    if (existsSync(JPEG8)) {
      // An 8-bit stream, cut after its headers, goes to libjpeg-turbo (by its frame header's precision), whatever the UID.
      e = await codecError(decodeFrame(EXTENDED, firstFragment(JPEG8).subarray(0, 100), { ...MR, bitsAllocated: 8 }));
      expect(e.message).toMatch(/^the JPEG Baseline decoder failed: /);
    }
    e = await codecError(decodeFrame('1.2.840.10008.1.2.4.90', new Uint8Array(100), MR));
    expect(e.message).toMatch(/^the JPEG 2000 decoder failed: /);
    // The codec still works after a failure.
    expect((await decodeFrame('1.2.840.10008.1.2.4.80', stream, MR)).length).toBe(64 * 64 * 2);
    console.info(e.message);
  });
});
