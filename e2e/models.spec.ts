/**
 * Model loading in real Chromium (src/engine/models): a local HTTP server,
 * started here on 127.0.0.1, serves generated "model" files exactly as a
 * remote host would (cross-origin, with CORS and Cross-Origin-Resource-Policy
 * since the page is cross-origin isolated). The page loads them through the
 * same code path as a Hugging Face URL: progress events, a cache hit on the
 * second load (the server counts requests), a corrupted cached entry detected
 * and re-fetched, an offline load from the cache, and a cancelled download.
 *
 * The page, e2e/pages/models-harness.html, is built with Vite's API into
 * dist/__models-harness/ in beforeAll and removed in afterAll.
 */
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { harness } from './harness.ts';
import type { ModelsHarness } from './pages/models-harness.ts';


test.describe.configure({ mode: 'serial' });

/** Deterministic pseudo-random bytes (xorshift), so every run serves the same files. */
function bytesOf(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

const SIZES: Record<string, number> = {
  vision_encoder: 3_000_000,
  mask_decoder: 1_500_000,
  memory_encoder: 1_000_000,
  memory_attention: 2_000_000,
  pointer_tpos: 65_536,
  constants: 9_922,
};
const FILES = new Map(Object.entries(SIZES).map(([k, n], i) => [k, bytesOf(n, 1000 + i)]));
const SHA = Object.fromEntries([...FILES].map(([k, b]) => [k, createHash('sha256').update(b).digest('hex')]));

let server: Server | undefined;
let origin = '';
/** Requests per path since the last reset. */
let hits = new Map<string, number>();

function startServer(): Promise<void> {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const m = /^\/(files|slow)\/([a-z_]+)\.(onnx|json)$/.exec(path);
    const body = m ? FILES.get(m[2]!) : undefined;
    const headers = {
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Cache-Control': 'no-store',
    };
    if (!m || !body) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) });
    if (m[1] === 'files') {
      res.end(body);
      return;
    }
    // Slow: 64 KiB every 50 ms, so a cancel lands mid-download.
    let at = 0;
    const tick = (): void => {
      if (res.destroyed) return;
      if (at >= body.length) {
        res.end();
        return;
      }
      res.write(body.subarray(at, at + 65_536));
      at += 65_536;
      setTimeout(tick, 50);
    };
    tick();
  });
  return new Promise((ok) => server!.listen(0, '127.0.0.1', () => {
    origin = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    ok();
  }));
}

async function stopServer(): Promise<void> {
  if (!server) return;
  const s = server;
  server = undefined;
  s.closeAllConnections();
  await new Promise<void>((ok) => s.close(() => ok()));
}

function manifest(): unknown {
  const ext = (k: string) => (k === 'constants' ? 'json' : 'onnx');
  return {
    id: 'e2e-fixture',
    name: 'E2E fixture (random bytes)',
    version: '2.1',
    precision: 'fp32',
    imageSize: 1024,
    bank: { layout: 'fixed', rows: 28736, memoryFrames: 7, maxObjectPointers: 16 },
    normalisation: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    files: Object.fromEntries(Object.keys(SIZES).map((k) => [k, { url: `${origin}/files/${k}.${ext(k)}`, bytes: SIZES[k], sha256: SHA[k] }])),
  };
}

const harnessPage = harness('models-harness');
const HARNESS = harnessPage.url;
test.beforeAll(async () => {
  await harnessPage.build();
  await startServer();
});
test.afterAll(async () => {
  await stopServer();
  await harnessPage.remove();
});

type Args<K extends keyof ModelsHarness> = Parameters<ModelsHarness[K]>;
type Result<K extends keyof ModelsHarness> = Awaited<ReturnType<ModelsHarness[K]>>;

async function call<K extends keyof ModelsHarness>(page: Page, name: K, ...args: Args<K>): Promise<Result<K>> {
  return page.evaluate(async ([n, a]) => {
    const h = window.modelsHarness;
    if (!h) throw new Error('models harness missing');
    return (h[n] as (...x: unknown[]) => Promise<unknown>)(...a);
  }, [name, args] as const) as Promise<Result<K>>;
}

let pageErrors: string[] = [];

test.beforeEach(async ({ page }) => {
  pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(HARNESS);
  await page.waitForFunction(() => window.modelsHarness !== undefined);
});

test.afterEach(() => {
  expect(pageErrors).toEqual([]);
});

const TOTAL = Object.values(SIZES).reduce((a, b) => a + b, 0);
const KEYS = Object.keys(SIZES);
const requests = (): number => [...hits.values()].reduce((a, b) => a + b, 0);

