/**
 * MR bias-field correction (N4) in the app, with real keyboard and mouse: a synthetic MR
 * head with a left–right bias opens; G corrects it in the worker (progress in the status
 * bar), the corrected image is shown with its own window and its bias is gone; labels drawn
 * on it survive switching back to the original (G, no recomputation) and the model is given
 * the image shown; the fast preset; Cancel midway on a large case leaves the original; a
 * case N4 cannot correct says so by name; after a reload the case opens corrected from the
 * OPFS cache without a run, and a damaged cache entry is recomputed; the saved label has
 * the source's grid and nothing corrected is written into the folder.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { gunzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idle, state } from './app-helpers.ts';
import { mrPhantom, rightLeftRatio } from './n4-phantom.ts';
import { freshFolder, readFolderFile, usePickerStandIn } from './opfs.ts';
import { percentileWindow } from '../src/app/display.ts';
import { parseNiftiHeader } from '../src/io/nifti/header.ts';
import { encodeNifti, encodeNiftiParts } from '../src/io/nifti/write.ts';
import type { Vec3 } from '../src/shared/volume.ts';
import type { N4Snapshot } from '../src/app/test-hook.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(here, 'screenshots');
const ROOT = 'n4-root';
const DIMS: Vec3 = [96, 96, 24];
const AFFINE = [1, 0, 0, -48, 0, 1, 0, -48, 0, 0, 2, -24, 0, 0, 0, 1];
const LARGE: Vec3 = [256, 256, 160];
const phantom = mrPhantom(DIMS);
const SWITCH = { name: 'Correct MR bias field (N4)' };

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;

async function n4(): Promise<N4Snapshot> {
  return page.evaluate(() => window.__slicesam!.n4());
}

async function shownImage(): Promise<Float32Array> {
  const b64 = await page.evaluate(() => window.__slicesam!.shownImage());
  const bytes = Buffer.from(b64!, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

async function labels(): Promise<Buffer> {
  return Buffer.from((await page.evaluate(() => window.__slicesam!.labelMap()))!, 'base64');
}

async function annotation() {
  return page.evaluate(() => window.__slicesam!.annotation()!);
}

async function clientPoint(i: number, j: number, k: number): Promise<[number, number]> {
  const p = await page.evaluate(({ i, j, k }) => window.__slicesam!.clientPoint([i, j, k], 'axial'), { i, j, k });
  expect(p, `voxel ${i},${j},${k} is on screen`).not.toBeNull();
  return p!;
}

async function drag(from: [number, number], to: [number, number]): Promise<void> {
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move((from[0] + to[0]) / 2, (from[1] + to[1]) / 2, { steps: 4 });
  await page.mouse.move(...to, { steps: 4 });
  await page.mouse.up();
}

/** A box prompt on the axial slice under the crosshair; waits for the model's mask (one more undo step). */
async function boxPrompt(i0: number, j0: number, i1: number, j1: number): Promise<void> {
  const k = (await page.evaluate(() => window.__slicesam!.currentSlice('axial')))!.slice;
  const before = (await annotation()).historySize;
  await page.keyboard.press('r');
  await drag(await clientPoint(i0, j0, k), await clientPoint(i1, j1, k));
  await expect.poll(async () => (await annotation()).historySize, { timeout: 90_000 }).toBe(before + 1);
  await page.keyboard.press('Escape');
}

