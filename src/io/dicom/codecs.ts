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
 *
 * 12-bit JPEG Extended (process 4) has no decoder here: read-series refuses it
 * by name before reading pixels (see unsupportedJpegPrecision). Candidates
 * tried (2026-11, on pydicom's 12-bit JPEG-lossy.dcm / JPGExtended.dcm against
 * DCMTK's dcmdjpeg, whose values at [420,140] and [230,120], 244 and 95, are
 * also the OsiriX values pydicom's tests cite):
 *   - @cornerstonejs/dicom-image-loader@5.14.0's codecs/jpeg.js (the
 *     pdf.js-derived decoder Cornerstone uses for 12-bit): every pixel 11–15
 *     too high (259 and 109 there), so wrong for quantitative use; it is also
 *     outside the package's exports and the package pulls @cornerstonejs/core;
 *   - dcmjs-codecs@0.0.8: "work in progress", JPEG Baseline process 1 only;
 *   - @cornerstonejs/codec-libjpeg-turbo-12bit: not on npm;
 *   - jpeg-js: clamps to 8 bits.
 * GDCM/DCMTK builds for the browser (itk-wasm) decode whole files in their
 * own workers and were not tried.
 *
 * Each codec is loaded lazily, by dynamic import, the first time a frame of
 * its syntax is decoded, so none of them is in the app's first JavaScript.
 * Its .wasm comes from the package folder in Node (the Emscripten loader finds
 * it beside itself) and, in the browser, from the app's own build (a Vite
 * `?url` import: the build emits the file as an asset); never from elsewhere.
 */

export const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
export const JPEG_EXTENDED = '1.2.840.10008.1.2.4.51';
export const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.57';
export const JPEG_LOSSLESS_SV1 = '1.2.840.10008.1.2.4.70';
export const JPEG_LS_LOSSLESS = '1.2.840.10008.1.2.4.80';
export const JPEG_LS_NEAR_LOSSLESS = '1.2.840.10008.1.2.4.81';
export const JPEG_2000_LOSSLESS = '1.2.840.10008.1.2.4.90';
export const JPEG_2000 = '1.2.840.10008.1.2.4.91';

type CodecName = 'JPEG-LS' | 'JPEG 2000' | 'JPEG Lossless' | 'JPEG Baseline';

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

/**
 * Why a series of this syntax and sample depth cannot be decoded, or
 * undefined: the only case is JPEG with more than 8 bits per sample
 * (process 4, 12-bit), which libjpeg-turbo's 8-bit build cannot read.
 */
export function unsupportedJpegPrecision(uid: string, bitsAllocated: number, bitsStored: number): string | undefined {
  if (uid !== JPEG_BASELINE && uid !== JPEG_EXTENDED) return undefined;
  if (bitsAllocated === 8 && bitsStored <= 8) return undefined;
  return `${bitsStored}-bit samples (12-bit JPEG, process 4): no 12-bit JPEG decoder is bundled; only 8-bit JPEG is read`;
}

export interface FrameShape {
  rows: number;
  columns: number;
  bitsAllocated: number;
  pixelRepresentation: number;
  samplesPerPixel: number;
}

/** Why a frame could not be decoded (the caller adds the file and the syntax). */
export class CodecError extends Error {
  constructor(readonly kind: 'bad-header' | 'unsupported-transfer-syntax', message: string) {
    super(message);
  }
}

interface FrameDecoder {
  (bytes: Uint8Array, shape: FrameShape): { pixels: Uint8Array; width: number; height: number; components: number; signed?: boolean };
}

const IN_NODE = typeof process === 'object' && typeof process.versions?.node === 'string'
  && typeof window === 'undefined' && !('WorkerGlobalScope' in globalThis);

/** An instantiated codec module, and what it printed during the frame being decoded. */
interface Embind { module: Record<string, unknown>; log: string[] }

/**
 * Instantiate an Emscripten codec module: in Node as it is (it reads its
 * .wasm from beside itself); in the browser with the build's own .wasm URL.
 * What it prints (OpenJPEG's [INFO] and [ERROR] lines) is kept, not shown.
 */
async function instantiate(
  factory: () => Promise<{ default: EmbindFactory } | EmbindFactory>,
  wasmUrl: () => Promise<{ default: string }>,
): Promise<Embind> {
  const mod = await factory();
  const create = (typeof mod === 'function' ? mod : mod.default) as EmbindFactory;
  const log: string[] = [];
  const keep = (line: string): void => { if (log.length < 20) log.push(String(line).trim()); };
  const options = { print: keep, printErr: keep };
  if (IN_NODE) return { module: await create(options), log };
  const url = (await wasmUrl()).default;
  return { module: await create({ ...options, locateFile: (path) => (path.endsWith('.wasm') ? url : path) }), log };
}

