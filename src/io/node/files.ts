/**
 * SourceFiles from the local disk, for the CLI, tests and benchmarks (Node only;
 * never imported by browser code).
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { comparePaths } from '../../shared/paths.ts';
import type { SourceFile } from '../../shared/source-file.ts';

/** A file on disk, named by `path` relative to `root` in messages. */
export async function diskFile(absolute: string, root?: string): Promise<SourceFile> {
  const info = await stat(absolute);
  const name = root ? relative(root, absolute).split(sep).join('/') || absolute : absolute;
  return {
    path: name,
    size: info.size,
    async read(start = 0, end = info.size) {
      end = Math.min(end, info.size);
      start = Math.max(0, Math.min(start, end));
      const length = end - start;
      const out = new Uint8Array(length);
      if (length === 0) return out;
      const handle = await open(absolute, 'r');
      try {
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(out, done, length - done, start + done);
          if (bytesRead === 0) break; // file shrank under us: return what exists
          done += bytesRead;
        }
        return done === length ? out : out.subarray(0, done);
      } finally {
        await handle.close();
      }
    },
  };
}

/** Every regular file under `path` (a file or a folder), recursively, sorted by path. */
export async function diskFiles(path: string): Promise<SourceFile[]> {
  const info = await stat(path);
  if (info.isFile()) return [await diskFile(path, undefined)];
  const out: SourceFile[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push(await diskFile(full, path));
    }
  }
  await walk(path);
  out.sort((a, b) => comparePaths(a.path, b.path));
  return out;
}
