/**
 * The image codecs for encapsulated DICOM pixel data other than RLE (rle.ts):
 * one frame's compressed bytes in, that frame's pixels out as little-endian
 * samples, laid out as native pixel data would hold them.
 *
 *   JPEG-LS (.4.80, .4.81)            @cornerstonejs/codec-charls (CharLS, wasm)
 *   JPEG 2000 (.4.90, .4.91)          @cornerstonejs/codec-openjpeg (OpenJPEG, wasm)
 *   JPEG Lossless (.4.57, .4.70)      @cornerstonejs/jpeg-lossless-decoder-js (plain JS;
 *                                     Cornerstone's fork, which keeps a frame's last sample when
 *                                     its final code ends on a byte boundary: jpeg-lossless-decoder-js
 *                                     2.1.2 dropped it, e.g. in 40 of 300 dcmcjpeg +e1 CT slices)
 *   JPEG Baseline / Extended, 8-bit   @cornerstonejs/codec-libjpeg-turbo-8bit (wasm)
 *     (.4.50, .4.51)
 *   JPEG Extended, 12-bit             dcmjs-codecs's dcmjs-native-codecs.wasm: DCMTK's libijg12
 *     (process 4: .4.51, and .4.50     (IJG 6b built for 12-bit samples), the library DCMTK's own
 *     files that hold 12-bit streams)  dcmdjpeg uses, driven through the module's C API (nativeJpeg)
 *
 * Which JPEG decoder reads a .4.50/.4.51 frame is chosen by the sample
 * precision in the stream's frame header (SOFn), not by BitsStored, as
 * dcmdjpeg chooses for .4.51: 8 → libjpeg-turbo, 12 → IJG 12-bit; any other
 * precision is an error for that file. (dcmdjpeg refuses a 12-bit stream
 * under .4.50, "Unsupported JPEG data precision 12"; we decode it.)
 *
 * The codecs themselves are loaded, once and lazily, by codec-loaders.ts;
 * why the 12-bit decoder is the one it is, is told in codec-native-jpeg.ts.
 */
import { CodecError, describeThrown, IN_NODE, type FrameDecoder, type FrameShape } from './codec-frame.ts';
import { forget, load, type CodecName } from './codec-loaders.ts';
import { jpegFrameHeader } from './jpeg-frame-header.ts';

export { CodecError, type FrameShape } from './codec-frame.ts';
export { jpegFrameHeader, type JpegFrameHeader } from './jpeg-frame-header.ts';

export const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
export const JPEG_EXTENDED = '1.2.840.10008.1.2.4.51';
export const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.57';
export const JPEG_LOSSLESS_SV1 = '1.2.840.10008.1.2.4.70';
export const JPEG_LS_LOSSLESS = '1.2.840.10008.1.2.4.80';
export const JPEG_LS_NEAR_LOSSLESS = '1.2.840.10008.1.2.4.81';
export const JPEG_2000_LOSSLESS = '1.2.840.10008.1.2.4.90';
export const JPEG_2000 = '1.2.840.10008.1.2.4.91';

const CODEC_OF: Readonly<Record<string, CodecName>> = {
  [JPEG_BASELINE]: 'JPEG Baseline',
  [JPEG_EXTENDED]: 'JPEG Baseline',
  [JPEG_LOSSLESS]: 'JPEG Lossless',
  [JPEG_LOSSLESS_SV1]: 'JPEG Lossless',
  [JPEG_LS_LOSSLESS]: 'JPEG-LS',
  [JPEG_LS_NEAR_LOSSLESS]: 'JPEG-LS',
  [JPEG_2000_LOSSLESS]: 'JPEG 2000',
  [JPEG_2000]: 'JPEG 2000',
};

/** Syntaxes whose frames decodeFrame decodes. */
export function isCodecSyntax(uid: string): boolean {
  return CODEC_OF[uid] !== undefined;
}

/** The JPEG decoder for a JPEG Baseline/Extended frame: by its stream's sample precision, as dcmdjpeg chooses. */
function jpegCodecFor(bytes: Uint8Array): CodecName {
  const precision = jpegFrameHeader(bytes)?.precision;
  if (precision === undefined || precision === 8) return 'JPEG Baseline'; // (no frame header: libjpeg-turbo says what is wrong)
  if (precision === 12) return 'JPEG 12-bit';
  throw new CodecError('bad-header', `the JPEG stream's frame header gives ${precision}-bit samples: JPEG Baseline and Extended hold 8 or 12`);
}

/**
 * Decode one frame (`bytes`: its compressed stream) of the given syntax into
 * little-endian samples, rows × columns × samplesPerPixel × bitsAllocated/8
 * bytes. Throws CodecError when the codec cannot load, fails, or returns an
 * image of another size.
 */
export async function decodeFrame(syntaxUid: string, bytes: Uint8Array, shape: FrameShape): Promise<Uint8Array> {
  const named = CODEC_OF[syntaxUid];
  if (!named) throw new CodecError('unsupported-transfer-syntax', 'no codec for this transfer syntax');
  const name = named === 'JPEG Baseline' ? jpegCodecFor(bytes) : named;
  let decode: FrameDecoder;
  try {
    decode = await load(name);
  } catch (e) {
    throw new CodecError('unsupported-transfer-syntax', `the ${name} decoder could not be loaded: ${describeThrown(e)}`);
  }
  // An Emscripten exit() in Node (libjpeg's error exit, say) sets process.exitCode: keep ours.
  const exitCode = IN_NODE ? process.exitCode : undefined;
  let got: ReturnType<FrameDecoder>;
  try {
    got = decode(bytes, shape);
  } catch (e) {
    // An aborted module is not used again; nor is the 12-bit one after any failure: libjpeg's error exit
    // unwinds through it as a JS exception, leaving the memory libjpeg had allocated unfreed.
    if (e instanceof WebAssembly.RuntimeError || name === 'JPEG 12-bit') forget(name);
    throw new CodecError('bad-header', `the ${name} decoder failed: ${describeThrown(e)}`);
  } finally {
    if (IN_NODE) process.exitCode = exitCode;
  }
  const { rows, columns, samplesPerPixel, bitsAllocated } = shape;
  if (got.width !== columns || got.height !== rows || got.components !== samplesPerPixel) {
    throw new CodecError('bad-header', `the ${name} stream holds a ${got.width}×${got.height} image of ${got.components} component${got.components === 1 ? '' : 's'}`
      + ` where the header says ${columns}×${rows} of ${samplesPerPixel}`);
  }
  const samples = rows * columns * samplesPerPixel;
  const bytesPerSample = bitsAllocated / 8;
  const want = samples * bytesPerSample;
  if (got.pixels.length === want) return got.pixels;
  if (got.pixels.length === samples && bytesPerSample === 2) {
    // A stream of 8 bits or fewer in 16-bit pixel data: widen (sign-extending signed samples).
    const out = new Uint8Array(want);
    for (let i = 0; i < samples; i++) {
      const v = got.pixels[i]!;
      out[2 * i] = v;
      out[2 * i + 1] = got.signed && v & 0x80 ? 0xff : 0;
    }
    return out;
  }
  throw new CodecError('bad-header', `the ${name} decoder returned ${got.pixels.length} bytes where ${columns}×${rows} pixels of ${bitsAllocated} bits`
    + `${samplesPerPixel > 1 ? ` × ${samplesPerPixel} samples` : ''} need ${want}`);
}
