import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryDirectory, treeOf, type MemoryDirectoryHandle } from '../io/fs/testing/memory-directory.ts';
import { resolveN4Options } from '../preprocess/index.ts';
import type { Vec3 } from '../shared/volume.ts';
import { caseStem, hashBytes, n4CacheKey, pruneN4Cache, readN4Cache, restoreN4Entry, writeN4Cache, type N4CacheStore } from './n4-cache.ts';

const dims: Vec3 = [4, 3, 2];
const affine = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1];
const source = { data: Int16Array.from({ length: 24 }, (_, i) => i * 3), dims, affine, datatype: 'int16' as const };
const options = resolveN4Options({}, 'fast');
const corrected = Float32Array.from({ length: 24 }, (_, i) => i / 7);

function storeOf(dir: MemoryDirectoryHandle): N4CacheStore {
  return { folder: async () => dir.handle };
}

describe('N4 cache', () => {
  it('keys on the case, the grid, every voxel and the options', () => {
    const key = n4CacheKey('a/t1.nii', source, options);
    expect(n4CacheKey('a/t1.nii', source, options)).toBe(key);
    expect(n4CacheKey('a/t2.nii', source, options)).not.toBe(key);
    const changed = source.data.slice();
    changed[23] = 1;
    expect(n4CacheKey('a/t1.nii', { ...source, data: changed }, options)).not.toBe(key);
    expect(n4CacheKey('a/t1.nii', { ...source, affine: [...affine.slice(0, 15), 2] }, options)).not.toBe(key);
    expect(n4CacheKey('a/t1.nii', source, resolveN4Options({}, 'default'))).not.toBe(key);
    expect(hashBytes(new Uint8Array([1, 2, 3, 4, 5]))).not.toBe(hashBytes(new Uint8Array([1, 2, 3, 4, 6])));
    expect(caseStem('patient 1/series:2')).toBe('patient_1_series_2');
  });

  it('reads back what it wrote, and nothing for other options', async () => {
    const dir = await memoryDirectory();
    const key = n4CacheKey('t1.nii', source, options);
    const entry = await writeN4Cache('t1.nii', key, dims, options, corrected, { iterations: 16, converged: false }, storeOf(dir));
    expect(entry?.bytes).toBe(96);
    expect([...treeOf(dir).keys()]).toEqual([`t1.nii-${key}.f32`, `t1.nii-${key}.json`]);
    const hit = await readN4Cache('t1.nii', key, dims, options, storeOf(dir));
    expect(hit && [...hit.corrected]).toEqual([...corrected]);
    expect(hit?.entry.iterations).toBe(16);
    expect(await readN4Cache('t1.nii', key, dims, resolveN4Options({}, 'default'), storeOf(dir))).toBeNull();
    expect(await readN4Cache('t1.nii', 'other', dims, options, storeOf(dir))).toBeNull();
  });

  it('ignores an entry whose data was damaged or cut short, or whose JSON is not one', async () => {
    const dir = await memoryDirectory();
    const key = n4CacheKey('t1.nii', source, options);
    await writeN4Cache('t1.nii', key, dims, options, corrected, { iterations: 16, converged: false }, storeOf(dir));
    const data = await dir.getFileHandle(`t1.nii-${key}.f32`);
    const good = data.bytes.slice();
    data.bytes[5] = (data.bytes[5]! + 1) % 256;
    expect(await readN4Cache('t1.nii', key, dims, options, storeOf(dir))).toBeNull();
    data.bytes = good.slice(0, 50);
    expect(await readN4Cache('t1.nii', key, dims, options, storeOf(dir))).toBeNull();
    data.bytes = good;
    const meta = await dir.getFileHandle(`t1.nii-${key}.json`);
    meta.bytes = new TextEncoder().encode('{"format": 1, "caseId": "t1.nii"');
    expect(await readN4Cache('t1.nii', key, dims, options, storeOf(dir))).toBeNull();
  });

  it('restores only an entry that describes what is asked for', () => {
    const expected = { caseId: 'c', key: 'k', dims, options };
    const ok = { format: 1, caseId: 'c', key: 'k', dims, options, bytes: 96, checksum: 'x', iterations: 3, converged: true, createdAt: 1 };
    expect(restoreN4Entry(ok, expected)?.iterations).toBe(3);
    expect(restoreN4Entry({ ...ok, format: 2 }, expected)).toBeNull();
    expect(restoreN4Entry({ ...ok, bytes: 95 }, expected)).toBeNull();
    expect(restoreN4Entry({ ...ok, dims: [4, 3, 3] }, expected)).toBeNull();
    expect(restoreN4Entry({ ...ok, options: { ...options, shrinkFactor: 2 } }, expected)).toBeNull();
    expect(restoreN4Entry(null, expected)).toBeNull();
  });
});

