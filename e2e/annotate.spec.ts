/**
 * The annotation loop with real mouse and keyboard on the canvas and the fixture SAM2 model
 * (served from the app's own models/ folder, `?model=fixture-512`): open a phantom case,
 * two objects, boxes on their first and last slices, propagate, Dice of each object against
 * the phantom's truth; brush a correction, undo, redo; lock one object and propagate the
 * other without changing it; save and read the label and the CSV back.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idle, state } from './app-helpers.ts';
import { freshFolder, readFolderFile, usePickerStandIn } from './opfs.ts';
import { boxOn, dice, makePhantom, type PhantomObject } from '../src/engine/testing/phantom.ts';
import { encodeNifti } from '../src/io/nifti/write.ts';
import { nibRead } from '../tools/oracle/run.ts';
import type { Vec3 } from '../src/shared/volume.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(here, 'screenshots');
const ROOT = 'annotate-root';
const DIMS: Vec3 = [96, 80, 24];
const SPACING: Vec3 = [1, 1, 2];
const A: PhantomObject = { label: 1, first: 4, last: 17, from: [30, 28], to: [38, 34], radius: 11 };
const B: PhantomObject = { label: 2, first: 7, last: 20, from: [68, 52], to: [62, 46], radius: 9, taper: true };
const phantom = makePhantom(DIMS, [A, B]);

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;

function niftiBytes(): Uint8Array {
  const affine = [SPACING[0], 0, 0, -48, 0, SPACING[1], 0, -40, 0, 0, SPACING[2], -24, 0, 0, 0, 1];
  return encodeNifti({ data: phantom.data, datatype: 'int16', dims: DIMS, affine });
}

async function labels(): Promise<Uint8Array> {
  const b64 = await page.evaluate(() => window.__slicesam!.labelMap());
  return Uint8Array.from(Buffer.from(b64!, 'base64'));
}

/** Canvas pixels of a colour family in a real screenshot ('red': object 1, 'green': object 2). */
async function colouredPixels(kind: 'red' | 'green'): Promise<number> {
  const png = await page.locator('canvas[aria-label="Image viewer"]').screenshot();
  return page.evaluate(async ({ b64, kind }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (kind === 'red' ? r > 150 && g < 140 && b < 140 : g > 150 && r < 140 && b < 140) n++;
    }
    return n;
  }, { b64: png.toString('base64'), kind });
}

async function annotation() {
  return page.evaluate(() => window.__slicesam!.annotation()!);
}

/** Move the crosshair to axial slice k with the slice keys. */
async function goToSlice(k: number): Promise<void> {
  // slice keys scroll the tile under the pointer: rest it on the axial tile
  const centre = await page.evaluate(() => window.__slicesam!.currentSlice('axial'));
  const [x, y] = await clientPoint(48, 40, centre!.slice);
  await page.mouse.move(x, y);
  for (let guard = 0; guard < 64; guard++) {
    const cur = (await page.evaluate(() => window.__slicesam!.currentSlice('axial')))!.slice;
    if (cur === k) return;
    await page.keyboard.press(cur < k ? 'ArrowRight' : 'ArrowLeft');
  }
  throw new Error(`could not reach slice ${k}`);
}

async function clientPoint(i: number, j: number, k: number): Promise<[number, number]> {
  const p = await page.evaluate(({ i, j, k }) => window.__slicesam!.clientPoint([i, j, k], 'axial'), { i, j, k });
  expect(p, `voxel ${i},${j},${k} is on screen`).not.toBeNull();
  return p!;
}

/** Drag a box over the object's cross-section on slice k, with the mouse. */
async function dragBox(o: PhantomObject, k: number): Promise<void> {
  await goToSlice(k);
  const before = (await annotation()).historySize;
  const b = boxOn(o, k);
  const [x0, y0] = await clientPoint(b.x0, b.y0, k);
  const [x1, y1] = await clientPoint(b.x1, b.y1, k);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
  await page.mouse.move(x1, y1, { steps: 4 });
  await page.mouse.up();
  await expect.poll(async () => (await annotation()).historySize, { timeout: 60_000 }).toBe(before + 1);
}

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await usePickerStandIn(context, ROOT);
  page = await context.newPage();
  await page.goto('/?model=fixture-512');
  const base64 = Buffer.from(niftiBytes()).toString('base64');
  await freshFolder(page, ROOT, [{ path: 'phantom.nii', base64 }]);
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
});

test.afterAll(async () => {
  await context.close();
});

