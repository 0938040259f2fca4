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
 * The 12-bit decoder was chosen in 2026-11 by decoding pydicom's 12-bit
 * JPEG-lossy.dcm and JPGExtended.dcm (256×1024, SOF1) and comparing every
 * pixel with DCMTK's dcmdjpeg (whose values at [420,140] and [230,120], 244
 * and 95, are also the OsiriX values pydicom's tests cite):
 *   - dcmjs-codecs@0.0.8's dcmjs-native-codecs.wasm (DCMTK's libijg8/12/16,
 *     CharLS, OpenJPEG, OpenJPH and libjxl, encoders too, in one 4.1 MB wasm,
 *     1.4 MB gzipped; MIT): 0 of 262,144 pixels differ, on both files.
 *     dcmjs-imaging@0.2.5 ships the byte-identical .wasm but depends on
 *     dcmjs-codecs itself. Only the .wasm is used: the package's JavaScript
 *     fetches it through eval, which the app's CSP forbids, and pulls in
 *     dcmjs; the C API it drives (CreateCodecsContext … DecodeJpeg) is small
 *     and is driven here the same way. Pinned exactly: that API is the
 *     package's internal one. (Its README lists only JPEG Baseline
 *     process 1 among the syntaxes its JavaScript transcodes; the wasm's
 *     DecodeJpeg reads 8-, 12- and 16-bit streams.)
 *   - @cornerstonejs/dicom-image-loader@5.14.0's codecs/jpeg.js (the
 *     pdf.js-derived decoder Cornerstone uses for 12-bit): every pixel 11–15
 *     too high (259 and 109 there), so wrong for quantitative use; it is also
 *     outside the package's exports and the package pulls @cornerstonejs/core;
 *   - @cornerstonejs/codec-libjpeg-turbo-12bit: not on npm (Cornerstone's
 *     12-bit wasm loader is commented out, "not yet working"); no npm package
 *     was found exposing libjpeg-turbo 3's 12-bit API (tj3Decompress12);
 *   - jpeg-js, @cwasm/jpeg-turbo, @jsquash/jpeg: 8 bits only;
 *   - @itk-wasm/image-io (GDCM): reads whole files in its own worker,
 *     heavier; not tried, since the above is exact.
 *
 * Each codec is loaded lazily, by dynamic import, the first time a frame of
 * its syntax is decoded, so none of them is in the app's first JavaScript.
 * Its .wasm comes from the package folder in Node (the Emscripten loader finds
 * it beside itself; the 12-bit one is found by Node's module resolution) and,
 * in the browser, from the app's own build (a Vite `?url` import: the build
 * emits the file as an asset); never from elsewhere.
 */

export const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
export const JPEG_EXTENDED = '1.2.840.10008.1.2.4.51';
export const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.57';
export const JPEG_LOSSLESS_SV1 = '1.2.840.10008.1.2.4.70';
export const JPEG_LS_LOSSLESS = '1.2.840.10008.1.2.4.80';
export const JPEG_LS_NEAR_LOSSLESS = '1.2.840.10008.1.2.4.81';
export const JPEG_2000_LOSSLESS = '1.2.840.10008.1.2.4.90';
export const JPEG_2000 = '1.2.840.10008.1.2.4.91';

type CodecName = 'JPEG-LS' | 'JPEG 2000' | 'JPEG Lossless' | 'JPEG Baseline' | 'JPEG 12-bit';

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

/** What a JPEG stream's frame header (SOFn) says: sample precision, size and components. */
export interface JpegFrameHeader {
  /** SOF marker code: 0xc0 baseline, 0xc1 extended, 0xc2 progressive, 0xc3 lossless… */
  marker: number;
  precision: number;
  width: number;
  height: number;
  components: number;
}

/**
 * The frame header (SOFn) of a JPEG stream, found by walking its marker
 * segments from SOI; undefined when the stream does not start with SOI or
 * reaches a scan (SOS) or its end before any frame header.
 */
