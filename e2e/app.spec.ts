import { expect, test, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { TestSnapshot } from '../src/app/test-hook.ts';

const here = dirname(fileURLToPath(import.meta.url));
const DATA = resolve(here, '../../shared/data');
const NIFTI = join(DATA, 'nifti_space/RAS.nii.gz');
const DICOM_DIR = join(DATA, 'dicom/vs-seg-001-t1-mprage');
const SHOTS = join(here, 'screenshots');

/** dim[1..3] straight from a NIfTI-1 header, either byte order. */
function niftiDims(path: string): [number, number, number] {
  let bytes = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = view.getInt32(0, true) === 348;
  return [view.getInt16(42, little), view.getInt16(44, little), view.getInt16(46, little)];
}

async function snapshot(page: Page): Promise<TestSnapshot> {
  return page.evaluate(() => {
    if (!window.__slicesam) throw new Error('test hook missing');
    return window.__slicesam.state();
  });
}

/**
 * Wait until the app is idle and has either shown a volume or reported an
 * error, then check that the viewer holds one volume of these dims.
 */
async function expectShown(page: Page, dims: [number, number, number]): Promise<TestSnapshot> {
  await page.waitForFunction(() => {
    const s = window.__slicesam?.state();
    return s !== undefined && !s.busy && ((s.viewer?.volumeCount ?? 0) > 0 || s.errors.length > 0);
  }, undefined, { timeout: 90_000 });
  const s = await snapshot(page);
  expect({ viewer: s.viewer?.dims ?? null, count: s.viewer?.volumeCount ?? 0, errors: s.errors }).toMatchObject({ viewer: dims, count: 1 });
  return s;
}

/**
 * Fraction of the canvas that is not background (black), from a real
 * screenshot, decoded in the page with the browser's PNG decoder.
 */
async function litFraction(page: Page, path: string): Promise<number> {
  const png = await page.locator('canvas[aria-label="Image viewer"]').screenshot({ path });
  return page.evaluate(async (b64) => {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    let lit = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.max(data[i]!, data[i + 1]!, data[i + 2]!) > 24) lit++;
    }
    return lit / (bitmap.width * bitmap.height);
  }, png.toString('base64'));
}

const pageErrors = new WeakMap<Page, string[]>();

test.beforeEach(async ({ page }) => {
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  // Turn on file chooser interception now: Playwright enables it without waiting,
  // so enabling it just before a key press races the press.
  page.on('filechooser', () => undefined);
  await page.goto('/');
  await expect(page.locator('slicesam-app')).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
});

test.afterEach(async ({ page }) => {
  expect(pageErrors.get(page) ?? []).toEqual([]);
});

