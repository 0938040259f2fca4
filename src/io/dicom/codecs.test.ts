// codecs.ts on its own: what decodeFrame refuses and how it says so. The
// decoding itself is proven on real files in compressed.real-data.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CodecError, decodeFrame, isCodecSyntax, unsupportedJpegPrecision } from './codecs.ts';
import { readFragments } from './rle.ts';

const JLS = '/usr/lib/python3/dist-packages/pydicom/data/test_files/MR_small_jpeg_ls_lossless.dcm';
const MR = { rows: 64, columns: 64, bitsAllocated: 16, pixelRepresentation: 1, samplesPerPixel: 1 };

/** The one fragment (the JPEG-LS stream) of MR_small_jpeg_ls_lossless.dcm. */
function jpegLsStream(): Uint8Array {
  const bytes = new Uint8Array(readFileSync(JLS));
  const pixelTag = Buffer.from(bytes).lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
  const { fragments } = readFragments(bytes, pixelTag + 12);
  return bytes.subarray(fragments[0]!.position, fragments[0]!.position + fragments[0]!.length);
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
    expect(unsupportedJpegPrecision('1.2.840.10008.1.2.4.51', 16, 12)).toMatch(/^12-bit samples/);
    expect(unsupportedJpegPrecision('1.2.840.10008.1.2.4.50', 8, 8)).toBeUndefined();
    expect(unsupportedJpegPrecision('1.2.840.10008.1.2.4.70', 16, 12)).toBeUndefined();
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
    e = await codecError(decodeFrame('1.2.840.10008.1.2.4.90', new Uint8Array(100), MR));
    expect(e.message).toMatch(/^the JPEG 2000 decoder failed: /);
    // The codec still works after a failure.
    expect((await decodeFrame('1.2.840.10008.1.2.4.80', stream, MR)).length).toBe(64 * 64 * 2);
    console.info(e.message);
  });
});
