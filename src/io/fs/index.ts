/**
 * File System Access, in one place: walk a folder into SourceFiles, read and
 * write files atomically by relative path, permissions, the picker and the
 * origin private file system. Everything but the picker works in workers.
 */
export { walkDirectory, handleSource, type WalkOptions } from './walk.ts';
export { fileExists, type FileData, getDirectory, readFileIfExists, readTextIfExists, removeFile, writeFileAtomic } from './files.ts';
export { ensurePermission } from './permission.ts';
export { clearDirectory, hasOpfs, opfsFolder, opfsRoot, removeOpfsFolder } from './opfs.ts';
export { canPickDirectories, pickDirectory } from './picker.ts';
export { comparePaths, splitPath } from './paths.ts';
export type { DirectoryPickerOptions, PermissionMode, PermissionState } from './types.ts';
