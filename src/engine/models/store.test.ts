import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { restoreManifest } from './manifest.ts';
import {
  cacheKey,
  fetchModelFile,
  loadModel,
  ModelFileError,
  resolveModelUrl,
  type CacheEvent,
  type FileProgress,
  type ModelCache,
  type ModelProgress,
} from './store.ts';

const BASE = 'https://app.example/slicesam/';

function bytesOf(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A fake server: serves `files` by absolute URL in chunks, counts requests, honours the signal between chunks. */
function fakeFetch(files: Map<string, Uint8Array>, chunk = 1000, opts: { contentLength?: boolean } = {}) {
  const requests: string[] = [];
  const pulled = { chunks: 0 };
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    requests.push(url);
    const body = files.get(url);
    if (!body) return new Response('nope', { status: 404, statusText: 'Not Found' });
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (init?.signal?.aborted) {
          c.error(new DOMException('aborted', 'AbortError'));
          return;
        }
        if (at >= body.length) {
          c.close();
          return;
        }
        pulled.chunks++;
        c.enqueue(body.slice(at, at + chunk));
        at += chunk;
      },
    });
    const headers: Record<string, string> = {};
    if (opts.contentLength !== false) headers['content-length'] = String(body.length);
    return new Response(stream, { headers });
  }) as typeof fetch;
  return { fetch: f, requests, pulled };
}

function memoryCache(): ModelCache & { store: Map<string, Uint8Array> } {
  const store = new Map<string, Uint8Array>();
  return {
    store,
    async match(key) {
      const b = store.get(key);
      return b ? new Response(b.slice()) : undefined;
    },
    async put(key, r) {
      store.set(key, new Uint8Array(await r.arrayBuffer()));
    },
    async delete(key) {
      return store.delete(key);
    },
  };
}

