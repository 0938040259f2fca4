import { describe, expect, it } from 'vitest';
import { fileExists, readFileIfExists, readTextIfExists, removeFile, writeFileAtomic } from './files.ts';
import { ensurePermission } from './permission.ts';
import { splitPath } from './paths.ts';
import { memoryDirectory, MemoryFileHandle, treeOf } from './testing/memory-directory.ts';
import { walkDirectory } from './walk.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('walkDirectory', () => {
  const tree = {
    'case-10/a.dcm': 'ten',
    'case-2/b.dcm': 'two',
    'case-2/sub/deep.nii': 'deep',
    'case-2/.DS_Store': 'hidden file',
    '.git/config': 'hidden folder',
    'labels/case-2.nii.gz': 'output',
    'Labels2/kept.txt': 'only top-level exact names are skipped',
    'nested/labels/kept.nii': 'skipFolders applies to the top level only',
    'top.txt': 'top',
  };

  it('lists files recursively in natural order, leaving out hidden entries and the named top-level folders', async () => {
    const root = await memoryDirectory(tree);
    const counts: number[] = [];
    const files = await walkDirectory(root.handle, { skipFolders: ['LABELS'], onProgress: (n) => counts.push(n) });
    expect(files.map((f) => f.path)).toEqual([
      'case-2/b.dcm', 'case-2/sub/deep.nii', 'case-10/a.dcm', 'Labels2/kept.txt', 'nested/labels/kept.nii', 'top.txt',
    ]);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
    const deep = files[1]!;
    expect(deep.size).toBe(4);
    expect(text(await deep.read())).toBe('deep');
    expect(text(await deep.read(1, 3))).toBe('ee');
    expect(text(await deep.read(2, 100))).toBe('ep');
  });

  it('keeps the labels folder when not told to skip it', async () => {
    const files = await walkDirectory((await memoryDirectory(tree)).handle);
    expect(files.map((f) => f.path)).toContain('labels/case-2.nii.gz');
  });

  it('stops when aborted', async () => {
    const root = await memoryDirectory(tree);
    const controller = new AbortController();
    controller.abort();
    await expect(walkDirectory(root.handle, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('re-reads a file rewritten with the same size, and says to rescan when the size changed', async () => {
    const root = await memoryDirectory({ 'x.bin': 'abcd', 'y.bin': 'abcd' });
    const [x, y] = await walkDirectory(root.handle);
    await writeFileAtomic(root.handle, 'x.bin', 'wxyz');
    expect(text(await x!.read())).toBe('wxyz');
    await writeFileAtomic(root.handle, 'y.bin', 'longer');
    await expect(y!.read()).rejects.toThrow(/y\.bin: the file changed on disk .*scan the folder again/);
  });
});

describe('files', () => {
  it('writes, creating folders, and reads back; replaces whole content', async () => {
    const root = await memoryDirectory();
    await writeFileAtomic(root.handle, 'labels/sub/a.bin', new Uint8Array([1, 2, 3]));
    await writeFileAtomic(root.handle, 'labels/b.txt', 'héllo');
    expect(await readFileIfExists(root.handle, 'labels/sub/a.bin')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await readTextIfExists(root.handle, 'labels/b.txt')).toBe('héllo');
    await writeFileAtomic(root.handle, 'labels/sub/a.bin', new Uint8Array([9]));
    expect(await readFileIfExists(root.handle, 'labels/sub/a.bin')).toEqual(new Uint8Array([9]));
    expect([...treeOf(root).keys()]).toEqual(['labels/b.txt', 'labels/sub/a.bin']);
  });

  it('answers null / false for what does not exist, folders included', async () => {
    const root = await memoryDirectory({ 'a/b.txt': 'b' });
    expect(await readFileIfExists(root.handle, 'a/missing.txt')).toBeNull();
    expect(await readFileIfExists(root.handle, 'missing/b.txt')).toBeNull();
    expect(await readFileIfExists(root.handle, 'a')).toBeNull();
    expect(await readFileIfExists(root.handle, 'a/b.txt/c')).toBeNull();
    expect(await fileExists(root.handle, 'a/b.txt')).toBe(true);
    expect(await fileExists(root.handle, 'a')).toBe(false);
    expect(await removeFile(root.handle, 'a/b.txt')).toBe(true);
    expect(await removeFile(root.handle, 'a/b.txt')).toBe(false);
    expect(await fileExists(root.handle, 'a/b.txt')).toBe(false);
  });

  it('leaves the old content when a write fails, and no new file', async () => {
    const root = await memoryDirectory({ 'old.txt': 'old' });
    const old = root.children.get('old.txt') as MemoryFileHandle;
    old.failNextWrite = new Error('disk full');
    await expect(writeFileAtomic(root.handle, 'old.txt', 'new')).rejects.toThrow('disk full');
    expect(await readTextIfExists(root.handle, 'old.txt')).toBe('old');

    const dir = await root.getDirectoryHandle('d', { create: true });
    const original = dir.getFileHandle.bind(dir);
    dir.getFileHandle = async (name, options) => {
      const h = await original(name, options);
      h.failNextWrite = new Error('quota');
      return h;
    };
    await expect(writeFileAtomic(root.handle, 'd/new.txt', 'x')).rejects.toThrow('quota');
    expect(await fileExists(root.handle, 'd/new.txt')).toBe(false);
  });

  it('refuses paths that are not plainly relative', async () => {
    const root = await memoryDirectory();
    for (const bad of ['', '/abs', 'a//b', 'a/../b', './a', 'a\\b', 'a/']) {
      expect(() => splitPath(bad), bad).toThrow(TypeError);
      await expect(writeFileAtomic(root.handle, bad, 'x')).rejects.toThrow(TypeError);
    }
  });
});

describe('ensurePermission', () => {
  it('treats handles without permission methods as granted', async () => {
    const root = await memoryDirectory();
    expect(await ensurePermission(root.handle, 'readwrite', { request: true })).toBe('granted');
  });

  it('queries, and requests only when asked to', async () => {
    let requested = 0;
    const handle = {
      queryPermission: async () => 'prompt',
      requestPermission: async () => { requested++; return 'granted'; },
    } as unknown as FileSystemHandle;
    expect(await ensurePermission(handle, 'read', { request: false })).toBe('prompt');
    expect(requested).toBe(0);
    expect(await ensurePermission(handle, 'read', { request: true })).toBe('granted');
    expect(requested).toBe(1);
  });

  it('answers the queried state when the request needs a user gesture', async () => {
    const handle = {
      queryPermission: async () => 'prompt',
      requestPermission: async () => { throw new DOMException('needs a gesture', 'SecurityError'); },
    } as unknown as FileSystemHandle;
    expect(await ensurePermission(handle, 'readwrite', { request: true })).toBe('prompt');
  });
});
