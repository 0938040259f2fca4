/**
 * A model from disk: the folder tools/export writes (manifest.json, the five graphs,
 * constants.json) or those files picked one by one. Each file is checked as a download is
 * (byte size, sha256 when the manifest has one) and for what only a local copy can get
 * wrong (no manifest, a file left out, a graph with other inputs or outputs), then put into
 * the model cache under the very key a download of that manifest uses, with the manifest
 * beside them: the model then loads offline and after a reload, as a downloaded one does.
 *
 * State: none of its own (the cache). Imports only this folder (manifest, store, ONNX names).
 */
import { MODEL_FILE_KEYS, restoreManifest, type ModelFileKey, type ModelManifest } from './manifest.ts';
import { graphMismatch } from './onnx-interface.ts';
import { cacheKey, resolveModelUrl, sha256Hex, type ModelCache } from './store.ts';

/** One picked file, with its path relative to what was picked ('/' separated). */
export interface PickedFile {
  path: string;
  file: Blob;
}

export type ModelImportErrorCode = 'not-a-manifest' | 'missing' | 'size' | 'sha256' | 'interface' | 'storage';

/** Why picked files are no usable model; always names the file. */
export class ModelImportError extends Error {
  override readonly name = 'ModelImportError';
  constructor(
    readonly code: ModelImportErrorCode,
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

export interface ImportedModel {
  manifest: ModelManifest;
  /** The manifest as it was in the file (what the engine's loadModel takes). */
  json: unknown;
}

export interface ImportOptions {
  cache: ModelCache | null;
  /** The app's base URL: relative file URLs in the manifest resolve against it, as downloads do. */
  baseURI: string;
  signal?: AbortSignal;
  onProgress?: (p: { file: string; done: number; total: number }) => void;
}

/** Where the manifests of models loaded from disk are kept in the model cache. */
export function localManifestKey(id: string, baseURI: string): string {
  return new URL(`slicesam-local-models/${encodeURIComponent(id)}.json`, baseURI).href;
}

const LOCAL_PREFIX = 'slicesam-local-models/';

const segmentsOf = (path: string) => path.split(/[?#]/)[0]!.split('/').filter((s) => s !== '' && s !== '.');
const dirOf = (path: string) => segmentsOf(path).slice(0, -1).join('/');
const baseOf = (path: string) => segmentsOf(path).pop() ?? path;

/** The picked manifest: manifest.json first (the shallowest), then any other JSON that is one. */
function findManifest(files: readonly PickedFile[], texts: Map<string, string>): { file: PickedFile; json: unknown; manifest: ModelManifest } {
  const json = files.filter((f) => f.path.toLowerCase().endsWith('.json') && baseOf(f.path) !== 'constants.json' && baseOf(f.path) !== 'index.json');
  const depth = (f: PickedFile) => segmentsOf(f.path).length;
  json.sort((a, b) => Number(baseOf(b.path) === 'manifest.json') - Number(baseOf(a.path) === 'manifest.json') || depth(a) - depth(b));
  let problem: ModelImportError | null = null;
  for (const f of json) {
    const text = texts.get(f.path)!;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      problem ??= new ModelImportError('not-a-manifest', f.path, `not a model manifest: not JSON (${(e as Error).message})`);
      continue;
    }
    try {
      return { file: f, json: parsed, manifest: restoreManifest(parsed, f.path) };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      problem ??= new ModelImportError('not-a-manifest', f.path, `not a model manifest: ${message.startsWith(`${f.path}: `) ? message.slice(f.path.length + 2) : message}`);
    }
  }
  if (problem) throw problem;
  const where = files.length === 0 ? 'the chosen folder' : `${commonFolder(files) || 'the chosen files'}`;
  throw new ModelImportError('not-a-manifest', where, `no model manifest among the ${files.length} chosen file${files.length === 1 ? '' : 's'} (expected manifest.json, as tools/export writes it, beside the five .onnx graphs and constants.json)`);
}

function commonFolder(files: readonly PickedFile[]): string {
  const first = segmentsOf(files[0]!.path);
  return first.length > 1 && files.every((f) => segmentsOf(f.path)[0] === first[0]) ? first[0]! : '';
}

/** The picked file for a manifest location: a tail of its path beside the manifest, else onnx/<name>, else its name anywhere. */
function locate(files: readonly PickedFile[], url: string, manifestDir: string): PickedFile | null {
  const segs = segmentsOf(/^[a-z][a-z0-9+.-]*:/i.test(url) ? new URL(url).pathname : url).map((s) => decodeURIComponent(s));
  const base = segs[segs.length - 1];
  if (!base) return null;
  const byPath = new Map(files.map((f) => [segmentsOf(f.path).join('/'), f]));
  const prefix = manifestDir ? `${manifestDir}/` : '';
  for (const tail of [...segs.map((_, i) => segs.slice(i).join('/')), `onnx/${base}`]) {
    const hit = byPath.get(prefix + tail);
    if (hit) return hit;
  }
  const named = files.filter((f) => baseOf(f.path) === base);
  return named.length === 1 ? named[0]! : null;
}

/** Why a constants table does not fit the manifest, or null. */
function constantsMismatch(bytes: Uint8Array, manifest: ModelManifest): string | null {
  let json: { memory_temporal_positional_encoding?: unknown };
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as typeof json;
  } catch (e) {
    return `wrong interface: the constants table is not JSON (${(e as Error).message})`;
  }
  const table = json.memory_temporal_positional_encoding;
  if (!Array.isArray(table)) return 'wrong interface: no "memory_temporal_positional_encoding" table';
  if (table.length !== manifest.bank.memoryFrames) return `wrong interface: ${table.length} temporal rows, the manifest has ${manifest.bank.memoryFrames} memory frames`;
  return null;
}

/** Check picked files as a model and keep them in the cache; throws a ModelImportError naming the file. */
export async function importModelFiles(files: readonly PickedFile[], opts: ImportOptions): Promise<ImportedModel> {
  const { cache, baseURI, signal } = opts;
  const texts = new Map<string, string>();
  for (const f of files) if (f.path.toLowerCase().endsWith('.json') && f.file.size < 1e6) texts.set(f.path, await f.file.text());
  const { file: manifestFile, json, manifest } = findManifest(files, texts);
  if (!cache) throw new ModelImportError('storage', manifestFile.path, 'this browser offers no Cache Storage here (a private window or an insecure address), so a model cannot be kept');
  const dir = dirOf(manifestFile.path);
  const picked = {} as Record<ModelFileKey, PickedFile>;
  for (const key of MODEL_FILE_KEYS) {
    const entry = manifest.files[key];
    const f = locate(files, entry.url, dir);
    if (!f) throw new ModelImportError('missing', baseOf(entry.url), `missing: not among the chosen files (${baseOf(manifestFile.path)} names ${entry.url})`);
    if (f.file.size !== entry.bytes) throw new ModelImportError('size', f.path, `size mismatch: ${f.file.size} bytes, ${baseOf(manifestFile.path)} says ${entry.bytes}`);
    picked[key] = f;
  }
  const total = MODEL_FILE_KEYS.reduce((n, k) => n + manifest.files[k].bytes, 0);
  let done = 0;
  const checked: [ModelFileKey, ArrayBuffer][] = [];
  for (const key of MODEL_FILE_KEYS) {
    signal?.throwIfAborted();
    const entry = manifest.files[key];
    const f = picked[key];
    const buf = await f.file.arrayBuffer();
    const bytes = new Uint8Array(buf);
    if (entry.sha256) {
      const got = await sha256Hex(bytes);
      if (got !== entry.sha256) throw new ModelImportError('sha256', f.path, `sha256 mismatch: the file is damaged or from another model (got ${got}, expected ${entry.sha256})`);
    }
    const wrong = key === 'constants' ? constantsMismatch(bytes, manifest) : graphMismatch(key, bytes);
    if (wrong) throw new ModelImportError('interface', f.path, wrong);
    checked.push([key, buf]);
    done += entry.bytes;
    opts.onProgress?.({ file: f.path, done, total });
  }
  signal?.throwIfAborted();
  const stored: string[] = [];
  try {
    for (const [key, buf] of checked) {
      const entry = manifest.files[key];
      const k = cacheKey(resolveModelUrl(entry.url, baseURI), entry);
      await cache.put(k, new Response(buf, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(entry.bytes) } }));
      stored.push(k);
    }
    await cache.put(localManifestKey(manifest.id, baseURI), new Response(JSON.stringify(json), { headers: { 'content-type': 'application/json' } }));
  } catch (e) {
    for (const k of stored) await cache.delete(k).catch(() => false);
    throw new ModelImportError('storage', manifestFile.path, `could not be kept in this browser: ${e instanceof Error ? e.message : String(e)}; free disk space and try again`);
  }
  return { manifest, json };
}

/** The models loaded from disk before (their manifests in the cache); unreadable ones are left out. */
export async function localModels(cache: ModelCache | null, baseURI: string): Promise<ImportedModel[]> {
  if (!cache?.keys) return [];
  const prefix = new URL(LOCAL_PREFIX, baseURI).href;
  const out: ImportedModel[] = [];
  for (const key of (await cache.keys()).filter((k) => k.startsWith(prefix)).sort()) {
    try {
      const json: unknown = await (await cache.match(key))!.json();
      out.push({ json, manifest: restoreManifest(json, key.slice(prefix.length)) });
    } catch {
      // a manifest that no longer reads is no model to offer
    }
  }
  return out;
}
