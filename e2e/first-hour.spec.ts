/**
 * A clinician's first hour on the shared 120-slice MR (../shared/data/dicom/vs-seg-001-t1-mprage),
 * in the production build served by a plain static server (the service worker makes it work
 * offline), with mouse and keyboard only, at 1280×720 and 1920×1080. The folder holds the MR
 * series, a NIfTI case, a truncated DICOM file, a truncated NIfTI file (repaired during the
 * hour) and a text file. The walk: open the folder; an MR window preset; a live window drag;
 * zoom and pan; the radiological view; a box while offline, where the model folder is loaded
 * from disk; a second box and propagation between them; a brush click that leaves the
 * crosshair where it was; save; Next to the next unfinished case; Retry of the repaired case.
 * Screenshots of each state: e2e/screenshots/first-hour-<W>x<H>-<state>.png.
 */
import { expect, test, type Page } from '@playwright/test';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idle, state } from './app-helpers.ts';
import { freshFolder, type FolderFile } from './opfs.ts';
import { serveStatic } from './static-server.ts';
import { makePhantom, type PhantomObject } from '../src/engine/testing/phantom.ts';
import { encodeNifti } from '../src/io/nifti/write.ts';
import type { Vec3 } from '../src/shared/volume.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(here, 'screenshots');
const MR = resolve(here, '../../shared/data/dicom/vs-seg-001-t1-mprage');
const FIXTURE = resolve(here, '../models/fixture');
const ROOT = 'e2e-first-hour';
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

const A: PhantomObject = { label: 1, first: 3, last: 12, from: [24, 22], to: [30, 28], radius: 9 };
const phantom = encodeNifti({ data: makePhantom([64, 56, 16], [A]).data, datatype: 'int16', dims: [64, 56, 16], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1] });
const mrFiles = readdirSync(MR).sort();
const firstSlice = readFileSync(join(MR, mrFiles[0]!));
/** The cases folder (natural order puts the MR first) and, beside it, the model folder a user would have downloaded. */
const FILES: FolderFile[] = [
  ...mrFiles.map((f) => ({ path: `cases/1-mr/${f}`, base64: readFileSync(join(MR, f)).toString('base64') })),
  { path: 'cases/2-phantom.nii', base64: b64(phantom) },
  { path: 'cases/3-broken/IM0001.dcm', base64: b64(firstSlice.subarray(0, Math.floor(firstSlice.length / 3))) },
  { path: 'cases/4-scan.nii', base64: b64(phantom.subarray(0, 200)) },
  { path: 'cases/notes.txt', base64: b64(new TextEncoder().encode('T1 MPRAGE, Gamma Knife planning')) },
  ...readdirSync(FIXTURE).map((n) => ({ path: `model/fixture/${n}`, base64: readFileSync(join(FIXTURE, n)).toString('base64') })),
];

test.describe.configure({ mode: 'serial' });