test('shell opens, cross-origin isolated; the viewer (NiiVue) loads only with the first case', async ({ page }) => {
  await expect(page).toHaveTitle('SliceSAM');
  await expect(page.getByRole('heading', { name: 'SliceSAM' })).toBeVisible();
  await expect(page.getByRole('button', { name: /Open files/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /Open folder/ })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const s = await snapshot(page);
  expect(s.cases).toEqual([]);
  expect(s.viewer).toBeNull(); // not loaded before a case opens: the start stays small
  await page.screenshot({ path: join(SHOTS, 'shell.png') });
});

test('a NIfTI file opens in the viewer', async ({ page }) => {
  const dims = niftiDims(NIFTI);
  await page.getByLabel('Open files', { exact: true }).setInputFiles(NIFTI);
  const s = await expectShown(page, dims);
  expect(s.cases).toHaveLength(1);
  expect(s.cases[0]).toMatchObject({ kind: 'nifti', status: 'todo', sourcePaths: ['RAS.nii.gz'] }); // looked at, not yet worked on
  expect(s.selectedId).toBe(s.cases[0]!.id);
  expect(s.volume?.dims).toEqual(dims);
  expect(s.skipped).toEqual([]);
  expect(s.errors).toEqual([]);
  await expect(page.getByText('RAS.nii.gz').first()).toBeVisible();
  expect(await litFraction(page, join(SHOTS, 'nifti-canvas.png'))).toBeGreaterThan(0.03);
  await page.screenshot({ path: join(SHOTS, 'nifti.png') });
});

test('a DICOM series (120 files) opens as one 512×512×120 volume', async ({ page }) => {
  const files = readdirSync(DICOM_DIR).sort().map((f) => join(DICOM_DIR, f));
  expect(files).toHaveLength(120);
  await page.getByLabel('Open files', { exact: true }).setInputFiles(files);
  // While it works: a progress bar with a Cancel button.
  const cancel = page.getByRole('button', { name: 'Cancel' });
  if (await cancel.isVisible()) await page.screenshot({ path: join(SHOTS, 'dicom-progress.png') });
  const s = await expectShown(page, [512, 512, 120]);
  expect(s.cases).toHaveLength(1);
  expect(s.cases[0]).toMatchObject({ kind: 'dicom', status: 'todo' });
  expect(s.cases[0]!.sourcePaths).toHaveLength(120);
  expect(s.volume).toMatchObject({ dims: [512, 512, 120], voxels: 512 * 512 * 120, sourceFiles: 120 });
  expect(s.skipped).toEqual([]);
  expect(await litFraction(page, join(SHOTS, 'dicom-canvas.png'))).toBeGreaterThan(0.03);
  await page.screenshot({ path: join(SHOTS, 'dicom.png') });
});

test('bad files are reported by name while a good file still loads', async ({ page }, testInfo) => {
  const empty = testInfo.outputPath('empty.dcm');
  const noise = testInfo.outputPath('noise.bin');
  writeFileSync(empty, new Uint8Array(0));
  writeFileSync(noise, randomBytes(4096));
  const dims = niftiDims(NIFTI);
  await page.getByLabel('Open files', { exact: true }).setInputFiles([empty, noise, NIFTI]);
  const s = await expectShown(page, dims);
  // A file named like an image that cannot be read is a failed case, with its reason;
  // a file that is no image at all is listed as left out, with its reason.
  expect(s.cases.map((c) => [c.sourcePaths[0], c.status])).toEqual([['RAS.nii.gz', 'todo'], ['empty.dcm', 'failed']].sort((a, b) => a[0]!.localeCompare(b[0]!)));
  const failed = s.cases.find((c) => c.status === 'failed')!;
  expect(failed.reason).toMatch(/empty/);
  expect(s.skipped.map((f) => f.path)).toEqual(['noise.bin']);
  // Listed, not pinned as an error: the status bar says how many could not be read.
  expect(s.errors).toEqual([]);
  expect(s.messages.join('\n')).toMatch(/1 case could not be read/);
  await expect(page.getByRole('alert')).toHaveCount(0);
  // Visible: the failed case with its reason and Retry, the left-out file with its reason once the list is opened.
  await expect(page.locator('slicesam-source-panel .volume', { hasText: 'empty.dcm' })).toContainText(failed.reason!);
  await expect(page.getByRole('button', { name: /^Retry .*empty\.dcm/ })).toBeVisible();
  const row = page.locator('slicesam-source-panel .skipped li', { hasText: 'noise.bin' });
  await expect(row).toBeHidden();
  await page.getByText('Files left out (1)').click();
  await expect(row).toBeVisible();
  await expect(row).toContainText(s.skipped[0]!.reason);
  expect(await litFraction(page, join(SHOTS, 'bad-files-canvas.png'))).toBeGreaterThan(0.03);
  await page.screenshot({ path: join(SHOTS, 'bad-files.png') });
});

test('the o key opens the file chooser', async ({ page }) => {
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('o');
  const fc = await chooser;
  expect(fc.isMultiple()).toBe(true);
  await fc.setFiles(NIFTI);
  await expectShown(page, niftiDims(NIFTI));
});

test('Cancel stops a scan, and the next open still works', async ({ page }) => {
  const files = readdirSync(DICOM_DIR).sort().map((f) => join(DICOM_DIR, f));
  await page.getByLabel('Open files', { exact: true }).setInputFiles(files);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect.poll(async () => (await snapshot(page)).busy).toBe(false);
  let s = await snapshot(page);
  expect(s.viewer?.volumeCount ?? 0).toBe(0);
  expect(s.errors).toEqual([]);
  await expect(page.getByRole('status')).toContainText('cancelled');
  await page.getByLabel('Open files', { exact: true }).setInputFiles(NIFTI);
  s = await expectShown(page, niftiDims(NIFTI));
  expect(s.cases).toHaveLength(1);
});