/** Texts the status bar showed while work ran (its progress label and count), collected in the page. */
async function watchStatusBar(): Promise<void> {
  await page.evaluate(() => {
    const bar = document.querySelector('slicesam-app')!.shadowRoot!.querySelector('slicesam-status-bar')!;
    const seen: string[] = [];
    (window as unknown as { __seen: string[] }).__seen = seen;
    const look = () => {
      const p = bar.shadowRoot!.querySelector('.progress');
      if (p) seen.push(p.textContent!.replace(/\s+/g, ' ').trim());
    };
    new MutationObserver(look).observe(bar.shadowRoot!, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

async function seenStatus(): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
}

/** Every file path under an OPFS folder. */
async function listOpfs(folder: string): Promise<string[]> {
  return page.evaluate(async (folder) => {
    const out: string[] = [];
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
      for await (const [name, handle] of (dir as unknown as AsyncIterable<[string, FileSystemHandle]>)) {
        if (handle.kind === 'file') out.push(prefix + name);
        else await walk(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
      }
    };
    try {
      await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(folder), '');
    } catch {
      // no such folder
    }
    return out.sort();
  }, folder);
}

/** The large case, generated in the page (its 20 MB need not cross the wire): the same kind of head, biased. */
async function writeLargeCase(name: string): Promise<void> {
  const { header } = encodeNiftiParts({ data: new Int16Array(LARGE[0] * LARGE[1] * LARGE[2]), datatype: 'int16', dims: LARGE, affine: [1, 0, 0, -128, 0, 1, 0, -128, 0, 0, 1, -80, 0, 0, 0, 1] });
  await page.evaluate(async ({ root, name, header, dims }) => {
    const [nx, ny, nz] = dims;
    const data = new Int16Array(nx * ny * nz);
    let s = 12345;
    let i = 0;
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
      const r = Math.hypot((x - nx / 2) / (0.45 * nx), (y - ny / 2) / (0.45 * ny), (z - nz / 2) / (0.45 * nz));
      let v = 5;
      if (r < 1) v = 250;
      if (r < 0.85) v = Math.floor(y / 8) % 2 === 0 ? 180 : 110;
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      // strong noise: N4 needs over 100 iterations here (the fit lasts long enough to cancel it midway)
      const noise = (s / 4294967296 - 0.5) * 80;
      data[i] = Math.round((v + noise) * (1 + 0.3 * ((2 * x) / (nx - 1) - 1)) * 4);
    }
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
    const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
    await w.write(Uint8Array.from(atob(header), (c) => c.charCodeAt(0)));
    await w.write(new Uint8Array(data.buffer));
    await w.close();
  }, { root: ROOT, name, header: Buffer.from(header).toString('base64'), dims: LARGE });
}

async function openCase(id: string): Promise<void> {
  const from = (await state(page)).selectedId;
  await page.locator(`slicesam-source-panel button.volume[data-id="${id}"]`).click();
  await idle(page, from ?? undefined);
}

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await usePickerStandIn(context, ROOT);
  page = await context.newPage();
  await page.goto('/?model=fixture-512');
  const ramp = encodeNifti({ data: phantom.data, datatype: 'int16', dims: DIMS, affine: AFFINE });
  const blank = encodeNifti({ data: new Int16Array(32 * 32 * 8), datatype: 'int16', dims: [32, 32, 8], affine: [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1] });
  await freshFolder(page, ROOT, [
    { path: 'case1-ramp.nii', base64: Buffer.from(ramp).toString('base64') },
    { path: 'case3-blank.nii', base64: Buffer.from(blank).toString('base64') },
  ]);
  await writeLargeCase('case2-large.nii');
  // no N4 results or settings from an earlier run
  await page.evaluate(async () => {
    await new Promise((done) => { const r = indexedDB.deleteDatabase('slicesam-n4'); r.onsuccess = r.onerror = r.onblocked = () => done(null); });
    await (await navigator.storage.getDirectory()).removeEntry('slicesam-n4', { recursive: true }).catch(() => undefined);
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
});

test.afterAll(async () => {
  await context.close();
});

test('G corrects the case in the worker with progress; the corrected image is shown with its own window and the bias is gone', async () => {
  await page.getByRole('button', { name: /Open folder/ }).click();
  const s = await idle(page);
  expect(s.selectedId).toBe('case1-ramp');
  const toggle = page.getByRole('switch', SWITCH);
  await expect(toggle).toBeVisible();
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await expect(toggle).toHaveAttribute('title', /Correct MR bias field \(N4\).*\(G\)/);
  await page.screenshot({ path: join(SHOTS, 'n4-toggle.png') });
  expect(await n4()).toMatchObject({ status: 'off', shown: 'original', preset: 'default', runs: 0 });

  const original = await shownImage();
  const before = rightLeftRatio(phantom, original);
  expect(before).toBeGreaterThan(1.15); // the ramp: the right half is brighter
  const windowBefore = (await annotation()).displayWindow!;

  const sliceBefore = await page.evaluate(() => window.__slicesam!.currentSlice('axial'));
  await watchStatusBar();
  await page.keyboard.press('g');
  await expect.poll(async () => (await n4()).status, { timeout: 60_000 }).toBe('on');
  const after = await n4();
  expect(after).toMatchObject({ shown: 'corrected', runs: 1, cacheHits: 0 });
  // the status bar showed the phases with a count of iterations, and Cancel
  const seen = await seenStatus();
  expect(seen.some((t) => /Correcting the bias field of case1-ramp\.nii \(N4\): fitting, level \d of 4, iteration \d+ of 200 \d+ \/ 200 Cancel/.test(t)), seen.join('\n')).toBe(true);
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  // the same slice as before the swap
  expect(await page.evaluate(() => window.__slicesam!.currentSlice('axial'))).toEqual(sliceBefore);

  const corrected = await shownImage();
  expect(corrected.length).toBe(original.length);
  const ratio = rightLeftRatio(phantom, corrected);
  expect(Math.abs(ratio - 1)).toBeLessThan(0.05);
  expect(Math.abs(ratio - 1)).toBeLessThan((before - 1) / 4);
  // the window was chosen for the corrected intensities (0.5–99.5 %), not kept from the original
  const windowAfter = (await annotation()).displayWindow!;
  const expected = percentileWindow(corrected);
  expect(windowAfter.min).toBeCloseTo(expected.min, 3);
  expect(windowAfter.max).toBeCloseTo(expected.max, 3);
  expect(windowAfter.max).not.toBeCloseTo(windowBefore.max, 0);
  await expect(page.locator('slicesam-app')).toContainText('N4 bias-corrected');
  await expect.poll(async () => (await n4()).cacheWrites).toBe(1);
  await page.screenshot({ path: join(SHOTS, 'n4-corrected.png') });
});

test('labels drawn on the corrected image survive G back to the original (no recomputation); the model is given the image shown', async () => {
  // a box prompt: the engine starts and gets the corrected voxels
  await boxPrompt(30, 30, 66, 66);
  expect((await n4()).modelSees).toBe('corrected');
  // and a brush stroke
  await page.keyboard.press('p');
  const k = (await page.evaluate(() => window.__slicesam!.currentSlice('axial')))!.slice;
  await drag(await clientPoint(6, 80, k), await clientPoint(20, 88, k));
  await page.keyboard.press('p');
  await expect.poll(async () => (await labels()).some((v) => v !== 0)).toBe(true);
  await page.waitForTimeout(200);
  const drawn = await labels();
  const slice = await page.evaluate(() => window.__slicesam!.currentSlice('axial'));

  await page.keyboard.press('g');
  await expect.poll(async () => (await n4()).shown).toBe('original');
  expect(await n4()).toMatchObject({ status: 'off', runs: 1 });
  expect((await labels()).equals(drawn)).toBe(true);
  expect(await page.evaluate(() => window.__slicesam!.currentSlice('axial'))).toEqual(slice);
  expect(rightLeftRatio(phantom, await shownImage())).toBeGreaterThan(1.15);
  await expect(page.getByRole('switch', SWITCH)).toHaveAttribute('aria-checked', 'false');
  await page.screenshot({ path: join(SHOTS, 'n4-original.png') });

  // a prompt now: the model is given the original again
  await boxPrompt(30, 30, 50, 50);
  expect((await n4()).modelSees).toBe('original');
  const drawnOnOriginal = await labels();

  await page.keyboard.press('g');
  await expect.poll(async () => (await n4()).shown).toBe('corrected');
  expect(await n4()).toMatchObject({ status: 'on', runs: 1 }); // from memory: no new run
  expect((await labels()).equals(drawnOnOriginal)).toBe(true);
});

test('the fast preset from the menu corrects again; the cache keeps one entry per preset, with its options', async () => {
  // the data file of a write that never finished (a tab closed midway): the next write prunes it
  await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('slicesam-n4');
    const w = await (await dir.getFileHandle('left-over-0.f32', { create: true })).createWritable();
    await w.write(new Uint8Array(64));
    await w.close();
  });
  expect(await listOpfs('slicesam-n4')).toContain('left-over-0.f32');
  await page.getByRole('combobox', { name: 'N4 preset' }).selectOption('fast');
  await expect.poll(async () => (await n4()).runs, { timeout: 60_000 }).toBe(2);
  await expect.poll(async () => (await n4()).status).toBe('on');
  expect((await n4()).preset).toBe('fast');
  expect(Math.abs(rightLeftRatio(phantom, await shownImage()) - 1)).toBeLessThan(0.06);
  await expect.poll(async () => (await n4()).cacheWrites).toBe(2);
  const files = await listOpfs('slicesam-n4');
  expect(files).not.toContain('left-over-0.f32');
  expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(2);
  expect(files.filter((f) => f.endsWith('.f32'))).toHaveLength(2);
  const iterations = await page.evaluate(async (names) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('slicesam-n4');
    const out: number[][] = [];
    for (const n of names) out.push(JSON.parse(await (await (await dir.getFileHandle(n)).getFile()).text()).options.iterations);
    return out;
  }, files.filter((f) => f.endsWith('.json')));
  expect(iterations.map((i) => i.join(',')).sort()).toEqual(['4,4,4,4', '50,50,50,50']);
  // back to the default: from the cache, no run
  await page.getByRole('combobox', { name: 'N4 preset' }).selectOption('default');
  await expect.poll(async () => (await n4()).cacheHits).toBe(1);
  expect(await n4()).toMatchObject({ status: 'on', shown: 'corrected', preset: 'default', runs: 2 });
});