describe('N4 cache size', () => {
  afterEach(() => vi.restoreAllMocks());

  /** A clock that moves one second per call, so every write and read has its own time. */
  function tickingClock(): void {
    let t = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => (t += 1000));
  }

  const write = (dir: MemoryDirectoryHandle, caseId: string, budget: number) =>
    writeN4Cache(caseId, n4CacheKey(caseId, source, options), dims, options, corrected, { iterations: 4, converged: true }, storeOf(dir), budget);
  const cases = (dir: MemoryDirectoryHandle) => [...treeOf(dir).keys()].filter((n) => n.endsWith('.json')).map((n) => n.split('-')[0]).sort();

  it('keeps the most recently used entries within the budget: a read counts as a use', async () => {
    tickingClock();
    const dir = await memoryDirectory();
    // each entry holds 96 bytes of data: a budget of 200 keeps two
    await write(dir, 'a.nii', 200);
    await write(dir, 'b.nii', 200);
    expect(cases(dir)).toEqual(['a.nii', 'b.nii']);
    await write(dir, 'c.nii', 200);
    expect(cases(dir)).toEqual(['b.nii', 'c.nii']); // a was the oldest
    expect([...treeOf(dir).keys()].filter((n) => n.startsWith('a.nii'))).toEqual([]); // its data went too
    // reading b makes c the least recently used
    expect(await readN4Cache('b.nii', n4CacheKey('b.nii', source, options), dims, options, storeOf(dir))).not.toBeNull();
    await write(dir, 'd.nii', 200);
    expect(cases(dir)).toEqual(['b.nii', 'd.nii']);
  });

  it('keeps the entry just written even when it alone is over the budget', async () => {
    tickingClock();
    const dir = await memoryDirectory();
    await write(dir, 'a.nii', 50);
    expect(cases(dir)).toEqual(['a.nii']);
    await write(dir, 'b.nii', 50);
    expect(cases(dir)).toEqual(['b.nii']);
  });

  it('removes the files of writes that never finished, and JSON without data or that is not JSON', async () => {
    tickingClock();
    const dir = await memoryDirectory();
    await write(dir, 'a.nii', 10_000);
    const orphan = await dir.getFileHandle('x.nii-123.f32', { create: true });
    orphan.bytes = new Uint8Array(96);
    const lonely = await dir.getFileHandle('y.nii-456.json', { create: true });
    lonely.bytes = new TextEncoder().encode(JSON.stringify({ bytes: 96, createdAt: 5 }));
    const broken = await dir.getFileHandle('z.nii-789.json', { create: true });
    broken.bytes = new TextEncoder().encode('{"bytes": 9');
    await dir.getFileHandle('z.nii-789.f32', { create: true });
    const removed = await pruneN4Cache(dir.handle, 10_000, null);
    expect(removed.sort()).toEqual(['x.nii-123.f32', 'y.nii-456.json', 'z.nii-789.f32', 'z.nii-789.json']);
    expect(cases(dir)).toEqual(['a.nii']);
    expect(await readN4Cache('a.nii', n4CacheKey('a.nii', source, options), dims, options, storeOf(dir))).not.toBeNull();
  });
});
