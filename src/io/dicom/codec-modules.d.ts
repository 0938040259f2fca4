// Types for the codec packages, which ship none (see codec-loaders.ts for how each is used).

/** An Emscripten/embind decoder instance of the @cornerstonejs codec packages. */
interface EmbindDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  delete(): void;
}

type EmbindFactory = (options?: {
  locateFile?: (path: string, prefix: string) => string;
  print?: (line: string) => void;
  printErr?: (line: string) => void;
}) => Promise<Record<string, unknown>>;

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: EmbindFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: EmbindFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: EmbindFactory;
  export default factory;
}
