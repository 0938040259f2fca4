/**
 * Models a clinician controls, in the production build, the way a user meets them:
 * - offline with a cold cache, the first prompt says so in full and offers Choose files…;
 *   a damaged model folder is refused by name; the fixture model's folder (models/fixture/,
 *   copied into OPFS: the real picker cannot be automated) loads, the prompt segments; after
 *   a reload, still offline, the model is still chosen and segments, with no dialog;
 * - online with a cold cache, the first prompt asks first (name, size, host); Download
 *   proceeds; a reload loads it from the cache without asking;
 * - without a folder picker, a failed download says why in full and the files come through
 *   the dialog's file input.
 * The remote model is the fixture's graphs answered by page.route as if from huggingface.co
 * (the only model host the page's Content Security Policy allows). Screenshots at 1280×720
 * and 1920×1080 go to e2e/screenshots/. WebGPU is on, on SwiftShader's software adapter: it
 * counts as no GPU (WASM, and About says why).
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idle } from './app-helpers.ts';
import { freshFolder, type FolderFile } from './opfs.ts';
import { serveStatic } from './static-server.ts';
import { boxOn, makePhantom, type PhantomObject } from '../src/engine/testing/phantom.ts';
import { encodeNifti } from '../src/io/nifti/write.ts';
import type { Vec3 } from '../src/shared/volume.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tools/chromium.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(here, 'screenshots');
const FIXTURE = resolve(here, '../models/fixture');
const NAMES = readdirSync(FIXTURE);
const DIMS: Vec3 = [64, 56, 16];
const A: PhantomObject = { label: 1, first: 3, last: 12, from: [24, 22], to: [30, 28], radius: 9 };
const nifti = Buffer.from(encodeNifti({ data: makePhantom(DIMS, [A]).data, datatype: 'int16', dims: DIMS, affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1] }));
const ROOT = 'e2e-model-files';
const CASES: FolderFile[] = [{ path: 'cases/phantom.nii', base64: nifti.toString('base64') }];
/** Two model folders: the fixture's ("model"), and a copy with one byte of mask_decoder.onnx changed: same size, another sha256. */
const MODELS: FolderFile[] = NAMES.flatMap((n) => {
  const b = readFileSync(join(FIXTURE, n));
  const bad = Buffer.from(b);
  if (n === 'mask_decoder.onnx') bad.writeUInt8(bad.readUInt8(bad.length - 100) ^ 0xff, bad.length - 100);
  return [{ path: `model/fixture/${n}`, base64: b.toString('base64') }, { path: `damaged/fixture/${n}`, base64: bad.toString('base64') }];
});
const TOTAL = NAMES.filter((n) => n !== 'manifest.json').reduce((n, f) => n + readFileSync(join(FIXTURE, f)).length, 0);

test.describe.configure({ mode: 'serial' });
// WebGPU on (SwiftShader's software adapter), as on a machine without a GPU whose browser still offers it: the app must count it as none.
test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] } });

/**
 * showDirectoryPicker hands out folders of OPFS folder ROOT: the model picker (id
 * "slicesam-model") the one named in localStorage "e2e-model-folder", every other pick "cases".
 */
async function pickerStandIn(context: BrowserContext): Promise<void> {
  await context.addInitScript((ROOT) => {
    Object.defineProperty(window, 'showDirectoryPicker', {
      configurable: true,
      value: async (o?: { id?: string }) => {
        const top = await (await navigator.storage.getDirectory()).getDirectoryHandle(ROOT);
        return top.getDirectoryHandle(o?.id === 'slicesam-model' ? (localStorage.getItem('e2e-model-folder') ?? 'model') : 'cases');
      },
    });
  }, ROOT);
}

