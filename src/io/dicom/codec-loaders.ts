/**
 * The codec registry: which module decodes which codec, each loaded once.
 *
 * Each codec is loaded lazily, by dynamic import, the first time a frame of
 * its syntax is decoded, so none of them is in the app's first JavaScript.
 * Its .wasm comes from the package folder in Node (the Emscripten loader finds
 * it beside itself; the 12-bit one is found by Node's module resolution) and,
 * in the browser, from the app's own build (a Vite `?url` import: the build
 * emits the file as an asset); never from elsewhere.
 */
import { embindDecode, instantiate } from './codec-embind.ts';
import type { FrameDecoder } from './codec-frame.ts';
import { nativeCodecs, nativeJpeg } from './codec-native-jpeg.ts';

export type CodecName = 'JPEG-LS' | 'JPEG 2000' | 'JPEG Lossless' | 'JPEG Baseline' | 'JPEG 12-bit';

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

export function load(name: CodecName): Promise<FrameDecoder> {
  let codec = loaded.get(name);
  if (!codec) {
    codec = LOADERS[name]();
    loaded.set(name, codec);
    // A failed load (a missing .wasm, say) is tried again next time.
    codec.catch(() => loaded.delete(name));
  }
  return codec;
}

/** Drop a loaded codec, so that the next frame loads it afresh. */
export function forget(name: CodecName): void {
  loaded.delete(name);
}