test('Cancel midway through a large case leaves the original shown', async () => {
  await openCase('case2-large');
  expect(await n4()).toMatchObject({ status: 'off', shown: 'original' });
  const writes = (await n4()).cacheWrites;
  // the page idle first (a large volume keeps a software GL busy for a while after it opens)
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.keyboard.press('g');
  await page.waitForFunction(() => window.__slicesam!.n4().progress?.phase === 'fit', null, { polling: 'raf', timeout: 60_000 });
  await page.screenshot({ path: join(SHOTS, 'n4-progress.png') });
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect.poll(async () => (await n4()).status).toBe('off');
  expect(await n4()).toMatchObject({ shown: 'original', progress: null });
  expect((await state(page)).busy).toBe(false);
  await expect.poll(async () => (await state(page)).messages.at(-1)).toMatch(/N4 bias-field correction of case2-large\.nii: cancelled/);
  await expect(page.getByRole('switch', SWITCH)).toHaveAttribute('aria-checked', 'false');
  await page.waitForTimeout(300);
  expect((await n4()).cacheWrites).toBe(writes);
  expect(await page.locator('slicesam-app').textContent()).not.toContain('N4 bias-corrected');
});

test('a case N4 cannot correct says so by name, and stays as it was', async () => {
  await openCase('case3-blank');
  await page.getByRole('switch', SWITCH).click();
  await expect.poll(async () => (await n4()).status, { timeout: 60_000 }).toBe('failed');
  const s = await state(page);
  expect(s.errors.at(-1)).toMatch(/N4 bias-field correction of case3-blank\.nii: the image has no tissue to fit a field on/);
  expect((await n4()).shown).toBe('original');
  await expect(page.getByRole('alert')).toContainText('N4 bias-field correction of case3-blank.nii');
  await page.screenshot({ path: join(SHOTS, 'n4-error.png') });
  await page.getByRole('button', { name: 'Dismiss errors' }).click();
});

