/**
 * Model files: download with progress and cancel, verify (byte size, sha256
 * when known), keep in Cache Storage, reuse offline, re-download when the
 * cached copy is corrupt. A folder the user picked (a FileSystemDirectoryHandle)
 * goes through the same read-and-verify path.
 *
 * No onnxruntime here: this runs in the engine worker or on a page and hands
 * back ArrayBuffers.
 */
import { MODEL_FILE_KEYS, type ModelFileEntry, type ModelFileKey, type ModelManifest } from './manifest.ts';

export const MODEL_CACHE_NAME = 'slicesam-models-v1';

/** The three calls the store needs from a cache (as transformers.js does); Cache Storage fits it. */
export interface ModelCache {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Every key (URL) held; optional: only listing the models loaded from disk needs it. */
  keys?(): Promise<string[]>;
}

/** Cache Storage, or null where it is missing (insecure context, Node). */
export async function openModelCache(name = MODEL_CACHE_NAME): Promise<ModelCache | null> {
  if (typeof caches === 'undefined') return null;
  const c = await caches.open(name);
  return {
    match: (key) => c.match(key),
    put: (key, response) => c.put(key, response),
    delete: (key) => c.delete(key),
    keys: async () => (await c.keys()).map((r) => r.url),
  };
}

export interface FileProgress {
  /** The file's name (a manifest key such as "vision_encoder", or the URL's last segment). */
  file: string;
  loaded: number;
  total: number;
  /** 0–100. */
  percent: number;
}

export type CacheEvent =
  | { kind: 'hit'; file: string; key: string }
  | { kind: 'miss'; file: string; key: string }
  | { kind: 'corrupt'; file: string; key: string; reason: string }
  | { kind: 'stored'; file: string; key: string }
  | { kind: 'store-failed'; file: string; key: string; reason: string };

export interface FetchModelFileOptions {
  signal?: AbortSignal;
  onProgress?: (p: FileProgress) => void;
  /** Where verified files are kept; null/undefined: none. */
  cache?: ModelCache | null;
  /** Told when the cache is hit, missed, found corrupt or written. */
  onCacheEvent?: (e: CacheEvent) => void;
  /** A folder the user picked: the file is read from it instead of the network. */
  directory?: FileSystemDirectoryHandle;
  /** Base for relative paths; defaults to the document's base URI or the app's base URL. */
  baseURI?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export type ModelFileErrorCode = 'size' | 'sha256' | 'http' | 'network' | 'not-found';

/** A model file that could not be had; always names the file. */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
  constructor(
    readonly code: ModelFileErrorCode,
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }

  toJSON(): { code: ModelFileErrorCode; file: string; reason: string; message: string } {
    return { code: this.code, file: this.file, reason: this.reason, message: this.message };
  }
}

/** A file to fetch: a manifest entry, optionally with a display name. */
export type ModelFileSpec = ModelFileEntry & { name?: string };

function abortError(file: string): DOMException {
  return new DOMException(`${file}: download cancelled`, 'AbortError');
}

export function defaultBaseURI(): string {
  const g = globalThis as { document?: { baseURI?: string }; location?: { href: string; origin: string } };
  if (g.document?.baseURI) return g.document.baseURI;
  if (g.location) return new URL(import.meta.env?.BASE_URL ?? '/', g.location.href).href;
  throw new Error('no base URL to resolve relative model paths against; pass baseURI');
}

/** The absolute URL of a manifest location. */
export function resolveModelUrl(url: string, baseURI?: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return new URL(url).href;
  return new URL(url, baseURI ?? defaultBaseURI()).href;
}

/**
 * The cache key: the file's URL plus what it must verify against, so a
 * manifest that changes a file's hash or size never reads an old copy.
 */
export function cacheKey(absUrl: string, entry: ModelFileEntry): string {
  const u = new URL(absUrl);
  u.hash = '';
  u.searchParams.append('slicesam-verify', entry.sha256 ? `sha256-${entry.sha256}` : `bytes-${entry.bytes}`);
  return u.href;
}

