/**
 * A test page (not part of the app) for e2e/models.spec.ts: runs
 * src/engine/models (manifest + store) in real Chromium against Cache Storage
 * and a local HTTP server the test starts, and answers plain data.
 * Everything is on `window.modelsHarness`.
 */
import { MODEL_FILE_KEYS, restoreManifest, type ModelFileKey } from '../../src/engine/models/manifest.ts';
import {
  cacheKey,
  fetchModelFile,
  loadModel,
  MODEL_CACHE_NAME,
  openModelCache,
  resolveModelUrl,
  sha256Hex,
  type CacheEvent,
} from '../../src/engine/models/store.ts';

export interface LoadResult {
  crossOriginIsolated: boolean;
  /** How many progress events, and whether overall progress only grew. */
  progressEvents: number;
  monotonic: boolean;
  /** Last progress per file: loaded / total. */
  lastPerFile: Record<string, [number, number]>;
  overall: { loaded: number; total: number; percent: number };
  /** Cache events per file, in order. */
  cache: Record<string, CacheEvent['kind'][]>;
  /** sha256 of each loaded buffer. */
  sha256: Record<string, string>;
}

export interface CancelResult {
  name: string;
  message: string;
  progressBeforeAbort: number;
  progressAfterAbort: number;
  cached: boolean;
}

async function load(json: unknown): Promise<LoadResult> {
  const manifest = restoreManifest(json, 'e2e-manifest.json');
  const lastPerFile: LoadResult['lastPerFile'] = {};
  const cache: LoadResult['cache'] = {};
  let progressEvents = 0;
  let monotonic = true;
  let prev = -1;
  let overall = { loaded: 0, total: 0, percent: 0 };
  const loaded = await loadModel(manifest, {
    onProgress: (p) => {
      progressEvents++;
      if (p.overallLoaded <= prev) monotonic = false;
      prev = p.overallLoaded;
      lastPerFile[p.file] = [p.loaded, p.total];
      overall = { loaded: p.overallLoaded, total: p.overallTotal, percent: p.overallPercent };
    },
    onCacheEvent: (e) => (cache[e.file] ??= []).push(e.kind),
  });
  const sha256: Record<string, string> = {};
  for (const k of MODEL_FILE_KEYS) sha256[k] = await sha256Hex(loaded.files[k]);
  return { crossOriginIsolated: globalThis.crossOriginIsolated, progressEvents, monotonic, lastPerFile, overall, cache, sha256 };
}

/** Flip one byte of a file's cached copy (same size), as disk corruption would. */
async function corrupt(json: unknown, key: ModelFileKey): Promise<boolean> {
  const manifest = restoreManifest(json, 'e2e-manifest.json');
  const entry = manifest.files[key];
  const c = await caches.open(MODEL_CACHE_NAME);
  const k = cacheKey(resolveModelUrl(entry.url), entry);
  const hit = await c.match(k);
  if (!hit) return false;
  const b = new Uint8Array(await hit.arrayBuffer());
  b[Math.floor(b.length / 2)] = b[Math.floor(b.length / 2)]! ^ 0x5a;
  await c.put(k, new Response(b));
  return true;
}

async function cachedKeys(): Promise<string[]> {
  const c = await caches.open(MODEL_CACHE_NAME);
  return (await c.keys()).map((r) => r.url).sort();
}

/** Start a download, cancel it after the first progress event. */
async function cancel(url: string, bytes: number): Promise<CancelResult> {
  const ac = new AbortController();
  let before = 0;
  let after = 0;
  const cache = await openModelCache();
  try {
    await fetchModelFile({ url, bytes }, {
      signal: ac.signal,
      cache,
      onProgress: () => {
        if (ac.signal.aborted) after++;
        else {
          before++;
          ac.abort();
        }
      },
    });
    return { name: 'none', message: 'resolved', progressBeforeAbort: before, progressAfterAbort: after, cached: false };
  } catch (e) {
    const c = await caches.open(MODEL_CACHE_NAME);
    const cached = (await c.match(cacheKey(url, { url, bytes }))) !== undefined;
    const err = e as Error;
    return { name: err.name, message: err.message, progressBeforeAbort: before, progressAfterAbort: after, cached };
  }
}

async function reset(): Promise<void> {
  await caches.delete(MODEL_CACHE_NAME);
}

/**
 * Copy the manifest's files into an OPFS folder laid out like a Hugging Face
 * snapshot (`onnx/*.onnx`, `constants.json`), optionally damaging one, then
 * load the model from that folder (a FileSystemDirectoryHandle, as a folder
 * the user picks) with no cache.
 */
async function loadFromFolder(json: unknown, damage?: ModelFileKey): Promise<Record<string, string>> {
  const manifest = restoreManifest(json, 'e2e-manifest.json');
  const root = await navigator.storage.getDirectory();
  await root.removeEntry('e2e-models', { recursive: true }).catch(() => undefined);
  const dir = await root.getDirectoryHandle('e2e-models', { create: true });
  const onnx = await dir.getDirectoryHandle('onnx', { create: true });
  for (const k of MODEL_FILE_KEYS) {
    const b = new Uint8Array(await (await fetch(manifest.files[k].url)).arrayBuffer());
    if (k === damage) b[0] = b[0]! ^ 1;
    const name = manifest.files[k].url.split('/').pop()!;
    const w = await (await (k === 'constants' ? dir : onnx).getFileHandle(name, { create: true })).createWritable();
    await w.write(b);
    await w.close();
  }
  const loaded = await loadModel(manifest, { directory: dir, cache: null });
  const sha256: Record<string, string> = {};
  for (const k of MODEL_FILE_KEYS) sha256[k] = await sha256Hex(loaded.files[k]);
  await root.removeEntry('e2e-models', { recursive: true });
  return sha256;
}

const harness = { load, corrupt, cachedKeys, cancel, reset, loadFromFolder };
export type ModelsHarness = typeof harness;

declare global {
  interface Window {
    modelsHarness?: ModelsHarness;
  }
}

window.modelsHarness = harness;