for (const [width, height] of [[1280, 720], [1920, 1080]] as const) {
  test(`${width}×${height}: the first hour on the MR, from opening the folder to the next case`, async ({ browser }) => {
    test.setTimeout(420_000);
    const deploy = mkdtempSync(join(tmpdir(), 'slicesam-first-hour-'));
    cpSync(resolve(here, '../dist'), deploy, { recursive: true });
    const server = await serveStatic(deploy, '/apps/slicesam/');
    const context = await browser.newContext({ viewport: { width, height }, serviceWorkers: 'allow' });
    // The folder picker hands out OPFS folders: the model picker the model folder, every other pick the cases.
    await context.addInitScript((ROOT) => {
      Object.defineProperty(window, 'showDirectoryPicker', {
        configurable: true,
        value: async (o?: { id?: string }) => (await (await navigator.storage.getDirectory()).getDirectoryHandle(ROOT)).getDirectoryHandle(o?.id === 'slicesam-model' ? 'model' : 'cases'),
      });
    }, ROOT);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const shot = (name: string) => page.screenshot({ path: join(SHOTS, `first-hour-${width}x${height}-${name}.png`) });
    const view = async () => (await state(page)).viewer!.view;
    const readout = page.getByRole('status', { name: 'Window and level' });
    const client = async (ijk: Vec3): Promise<[number, number]> => (await page.evaluate((ijk) => window.__slicesam!.clientPoint(ijk, 'axial'), ijk))!;
    const slice = async () => (await page.evaluate(() => window.__slicesam!.currentSlice('axial')))!.slice;
    const history = async () => (await page.evaluate(() => window.__slicesam!.annotation()))?.historySize ?? 0;
    const labelledSlices = async (nx: number, ny: number) => new Set((await page.evaluate(() => window.__slicesam!.labelledVoxels()))!.map((n) => Math.floor(n / (nx * ny))));
    const drag = async (from: [number, number], to: [number, number]) => {
      await page.mouse.move(...from);
      await page.mouse.down();
      await page.mouse.move(...to, { steps: 6 });
      await page.mouse.up();
    };
    try {
      await page.goto(server.url);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null && crossOriginIsolated, null, { timeout: 90_000 });
      await freshFolder(page, ROOT, FILES);
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined), { timeout: 30_000 }).toBe(true);
      await shot('start');

      // 1. The folder: the MR opens first; the broken files are failed cases with their reasons; the text file is left out.
      await page.getByRole('button', { name: /Open folder/ }).click();
      await idle(page);
      await expect.poll(async () => (await state(page)).viewer?.volumeCount ?? 0, { timeout: 60_000 }).toBe(1);
      let s = await state(page);
      expect(s.volume!.dims).toEqual([512, 512, 120]);
      const byPath = (p: string) => s.cases.find((c) => c.sourcePaths.some((f) => f.startsWith(p)));
      expect(s.cases).toHaveLength(4);
      expect(s.selectedId).toBe(byPath('1-mr/')!.id);
      expect(s.cases.map((c) => c.status)).toEqual(['todo', 'todo', 'failed', 'failed']); // looking is not working
      expect(byPath('3-broken/')!.reason).toMatch(/bytes short/);
      expect(byPath('4-scan.nii')!.reason).toMatch(/^named as NIfTI but only 200 bytes.*cut off/);
      await expect(page.getByText(/cut off/)).toBeVisible(); // the reason is on screen, beside Retry
      await expect(page.getByText(/Files left out \(1\)/)).toBeVisible();
      const [nx, ny] = s.volume!.dims;
      await shot('opened');

      // 2. An MR preset: the window the model is given and the W / L numbers change.
      const before = await readout.textContent();
      await page.getByRole('combobox', { name: 'Window' }).selectOption('mr-t1');
      await expect(readout).not.toHaveText(before!);
      await shot('preset-mr-t1');

      // 3. A right-drag: W and L change at each step, while the button is held.
      const [cx, cy] = await client([256, 256, await slice()]);
      await page.mouse.move(cx, cy);
      await page.mouse.down({ button: 'right' });
      const seen = new Set([await readout.textContent()]);
      for (let step = 1; step <= 3; step++) {
        await page.mouse.move(cx + 25 * step, cy - 10 * step, { steps: 2 });
        seen.add(await readout.textContent());
      }
      await shot('window-drag');
      await page.mouse.up({ button: 'right' });
      expect(seen.size).toBe(4);
      await expect(page.getByRole('combobox', { name: 'Window' })).toHaveValue('custom');

      // 4. Zoom about the pointer and pan; 0 fits again.
      const target: Vec3 = [280, 230, await slice()];
      const at = await client(target);
      await page.mouse.move(...at);
      await page.keyboard.press('z');
      await page.keyboard.press('z');
      await expect.poll(async () => (await view()).zoom).toBeGreaterThan(1.5);
      await page.keyboard.down('Shift');
      await drag(await client(target), [at[0] - 60, at[1] + 40]);
      await page.keyboard.up('Shift');
      const panned = await client(target);
      expect(Math.abs(panned[0] - (at[0] - 60))).toBeLessThan(2);
      await shot('zoomed-panned');
      await page.keyboard.press('0');
      await expect.poll(async () => (await view()).zoom).toBe(1);

      // 5. The radiological view by default.
      expect((await view()).radiological).toBe(true);
      await expect(page.getByRole('button', { name: /convention: Radiological/ })).toBeVisible();

      // 6. Offline, the first box: the app says so and offers the files; the model folder from disk segments.
      await context.setOffline(true);
      const k = await slice();
      await page.keyboard.press('r');
      let steps = await history();
      await drag(await client([200, 180, k]), await client([290, 260, k]));
      const offline = page.getByRole('dialog', { name: 'You are offline' });
      await expect(offline).toBeVisible({ timeout: 60_000 });
      await shot('offline-model');
      await offline.getByRole('button', { name: 'Choose files…' }).click();
      await expect.poll(history, { timeout: 120_000 }).toBe(steps + 1);
      await expect(page.getByLabel('SAM2 model').locator('option:checked')).toHaveText(/from disk/);
      expect((await labelledSlices(nx, ny)).has(k)).toBe(true);
      await expect.poll(async () => (await state(page)).cases.find((c) => c.id === s.selectedId)?.status).toBe('in-progress');
      await shot('box');

      // 7. A second box four slices on, then propagation between them (Shift+T).
      for (let n = 0; n < 4; n++) await page.keyboard.press('ArrowRight');
      const k2 = await slice();
      expect(Math.abs(k2 - k)).toBe(4);
      steps = await history();
      await drag(await client([205, 185, k2]), await client([285, 255, k2]));
      await expect.poll(history, { timeout: 60_000 }).toBe(steps + 1);
      await page.keyboard.press('Shift+T');
      await expect.poll(history, { timeout: 120_000 }).toBe(steps + 2);
      await idle(page);
      const done = await labelledSlices(nx, ny);
      for (let z = Math.min(k, k2); z <= Math.max(k, k2); z++) expect(done.has(z), `slice ${z} segmented`).toBe(true);
      await shot('propagated');

      // 8. The brush away from the crosshair: voxels painted, the crosshair stays.
      await page.keyboard.press('Escape');
      await page.keyboard.press('p');
      const crosshair = (await view()).crosshairMm;
      steps = await history();
      await page.mouse.click(...(await client([120, 330, k2])));
      await expect.poll(history).toBe(steps + 1);
      expect((await view()).crosshairMm).toEqual(crosshair);
      await shot('brush');
      await page.keyboard.press('Escape');

      // 9. Save: the summary, the label file named for people in labels/, the case done.
      await page.keyboard.press('s');
      await expect(page.getByRole('dialog')).toContainText('Written:', { timeout: 60_000 });
      s = await idle(page);
      expect(s.cases.find((c) => c.id === s.selectedId)?.status).toBe('done');
      const labels = await page.evaluate(async (ROOT) => {
        const dir = await (await (await (await navigator.storage.getDirectory()).getDirectoryHandle(ROOT)).getDirectoryHandle('cases')).getDirectoryHandle('labels');
        const names: string[] = [];
        for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
        return names.sort();
      }, ROOT);
      expect(labels).toEqual(expect.arrayContaining(['volumetry.csv', expect.stringMatching(/^VS-SEG-001_2_t1_mpr_tra_gk_v4\.nii\.gz$/)]));
      await shot('saved');

      // 10. Next: the next case still to do (the NIfTI), not a failed one.
      await page.keyboard.press('Escape');
      await page.keyboard.press('n');
      s = await idle(page, s.selectedId!);
      expect(s.selectedId).toBe(byPath('2-phantom.nii')!.id);
      await expect.poll(async () => (await state(page)).viewer?.volumeCount ?? 0, { timeout: 60_000 }).toBe(1);
      await shot('next-case');

      // 11. The truncated NIfTI is put right on disk; Retry reads it again and it is a case to do.
      await page.evaluate(async ({ ROOT, bytes }) => {
        const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle(ROOT)).getDirectoryHandle('cases');
        const w = await (await dir.getFileHandle('4-scan.nii')).createWritable();
        await w.write(Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0)));
        await w.close();
      }, { ROOT, bytes: b64(phantom) });
      await page.getByRole('button', { name: /^Retry .*4-scan\.nii/ }).click();
      await expect.poll(async () => (await state(page)).cases.find((c) => c.sourcePaths.includes('4-scan.nii'))?.status, { timeout: 60_000 }).toBe('todo');
      s = await state(page);
      expect(s.cases.find((c) => c.sourcePaths.some((f) => f.startsWith('3-broken/')))?.status).toBe('failed'); // still truncated
      expect(s.cases.find((c) => c.sourcePaths.some((f) => f.startsWith('1-mr/')))?.status).toBe('done'); // statuses kept
      await shot('retried');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await server.close();
      rmSync(deploy, { recursive: true, force: true });
    }
  });
}
