/**
 * SourceFiles from the local disk, for the CLI, tests and benchmarks (Node only;
 * never imported by browser code).
 */
import { closeSync, openSync, readSync, readv as readvCallback, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { comparePaths } from '../../shared/paths.ts';
import type { SourceFile } from '../../shared/source-file.ts';
import type { ReadsInto } from '../dicom/types.ts';

/**
 * `read`s up to this size are made synchronously: from the page cache they
 * take microseconds, far less than the trips to libuv's thread pool of an
 * asynchronous read (a scan reads thousands of header prefixes). Larger reads,
 * and every `readInto` (pixels read straight into a volume), go to the thread
 * pool, where the copy (and the first touch of the volume's pages) overlaps
 * the caller's work on another core.
 */
const SYNC_READ_BYTES = 1 << 20;

function readvAsync(fd: number, targets: readonly Uint8Array[], position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    readvCallback(fd, targets as Uint8Array[], position, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead)));
  });
}

/**
 * Bytes of the file at `absolute` from `position` into `targets` in turn, each
 * filled before the next; the count read (short only at the end of the file).
 * Opening and closing are synchronous (microseconds); the read is one trip to
 * the thread pool unless `sync`.
 */
async function readInto(absolute: string, targets: readonly Uint8Array[], position: number, sync: boolean): Promise<number> {
  let pending = targets.filter((t) => t.byteLength > 0);
  if (pending.length === 0) return 0;
  const fd = openSync(absolute, 'r');
  try {
    let total = 0;
    while (pending.length > 0) {
      const bytesRead = sync
        ? readSync(fd, pending[0]!, 0, pending[0]!.byteLength, position + total) // small: one target at a time
        : await readvAsync(fd, pending, position + total);
      if (bytesRead === 0) break; // end of the file
      total += bytesRead;
      // Drop the targets this read filled, trim the one it stopped in.
      let skip = bytesRead;
      const rest: Uint8Array[] = [];
      for (const t of pending) {
        if (skip >= t.byteLength) { skip -= t.byteLength; continue; }
        rest.push(skip > 0 ? t.subarray(skip) : t);
        skip = 0;
      }
      pending = rest;
    }
    return total;
  } finally {
    closeSync(fd);
  }
}

/** A file on disk, named by `path` relative to `root` in messages. Also reads into memory the caller owns (`ReadsInto`). */
export async function diskFile(absolute: string, root?: string): Promise<SourceFile & ReadsInto> {
  return diskFileOfSize(absolute, statSync(absolute).size, root);
}

function diskFileOfSize(absolute: string, size: number, root?: string): SourceFile & ReadsInto {
  const name = root ? relative(root, absolute).split(sep).join('/') || absolute : absolute;
  return {
    path: name,
    size,
    readInto: (targets, position) => readInto(absolute, targets, position, false),
    async read(start = 0, end = size) {
      end = Math.min(end, size);
      start = Math.max(0, Math.min(start, end));
      const out = new Uint8Array(end - start);
      if (out.length === 0) return out;
      const done = await readInto(absolute, [out], start, out.length <= SYNC_READ_BYTES);
      return done === out.length ? out : out.subarray(0, done); // the file shrank under us: what exists
    },
  };
}

/** Every regular file under `path` (a file or a folder), recursively, sorted by path. */
export async function diskFiles(path: string): Promise<Array<SourceFile & ReadsInto>> {
  const info = statSync(path);
  if (info.isFile()) return [diskFileOfSize(path, info.size, undefined)];
  const out: Array<SourceFile & ReadsInto> = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      // Sizes by a synchronous stat each: microseconds, against a thread-pool trip each.
      else if (e.isFile()) out.push(diskFileOfSize(full, statSync(full).size, path));
    }
  }
  await walk(path);
  out.sort((a, b) => comparePaths(a.path, b.path));
  return out;
}
