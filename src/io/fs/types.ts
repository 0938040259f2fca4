/**
 * The parts of the File System Access API that TypeScript's DOM lib (as this
 * project configures it) lacks: directory iteration (lib "DOM.AsyncIterable"
 * is not in tsconfig), the permission methods (Chromium only, not in any lib)
 * and the picker. Declared as local interfaces and reached through one cast,
 * never as global augmentations, so they cannot clash with a later lib.
 */

export type PermissionMode = 'read' | 'readwrite';
export type PermissionState = 'granted' | 'denied' | 'prompt';

/** A handle as Chromium gives it (permission methods absent on OPFS handles and in other browsers). */
export interface PermissionHandle {
  queryPermission?(descriptor: { mode: PermissionMode }): Promise<PermissionState>;
  requestPermission?(descriptor: { mode: PermissionMode }): Promise<PermissionState>;
}

/** A directory handle that can be iterated (every browser that has handles can). */
export interface IterableDirectoryHandle extends FileSystemDirectoryHandle {
  values(): AsyncIterable<FileSystemDirectoryHandle | FileSystemFileHandle>;
}

export function iterable(dir: FileSystemDirectoryHandle): IterableDirectoryHandle {
  return dir as IterableDirectoryHandle;
}

export interface DirectoryPickerOptions {
  mode?: PermissionMode;
  /** Remembers the last folder per id. */
  id?: string;
  startIn?: FileSystemHandle | 'desktop' | 'documents' | 'downloads' | 'music' | 'pictures' | 'videos';
}

export type ShowDirectoryPicker = (options?: DirectoryPickerOptions) => Promise<FileSystemDirectoryHandle>;