test('reopening the case shows it corrected from the cache, also after a reload; a damaged entry is recomputed', async () => {
  const runs = (await n4()).runs;
  const hits = (await n4()).cacheHits;
  await openCase('case1-ramp');
  expect(await n4()).toMatchObject({ status: 'on', shown: 'corrected', runs, cacheHits: hits + 1 });
  const drawn = await labels();
  expect(drawn.some((v) => v !== 0)).toBe(true);
  expect(Math.abs(rightLeftRatio(phantom, await shownImage()) - 1)).toBeLessThan(0.05);

  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
  await page.getByRole('button', { name: `Resume ${ROOT}` }).click();
  const s = await idle(page);
  expect(s.selectedId).toBe('case1-ramp');
  expect(await n4()).toMatchObject({ status: 'on', shown: 'corrected', runs: 0, cacheHits: 1 });
  expect((await labels()).equals(drawn)).toBe(true);
  expect(Math.abs(rightLeftRatio(phantom, await shownImage()) - 1)).toBeLessThan(0.05);
  await expect(page.getByRole('switch', SWITCH)).toHaveAttribute('aria-checked', 'true');
  // the large case was cancelled: it stays off
  await openCase('case2-large');
  expect(await n4()).toMatchObject({ status: 'off', runs: 0 });

  // damage the default entry's data: reopening ignores it and computes again
  await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('slicesam-n4');
    for await (const [name, handle] of (dir as unknown as AsyncIterable<[string, FileSystemFileHandle]>)) {
      if (!name.endsWith('.json')) continue;
      const entry = JSON.parse(await (await handle.getFile()).text());
      if (entry.options.iterations[0] !== 50) continue;
      const w = await (await dir.getFileHandle(name.replace(/\.json$/, '.f32'))).createWritable({ keepExistingData: true });
      await w.write({ type: 'write', position: 400, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) });
      await w.close();
    }
  });
  await openCase('case1-ramp');
  await expect.poll(async () => (await n4()).status, { timeout: 60_000 }).toBe('on');
  expect(await n4()).toMatchObject({ shown: 'corrected', runs: 1, cacheHits: 1 });
  expect((await state(page)).errors).toEqual([]);
  expect(Math.abs(rightLeftRatio(phantom, await shownImage()) - 1)).toBeLessThan(0.05);
  expect((await labels()).equals(drawn)).toBe(true);
});

