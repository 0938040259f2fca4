/**
 * What N4 bias-field correction keeps between visits, never in the user's folder:
 * - the corrected voxels of a case, in this browser's private storage (OPFS, folder
 *   `slicesam-n4/`): `<case>-<key>.f32` (float32, i fastest) and `<case>-<key>.json`
 *   (the options, dims and a checksum). The key hashes the case id, the source's grid and
 *   voxels, and the resolved N4 options, so a changed file or other options miss the cache.
 *   The data file is written first and the JSON last, each atomically (createWritable
 *   writes a swap file and moves it into place on close): the JSON commits the entry. An
 *   entry that does not match what is asked, or whose data fails its checksum, is ignored.
 *   The folder is kept under N4_CACHE_BUDGET_BYTES: after each write the least recently used
 *   entries go (a hit records its use), and so do the files of writes that never finished.
 * - per (folder, case) whether N4 is on and with which preset (IndexedDB, its own database).
 */
import { createStore, get, set, type UseStore } from 'idb-keyval';
import { getDirectory, hasOpfs, opfsRoot, readFileIfExists, writeFileAtomic } from '../io/fs/index.ts';
import type { N4Options, N4Preset } from '../preprocess/index.ts';
import type { Vec3, Volume } from '../shared/volume.ts';

export const N4_CACHE_FOLDER = 'slicesam-n4';
const FORMAT = 1;

// ------------------------------------------------------------------- hashing

/** cyrb53 over 32-bit words (then the tail bytes): 14 hex digits. Not cryptographic; enough to tell sources apart. */
export function hashBytes(bytes: Uint8Array, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  const words = Math.floor(bytes.byteLength / 4);
  const aligned = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, words) : new Uint32Array(bytes.slice(0, words * 4).buffer);
  for (let i = 0; i < words; i++) {
    const w = aligned[i]!;
    h1 = Math.imul(h1 ^ w, 2654435761);
    h2 = Math.imul(h2 ^ w, 1597334677);
  }
  for (let i = words * 4; i < bytes.byteLength; i++) {
    h1 = Math.imul(h1 ^ bytes[i]!, 2654435761);
    h2 = Math.imul(h2 ^ bytes[i]!, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const n = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return n.toString(16).padStart(14, '0');
}

function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * The cache key of a case's correction: case id, grid (dims, affine, voxel type), a hash of
 * the voxels, and the options with every default filled in.
 */
export function n4CacheKey(caseId: string, volume: Pick<Volume, 'data' | 'dims' | 'affine' | 'datatype'>, options: N4Options): string {
  const identity = JSON.stringify({
    caseId,
    dims: volume.dims,
    affine: [...volume.affine],
    datatype: volume.datatype,
    voxels: hashBytes(bytesOf(volume.data)),
    options,
  });
  return hashBytes(new TextEncoder().encode(identity));
}

/** A file name stem for a case id (ids are paths): safe characters only, short. */
export function caseStem(caseId: string): string {
  return caseId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-80) || 'case';
}

// ---------------------------------------------------------------- the entry

export interface N4CacheEntry {
  format: typeof FORMAT;
  caseId: string;
  key: string;
  dims: Vec3;
  options: N4Options;
  /** Bytes of the .f32 file and their hash. */
  bytes: number;
  checksum: string;
  iterations: number;
  converged: boolean;
  /** ms since epoch. */
  createdAt: number;
  /** When a read last used it (ms since epoch); absent until then. */
  usedAt?: number;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The entry when it is one and describes exactly what is asked for, else null. */
export function restoreN4Entry(value: unknown, expected: { caseId: string; key: string; dims: Vec3; options: N4Options }): N4CacheEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.format !== FORMAT || v.caseId !== expected.caseId || v.key !== expected.key) return null;
  if (!sameJson(v.dims, expected.dims) || !sameJson(v.options, expected.options)) return null;
  const voxels = expected.dims[0] * expected.dims[1] * expected.dims[2];
  if (v.bytes !== voxels * 4 || typeof v.checksum !== 'string') return null;
  return {
    format: FORMAT,
    caseId: expected.caseId,
    key: expected.key,
    dims: [...expected.dims],
    options: expected.options,
    bytes: v.bytes,
    checksum: v.checksum,
    iterations: typeof v.iterations === 'number' ? v.iterations : 0,
    converged: v.converged === true,
    createdAt: typeof v.createdAt === 'number' ? v.createdAt : 0,
    ...(typeof v.usedAt === 'number' ? { usedAt: v.usedAt } : {}),
  };
}

// ------------------------------------------------------------------ storage

/** Where entries live; tests pass another folder. */
export interface N4CacheStore {
  folder(create: boolean): Promise<FileSystemDirectoryHandle | null>;
}

export const opfsN4Store: N4CacheStore = {
  async folder(create) {
    if (!hasOpfs()) return null;
    return getDirectory(await opfsRoot(), N4_CACHE_FOLDER, { create });
  },
};

function paths(caseId: string, key: string): { data: string; meta: string } {
  const stem = `${caseStem(caseId)}-${key}`;
  return { data: `${stem}.f32`, meta: `${stem}.json` };
}

/**
 * The cached corrected voxels, or null when there is no usable entry (none, another source
 * or options, a damaged file). Never throws: a cache that cannot be read is a miss.
 */
