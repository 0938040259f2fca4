/**
 * The SAM2 engine in a real Chromium, through the worker API (src/engine/client), with the
 * fixture model served from the app's own models/ folder: two objects on a phantom reach
 * Dice ≥ 0.95, "until-end" stops at the object's end, cancel stops between slices, WASM and
 * WebGPU (SwiftShader's software adapter, --enable-unsafe-webgpu) give the same masks, and a
 * lost GPU device falls back to WASM mid-propagation without losing a slice.
 */
import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tools/chromium.ts';
import { harness } from './harness.ts';
import type { EngineHarness, RunOptions, RunResult } from './pages/engine-harness.ts';
import type { PhantomObject } from '../src/engine/testing/phantom.ts';

test.describe.configure({ mode: 'serial' });
test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] } });

const page$ = harness('engine-harness');
test.beforeAll(async () => {
  await page$.build();
});
test.afterAll(async () => {
  await page$.remove();
});

const A: PhantomObject = { label: 1, first: 2, last: 13, from: [16, 14], to: [24, 20], radius: 6 };
const B: PhantomObject = { label: 2, first: 4, last: 15, from: [48, 34], to: [42, 30], radius: 5, taper: true };
const TWO: Omit<RunOptions, 'device'> = {
  dims: [64, 48, 18],
  objects: [A, B],
  prompts: 'ends',
  request: { axis: 2, mode: 'between' },
};

async function open(page: Page): Promise<void> {
  await page.goto(page$.url);
  await expect(page.locator('body[data-ready="1"]')).toBeAttached();
}

function run(page: Page, options: RunOptions): Promise<RunResult> {
  return page.evaluate((o) => (window as unknown as { engineHarness: EngineHarness }).engineHarness.run(o), options);
}

/** WebGPU on SwiftShader is correct but slow (seconds per slice): the device comparison uses a small case. */
const SMALL: Omit<RunOptions, 'device'> = {
  dims: [48, 40, 6],
  objects: [
    { label: 1, first: 1, last: 4, from: [14, 12], to: [18, 15], radius: 5 },
    { label: 2, first: 1, last: 4, from: [34, 28], to: [31, 25], radius: 4 },
  ],
  prompts: 'ends',
  request: { axis: 2, mode: 'between' },
};

let wasmSmall: RunResult | undefined;

