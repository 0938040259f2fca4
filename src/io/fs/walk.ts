/**
 * Every file under a directory handle as SourceFiles: paths relative to the
 * root ('/' separated), sorted naturally, hidden entries and the named
 * top-level folders (the output folder) left out. Works on the main thread
 * and in workers (a directory handle is structured-cloneable: post it to the
 * worker and walk there).
 */
import type { SourceFile } from '../../shared/source-file.ts';
import { comparePaths, isDomError } from './paths.ts';
import { iterable } from './types.ts';

export interface WalkOptions {
  /**
   * Top-level folder names to leave out, e.g. the output folder 'labels'.
   * Compared without regard to case: on macOS and Windows, writing to
   * 'labels' lands in an existing 'Labels'.
   */
  skipFolders?: readonly string[];
  signal?: AbortSignal;
  /** Told the running count of files found. */
  onProgress?: (found: number) => void;
}

/** getFile() calls in flight at once (each is an IPC round trip in Chromium). */
const PARALLEL_STATS = 16;
/** Folders listed at once at each level. */
const PARALLEL_FOLDERS = 8;

export async function walkDirectory(root: FileSystemDirectoryHandle, options: WalkOptions = {}): Promise<SourceFile[]> {
  const skip = new Set((options.skipFolders ?? []).map((n) => n.toLowerCase()));
  const { signal } = options;
  const out: SourceFile[] = [];

  const walk = async (dir: FileSystemDirectoryHandle, prefix: string, top: boolean): Promise<void> => {
    const files: FileSystemFileHandle[] = [];
    const dirs: FileSystemDirectoryHandle[] = [];
    for await (const entry of iterable(dir).values()) {
      signal?.throwIfAborted();
      if (entry.name.startsWith('.')) continue;
      if (entry.kind === 'directory') {
        if (!(top && skip.has(entry.name.toLowerCase()))) dirs.push(entry);
      } else {
        files.push(entry);
      }
    }
    await forEachLimited(files, PARALLEL_STATS, async (handle) => {
      signal?.throwIfAborted();
      const source = await handleSource(handle, prefix + handle.name);
      if (!source) return;
      out.push(source);
      options.onProgress?.(out.length);
    });
    // Sibling folders are listed concurrently: a cohort is often one file per patient folder.
    await forEachLimited(dirs, PARALLEL_FOLDERS, (sub) => walk(sub, `${prefix}${sub.name}/`, false));
  };

  await walk(root, '', true);
  signal?.throwIfAborted();
  out.sort((a, b) => comparePaths(a.path, b.path));
  return out;
}

/**
 * A SourceFile over a file handle: size from the File taken now, range reads
 * through File.slice. A File is a snapshot; if the file on disk is replaced
 * afterwards Chromium fails reads with NotReadableError. Then the handle is
 * asked again, and if the size is unchanged (a sync tool touched it) reading
 * goes on; otherwise the read fails with a message that says to rescan.
 * Null when the file vanished between listing and stat.
 */
export async function handleSource(handle: FileSystemFileHandle, path: string): Promise<SourceFile | null> {
  let file: File;
  try {
    file = await handle.getFile();
  } catch (e) {
    if (isDomError(e, 'NotFoundError')) return null;
    throw e;
  }
  const size = file.size;
  const readRange = async (from: File, start: number, end: number): Promise<Uint8Array> =>
    new Uint8Array(await from.slice(start, end).arrayBuffer());
  return {
    path,
    size,
    async read(start = 0, end = size) {
      end = Math.min(end, size);
      start = Math.max(0, Math.min(start, end));
      try {
        return await readRange(file, start, end);
      } catch (e) {
        if (!isDomError(e, 'NotReadableError', 'NotFoundError')) throw e;
        let fresh: File;
        try {
          fresh = await handle.getFile();
        } catch {
          throw new Error(`${path}: the file is gone since the folder was scanned; scan the folder again`);
        }
        if (fresh.size !== size) {
          throw new Error(`${path}: the file changed on disk since the folder was scanned (${size} → ${fresh.size} bytes); scan the folder again`);
        }
        file = fresh;
        return readRange(file, start, end);
      }
    },
  };
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
