/**
 * A file as the readers see it, the same in Node (fs), the browser (File /
 * FileSystemFileHandle) and tests (bytes in memory). Range reads let a scan
 * read headers without pulling whole files into memory.
 */
export interface SourceFile {
  /** Path relative to what the user opened, with '/' separators; used in every message. */
  readonly path: string;
  readonly size: number;
  /** Bytes [start, end) (end clamped to size). Omitted bounds mean the whole file. */
  read(start?: number, end?: number): Promise<Uint8Array>;
}

/** A SourceFile over bytes already in memory (tests, drag-and-drop, OPFS reads). */
export function memoryFile(path: string, bytes: Uint8Array): SourceFile {
  return {
    path,
    size: bytes.byteLength,
    read: async (start = 0, end = bytes.byteLength) =>
      bytes.subarray(Math.max(0, start), Math.min(end, bytes.byteLength)),
  };
}

/** A SourceFile over a browser Blob/File. */
export function blobFile(path: string, blob: Blob): SourceFile {
  return {
    path,
    size: blob.size,
    read: async (start = 0, end = blob.size) =>
      new Uint8Array(await blob.slice(start, Math.min(end, blob.size)).arrayBuffer()),
  };
}