test('WASM: two objects, boxes on their first and last slices → Dice ≥ 0.95 each, streamed slice by slice', async ({ page, baseURL }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await open(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const r = await run(page, { ...TWO, device: 'wasm' });
  expect(r.error).toBeNull();
  expect(r.info.device).toBe('wasm');
  // WASM really runs on every thread cross-origin isolation allows (onnxruntime's own count, read back after it started).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  expect(r.info.threads).toBe(Math.min(8, cores));
  expect(r.dice[1]).toBeGreaterThanOrEqual(0.95);
  expect(r.dice[2]).toBeGreaterThanOrEqual(0.95);
  // one batch per slice, in order, both objects together where both are tracked
  expect(r.batches.map((b) => b.slice)).toEqual(Array.from({ length: 14 }, (_, i) => 2 + i));
  expect(r.batches.find((b) => b.slice === 8)!.objects.sort()).toEqual([1, 2]);
  const prop = r.progress.filter((p) => p.phase === 'propagate');
  expect(prop.at(-1)).toMatchObject({ done: prop.at(-1)!.total });
  expect(r.progress.some((p) => p.phase === 'download')).toBe(true);
  // onnxruntime's wasm and the model come from the app itself: no CDN, works offline
  expect(requests.some((u) => /ort-wasm.*\.wasm$/.test(u))).toBe(true);
  expect(requests.some((u) => u.endsWith('/models/fixture/vision_encoder.onnx'))).toBe(true);
  expect(requests.filter((u) => !u.startsWith(`${baseURL}/`))).toEqual([]);
  // The engine worker keeps a spill file for spatial memories beyond its RAM budget, in this
  // browser's private storage (not a user folder); the next worker removes the one a
  // terminated worker left (the harness ends its worker after each run).
  const spillFiles = () => page.evaluate(async () => {
    const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('slicesam-engine');
    const names: string[] = [];
    for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return names;
  });
  const first = await spillFiles();
  expect(first).toEqual([expect.stringMatching(/^memories-[0-9a-f-]{36}\.bin$/)]);
  wasmSmall = await run(page, { ...SMALL, device: 'wasm' });
  const second = await spillFiles();
  expect(second).toHaveLength(1);
  expect(second[0]).not.toBe(first[0]);
  expect(wasmSmall.error).toBeNull();
  expect(wasmSmall.dice[1]).toBeGreaterThanOrEqual(0.95);
  expect(wasmSmall.dice[2]).toBeGreaterThanOrEqual(0.95);
});

test('WebGPU (software adapter) gives the same masks as WASM', async ({ page }) => {
  test.setTimeout(300_000);
  await open(page);
  const adapter = await page.evaluate(() => (window as unknown as { engineHarness: EngineHarness }).engineHarness.webgpuAdapter());
  expect(adapter, 'Chromium started with --enable-unsafe-webgpu has a WebGPU adapter').not.toBeNull();
  const r = await run(page, { ...SMALL, device: 'webgpu' });
  expect(r.error).toBeNull();
  expect(r.info.device).toBe('webgpu');
  expect(r.dice[1]).toBeGreaterThanOrEqual(0.95);
  expect(r.dice[2]).toBeGreaterThanOrEqual(0.95);
  expect(wasmSmall).toBeDefined();
  expect(r.labels).toBe(wasmSmall!.labels);
});

test('a lost WebGPU device mid-propagation: the rest runs on WASM, no slice is lost, same masks', async ({ page }) => {
  test.setTimeout(300_000);
  await open(page);
  const r = await run(page, { ...SMALL, device: 'webgpu', loseDeviceAfter: 2 });
  expect(r.error).toBeNull();
  expect(r.info.device).toBe('webgpu');
  expect(r.summary!.fellBackToWasm).toBe(true);
  expect(r.infoAfter.device).toBe('wasm');
  expect(r.infoAfter.webgpuUnavailable).toMatch(/WebGPU failed/);
  expect(r.batches.map((b) => b.slice)).toEqual([1, 2, 3, 4]);
  expect(r.labels).toBe(wasmSmall!.labels);
});

test('"until the object ends" stops within one slice of the true end, both ways', async ({ page }) => {
  await open(page);
  const r = await run(page, {
    device: 'wasm',
    dims: [64, 48, 24],
    objects: [{ ...A, first: 5, last: 17 }],
    prompts: [11],
    request: { axis: 2, mode: 'until-end', stopAfterEmpty: 1 },
  });
  expect(r.error).toBeNull();
  const stops = r.summary!.stops;
  const fwd = stops.find((s) => s.direction === 'forward')!.stoppedAfter!;
  const rev = stops.find((s) => s.direction === 'reverse')!.stoppedAfter!;
  expect(Math.abs(fwd - 17)).toBeLessThanOrEqual(1);
  expect(Math.abs(rev - 5)).toBeLessThanOrEqual(1);
  expect(r.extent[1]).toEqual([5, 17]);
  // it stopped: slices past the end +1 were never visited
  expect(Math.max(...r.batches.map((b) => b.slice))).toBeLessThanOrEqual(18);
  expect(Math.min(...r.batches.map((b) => b.slice))).toBeGreaterThanOrEqual(4);
  expect(r.dice[1]).toBeGreaterThanOrEqual(0.95);
});

test('cancel stops a propagation between slices', async ({ page }) => {
  await open(page);
  const long: PhantomObject = { label: 1, first: 0, last: 59, from: [20, 20], to: [40, 28], radius: 6 };
  const r = await run(page, {
    device: 'wasm',
    dims: [64, 48, 60],
    objects: [long],
    prompts: [0],
    request: { axis: 2, mode: 'forward', from: 0 },
    abortAfter: 5,
  });
  expect(r.error).toBeNull();
  expect(r.summary!.cancelled).toBe(true);
  expect(r.batches.length).toBeLessThan(60);
  expect(r.afterAbort).toBeLessThanOrEqual(1);
  console.log(`cancel latency ${r.cancelLatencyMs?.toFixed(1)} ms, slices after abort ${r.afterAbort}`);
});
