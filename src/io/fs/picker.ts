/**
 * The folder picker (main thread only; needs a user gesture). Chromium-based
 * browsers have it; elsewhere the app falls back to <input type=file>.
 */
import type { DirectoryPickerOptions, ShowDirectoryPicker } from './types.ts';

function picker(): ShowDirectoryPicker | undefined {
  return (globalThis as { showDirectoryPicker?: ShowDirectoryPicker }).showDirectoryPicker;
}

export function canPickDirectories(): boolean {
  return typeof picker() === 'function';
}

/** Ask the user for a folder; null when they close the picker. */
export async function pickDirectory(options: DirectoryPickerOptions = {}): Promise<FileSystemDirectoryHandle | null> {
  const show = picker();
  if (!show) throw new Error('This browser cannot open folders; use Open files instead.');
  try {
    return await show({ mode: options.mode ?? 'read', id: options.id ?? 'slicesam-open', ...(options.startIn ? { startIn: options.startIn } : {}) });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return null;
    throw e;
  }
}
