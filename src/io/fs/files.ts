/**
 * Reading and writing single files under a directory handle by relative path.
 *
 * writeFileAtomic writes through createWritable(): the browser writes into a
 * swap file and moves it over the target only on close(), so a crash, a
 * closed tab or a failed write never leaves a half-written file behind (the
 * old content stays, or, for a new file, the file is removed again).
 */
import { isDomError, splitPath } from './paths.ts';

export type FileData = Uint8Array | string | Blob;

/** The folder at `relativePath` ('' is `root` itself); null when missing and not created. */
export async function getDirectory(
  root: FileSystemDirectoryHandle,
  relativePath: string,
  options: { create?: boolean } = {},
): Promise<FileSystemDirectoryHandle | null> {
  if (relativePath === '') return root;
  let dir = root;
  for (const part of splitPath(relativePath)) {
    try {
      dir = await dir.getDirectoryHandle(part, { create: options.create ?? false });
    } catch (e) {
      if (!options.create && isDomError(e, 'NotFoundError', 'TypeMismatchError')) return null;
      throw e;
    }
  }
  return dir;
}

/** The parent folder of a path and the file's name in it. */
async function parentOf(root: FileSystemDirectoryHandle, relativePath: string, create: boolean): Promise<{ dir: FileSystemDirectoryHandle | null; name: string }> {
  const parts = splitPath(relativePath);
  const name = parts.pop()!;
  return { dir: await getDirectory(root, parts.join('/'), { create }), name };
}

async function fileHandleIfExists(root: FileSystemDirectoryHandle, relativePath: string): Promise<FileSystemFileHandle | null> {
  const { dir, name } = await parentOf(root, relativePath, false);
  if (!dir) return null;
  try {
    return await dir.getFileHandle(name);
  } catch (e) {
    if (isDomError(e, 'NotFoundError', 'TypeMismatchError')) return null;
    throw e;
  }
}

/** What FileSystemWritableFileStream.write accepts, without shared memory (WebIDL refuses it). */
function writable(data: FileData): Blob | string | Uint8Array<ArrayBuffer> {
  if (typeof data === 'string' || data instanceof Blob) return data;
  if (data.buffer instanceof ArrayBuffer) return data as Uint8Array<ArrayBuffer>;
  return data.slice() as Uint8Array<ArrayBuffer>; // SharedArrayBuffer-backed: copy
}

/**
 * Write `data` to `relativePath` under `root`, creating missing folders.
 * Strings are written as UTF-8.
 */
export async function writeFileAtomic(root: FileSystemDirectoryHandle, relativePath: string, data: FileData): Promise<void> {
  const { dir, name } = await parentOf(root, relativePath, true);
  let handle: FileSystemFileHandle;
  let created = false;
  try {
    handle = await dir!.getFileHandle(name);
  } catch (e) {
    if (!isDomError(e, 'NotFoundError')) throw e;
    handle = await dir!.getFileHandle(name, { create: true });
    created = true;
  }
  try {
    const stream = await handle.createWritable({ keepExistingData: false });
    try {
      await stream.write(writable(data));
      await stream.close();
    } catch (e) {
      await stream.abort().catch(() => undefined);
      throw e;
    }
  } catch (e) {
    if (created) await removeNewFile(dir!, name);
    throw e;
  }
}

/**
 * Remove a file this write created. Right after an aborted writable the browser may still
 * hold its lock for a moment (removeEntry then fails): try again a few times.
 */
async function removeNewFile(dir: FileSystemDirectoryHandle, name: string): Promise<void> {
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      await dir.removeEntry(name);
      return;
    } catch (e) {
      if (isDomError(e, 'NotFoundError')) return;
      await new Promise((r) => setTimeout(r, 25 * (attempt + 1)));
    }
  }
}

/** The whole file, or null when there is no file at that path. */
export async function readFileIfExists(root: FileSystemDirectoryHandle, relativePath: string): Promise<Uint8Array | null> {
  const handle = await fileHandleIfExists(root, relativePath);
  if (!handle) return null;
  try {
    return new Uint8Array(await (await handle.getFile()).arrayBuffer());
  } catch (e) {
    if (isDomError(e, 'NotFoundError')) return null;
    throw e;
  }
}

/** The file as UTF-8 text, or null. */
export async function readTextIfExists(root: FileSystemDirectoryHandle, relativePath: string): Promise<string | null> {
  const bytes = await readFileIfExists(root, relativePath);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}

/** True when a file (not a folder) exists at that path. */
export async function fileExists(root: FileSystemDirectoryHandle, relativePath: string): Promise<boolean> {
  return (await fileHandleIfExists(root, relativePath)) !== null;
}

/** Remove the file at that path; false when there was none. */
export async function removeFile(root: FileSystemDirectoryHandle, relativePath: string): Promise<boolean> {
  const { dir, name } = await parentOf(root, relativePath, false);
  if (!dir) return false;
  try {
    await dir.getFileHandle(name);
    await dir.removeEntry(name);
    return true;
  } catch (e) {
    if (isDomError(e, 'NotFoundError', 'TypeMismatchError')) return false;
    throw e;
  }
}
