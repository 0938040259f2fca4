/**
 * Offline and private, against dist/ served by a plain static server under a base path,
 * without COOP/COEP headers (as an ordinary hospital web server would):
 * the first visit installs the service worker, whose headers make the page cross-origin
 * isolated after one reload; offline, the app starts from its cache, resumes the folder,
 * prompts and propagates with the cached fixture model and saves; no request ever leaves
 * the app's origin; a new deployment is offered and applying it keeps the open case.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { boxOn, dice, makePhantom, type PhantomObject } from '../src/engine/testing/phantom.ts';
import { encodeNifti } from '../src/io/nifti/write.ts';
import type { Vec3 } from '../src/shared/volume.ts';
import { serveStatic, type StaticServer } from './static-server.ts';
import { usePickerStandIn } from './opfs.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(here, 'screenshots');
const ROOT = 'offline-root';
const DIMS: Vec3 = [64, 56, 16];
const A: PhantomObject = { label: 1, first: 3, last: 12, from: [24, 22], to: [30, 28], radius: 9 };
const phantom = makePhantom(DIMS, [A]);

test.describe.configure({ mode: 'serial' });

let server: StaticServer;
let context: BrowserContext;
let page: Page;
let deployA = '';
let deployB = '';
const requests: string[] = [];

const hook = <T,>(fn: () => T) => page.evaluate(fn);
const state = () => page.evaluate(() => window.__slicesam!.state());

async function idle(): Promise<void> {
  await page.waitForFunction(() => {
    const s = window.__slicesam?.state();
    return s !== undefined && !s.busy && s.selectedId !== null && s.viewer?.volumeCount === 1;
  }, null, { timeout: 60_000 });
}

async function goToSlice(k: number): Promise<void> {
  const mid = (await page.evaluate(() => window.__slicesam!.currentSlice('axial')))!.slice;
  const p = await page.evaluate((ijk) => window.__slicesam!.clientPoint(ijk, 'axial'), [32, 28, mid] as [number, number, number]);
  await page.mouse.move(p![0], p![1]);
  for (let guard = 0; guard < 40; guard++) {
    const cur = (await page.evaluate(() => window.__slicesam!.currentSlice('axial')))!.slice;
    if (cur === k) return;
    await page.keyboard.press(cur < k ? 'ArrowRight' : 'ArrowLeft');
  }
}

async function box(k: number): Promise<void> {
  await goToSlice(k);
  const before = (await hook(() => window.__slicesam!.annotation()!)).historySize;
  const b = boxOn(A, k);
  const p0 = await page.evaluate((ijk) => window.__slicesam!.clientPoint(ijk, 'axial'), [b.x0, b.y0, k] as [number, number, number]);
  const p1 = await page.evaluate((ijk) => window.__slicesam!.clientPoint(ijk, 'axial'), [b.x1, b.y1, k] as [number, number, number]);
  await page.keyboard.press('r');
  await page.mouse.move(p0![0], p0![1]);
  await page.mouse.down();
  await page.mouse.move(p1![0], p1![1], { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await hook(() => window.__slicesam!.annotation()!)).historySize, { timeout: 60_000 }).toBe(before + 1);
  await page.keyboard.press('Escape');
}

test.beforeAll(async ({ browser }) => {
  const dist = resolve(here, '../dist');
  deployA = mkdtempSync(join(tmpdir(), 'slicesam-deploy-a-'));
  deployB = mkdtempSync(join(tmpdir(), 'slicesam-deploy-b-'));
  cpSync(dist, deployA, { recursive: true });
  cpSync(dist, deployB, { recursive: true });
  // Version B: the same app with another service-worker version (a new deployment).
  const sw = readFileSync(join(deployB, 'sw.js'), 'utf8').replace(/const VERSION = "([0-9a-f]+)";/, 'const VERSION = "$1b";');
  writeFileSync(join(deployB, 'sw.js'), sw);
  server = await serveStatic(deployA, '/apps/slicesam/');
  context = await browser.newContext({ viewport: { width: 1280, height: 860 }, serviceWorkers: 'allow' });
  context.on('request', (r) => requests.push(r.url()));
  // Every Content-Security-Policy violation of every page, kept for the privacy test; and
  // whether the app asks for persistent storage (before its first model download).
  await context.addInitScript(() => {
    const seen: string[] = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    const persist = StorageManager.prototype.persist;
    StorageManager.prototype.persist = function (this: StorageManager) {
      sessionStorage.setItem('persist-requested', String(Number(sessionStorage.getItem('persist-requested') ?? 0) + 1));
      return persist.call(this);
    };
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await usePickerStandIn(context, ROOT);
  page = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
  await server?.close();
  for (const d of [deployA, deployB]) if (d) rmSync(d, { recursive: true, force: true });
});

test('first visit from a plain static server: the service worker installs and the reload makes the page cross-origin isolated', async () => {
  await page.goto(`${server.url}?model=fixture-512`);
  // No COOP/COEP from this server: isolation comes from the service worker, after one automatic reload.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null && crossOriginIsolated, null, { timeout: 90_000 });
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
  const shell = await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('slicesam-shell-')));
  expect(shell).toHaveLength(1);
  const cached = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => r.url), shell[0]!);
  expect(cached.some((u) => /ort-wasm.*\.wasm$/.test(u))).toBe(true);
  expect(cached.some((u) => u.endsWith('/apps/slicesam/'))).toBe(true);
  // installable: Chromium finds nothing missing (manifest, icons, service worker)
  const manifest = await (await page.request.get(`${server.url}manifest.webmanifest`)).json();
  expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
  // Playwright's contexts are incognito, where Chromium never installs apps; nothing else may be missing.
  expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
  // the policy is in the page
  const html = await (await page.request.get(server.url)).text();
  expect(html).toMatch(/Content-Security-Policy[^>]+script-src &#39;self&#39; &#39;wasm-unsafe-eval&#39;/);
  // About this device: what the app found and what it picked
  await page.keyboard.press('i');
  const about = page.getByRole('dialog', { name: 'About this device' });
  await expect(about).toBeVisible();
  await expect(about).toContainText(/WASM threads\s*2 \(of 2 cores\)|WASM threads\s*\d+ \(of \d+ cores\)/);
  await expect(about).toContainText('Offline (service worker)');
  await expect(about).toContainText('named in the address');
  await expect(about).toContainText(/\d+ kB download; [\d.]+ GB free for this site/); // storage beside the model size
  await page.screenshot({ path: join(SHOTS, 'offline-about.png') });
  await page.keyboard.press('Escape');
  await expect(about).toBeHidden();
});

test('offline: the app starts, resumes the folder, prompts and propagates with the cached model, and saves', async () => {
  // Online once: the case folder, and one prompt that downloads the model into the cache.
  const nifti = Buffer.from(encodeNifti({ data: phantom.data, datatype: 'int16', dims: DIMS, affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1] })).toString('base64');
  await page.evaluate(async ({ root, nifti }) => {
    const top = await (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true });
    const w = await (await top.getFileHandle('phantom.nii', { create: true })).createWritable();
    await w.write(Uint8Array.from(atob(nifti), (c) => c.charCodeAt(0)));
    await w.close();
  }, { root: ROOT, nifti });
  await page.getByRole('button', { name: /Open folder/ }).click();
  await idle();
  expect(await page.evaluate(() => sessionStorage.getItem('persist-requested'))).toBeNull();
  await box(A.first);
  expect((await hook(() => window.__slicesam!.annotation()!)).modelId).toBe('fixture-512');
  // persistent storage was asked for with the first model download
  expect(Number(await page.evaluate(() => sessionStorage.getItem('persist-requested')))).toBeGreaterThanOrEqual(1);

  await context.setOffline(true);
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined), { timeout: 30_000 }).toBe(true);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.getByRole('button', { name: /Resume/ }).click();
  await idle();
  await box(A.first);
  await box(A.last);
  await page.keyboard.press('Shift+T');
  await expect.poll(async () => (await state()).messages.at(-1), { timeout: 60_000 }).toMatch(/Propagated/);
  const labels = Uint8Array.from(Buffer.from((await page.evaluate(() => window.__slicesam!.labelMap()))!, 'base64'));
  expect(dice(labels, phantom.truth, 1)).toBeGreaterThanOrEqual(0.95);
  await page.keyboard.press('s');
  await expect.poll(async () => (await state()).messages.at(-1), { timeout: 30_000 }).toMatch(/saved labels\/phantom\.nii\.gz/);
  await page.screenshot({ path: join(SHOTS, 'offline-saved.png') });
  await page.keyboard.press('Escape');
  await context.setOffline(false);
});

test('privacy: every request of the session went to the app’s own origin; the policy blocked nothing the app needs', async () => {
  expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
  expect(requests.length).toBeGreaterThan(20);
  const foreign = requests.filter((u) => !u.startsWith(`${server.origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:'));
  expect(foreign).toEqual([]);
});

test('a new deployment is offered; applying it autosaves the open case and reloads into the new version', async () => {
  // Unsaved work on the open case
  await goToSlice(8);
  await page.keyboard.press('p');
  const p = await page.evaluate(() => window.__slicesam!.clientPoint([50, 45, 8], 'axial'));
  await page.mouse.move(p![0], p![1]);
  await page.mouse.down();
  await page.mouse.move(p![0] + 25, p![1] + 10, { steps: 6 });
  await page.mouse.up();
  await expect.poll(async () => (await state()).dirty).toBe(true);
  const drawn = await page.evaluate(() => window.__slicesam!.labelCounts());

  server.deploy(deployB);
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
  await expect(page.getByRole('button', { name: 'Update now' })).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: join(SHOTS, 'offline-update.png') });
  await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.getByRole('button', { name: 'Update now' }).click()]);
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
  const shells = await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('slicesam-shell-')));
  expect(shells).toHaveLength(1);
  expect(shells[0]).toMatch(/b$/); // version B is active, A's cache is gone
  // the downloaded model stays across the update
  const models = await page.evaluate(async () => (await (await caches.open('slicesam-models-v1')).keys()).length);
  expect(models).toBeGreaterThanOrEqual(6);
  await page.getByRole('button', { name: /Resume/ }).click();
  await idle();
  await expect.poll(() => page.evaluate(() => window.__slicesam!.labelCounts())).toEqual(drawn);
  expect((await state()).messages.join('\n')).toMatch(/restored unsaved work/);
});
