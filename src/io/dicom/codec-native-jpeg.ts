/**
 * 12-bit JPEG (JPEG Extended, process 4) through dcmjs-codecs's
 * dcmjs-native-codecs.wasm: DCMTK's libijg12, driven through the module's C
 * API, with the few imports it needs supplied here.
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
 */
import { describeThrown, IN_NODE, type FrameDecoder } from './codec-frame.ts';
import { jpegFrameHeader } from './jpeg-frame-header.ts';

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
export async function nativeCodecs(): Promise<NativeCodecs> {
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
export function nativeJpeg(codecs: NativeCodecs): FrameDecoder {
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