export async function readN4Cache(caseId: string, key: string, dims: Vec3, options: N4Options, store: N4CacheStore = opfsN4Store): Promise<{ corrected: Float32Array; entry: N4CacheEntry } | null> {
  try {
    const dir = await store.folder(false);
    if (!dir) return null;
    const p = paths(caseId, key);
    const meta = await readFileIfExists(dir, p.meta);
    if (!meta) return null;
    const entry = restoreN4Entry(JSON.parse(new TextDecoder().decode(meta)), { caseId, key, dims, options });
    if (!entry) return null;
    const data = await readFileIfExists(dir, p.data);
    if (!data || data.byteLength !== entry.bytes || hashBytes(data) !== entry.checksum) return null;
    const aligned = data.byteOffset % 4 === 0 ? data : data.slice();
    // Note the use, for pruning (least recently used first); a failed note changes nothing.
    const used: N4CacheEntry = { ...entry, usedAt: Date.now() };
    await writeFileAtomic(dir, p.meta, JSON.stringify(used, null, 1)).catch(() => undefined);
    return { corrected: new Float32Array(aligned.buffer, aligned.byteOffset, entry.bytes / 4), entry: used };
  } catch {
    return null;
  }
}

/** Most bytes of corrected volumes kept (2 GiB: sixteen 512×512×128 series). */
export const N4_CACHE_BUDGET_BYTES = 2 * 2 ** 30;

/**
 * Keep a corrected volume: the data first, then the JSON that makes the entry valid; then
 * prune the cache down to `budget` bytes (this entry stays).
 */
export async function writeN4Cache(
  caseId: string, key: string, dims: Vec3, options: N4Options, corrected: Float32Array,
  run: { iterations: number; converged: boolean }, store: N4CacheStore = opfsN4Store, budget = N4_CACHE_BUDGET_BYTES,
): Promise<N4CacheEntry | null> {
  const dir = await store.folder(true);
  if (!dir) return null;
  const p = paths(caseId, key);
  const bytes = bytesOf(corrected);
  const entry: N4CacheEntry = {
    format: FORMAT, caseId, key, dims: [...dims], options, bytes: bytes.byteLength, checksum: hashBytes(bytes),
    iterations: run.iterations, converged: run.converged, createdAt: Date.now(),
  };
  await writeFileAtomic(dir, p.data, bytes);
  await writeFileAtomic(dir, p.meta, JSON.stringify(entry, null, 1));
  await pruneN4Cache(dir, budget, p.meta).catch(() => undefined); // a cache too big is no error
  return entry;
}

/**
 * Delete least recently used entries (last read, else written) until the entries left hold
 * at most `budget` bytes; the entry whose JSON is `keep` stays whatever its size. Data files
 * without their JSON (a write that never finished) and JSON without data go too. An entry is
 * uncommitted first (its JSON), then its data, so an interrupted prune leaves only an orphan
 * data file, which the next prune removes. Returns the names removed.
 */
export async function pruneN4Cache(dir: FileSystemDirectoryHandle, budget: number, keep: string | null): Promise<string[]> {
  const names = new Set<string>();
  for await (const handle of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
    if (handle.kind === 'file') names.add(handle.name);
  }
  const removed: string[] = [];
  const remove = async (name: string): Promise<void> => {
    await dir.removeEntry(name).catch(() => undefined);
    names.delete(name);
    removed.push(name);
  };
  const entries: { meta: string; data: string; bytes: number; usedAt: number }[] = [];
  for (const meta of [...names].filter((n) => n.endsWith('.json')).sort()) {
    const data = `${meta.slice(0, -'.json'.length)}.f32`;
    let value: Record<string, unknown> | null = null;
    try {
      const text = await readFileIfExists(dir, meta);
      value = text ? (JSON.parse(new TextDecoder().decode(text)) as Record<string, unknown>) : null;
    } catch {
      value = null;
    }
    if (!value || typeof value.bytes !== 'number' || !names.has(data)) {
      await remove(meta);
      continue;
    }
    const usedAt = typeof value.usedAt === 'number' ? value.usedAt : typeof value.createdAt === 'number' ? value.createdAt : 0;
    entries.push({ meta, data, bytes: value.bytes, usedAt });
  }
  for (const name of [...names]) if (name.endsWith('.f32') && !names.has(`${name.slice(0, -'.f32'.length)}.json`)) await remove(name);
  // Newest use first; the kept entry counts first of all.
  entries.sort((a, b) => Number(b.meta === keep) - Number(a.meta === keep) || b.usedAt - a.usedAt);
  let total = 0;
  for (const e of entries) {
    total += e.bytes;
    if (e.meta === keep || total <= budget) continue;
    total -= e.bytes;
    await remove(e.meta);
    await remove(e.data);
  }
  return removed;
}

// -------------------------------------------------------------- preferences

export interface N4CasePreference {
  on: boolean;
  preset: N4Preset;
}

/** Its own database: idb-keyval makes a store only with its database (see cohort/persistence.ts). */
const DATABASE = { db: 'slicesam-n4', store: 'n4' } as const;
const prefKey = (rootId: string, caseId: string): IDBValidKey => ['case', rootId, caseId];
let prefStore: UseStore | undefined;

export function restoreN4Preference(value: unknown): N4CasePreference | null {
  if (typeof value !== 'object' || value === null) return null;
  const { on, preset } = value as Record<string, unknown>;
  if (typeof on !== 'boolean' || (preset !== 'default' && preset !== 'fast')) return null;
  return { on, preset };
}

export async function loadN4Preference(rootId: string, caseId: string): Promise<N4CasePreference | null> {
  prefStore ??= createStore(DATABASE.db, DATABASE.store);
  try {
    return restoreN4Preference(await get(prefKey(rootId, caseId), prefStore));
  } catch {
    return null;
  }
}

export async function saveN4Preference(rootId: string, caseId: string, pref: N4CasePreference): Promise<void> {
  prefStore ??= createStore(DATABASE.db, DATABASE.store);
  await set(prefKey(rootId, caseId), { on: pref.on, preset: pref.preset }, prefStore);
}
