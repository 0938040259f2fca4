/**
 * Permission to read or write through a handle. Chromium keeps permissions
 * per handle and per session: a handle restored from IndexedDB usually starts
 * at 'prompt', and only a user gesture may turn that into 'granted'.
 * Handles without the methods (the origin private file system, browsers that
 * grant with the picker) are treated as granted.
 */
import { isDomError } from './paths.ts';
import type { PermissionHandle, PermissionMode, PermissionState } from './types.ts';

export async function ensurePermission(
  handle: FileSystemHandle,
  mode: PermissionMode,
  options: { request: boolean },
): Promise<PermissionState> {
  const h = handle as FileSystemHandle & PermissionHandle;
  if (typeof h.queryPermission !== 'function') return 'granted';
  const state = await h.queryPermission({ mode });
  if (state === 'granted' || !options.request || typeof h.requestPermission !== 'function') return state;
  try {
    return await h.requestPermission({ mode });
  } catch (e) {
    // No user gesture (or not allowed here, e.g. in a worker): still undecided.
    if (isDomError(e, 'SecurityError', 'NotAllowedError')) return state;
    throw e;
  }
}
