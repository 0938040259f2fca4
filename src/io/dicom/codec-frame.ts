/**
 * What decodeFrame (codecs.ts) and the codecs it loads share: the shape a
 * frame must come out in, a decoder's signature, the error a frame that
 * cannot be decoded raises, and whether we run in Node (which decides where
 * a codec's .wasm comes from).
 */

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

export interface FrameDecoder {
  (bytes: Uint8Array, shape: FrameShape): { pixels: Uint8Array; width: number; height: number; components: number; signed?: boolean };
}

export const IN_NODE = typeof process === 'object' && typeof process.versions?.node === 'string'
  && typeof window === 'undefined' && !('WorkerGlobalScope' in globalThis);

export function describeThrown(e: unknown): string {
  if (typeof e === 'number') return `it stopped with a C++ exception (${e}): the stream is not valid`;
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
