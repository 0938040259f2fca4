/**
 * Relative paths inside an opened folder: '/' separated, no empty, '.' or '..'
 * segments (a handle cannot climb out of its folder anyway; refusing them
 * early gives a clear message instead of the browser's TypeError).
 */

export { comparePaths } from '../../shared/paths.ts';

export function splitPath(relativePath: string): string[] {
  const parts = relativePath.split('/');
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..' || part.includes('\\') || part.includes('\0')) {
      throw new TypeError(`"${relativePath}" is not a relative path inside the folder ('/' separated, no empty, '.' or '..' parts)`);
    }
  }
  return parts;
}

/** True for DOMExceptions (or look-alikes from other realms) with this name. */
export function isDomError(e: unknown, ...names: string[]): boolean {
  return typeof e === 'object' && e !== null && 'name' in e && names.includes(String((e as { name: unknown }).name));
}
