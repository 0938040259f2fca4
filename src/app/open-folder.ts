/**
 * Folder picking with the File System Access API: walk the chosen folder
 * into (path, File) pairs for the I/O worker. (A candidate for src/io/fs/
 * once that module exists.)
 */
import type { ScanInput } from '../io/worker/client.ts';

/** The parts of the File System Access API used here (not all in TypeScript's DOM lib). */
interface DirectoryHandle {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<DirectoryHandle | FileHandle>;
}
interface FileHandle {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
}
type ShowDirectoryPicker = (options?: { mode?: 'read' | 'readwrite'; id?: string }) => Promise<DirectoryHandle>;

function picker(): ShowDirectoryPicker | undefined {
  return (globalThis as { showDirectoryPicker?: ShowDirectoryPicker }).showDirectoryPicker;
}

export function canPickFolders(): boolean {
  return typeof picker() === 'function';
}

/**
 * Ask the user for a folder. Must be called while handling a user gesture.
 * Resolves null when the user closes the picker.
 */
export async function pickFolder(): Promise<DirectoryHandle | null> {
  const show = picker();
  if (!show) throw new Error('This browser cannot open folders; use Open files instead.');
  try {
    return await show({ mode: 'read', id: 'slicesam-open' });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return null;
    throw e;
  }
}

/**
 * Every file under `root`, paths relative to it ('/' separated), in a stable
 * (sorted) order. `onFile` is told the running count.
 */
export async function walkFolder(
  root: DirectoryHandle,
  options: { signal?: AbortSignal; onFile?: (count: number) => void } = {},
): Promise<ScanInput[]> {
  const out: ScanInput[] = [];
  const walk = async (dir: DirectoryHandle, prefix: string): Promise<void> => {
    const entries: (DirectoryHandle | FileHandle)[] = [];
    for await (const entry of dir.values()) entries.push(entry);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      options.signal?.throwIfAborted();
      const path = prefix + entry.name;
      if (entry.kind === 'directory') {
        await walk(entry, `${path}/`);
      } else {
        out.push({ path, file: await entry.getFile() });
        options.onFile?.(out.length);
      }
    }
  };
  await walk(root, '');
  return out;
}
