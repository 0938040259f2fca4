/**
 * The origin private file system (OPFS): a folder per origin that needs no
 * picker and no permission. Holds the demo cohort and the browser tests'
 * folders. Works on the main thread and in workers.
 */
import { getDirectory } from './files.ts';
import { isDomError, splitPath } from './paths.ts';
import { iterable } from './types.ts';

export function hasOpfs(): boolean {
  return typeof globalThis.navigator?.storage?.getDirectory === 'function';
}

export async function opfsRoot(): Promise<FileSystemDirectoryHandle> {
  if (!hasOpfs()) throw new Error('This browser has no origin private file system (navigator.storage.getDirectory)');
  return navigator.storage.getDirectory();
}

/**
 * Remove every entry of `dir` except the names in `keep` (compared exactly).
 */
export async function clearDirectory(dir: FileSystemDirectoryHandle, options: { keep?: readonly string[] } = {}): Promise<void> {
  const keep = new Set(options.keep ?? []);
  const names: string[] = [];
  for await (const entry of iterable(dir).values()) if (!keep.has(entry.name)) names.push(entry.name);
  for (const name of names) {
    try {
      await dir.removeEntry(name, { recursive: true });
    } catch (e) {
      if (!isDomError(e, 'NotFoundError')) throw e;
    }
  }
}

/**
 * The OPFS folder `name` ('a' or 'a/b'), created when missing. With `clear`,
 * emptied first, except the entries named in `keep`.
 */
export async function opfsFolder(
  name: string,
  options: { clear?: boolean; keep?: readonly string[] } = {},
): Promise<FileSystemDirectoryHandle> {
  splitPath(name);
  const dir = (await getDirectory(await opfsRoot(), name, { create: true }))!;
  if (options.clear) await clearDirectory(dir, { keep: options.keep ?? [] });
  return dir;
}

/** Remove the OPFS folder `name` with everything in it; false when there was none. */
export async function removeOpfsFolder(name: string): Promise<boolean> {
  const parts = splitPath(name);
  const last = parts.pop()!;
  const parent = await getDirectory(await opfsRoot(), parts.join('/'));
  if (!parent) return false;
  try {
    await parent.removeEntry(last, { recursive: true });
    return true;
  } catch (e) {
    if (isDomError(e, 'NotFoundError')) return false;
    throw e;
  }
}