function fileName(spec: ModelFileSpec): string {
  if (spec.name) return spec.name;
  const last = spec.url.split(/[?#]/)[0]!.split('/').filter(Boolean).pop();
  return last ?? spec.url;
}

export async function sha256Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Read a stream into one buffer of exactly `entry.bytes`, reporting progress per
 * chunk and stopping as soon as the signal aborts (the pending read is cancelled)
 * or more bytes arrive than expected; then check the size and the sha256.
 */
async function readVerified(
  body: ReadableStream<Uint8Array>,
  entry: ModelFileEntry,
  file: string,
  signal: AbortSignal | undefined,
  onProgress: ((p: FileProgress) => void) | undefined,
): Promise<ArrayBuffer> {
  const total = entry.bytes;
  const out = new Uint8Array(total);
  const reader = body.getReader();
  let loaded = 0;
  const onAbort = (): void => {
    reader.cancel(abortError(file)).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw abortError(file);
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        if (signal?.aborted) throw abortError(file);
        throw new ModelFileError('network', file, `download failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (signal?.aborted) throw abortError(file);
      if (r.done) break;
      const chunk = r.value;
      if (loaded + chunk.byteLength > total) {
        reader.cancel().catch(() => undefined);
        throw new ModelFileError('size', file, `size mismatch: more than the expected ${total} bytes`);
      }
      out.set(chunk, loaded);
      loaded += chunk.byteLength;
      onProgress?.({ file, loaded, total, percent: total === 0 ? 100 : (loaded / total) * 100 });
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
  if (loaded !== total) throw new ModelFileError('size', file, `size mismatch: got ${loaded} bytes, expected ${total}`);
  if (entry.sha256) {
    const got = await sha256Hex(out);
    if (got !== entry.sha256) throw new ModelFileError('sha256', file, `sha256 mismatch: got ${got}, expected ${entry.sha256}`);
  }
  return out.buffer;
}

/** A Response body as a stream (a body-less response reads as empty). */
function bodyOf(r: Response): ReadableStream<Uint8Array> {
  return r.body ?? new Blob([]).stream();
}

/** The file in a user-picked folder: the longest tail of the location's path that exists there, else onnx/<name>. */
async function findInDirectory(dir: FileSystemDirectoryHandle, url: string, file: string): Promise<File> {
  const path = /^[a-z][a-z0-9+.-]*:/i.test(url) ? new URL(url).pathname : url.split(/[?#]/)[0]!;
  const segments = path.split('/').filter((s) => s !== '' && s !== '.').map((s) => decodeURIComponent(s));
  const base = segments[segments.length - 1];
  // Every tail of the path, longest first; then the Hugging Face snapshot layout (onnx/<name>).
  const candidates = segments.map((_, i) => segments.slice(i));
  if (base && !(segments.length >= 2 && segments[segments.length - 2] === 'onnx')) candidates.push(['onnx', base]);
  for (const tail of candidates) {
    try {
      let d = dir;
      for (const s of tail.slice(0, -1)) d = await d.getDirectoryHandle(s);
      const h = await d.getFileHandle(tail[tail.length - 1]!);
      return await h.getFile();
    } catch (e) {
      if (e instanceof DOMException && (e.name === 'NotFoundError' || e.name === 'TypeMismatchError')) continue;
      throw e;
    }
  }
  throw new ModelFileError('not-found', file, `not found in the chosen folder "${dir.name}" (looked for ${segments.join('/')})`);
}

/**
 * Fetch one model file and answer its bytes, verified. With a cache: a cached
 * copy is verified again and used; a corrupt one is deleted and downloaded anew;
 * a download is stored once verified. With `directory`: read from that folder.
 */
export async function fetchModelFile(spec: ModelFileSpec, opts: FetchModelFileOptions = {}): Promise<ArrayBuffer> {
  const file = fileName(spec);
  const { signal, onProgress, cache, onCacheEvent } = opts;
  if (signal?.aborted) throw abortError(file);

  if (opts.directory) {
    const f = await findInDirectory(opts.directory, spec.url, file);
    if (f.size !== spec.bytes) throw new ModelFileError('size', file, `size mismatch: got ${f.size} bytes, expected ${spec.bytes}`);
    return readVerified(f.stream() as ReadableStream<Uint8Array>, spec, file, signal, onProgress);
  }

  const url = resolveModelUrl(spec.url, opts.baseURI);
  const key = cacheKey(url, spec);
  if (cache) {
    const hit = await cache.match(key).catch(() => undefined);
    if (hit) {
      try {
        const buf = await readVerified(bodyOf(hit), spec, file, signal, onProgress);
        onCacheEvent?.({ kind: 'hit', file, key });
        return buf;
      } catch (e) {
        if (!(e instanceof ModelFileError)) throw e;
        onCacheEvent?.({ kind: 'corrupt', file, key, reason: e.reason });
        await cache.delete(key).catch(() => false);
      }
    } else {
      onCacheEvent?.({ kind: 'miss', file, key });
    }
  }

  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  let res: Response;
  try {
    res = await doFetch(url, { signal, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    if (signal?.aborted) throw abortError(file);
    throw new ModelFileError('network', file, `could not download ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok) throw new ModelFileError('http', file, `HTTP ${res.status} ${res.statusText} for ${url}`.trimEnd());
  const declared = Number(res.headers.get('content-length') ?? NaN);
  const encoded = res.headers.get('content-encoding');
  if (Number.isFinite(declared) && (!encoded || encoded === 'identity') && declared !== spec.bytes) {
    res.body?.cancel().catch(() => undefined);
    throw new ModelFileError('size', file, `size mismatch: server sends ${declared} bytes, expected ${spec.bytes}`);
  }
  const buf = await readVerified(bodyOf(res), spec, file, signal, onProgress);
  if (cache) {
    try {
      await cache.put(
        key,
        new Response(buf.slice(0), { headers: { 'content-type': 'application/octet-stream', 'content-length': String(spec.bytes) } }),
      );
      onCacheEvent?.({ kind: 'stored', file, key });
    } catch (e) {
      // A full quota must not fail the load: the file is verified and in memory.
      onCacheEvent?.({ kind: 'store-failed', file, key, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return buf;
}

export interface ModelProgress extends FileProgress {
  /** Bytes of all files so far, and of all files. */
  overallLoaded: number;
  overallTotal: number;
  overallPercent: number;
  /** Index of the file in MODEL_FILE_KEYS order, and how many there are. */
  index: number;
  count: number;
}

export interface LoadModelOptions extends Omit<FetchModelFileOptions, 'onProgress' | 'cache'> {
  onProgress?: (p: ModelProgress) => void;
  /** A cache, null for none; left out: Cache Storage `slicesam-models-v1` when available. */
  cache?: ModelCache | null;
}

export interface LoadedModel {
  manifest: ModelManifest;
  files: Record<ModelFileKey, ArrayBuffer>;
}

/** Fetch the five graphs and the constants table, one after another, with overall progress. */
export async function loadModel(manifest: ModelManifest, opts: LoadModelOptions = {}): Promise<LoadedModel> {
  const cache = opts.cache === undefined ? await openModelCache() : opts.cache;
  const overallTotal = MODEL_FILE_KEYS.reduce((n, k) => n + manifest.files[k].bytes, 0);
  const files = {} as Record<ModelFileKey, ArrayBuffer>;
  let before = 0;
  for (const [index, key] of MODEL_FILE_KEYS.entries()) {
    const entry = manifest.files[key];
    const onProgress = opts.onProgress;
    files[key] = await fetchModelFile(
      { ...entry, name: key },
      {
        ...opts,
        cache,
        onProgress: onProgress
          ? (p) => {
              const overallLoaded = before + p.loaded;
              onProgress({
                ...p,
                overallLoaded,
                overallTotal,
                overallPercent: overallTotal === 0 ? 100 : (overallLoaded / overallTotal) * 100,
                index,
                count: MODEL_FILE_KEYS.length,
              });
            }
          : undefined,
      },
    );
    before += entry.bytes;
  }
  return { manifest, files };
}

/** Forget every cached copy of a manifest's files (e.g. "remove downloaded model"). */
export async function evictModel(manifest: ModelManifest, cache: ModelCache, baseURI?: string): Promise<number> {
  let n = 0;
  for (const key of MODEL_FILE_KEYS) {
    const entry = manifest.files[key];
    if (await cache.delete(cacheKey(resolveModelUrl(entry.url, baseURI), entry))) n++;
  }
  return n;
}

/**
 * The manifest's files that the cache does not hold (looked up, not read: a corrupt copy is
 * found when the model loads). Empty: the model loads without the network.
 */
export async function missingFromCache(manifest: ModelManifest, cache: ModelCache | null, baseURI?: string): Promise<ModelFileKey[]> {
  const missing: ModelFileKey[] = [];
  for (const key of MODEL_FILE_KEYS) {
    const entry = manifest.files[key];
    const hit = cache ? await cache.match(cacheKey(resolveModelUrl(entry.url, baseURI), entry)).catch(() => undefined) : undefined;
    if (!hit) missing.push(key);
  }
  return missing;
}

/** Whether an error (thrown here, or its copy across the worker boundary) is a failed network download. */
export function isNetworkFailure(e: unknown): boolean {
  return e instanceof Error && e.name === 'ModelFileError' && /: (could not download|download failed)/.test(e.message);
}