describe('fetchModelFile', () => {
  const data = bytesOf(10_500, 7);
  const url = 'https://cdn.example/m/vision_encoder.onnx';

  it('streams with progress events that sum to the total, and verifies size and sha256', async () => {
    const { fetch } = fakeFetch(new Map([[url, data]]));
    const events: FileProgress[] = [];
    const buf = await fetchModelFile({ url, bytes: data.length, sha256: sha(data) }, { fetch, onProgress: (p) => events.push(p) });
    expect(new Uint8Array(buf)).toEqual(data);
    expect(events.length).toBe(11);
    expect(events.at(-1)).toEqual({ file: 'vision_encoder.onnx', loaded: 10_500, total: 10_500, percent: 100 });
    const increments = events.map((e, i) => e.loaded - (i === 0 ? 0 : events[i - 1]!.loaded));
    expect(increments.reduce((a, b) => a + b, 0)).toBe(data.length);
    expect(increments.every((d) => d > 0)).toBe(true);
  });

  it('resolves relative paths against the base URL', async () => {
    const abs = `${BASE}models/fixture/mask_decoder.onnx`;
    expect(resolveModelUrl('models/fixture/mask_decoder.onnx', BASE)).toBe(abs);
    const { fetch, requests } = fakeFetch(new Map([[abs, data]]));
    await fetchModelFile({ url: 'models/fixture/mask_decoder.onnx', bytes: data.length }, { fetch, baseURI: BASE });
    expect(requests).toEqual([abs]);
  });

  it('stops within a chunk when aborted, rejecting with AbortError', async () => {
    const big = bytesOf(100_000, 3);
    const { fetch, pulled } = fakeFetch(new Map([[url, big]]));
    const ac = new AbortController();
    let progressAfterAbort = 0;
    const p = fetchModelFile({ url, bytes: big.length }, {
      fetch,
      signal: ac.signal,
      onProgress: (e) => {
        if (ac.signal.aborted) progressAfterAbort++;
        if (e.loaded >= 3000) ac.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(progressAfterAbort).toBe(0);
    // The stream may have one chunk queued ahead, never more.
    expect(pulled.chunks).toBeLessThanOrEqual(5);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { fetch, requests } = fakeFetch(new Map([[url, data]]));
    await expect(fetchModelFile({ url, bytes: data.length }, { fetch, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(requests).toEqual([]);
  });

  it('fails on a size mismatch (short body, long body, lying content-length)', async () => {
    for (const contentLength of [true, false]) {
      const { fetch } = fakeFetch(new Map([[url, data]]), 1000, { contentLength });
      const short = fetchModelFile({ url, bytes: data.length + 1 }, { fetch });
      await expect(short).rejects.toBeInstanceOf(ModelFileError);
      await expect(fetchModelFile({ url, bytes: data.length + 1 }, { fetch })).rejects.toMatchObject({ code: 'size', file: 'vision_encoder.onnx' });
      await expect(fetchModelFile({ url, bytes: data.length - 1 }, { fetch })).rejects.toMatchObject({
        code: 'size',
        message: expect.stringMatching(/size mismatch/),
      });
    }
  });

  it('fails on a sha256 mismatch and does not cache the file', async () => {
    const { fetch } = fakeFetch(new Map([[url, data]]));
    const cache = memoryCache();
    const wrong = 'f'.repeat(64);
    await expect(fetchModelFile({ url, bytes: data.length, sha256: wrong }, { fetch, cache })).rejects.toMatchObject({
      code: 'sha256',
      message: expect.stringContaining(`got ${sha(data)}, expected ${wrong}`),
    });
    expect(cache.store.size).toBe(0);
  });

  it('fails with the HTTP status', async () => {
    const { fetch } = fakeFetch(new Map());
    await expect(fetchModelFile({ url, bytes: 1 }, { fetch })).rejects.toMatchObject({ code: 'http', message: expect.stringContaining('HTTP 404') });
  });

  it('caches a verified file, answers the next load from the cache, and re-fetches a corrupt copy', async () => {
    const { fetch, requests } = fakeFetch(new Map([[url, data]]));
    const cache = memoryCache();
    const entry = { url, bytes: data.length, sha256: sha(data) };
    const events: CacheEvent['kind'][] = [];
    const onCacheEvent = (e: CacheEvent): void => void events.push(e.kind);
    await fetchModelFile(entry, { fetch, cache, onCacheEvent });
    expect(requests.length).toBe(1);
    expect([...cache.store.keys()]).toEqual([cacheKey(url, entry)]);
    expect(cacheKey(url, entry)).toBe(`${url}?slicesam-verify=sha256-${entry.sha256}`);

    const again = await fetchModelFile(entry, { fetch, cache, onCacheEvent });
    expect(new Uint8Array(again)).toEqual(data);
    expect(requests.length).toBe(1);

    { const c = cache.store.get(cacheKey(url, entry))!; c[100] = c[100]! ^ 0xff; }
    const healed = await fetchModelFile(entry, { fetch, cache, onCacheEvent });
    expect(new Uint8Array(healed)).toEqual(data);
    expect(requests.length).toBe(2);
    expect(cache.store.get(cacheKey(url, entry))).toEqual(data);
    expect(events).toEqual(['miss', 'stored', 'hit', 'corrupt', 'stored']);
  });

  it('without sha256, a truncated cached copy is caught by its size', async () => {
    const { fetch, requests } = fakeFetch(new Map([[url, data]]));
    const cache = memoryCache();
    const entry = { url, bytes: data.length };
    await fetchModelFile(entry, { fetch, cache });
    cache.store.set(cacheKey(url, entry), data.slice(0, 100));
    await fetchModelFile(entry, { fetch, cache });
    expect(requests.length).toBe(2);
  });

  it('reads a user-picked folder through the same verification', async () => {
    const files = new Map<string, Uint8Array>([['onnx/vision_encoder.onnx', data], ['mask_decoder.onnx', data.slice(0, 50)]]);
    const dir = fakeDirectory('picked', files);
    const hf = 'https://huggingface.co/x/y/resolve/0123/onnx/vision_encoder.onnx';
    const events: FileProgress[] = [];
    const buf = await fetchModelFile({ url: hf, bytes: data.length, sha256: sha(data) }, { directory: dir, onProgress: (e) => events.push(e) });
    expect(new Uint8Array(buf)).toEqual(data);
    expect(events.at(-1)?.loaded).toBe(data.length);
    // Found by base name when the folder is flat.
    await expect(fetchModelFile({ url: 'models/x/mask_decoder.onnx', bytes: 50 }, { directory: dir })).resolves.toBeInstanceOf(ArrayBuffer);
    await expect(fetchModelFile({ url: 'models/x/mask_decoder.onnx', bytes: 50, sha256: 'f'.repeat(64) }, { directory: dir })).rejects.toMatchObject({ code: 'sha256' });
    await expect(fetchModelFile({ url: 'models/x/mask_decoder.onnx', bytes: 51 }, { directory: dir })).rejects.toMatchObject({ code: 'size' });
    await expect(fetchModelFile({ url: 'models/x/pointer_tpos.onnx', bytes: 5 }, { directory: dir })).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringContaining('"picked"'),
    });
  });
});

/** A minimal FileSystemDirectoryHandle over path → bytes. */
function fakeDirectory(name: string, files: Map<string, Uint8Array>, prefix = ''): FileSystemDirectoryHandle {
  const notFound = (): never => {
    throw new DOMException('not found', 'NotFoundError');
  };
  return {
    kind: 'directory',
    name,
    async getDirectoryHandle(sub: string) {
      const p = `${prefix}${sub}/`;
      if (![...files.keys()].some((k) => k.startsWith(p))) notFound();
      return fakeDirectory(sub, files, p);
    },
    async getFileHandle(file: string) {
      const b = files.get(`${prefix}${file}`) ?? notFound();
      return { kind: 'file', name: file, getFile: async () => new File([b as BlobPart], file) };
    },
  } as unknown as FileSystemDirectoryHandle;
}

describe('loadModel', () => {
  it('fetches the five graphs and the constants in order, with overall progress', async () => {
    const keys = ['vision_encoder', 'mask_decoder', 'memory_encoder', 'memory_attention', 'pointer_tpos', 'constants'];
    const sizes = [5000, 2500, 1200, 3100, 300, 777];
    const served = new Map<string, Uint8Array>();
    const files: Record<string, { url: string; bytes: number; sha256: string }> = {};
    keys.forEach((k, i) => {
      const b = bytesOf(sizes[i]!, i + 1);
      served.set(`${BASE}models/fixture/${k}.bin`, b);
      files[k] = { url: `models/fixture/${k}.bin`, bytes: b.length, sha256: sha(b) };
    });
    const manifest = restoreManifest({
      id: 'fixture', name: 'Fixture', version: '2.1', precision: 'fp32', imageSize: 512,
      bank: { layout: 'dynamic', memoryFrames: 7, maxObjectPointers: 16 },
      normalisation: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      files,
    }, 'fixture.json');
    const { fetch, requests } = fakeFetch(served, 1024);
    const progress: ModelProgress[] = [];
    const cache = memoryCache();
    const loaded = await loadModel(manifest, { fetch, baseURI: BASE, cache, onProgress: (p) => progress.push(p) });
    expect(requests.map((u) => u.split('/').pop())).toEqual(keys.map((k) => `${k}.bin`));
    for (const [i, k] of keys.entries()) expect(loaded.files[k as keyof typeof loaded.files].byteLength).toBe(sizes[i]);
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(progress.at(-1)).toMatchObject({ overallLoaded: total, overallTotal: total, overallPercent: 100, index: 5, count: 6, file: 'constants' });
    const overall = progress.map((p) => p.overallLoaded);
    expect(overall.every((v, i) => i === 0 || v > overall[i - 1]!)).toBe(true);
    expect(new Set(progress.map((p) => p.file))).toEqual(new Set(keys));

    await loadModel(manifest, { fetch, baseURI: BASE, cache });
    expect(requests.length).toBe(6);
  });
});