test('two objects: boxes on their first and last slices, propagate between them → Dice ≥ 0.95 each', async () => {
  await page.getByRole('button', { name: /Open folder/ }).click();
  await idle(page);
  await expect(page.locator('slicesam-annotation-bar')).toBeVisible();
  await page.screenshot({ path: join(SHOTS, 'annotate-case-open.png') });
  // Chromium here renders with SwiftShader: the viewer's automatic choice is its CPU colours,
  // the planes on screen first, then the rest of the volume on the main thread in steps.
  await expect.poll(async () => (await state(page)).viewer!.colouring).toBe(false);
  expect((await state(page)).viewer).toMatchObject({ display: 'cpu', colourVolumes: { cpu: 1, niivue: 0, inWorker: 0, shownFirst: 1 } });

  await page.keyboard.press('r');
  expect((await annotation()).promptTool).toBe('box');
  await dragBox(A, A.first);
  expect((await annotation()).modelId).toBe('fixture-512');
  await dragBox(A, A.last);
  await page.keyboard.press('a'); // object 2
  await expect.poll(async () => (await state(page)).activeLabel).toBe(2);
  await dragBox(B, B.first);
  await dragBox(B, B.last);
  await page.screenshot({ path: join(SHOTS, 'annotate-prompts.png') });
  expect((await annotation()).prompted).toEqual({ 1: [A.first, A.last], 2: [B.first, B.last] });

  await page.keyboard.press('Shift+T');
  // while it runs: the progress bar counts slices, with Cancel
  await page.waitForFunction(() => window.__slicesam!.state().busy, null, { polling: 'raf', timeout: 10_000 });
  await page.screenshot({ path: join(SHOTS, 'annotate-propagating.png') });
  await expect.poll(async () => (await state(page)).busy, { timeout: 10_000 }).toBe(false);
  await expect.poll(async () => (await annotation()).confidenceSlices).toBe(B.last - B.first + 1);
  const map = await labels();
  expect(dice(map, phantom.truth, 1)).toBeGreaterThanOrEqual(0.95);
  expect(dice(map, phantom.truth, 2)).toBeGreaterThanOrEqual(0.95);
  await expect(page.locator('slicesam-confidence-strip')).toContainText(`${B.last - B.first + 1} of ${DIMS[2]} segmented`);
  await page.screenshot({ path: join(SHOTS, 'annotate-propagated.png') });
});

test('a brush correction, undone and redone with the keyboard', async () => {
  const before = await labels();
  const count = (m: Uint8Array, v: number) => m.reduce((n, x) => n + (x === v ? 1 : 0), 0);
  await goToSlice(12);
  await page.keyboard.press('p');
  await expect.poll(async () => (await state(page)).tool).toBe('pen');
  // a stroke of object 2 through empty background, left of object 1
  const [x0, y0] = await clientPoint(8, 60, 12);
  const [x1, y1] = await clientPoint(20, 70, 12);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x1, y1, { steps: 10 });
  await page.mouse.up();
  await expect.poll(async () => count(await labels(), 2)).toBeGreaterThan(count(before, 2));
  const drawn = await labels();
  await page.keyboard.press('Control+z');
  await expect.poll(async () => Buffer.from(await labels()).equals(Buffer.from(before))).toBe(true);
  await page.keyboard.press('Control+y');
  await expect.poll(async () => Buffer.from(await labels()).equals(Buffer.from(drawn))).toBe(true);
  await page.keyboard.press('Control+z');
  await expect.poll(async () => Buffer.from(await labels()).equals(Buffer.from(before))).toBe(true);
  await page.keyboard.press('Escape');
});

test('fill closes a hole erased into an object; eraser and fill are one undo step each', async () => {
  const count = (m: Uint8Array, v: number) => m.reduce((n, x) => n + (x === v ? 1 : 0), 0);
  await goToSlice(12);
  await page.keyboard.press('c'); // object 1
  await expect.poll(async () => (await state(page)).activeLabel).toBe(1);
  const before = await labels();
  await page.keyboard.press('e');
  const [x0, y0] = await clientPoint(31, 31, 12);
  const [x1, y1] = await clientPoint(38, 31, 12);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x1, y1, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => count(await labels(), 1)).toBeLessThan(count(before, 1));
  await page.keyboard.press('f');
  expect((await annotation()).promptTool).toBe('fill');
  const [fx, fy] = await clientPoint(34, 31, 12);
  await page.mouse.click(fx, fy);
  await expect.poll(async () => Buffer.from(await labels()).equals(Buffer.from(before))).toBe(true);
  // a click outside any outline fills nothing and says why
  const [ox, oy] = await clientPoint(2, 2, 12);
  await page.mouse.click(ox, oy);
  await expect.poll(async () => (await state(page)).messages.at(-1)).toMatch(/closed outline/);
  await page.keyboard.press('Escape');
  await page.keyboard.press('c'); // back to object 2
  await expect.poll(async () => (await state(page)).activeLabel).toBe(2);
});

test('a locked object is left alone when the other is propagated', async () => {
  await page.keyboard.press('c'); // object 1 (cycles from 2)
  await expect.poll(async () => (await state(page)).activeLabel).toBe(1);
  await page.keyboard.press('l');
  expect((await annotation()).locked).toEqual([1]);
  const before = await labels();
  const ones = (m: Uint8Array) => m.map((v) => (v === 1 ? 1 : 0));
  await page.keyboard.press('c'); // object 2
  await expect.poll(async () => (await state(page)).activeLabel).toBe(2);
  await page.keyboard.press('t'); // until the object ends: outward both ways
  await expect.poll(async () => (await state(page)).busy, { timeout: 10_000 }).toBe(false);
  await expect.poll(async () => (await state(page)).messages.at(-1)).toMatch(/Propagated/);
  const after = await labels();
  expect(Buffer.from(ones(after)).equals(Buffer.from(ones(before)))).toBe(true);
  expect(dice(after, phantom.truth, 2)).toBeGreaterThanOrEqual(0.95);
  await page.screenshot({ path: join(SHOTS, 'annotate-locked.png') });
});