test('first load downloads with progress; the second is a cache hit with no request; a corrupted cached file is re-fetched; offline loads from cache', async ({ page }) => {
  await call(page, 'reset');
  hits = new Map();

  const first = await call(page, 'load', manifest());
  expect(first.crossOriginIsolated).toBe(true);
  expect(first.sha256).toEqual(SHA);
  expect(first.monotonic).toBe(true);
  expect(first.progressEvents).toBeGreaterThan(KEYS.length);
  expect(first.overall).toEqual({ loaded: TOTAL, total: TOTAL, percent: 100 });
  for (const k of KEYS) {
    expect(first.lastPerFile[k]).toEqual([SIZES[k], SIZES[k]]);
    expect(first.cache[k]).toEqual(['miss', 'stored']);
  }
  expect(requests()).toBe(KEYS.length);
  expect((await call(page, 'cachedKeys')).length).toBe(KEYS.length);

  // Second load (after a reload): from Cache Storage, verified again, no request.
  await page.reload();
  await page.waitForFunction(() => window.modelsHarness !== undefined);
  const second = await call(page, 'load', manifest());
  expect(second.sha256).toEqual(SHA);
  expect(second.overall).toEqual({ loaded: TOTAL, total: TOTAL, percent: 100 });
  for (const k of KEYS) expect(second.cache[k]).toEqual(['hit']);
  expect(requests()).toBe(KEYS.length);

  // A corrupted cached graph: detected by its sha256, deleted, fetched again, stored again.
  expect(await call(page, 'corrupt', manifest(), 'memory_attention')).toBe(true);
  const healed = await call(page, 'load', manifest());
  expect(healed.sha256).toEqual(SHA);
  expect(healed.cache.memory_attention).toEqual(['corrupt', 'stored']);
  for (const k of KEYS.filter((x) => x !== 'memory_attention')) expect(healed.cache[k]).toEqual(['hit']);
  expect(hits.get('/files/memory_attention.onnx')).toBe(2);
  expect(requests()).toBe(KEYS.length + 1);

  // Offline: the server is gone; everything comes from the cache.
  const url = manifest() as { files: Record<string, { url: string }> };
  await stopServer();
  const offline = await call(page, 'load', manifest());
  expect(offline.sha256).toEqual(SHA);
  for (const k of KEYS) expect(offline.cache[k]).toEqual(['hit']);
  // And a file that is not cached fails with a network error naming it.
  const missing = await page.evaluate(async (u) => {
    try {
      await window.modelsHarness!.load({ ...(u as object), files: { ...(u as { files: object }).files, constants: { url: u.files.constants!.url.replace('constants', 'constantz'), bytes: 5 } } });
      return 'resolved';
    } catch (e) {
      return (e as Error).message;
    }
  }, url);
  expect(missing).toMatch(/^constants: could not download http:\/\/127\.0\.0\.1:\d+\/files\/constantz\.json/);
  await startServer();
});

test('a cancelled download rejects with AbortError, stops, and leaves nothing in the cache', async ({ page }) => {
  await call(page, 'reset');
  hits = new Map();
  const r = await call(page, 'cancel', `${origin}/slow/vision_encoder.onnx`, SIZES.vision_encoder!);
  expect(r).toMatchObject({ name: 'AbortError', progressBeforeAbort: 1, progressAfterAbort: 0, cached: false });
  expect(r.message).toMatch(/vision_encoder\.onnx: download cancelled/);
  expect(hits.get('/slow/vision_encoder.onnx')).toBe(1);
});

test('a file whose served size differs from the manifest fails with a size mismatch', async ({ page }) => {
  await call(page, 'reset');
  const m = manifest() as { files: Record<string, { bytes: number }> };
  m.files.pointer_tpos!.bytes += 1;
  const message = await page.evaluate(async (json) => {
    try {
      await window.modelsHarness!.load(json);
      return 'resolved';
    } catch (e) {
      return (e as Error).message;
    }
  }, m);
  expect(message).toMatch(/^pointer_tpos: size mismatch/);
});

test('a model folder (a directory handle, here in OPFS) loads through the same verification, without the network', async ({ page }) => {
  hits = new Map();
  expect(await call(page, 'loadFromFolder', manifest())).toEqual(SHA);
  // Only the copies into OPFS touched the server; the load itself read the folder.
  expect(requests()).toBe(KEYS.length);
  const message = await page.evaluate(async (json) => {
    try {
      await window.modelsHarness!.loadFromFolder(json, 'mask_decoder');
      return 'resolved';
    } catch (e) {
      return (e as Error).message;
    }
  }, manifest());
  expect(message).toMatch(/^mask_decoder: sha256 mismatch/);
});
