import type { SpillFile } from '../worker/track/memory-store.ts';

/** A spill file in memory that counts its bytes. */
export function memoryFile(): SpillFile & { bytes: Uint8Array } {
  const f = {
    bytes: new Uint8Array(0),
    write(buffer: Uint8Array, { at }: { at: number }) {
      if (at + buffer.length > f.bytes.length) {
        const grown = new Uint8Array(at + buffer.length);
        grown.set(f.bytes);
        f.bytes = grown;
      }
      f.bytes.set(buffer, at);
      return buffer.length;
    },
    read(buffer: Uint8Array, { at }: { at: number }) {
      const part = f.bytes.subarray(at, at + buffer.length);
      buffer.set(part);
      return part.length;
    },
    truncate(size: number) {
      f.bytes = f.bytes.slice(0, size);
    },
  };
  return f;
}