test('a corrected mask becomes a prompt (M) and re-propagation starts from it; view layouts by key', async () => {
  expect((await state(page)).activeLabel).toBe(2);
  await goToSlice(14);
  await page.keyboard.press('m');
  await expect.poll(async () => (await annotation()).prompted[2]).toContain(14);
  await expect(page.locator('slicesam-objects-panel')).toContainText('A 15 (mask)');
  await page.keyboard.press(']'); // forward from this slice
  await expect.poll(async () => (await state(page)).messages.at(-1), { timeout: 20_000 }).toMatch(/Propagated \d+ slices forward/);
  expect(dice(await labels(), phantom.truth, 2)).toBeGreaterThanOrEqual(0.95);
  await page.keyboard.press('5');
  await expect.poll(async () => (await page.evaluate(() => window.__slicesam!.state().viewer))?.volumeCount).toBe(1);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, 'annotate-3d.png') });
  await page.keyboard.press('4');
});

test('objects: rename, hide, delete, and undo brings the object and its voxels back', async () => {
  const panel = page.locator('slicesam-objects-panel');
  await panel.getByRole('textbox', { name: 'Name of object 2' }).fill('Lesion B');
  await panel.getByRole('textbox', { name: 'Name of object 2' }).press('Enter');
  await expect.poll(async () => (await state(page)).objects.find((o) => o.labelValue === 2)?.name).toBe('Lesion B');
  const redShown = await colouredPixels('red');
  expect(redShown).toBeGreaterThan(500);
  await panel.getByRole('button', { name: 'Hide Object 1' }).click();
  await expect(panel.getByRole('button', { name: 'Show Object 1' })).toBeVisible();
  await expect.poll(() => colouredPixels('red')).toBeLessThan(redShown / 20); // hidden: not drawn
  expect(await colouredPixels('green')).toBeGreaterThan(200); // the other object still is
  await page.screenshot({ path: join(SHOTS, 'annotate-objects.png') });
  await panel.getByRole('button', { name: 'Show Object 1' }).click();
  await expect.poll(() => colouredPixels('red')).toBeGreaterThan(redShown / 2);
  const before = await labels();
  await panel.getByRole('button', { name: 'Delete Lesion B' }).click();
  await expect.poll(async () => (await state(page)).objects.map((o) => o.labelValue)).toEqual([1]);
  expect((await labels()).includes(2)).toBe(false);
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await state(page)).objects.map((o) => o.name)).toEqual(['Object 1', 'Lesion B']);
  await expect.poll(async () => Buffer.from(await labels()).equals(Buffer.from(before))).toBe(true);
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.screenshot({ path: join(SHOTS, 'annotate-help.png') });
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden();
});

test('save: the label file and the CSV read back', async () => {
  const map = await labels();
  await page.keyboard.press('s');
  await expect.poll(async () => (await state(page)).messages.at(-1), { timeout: 30_000 }).toMatch(/saved/);
  const read = async (path: string) => (await readFolderFile(page, ROOT, path))!;
  const label = await read('labels/phantom.nii.gz');
  const dir = mkdtempSync(join(tmpdir(), 'slicesam-annotate-e2e-'));
  writeFileSync(join(dir, 'label.nii.gz'), label);
  const [nib] = nibRead([join(dir, 'label.nii.gz')], { values: true });
  expect(nib!.shape).toEqual(DIMS);
  expect(nib!.dtype).toBe('uint8');
  // nibabel sees exactly the label map the app holds, voxel by voxel (i fastest), on the source grid
  expect(Buffer.from(Uint8Array.from(nib!.values!)).equals(Buffer.from(map))).toBe(true);
  expect(nib!.affine.flat()).toEqual([1, 0, 0, -48, 0, 1, 0, -40, 0, 0, 2, -24, 0, 0, 0, 1]);
  const counts: Record<number, number> = {};
  for (const v of map) if (v) counts[v] = (counts[v] ?? 0) + 1;
  const csv = (await read('labels/volumetry.csv')).toString('utf8').trim().split('\n');
  expect(csv).toHaveLength(3);
  const row2 = csv.find((r) => r.split(',')[3] === '2')!.split(',');
  expect(row2[4]).toBe('Lesion B');
  expect(Number(row2[5])).toBe(counts[2]);
  expect(Number(row2[6])).toBeCloseTo(counts[2]! * 2, 3); // 1 × 1 × 2 mm voxels
  // the volumetry shown after the save, with the 3D render
  const summary = page.getByRole('dialog', { name: /Volumetry of phantom/ });
  await expect(summary).toBeVisible();
  await expect(summary).toContainText(counts[2]!.toLocaleString('en-US'));
  await expect(summary).toContainText('Lesion B');
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, 'annotate-saved.png') });
  await page.keyboard.press('Escape');
  await expect(summary).toBeHidden();
});