/** Run an embind decoder class over one frame. */
function embindDecode({ module, log }: Embind, className: string, bytes: Uint8Array): ReturnType<FrameDecoder> {
  const Decoder = module[className] as new () => EmbindDecoder;
  const decoder = new Decoder();
  log.length = 0;
  const said = (): string => {
    const errors = log.filter((l) => /error/i.test(l)).map((l) => l.replace(/^\[ERROR\]\s*/, ''));
    return errors.length ? ` (${errors.join('; ')})` : '';
  };
  try {
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    try {
      decoder.decode();
    } catch (e) {
      // A C++ exception arrives as a number (a pointer); CharLS's build can say what it was.
      const what = typeof e === 'number' && typeof module.getExceptionMessage === 'function'
        ? tryMessage(() => (module.getExceptionMessage as (p: number) => unknown)(e)) : undefined;
      throw new Error(`${what ?? describeThrown(e)}${said()}`);
    }
    const info = decoder.getFrameInfo();
    if (!(info.width > 0 && info.height > 0 && info.componentCount > 0)) throw new Error(`no image came out${said()}`);
    // A view into the wasm memory: copy it out before the decoder is deleted.
    const pixels = decoder.getDecodedBuffer().slice();
    return {
      pixels, width: info.width, height: info.height, components: info.componentCount,
      ...(info.isSigned !== undefined ? { signed: info.isSigned } : {}),
    };
  } finally {
    decoder.delete();
  }
}

const LOADERS: Readonly<Record<CodecName, () => Promise<FrameDecoder>>> = {
  'JPEG-LS': async () => {
    const module = await instantiate(
      () => import('@cornerstonejs/codec-charls/decodewasmjs'),
      () => import('@cornerstonejs/codec-charls/decodewasm?url'));
    return (bytes) => embindDecode(module, 'JpegLSDecoder', bytes);
  },
  'JPEG 2000': async () => {
    const module = await instantiate(
      () => import('@cornerstonejs/codec-openjpeg/decodewasmjs'),
      () => import('@cornerstonejs/codec-openjpeg/decodewasm?url'));
    return (bytes) => embindDecode(module, 'J2KDecoder', bytes);
  },
  'JPEG Baseline': async () => {
    const module = await instantiate(
      () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
      () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url'));
    return (bytes) => embindDecode(module, 'JPEGDecoder', bytes);
  },
  'JPEG Lossless': async () => {
    const { Decoder } = await import('@cornerstonejs/jpeg-lossless-decoder-js');
    return (bytes, shape) => {
      const decoder = new Decoder() as InstanceType<typeof Decoder> & { frame?: { dimX: number; dimY: number }; numComp?: number };
      // File bytes always sit in an ArrayBuffer (never a SharedArrayBuffer): the decoder only reads them.
      const out = decoder.decode(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length, shape.bitsAllocated <= 8 ? 1 : 2);
      return {
        pixels: new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
        width: decoder.frame?.dimX ?? shape.columns,
        height: decoder.frame?.dimY ?? shape.rows,
        components: decoder.numComp ?? shape.samplesPerPixel,
      };
    };
  },
};

const loaded = new Map<CodecName, Promise<FrameDecoder>>();

function load(name: CodecName): Promise<FrameDecoder> {
  let codec = loaded.get(name);
  if (!codec) {
    codec = LOADERS[name]();
    loaded.set(name, codec);
    // A failed load (a missing .wasm, say) is tried again next time.
    codec.catch(() => loaded.delete(name));
  }
  return codec;
}

/** The message of a C++ exception, from Emscripten's getExceptionMessage ([type, message]), if it gives one. */
function tryMessage(get: () => unknown): string | undefined {
  try {
    const got = get();
    const parts = (Array.isArray(got) ? got : [got]).filter((x): x is string => typeof x === 'string' && x.length > 0);
    return parts.length ? parts[parts.length - 1] : undefined;
  } catch {
    return undefined;
  }
}

function describeThrown(e: unknown): string {
  if (typeof e === 'number') return `it stopped with a C++ exception (${e}): the stream is not valid`;
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/**
 * Decode one frame (`bytes`: its compressed stream) of the given syntax into
 * little-endian samples, rows × columns × samplesPerPixel × bitsAllocated/8
 * bytes. Throws CodecError when the codec cannot load, fails, or returns an
 * image of another size.
 */
export async function decodeFrame(syntaxUid: string, bytes: Uint8Array, shape: FrameShape): Promise<Uint8Array> {
  const name = CODEC_OF[syntaxUid];
  if (!name) throw new CodecError('unsupported-transfer-syntax', 'no codec for this transfer syntax');
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
    if (e instanceof WebAssembly.RuntimeError) loaded.delete(name); // an aborted module is not used again
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