/** Draw a box on the object on axial slice k (the prompt then waits for the model). */
async function box(page: Page, k: number): Promise<void> {
  const centre = (await page.evaluate(() => window.__slicesam!.currentSlice('axial')))!.slice;
  const mid = await page.evaluate(([k]) => window.__slicesam!.clientPoint([32, 28, k!], 'axial'), [centre]);
  await page.mouse.move(mid![0], mid![1]);
  for (let guard = 0; guard < 40; guard++) {
    const cur = (await page.evaluate(() => window.__slicesam!.currentSlice('axial')))!.slice;
    if (cur === k) break;
    await page.keyboard.press(cur < k ? 'ArrowRight' : 'ArrowLeft');
  }
  const b = boxOn(A, k);
  const p0 = (await page.evaluate((ijk) => window.__slicesam!.clientPoint(ijk, 'axial'), [b.x0, b.y0, k] as [number, number, number]))!;
  const p1 = (await page.evaluate((ijk) => window.__slicesam!.clientPoint(ijk, 'axial'), [b.x1, b.y1, k] as [number, number, number]))!;
  if ((await page.evaluate(() => window.__slicesam!.annotation()!.promptTool)) !== 'box') await page.keyboard.press('r');
  await page.mouse.move(p0[0], p0[1]);
  await page.mouse.down();
  await page.mouse.move(p1[0], p1[1], { steps: 5 });
  await page.mouse.up();
}

const history = (page: Page) => page.evaluate(() => window.__slicesam!.annotation()!.historySize);
const labelled = (page: Page) => page.evaluate(() => window.__slicesam!.labelCounts()?.[1] ?? 0);

/** The segmentation of a prompt arrived: one more undo step and voxels of object 1. */
async function segmented(page: Page, before: number): Promise<void> {
  await expect.poll(() => history(page), { timeout: 60_000 }).toBe(before + 1);
  expect(await labelled(page)).toBeGreaterThan(0);
}