export function jpegFrameHeader(bytes: Uint8Array): JpegFrameHeader | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) { at++; continue; } // a fill byte before a marker
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { at += 2; continue; } // TEM, RSTn: no length
    if (marker === 0xd9 || marker === 0xda) return undefined; // EOI or SOS before any SOF
    if (at + 3 >= bytes.length) return undefined;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    // SOF0–SOF15 but DHT (c4), JPG (c8) and DAC (cc).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 >= bytes.length || length < 8) return undefined;
      return {
        marker,
        precision: bytes[at + 4]!,
        height: (bytes[at + 5]! << 8) | bytes[at + 6]!,
        width: (bytes[at + 7]! << 8) | bytes[at + 8]!,
        components: bytes[at + 9]!,
      };
    }
    if (length < 2) return undefined;
    at += 2 + length;
  }
  return undefined;
}

export interface FrameShape {
  rows: number;
  columns: number;
  bitsAllocated: number;
  pixelRepresentation: number;
  samplesPerPixel: number;
}

/** The JPEG decoder for a JPEG Baseline/Extended frame: by its stream's sample precision, as dcmdjpeg chooses. */
function jpegCodecFor(bytes: Uint8Array): CodecName {
  const precision = jpegFrameHeader(bytes)?.precision;
  if (precision === undefined || precision === 8) return 'JPEG Baseline'; // (no frame header: libjpeg-turbo says what is wrong)
  if (precision === 12) return 'JPEG 12-bit';
  throw new CodecError('bad-header', `the JPEG stream's frame header gives ${precision}-bit samples: JPEG Baseline and Extended hold 8 or 12`);
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

/**
 * dcmjs-codecs's wasm: a plain (not Emscripten-JS) module with a C API over
 * a "codecs context" (the image's attributes and its encoded and decoded
 * buffers, in the module's memory). Only what decoding JPEG needs is named.
 */
interface NativeCodecs {
  memory: WebAssembly.Memory;
  _initialize?: () => void;
  CreateCodecsContext(): number;
  ReleaseCodecsContext(ctx: number): void;
  CreateDecoderParameters(): number;
  ReleaseDecoderParameters(params: number): void;
  SetConvertColorspaceToRgb(params: number, convert: number): void;
  SetColumns(ctx: number, v: number): void;
  SetRows(ctx: number, v: number): void;
  SetBitsAllocated(ctx: number, v: number): void;
  SetBitsStored(ctx: number, v: number): void;
  SetSamplesPerPixel(ctx: number, v: number): void;
  SetPixelRepresentation(ctx: number, v: number): void;
  SetEncodedBufferSize(ctx: number, size: number): void;
  GetEncodedBuffer(ctx: number): number;
  GetDecodedBuffer(ctx: number): number;
  GetDecodedBufferSize(ctx: number): number;
  DecodeJpeg(ctx: number, params: number): void;
  emscripten_stack_get_current(): number;
  _emscripten_stack_restore(sp: number): void;
}

/** The compiled module, kept: an instance that failed is dropped, and a new one made from this. */
let nativeModule: Promise<WebAssembly.Module> | undefined;

async function nativeWasm(): Promise<WebAssembly.Module> {
  if (IN_NODE) {
    // Node (tests, the CLI): the file in the package folder. The specifiers are
    // variables so that the browser build leaves these imports alone.
    const nodeModule = 'node:module', nodeFs = 'node:fs/promises';
    const { createRequire } = await import(/* @vite-ignore */ nodeModule) as typeof import('node:module');
    const { readFile } = await import(/* @vite-ignore */ nodeFs) as typeof import('node:fs/promises');
    const path = createRequire(import.meta.url).resolve('dcmjs-codecs/build/dcmjs-native-codecs.wasm');
    return WebAssembly.compile(await readFile(path));
  }
  const url = (await import('dcmjs-codecs/build/dcmjs-native-codecs.wasm?url')).default;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * A fresh instance of dcmjs-codecs's wasm. What it reports (libjpeg's trace
 * and warning messages, a dozen a frame) is dropped; its errors are thrown.
 */
async function nativeCodecs(): Promise<NativeCodecs> {
  if (!nativeModule) {
    nativeModule = nativeWasm();
    nativeModule.catch(() => { nativeModule = undefined; }); // a failed fetch is tried again next time
  }
  const module = await nativeModule;
  let memory: WebAssembly.Memory | undefined;
  const text = (at: number, length: number): string => new TextDecoder().decode(new Uint8Array(memory!.buffer, at, length));
  const imports = {
    env: {
      // DCMTK's libjpeg error exit: thrown through the wasm (whose memory is then not freed: see decodeFrame).
      onCodecsException: (at: number, length: number) => { throw new Error(text(at, length)); },
      onCodecsInfo: () => {},
      onCodecsTrace: () => {},
      emscripten_notify_memory_growth: () => {},
    },
    wasi_snapshot_preview1: {
      proc_exit: (code: number) => { throw new Error(`the codec exited (${code})`); },
      clock_time_get: () => 52, // ENOSYS
      environ_sizes_get: (count: number, size: number) => {
        const view = new DataView(memory!.buffer);
        view.setUint32(count, 0, true);
        view.setUint32(size, 0, true);
        return 0;
      },
      environ_get: () => 0,
      fd_write: (fd: number, iovs: number, count: number, written: number) => {
        const view = new DataView(memory!.buffer);
        let total = 0;
        for (let i = 0; i < count; i++) total += view.getUint32(iovs + 8 * i + 4, true);
        view.setUint32(written, total, true);
        return 0;
      },
      fd_seek: () => 0,
      fd_close: () => 0,
    },
  };
  const instance = await WebAssembly.instantiate(module, imports);
  const codecs = instance.exports as unknown as NativeCodecs;
  memory = codecs.memory;
  codecs._initialize?.();
  return codecs;
}

/** 12-bit JPEG through dcmjs-codecs's DecodeJpeg (DCMTK's libijg12; it also picks the library by the stream's precision). */
function nativeJpeg(codecs: NativeCodecs): FrameDecoder {
  return (bytes, shape) => {
    const sof = jpegFrameHeader(bytes);
    if (!sof) throw new Error('no JPEG frame header (SOF) before the first scan');
    if (sof.width !== shape.columns || sof.height !== shape.rows || sof.components !== shape.samplesPerPixel) {
      // Not decoded (the decoder would allocate what the stream says): decodeFrame reports the mismatch.
      return { pixels: new Uint8Array(0), width: sof.width, height: sof.height, components: sof.components };
    }
    const ctx = codecs.CreateCodecsContext();
    const params = codecs.CreateDecoderParameters();
    codecs.SetConvertColorspaceToRgb(params, 0); // components as stored
    codecs.SetColumns(ctx, sof.width);
    codecs.SetRows(ctx, sof.height);
    codecs.SetBitsAllocated(ctx, 16); // 12-bit samples come out as 16-bit words: the decoder sizes its buffer by this
    codecs.SetBitsStored(ctx, sof.precision);
    codecs.SetSamplesPerPixel(ctx, sof.components);
    codecs.SetPixelRepresentation(ctx, shape.pixelRepresentation);
    codecs.SetEncodedBufferSize(ctx, bytes.length);
    new Uint8Array(codecs.memory.buffer, codecs.GetEncodedBuffer(ctx), bytes.length).set(bytes);
    const stack = codecs.emscripten_stack_get_current();
    try {
      codecs.DecodeJpeg(ctx, params);
    } catch (e) {
      codecs._emscripten_stack_restore(stack); // what Emscripten's own invoke wrappers do when a call throws
      // "JpegDecoder12::ErrorExit::Bogus marker length" → "Bogus marker length"
      const said = e instanceof Error ? e.message.replace(/^(\w+::)+/, '') : describeThrown(e);
      throw new Error(said || 'it failed without saying why');
    }
    // Copied out of the wasm memory (which the next frame reuses, and may grow) before the context is released.
    const pixels = new Uint8Array(codecs.memory.buffer, codecs.GetDecodedBuffer(ctx), codecs.GetDecodedBufferSize(ctx)).slice();
    codecs.ReleaseDecoderParameters(params);
    codecs.ReleaseCodecsContext(ctx);
    return { pixels, width: sof.width, height: sof.height, components: sof.components };
  };
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
  'JPEG 12-bit': async () => nativeJpeg(await nativeCodecs()),
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
    if (e instanceof WebAssembly.RuntimeError || name === 'JPEG 12-bit') loaded.delete(name);
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