test('save: the label has the source grid and geometry; nothing corrected is written into the folder', async () => {
  const map = await labels();
  await page.keyboard.press('s');
  await expect.poll(async () => (await state(page)).messages.at(-1), { timeout: 30_000 }).toMatch(/saved/);
  const label = gunzipSync((await readFolderFile(page, ROOT, 'labels/case1-ramp.nii.gz'))!);
  const source = (await readFolderFile(page, ROOT, 'case1-ramp.nii'))!;
  const l = parseNiftiHeader(new Uint8Array(label), 'label');
  const src = parseNiftiHeader(new Uint8Array(source), 'source');
  expect(l.dims).toEqual(DIMS);
  expect(l.datatype).toBe('uint8');
  expect(l.affine).toEqual(src.affine);
  expect(l.affine).toEqual(AFFINE);
  expect(l.geometry.srow).toEqual(src.geometry.srow);
  expect(l.geometry.pixdim.slice(1, 4)).toEqual(src.geometry.pixdim.slice(1, 4));
  expect(Buffer.from(label.subarray(l.voxOffset)).equals(map)).toBe(true);
  // the folder holds the sources and the outputs, nothing else
  expect(await listOpfs(ROOT)).toEqual([
    'case1-ramp.nii', 'case2-large.nii', 'case3-blank.nii',
    'labels/case1-ramp.nii.gz', 'labels/labels.ctbl', 'labels/labels.txt', 'labels/volumetry.csv',
  ]);
  await page.keyboard.press('Escape');
});