async function shots(page: Page, name: string): Promise<void> {
  for (const [w, h] of [[1280, 720], [1920, 1080]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: join(SHOTS, `${name}-${w}x${h}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

/** Reload and wait for the app. */
async function reloaded(page: Page): Promise<void> {
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined), { timeout: 30_000 }).toBe(true);
}

/** Open the case folder and draw a box on slice k; answers the undo steps before the box. */
async function openAndPrompt(page: Page, k: number): Promise<number> {
  await openCase(page);
  const before = await history(page);
  await box(page, k);
  return before;
}

async function openCase(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Open folder/ }).click();
  await caseShown(page);
}

async function caseShown(page: Page): Promise<void> {
  await idle(page);
  await page.waitForFunction(() => window.__slicesam!.state().viewer?.volumeCount === 1 && window.__slicesam!.annotation() !== null, null, { timeout: 60_000 });
}

test('offline, cold cache: the first prompt says so and offers Choose files…; a damaged folder is refused by name; the fixture folder loads, segments, and still works after a reload offline', async ({ browser }) => {
  // A copy of dist/ on a plain static server, as offline.spec.ts does: a build in the meantime cannot change it.
  const deploy = mkdtempSync(join(tmpdir(), 'slicesam-model-files-'));
  cpSync(resolve(here, '../dist'), deploy, { recursive: true });
  const server = await serveStatic(deploy, '/apps/slicesam/');
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, serviceWorkers: 'allow' });
  await pickerStandIn(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  // The service worker installs; its headers make the page cross-origin isolated after one reload.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null && crossOriginIsolated, null, { timeout: 90_000 });
  await freshFolder(page, ROOT, [...CASES, ...MODELS]);
  await page.evaluate(() => localStorage.setItem('e2e-model-folder', 'damaged'));
  await reloaded(page);

  await context.setOffline(true);
  const before = await openAndPrompt(page, 6);
  const offline = page.getByRole('dialog', { name: 'You are offline' });
  await expect(offline).toBeVisible();
  await expect(offline).toContainText('This computer is offline, and the model is not in this browser yet: it has to be downloaded once from huggingface.co.');
  await expect(offline).toContainText(/Size\s*\d+\.\d MB/);
  await expect(offline.getByRole('button', { name: 'Choose files…' })).toBeVisible();
  await shots(page, 'model-offline');

  // The damaged copy: refused, naming the file and the reason; nothing is kept.
  await offline.getByRole('button', { name: 'Choose files…' }).click();
  const refused = page.getByRole('dialog', { name: 'These files are not a model SliceSAM can use' });
  await expect(refused).toBeVisible();
  await expect(refused).toContainText(/fixture\/mask_decoder\.onnx: sha256 mismatch: the file is damaged or from another model \(got [0-9a-f]{64}, expected 1497adee/);
  await page.screenshot({ path: join(SHOTS, 'model-refused-1280x720.png') });
  expect(await page.evaluate(async () => (await (await caches.open('slicesam-models-v1')).keys()).length)).toBe(0);

  // The good copy: checked, kept, chosen; the waiting prompt segments with it.
  await page.evaluate(() => localStorage.setItem('e2e-model-folder', 'model'));
  await refused.getByRole('button', { name: 'Choose files…' }).click();
  await expect(refused).toBeHidden();
  await segmented(page, before);
  expect(await page.evaluate(() => window.__slicesam!.annotation()!.modelId)).toBe('fixture-512');
  await expect(page.getByLabel('SAM2 model').locator('option:checked')).toHaveText(/SliceSAM fixture/);

  // A reload, still offline: the model is listed and chosen, loads from the cache, no dialog.
  await reloaded(page);
  const again = await openAndPrompt(page, 8);
  expect(await page.evaluate(() => window.__slicesam!.annotation()!.modelId)).toBe('fixture-512');
  await segmented(page, again);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.keyboard.press('i');
  await expect(page.getByRole('dialog', { name: 'About this device' })).toContainText('loaded from disk by you');
  expect(errors).toEqual([]);
  await context.close();
  await server.close();
  rmSync(deploy, { recursive: true, force: true });
});

/** Answer models/index.json with one model whose files come "from huggingface.co": the fixture's, counted. */
async function remoteModel(context: BrowserContext, files: 'serve' | 'fail'): Promise<{ requests: () => number }> {
  const manifest = JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8'));
  manifest.id = 'remote-fixture';
  manifest.name = 'SliceSAM fixture (as if from Hugging Face)';
  for (const f of Object.values(manifest.files) as { url: string }[]) f.url = `https://huggingface.co/slicesam-e2e/fixture/resolve/0123456789abcdef0123456789abcdef01234567/${f.url.split('/').pop()}`;
  await context.route('**/models/index.json', (r) => r.fulfill({ json: [{ id: 'remote-fixture', name: manifest.name, manifest: 'models/remote-fixture.json', bytes: TOTAL }] }));
  await context.route('**/models/remote-fixture.json', (r) => r.fulfill({ json: manifest }));
  let n = 0;
  await context.route('https://huggingface.co/**', (r) => {
    n++;
    if (files === 'fail') return r.abort('internetdisconnected');
    return r.fulfill({
      body: readFileSync(join(FIXTURE, new URL(r.request().url()).pathname.split('/').pop()!)),
      headers: { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin', 'Content-Type': 'application/octet-stream' },
    });
  });
  return { requests: () => n };
}

test('online, cold cache: the first prompt asks first with name, size and host; Download proceeds; a reload loads it from the cache without asking', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, serviceWorkers: 'block' });
  await pickerStandIn(context);
  const remote = await remoteModel(context, 'serve');
  const page = await context.newPage();
  await page.goto('/');
  await freshFolder(page, ROOT, [...CASES, ...MODELS]);
  await reloaded(page);
  const before = await openAndPrompt(page, 6);
  const ask = page.getByRole('dialog', { name: 'Download the segmentation model?' });
  await expect(ask).toBeVisible();
  await expect(ask).toContainText('SliceSAM fixture (as if from Hugging Face)');
  await expect(ask).toContainText(`Size${Math.ceil(TOTAL / 1e3)} kB`);
  await expect(ask).toContainText('Fromhuggingface.co');
  await expect(ask.getByRole('button', { name: 'Choose files…' })).toBeVisible();
  expect(remote.requests()).toBe(0); // nothing fetched before the answer
  await shots(page, 'model-ask');
  await ask.getByRole('button', { name: 'Download' }).click();
  await expect(ask).toBeHidden();
  await segmented(page, before);
  expect(remote.requests()).toBe(6);

  await reloaded(page);
  const again = await openAndPrompt(page, 8);
  await segmented(page, again);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(remote.requests()).toBe(6);

  // From disk… beside the model list: the folder picker at once; the model is then the choice, marked in the list.
  await page.getByRole('button', { name: 'Load model from disk…' }).click();
  await expect(page.getByLabel('SAM2 model').locator('option:checked')).toHaveText(/^SliceSAM fixture .*\(from disk\)$/);
  expect(await page.evaluate(() => window.__slicesam!.annotation()!.modelId)).toBe('fixture-512');
  const third = await history(page);
  await box(page, 10);
  await segmented(page, third);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await context.close();
});

test('no folder picker: a failed download says why in full, and the model files come through the file input', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, serviceWorkers: 'block' });
  await context.addInitScript(() => delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker);
  const remote = await remoteModel(context, 'fail');
  const page = await context.newPage();
  await page.goto('/');
  const dir = mkdtempSync(join(tmpdir(), 'slicesam-model-files-'));
  writeFileSync(join(dir, 'phantom.nii'), nifti);
  await page.getByLabel('Open files', { exact: true }).setInputFiles(join(dir, 'phantom.nii'));
  await caseShown(page);
  const before = await history(page);
  await box(page, 6);
  const ask = page.getByRole('dialog', { name: 'Download the segmentation model?' });
  await ask.getByRole('button', { name: 'Download' }).click();
  const failed = page.getByRole('dialog', { name: 'The model could not be downloaded' });
  await expect(failed).toBeVisible();
  await expect(failed).toContainText(/The download from huggingface\.co failed: could not download https:\/\/huggingface\.co\/slicesam-e2e\/fixture\/resolve\/[0-9a-f]{40}\/vision_encoder\.onnx: .+\. This computer seems to be offline, or huggingface\.co cannot be reached from this network\./);
  expect(remote.requests()).toBeGreaterThan(0);
  await shots(page, 'model-download-failed');
  const chooser = page.waitForEvent('filechooser');
  await failed.getByRole('button', { name: 'Choose files…' }).click();
  await (await chooser).setFiles(NAMES.map((n) => join(FIXTURE, n)));
  await expect(failed).toBeHidden();
  await segmented(page, before);
  expect(await page.evaluate(() => window.__slicesam!.annotation()!.modelId)).toBe('fixture-512');
  await context.close();
});

test.describe('a software WebGPU adapter', () => {
  test('SwiftShader\'s WebGPU counts as no GPU: the engine runs on WASM, and About says why', async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, serviceWorkers: 'block' });
    await pickerStandIn(context);
    const page = await context.newPage();
    await page.goto('/?model=fixture-512');
    expect(await page.evaluate(async () => (await (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()) != null)).toBe(true);
    await freshFolder(page, ROOT, CASES);
    await reloaded(page);
    const before = await openAndPrompt(page, 6);
    await segmented(page, before);
    expect(await page.evaluate(() => window.__slicesam!.annotation()!.device)).toMatch(/^WASM/);
    await page.keyboard.press('Escape');
    await page.keyboard.press('i');
    const about = page.getByRole('dialog', { name: 'About this device' });
    await expect(about).toContainText('WebGPU adapter is a software renderer (SwiftShader): WASM is faster');
    await page.screenshot({ path: join(SHOTS, 'model-about-software-webgpu-1280x720.png') });
    await context.close();
  });
});
