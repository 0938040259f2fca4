import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importModelFiles, localManifestKey, localModels, type PickedFile } from './import.ts';
import { restoreManifest } from './manifest.ts';
import { cacheKey, loadModel, missingFromCache, resolveModelUrl, type ModelCache } from './store.ts';

const BASE = 'https://app.example/slicesam/';
const DIR = new URL('../../../models/fixture/', import.meta.url);
const NAMES = readdirSync(DIR);
const fixtureJson = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8'));
const manifest = restoreManifest(fixtureJson, 'manifest.json');

/** The fixture folder as picked: a folder named "fixture" (webkitdirectory-style paths) or loose files. */
function picked(opts: { prefix?: string; change?: (name: string, b: Uint8Array) => Uint8Array | null } = {}): PickedFile[] {
  const out: PickedFile[] = [];
  for (const name of NAMES) {
    const bytes = opts.change ? opts.change(name, new Uint8Array(readFileSync(new URL(name, DIR)))) : new Uint8Array(readFileSync(new URL(name, DIR)));
    if (bytes) out.push({ path: `${opts.prefix ?? ''}${name}`, file: new Blob([bytes as BlobPart]) });
  }
  return out;
}

function memoryCache(): ModelCache & { store: Map<string, Uint8Array> } {
  const store = new Map<string, Uint8Array>();
  return {
    store,
    match: async (k) => (store.has(k) ? new Response(store.get(k)! as BlobPart) : undefined),
    put: async (k, r) => void store.set(k, new Uint8Array(await r.arrayBuffer())),
    delete: async (k) => store.delete(k),
    keys: async () => [...store.keys()],
  };
}

async function refusal(files: PickedFile[], cache: ModelCache = memoryCache()): Promise<Error> {
  try {
    await importModelFiles(files, { cache, baseURI: BASE });
  } catch (e) {
    return e as Error;
  }
  throw new Error('accepted');
}

describe('a model from disk', () => {
  it('the fixture folder goes into the cache under the download keys, with its manifest, and then loads with no network', async () => {
    const cache = memoryCache();
    const progress: number[] = [];
    const got = await importModelFiles(picked({ prefix: 'fixture/' }), { cache, baseURI: BASE, onProgress: (p) => progress.push(p.done) });
    expect(got.manifest.id).toBe('fixture-512');
    expect(progress.at(-1)).toBe(Object.values(manifest.files).reduce((n, f) => n + f.bytes, 0));
    const vision = cacheKey(resolveModelUrl('models/fixture/vision_encoder.onnx', BASE), manifest.files.vision_encoder);
    expect(cache.store.get(vision)?.byteLength).toBe(manifest.files.vision_encoder.bytes);
    expect(cache.store.has(localManifestKey('fixture-512', BASE))).toBe(true);
    expect(await missingFromCache(manifest, cache, BASE)).toEqual([]);
    const listed = await localModels(cache, BASE);
    expect(listed.map((m) => m.manifest.id)).toEqual(['fixture-512']);
    const fetch = async () => {
      throw new Error('no network in this test');
    };
    const loaded = await loadModel(listed[0]!.manifest, { cache, baseURI: BASE, fetch });
    expect(loaded.files.pointer_tpos.byteLength).toBe(manifest.files.pointer_tpos.bytes);
  });

  it('loose files (no folder) load too', async () => {
    expect((await importModelFiles(picked(), { cache: memoryCache(), baseURI: BASE })).manifest.id).toBe('fixture-512');
  });

  it('a damaged graph is refused by name (sha256), and nothing is kept', async () => {
    const cache = memoryCache();
    const e = await refusal(picked({ change: (n, b) => (n === 'mask_decoder.onnx' ? (b[b.length - 1]! ^= 1, b) : b) }), cache);
    expect(e.name).toBe('ModelImportError');
    expect(e.message).toMatch(/^mask_decoder\.onnx: sha256 mismatch: the file is damaged or from another model \(got [0-9a-f]{64}, expected 1497adee/);
    expect(cache.store.size).toBe(0);
    expect(await missingFromCache(manifest, cache, BASE)).toHaveLength(6);
  });

  it('a file of the wrong size, a missing graph, no manifest, not a manifest, and a wrong graph: each named with its reason', async () => {
    expect((await refusal(picked({ change: (n, b) => (n === 'constants.json' ? b.subarray(1) : b) }))).message).toMatch(/^constants\.json: size mismatch: 3879 bytes, manifest\.json says 3880$/);
    expect((await refusal(picked({ change: (n, b) => (n === 'memory_encoder.onnx' ? null : b) }))).message).toBe(
      'memory_encoder.onnx: missing: not among the chosen files (manifest.json names models/fixture/memory_encoder.onnx)',
    );
    expect((await refusal(picked({ prefix: 'fixture/', change: (n, b) => (n === 'manifest.json' ? null : b) }))).message).toMatch(
      /^fixture: no model manifest among the 6 chosen files \(expected manifest\.json/,
    );
    expect((await refusal(picked({ change: (n, b) => (n === 'manifest.json' ? new TextEncoder().encode('{"id": "x"}') : b) }))).message).toMatch(/^manifest\.json: not a model manifest: /);
    // A graph swapped for another of the same name: sizes and hashes fit its manifest, the interface does not.
    const swapped = { ...fixtureJson, files: { ...fixtureJson.files, mask_decoder: { ...fixtureJson.files.pointer_tpos, url: 'models/fixture/mask_decoder.onnx' } } };
    const tpos = new Uint8Array(readFileSync(new URL('pointer_tpos.onnx', DIR)));
    const files = picked({ change: (n, b) => (n === 'manifest.json' ? new TextEncoder().encode(JSON.stringify(swapped)) : n === 'mask_decoder.onnx' ? tpos : b) });
    expect((await refusal(files)).message).toMatch(/^mask_decoder\.onnx: wrong interface for mask_decoder: lacks inputs feats0/);
  });

  it('without Cache Storage it says so instead of loading a model that would not be kept', async () => {
    expect((await refusal(picked(), null as unknown as ModelCache)).message).toMatch(/^manifest\.json: this browser offers no Cache Storage/);
  });
});
