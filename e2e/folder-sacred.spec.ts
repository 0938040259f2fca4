/**
 * The user's folder is sacred: a whole session over one folder — the demo cohort first, then
 * the folder: N4 on and off, a box prompt, propagation, a brush stroke, save, unsaved work
 * autosaved, reload and resume, skip, retry of a broken file — and afterwards every byte of
 * every file that was there is unchanged, and nothing outside labels/ was created, changed or
 * removed. The folder is an OPFS folder handed out by the picker stand-in (e2e/opfs.ts).
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idle, scribble, state } from './app-helpers.ts';
import { freshFolder, usePickerStandIn, type FolderFile } from './opfs.ts';
import { boxOn, makePhantom, type PhantomObject } from '../src/engine/testing/phantom.ts';
import { encodeNifti } from '../src/io/nifti/write.ts';
import type { Vec3 } from '../src/shared/volume.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(here, 'screenshots');
const ROOT = 'sacred-root';
const DIMS: Vec3 = [96, 80, 24];
const A: PhantomObject = { label: 1, first: 4, last: 17, from: [30, 28], to: [38, 34], radius: 11 };
const MR = resolve(here, '../../shared/data/dicom/vs-seg-001-t1-mprage');
const NIFTI = resolve(here, '../../shared/data/nifti_space/RAS.nii.gz');

/** The folder as the user had it: two NIfTI cases, a truncated DICOM file among notes, a nested README. */
function folderFiles(): FolderFile[] {
  const affine = [1, 0, 0, -48, 0, 1, 0, -40, 0, 0, 2, -24, 0, 0, 0, 1];
  const phantom = encodeNifti({ data: makePhantom(DIMS, [A]).data, datatype: 'int16', dims: DIMS, affine });
  const slice = readFileSync(join(MR, readdirSync(MR).sort()[0]!));
  const files: [string, Uint8Array][] = [
    ['sub-01/phantom.nii', phantom],
    ['sub-02/anat/RAS.nii.gz', readFileSync(NIFTI)],
    ['sub-03/broken.dcm', slice.subarray(0, Math.floor(slice.length / 3))],
    ['sub-03/notes.txt', new TextEncoder().encode('scanned twice, use the second series')],
    ['README.md', new TextEncoder().encode('# study\n')],
  ];
  return files.map(([path, bytes]) => ({ path, base64: Buffer.from(bytes).toString('base64') }));
}

/** Every file of the OPFS folder, path → sha256 (computed in the page, read back as hex). */
async function tree(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async (root) => {
    const out: Record<string, string> = {};
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        const path = prefix ? `${prefix}/${name}` : name;
        if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, path);
        else {
          const bytes = await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer();
          out[path] = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
        }
      }
    };
    await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle(root), '');
    return out;
  }, ROOT);
}

const sha = (b64: string) => createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let original: Record<string, string>;

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await usePickerStandIn(context, ROOT);
  page = await context.newPage();
  await page.goto('/?model=fixture-512');
  const files = folderFiles();
  await freshFolder(page, ROOT, files);
  original = Object.fromEntries(files.map((f) => [f.path, sha(f.base64)]));
  expect(await tree(page)).toEqual(original);
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
});

test.afterAll(async () => {
  await context.close();
});

async function clientPoint(i: number, j: number, k: number): Promise<[number, number]> {
  const p = await page.evaluate(({ i, j, k }) => window.__slicesam!.clientPoint([i, j, k], 'axial'), { i, j, k });
  expect(p, `voxel ${i},${j},${k} is on screen`).not.toBeNull();
  return p!;
}

async function history(): Promise<number> {
  return page.evaluate(() => window.__slicesam!.annotation()!.historySize);
}

test('a whole session over the folder leaves every source byte as it was and writes only into labels/', async () => {
  test.setTimeout(300_000);
  // The demo cohort lives in this browser's storage, not in the folder.
  await page.getByRole('button', { name: /Demo cohort/ }).click();
  let s = await idle(page);
  expect(s.session?.kind).toBe('demo');

  await page.getByRole('button', { name: /Open folder/ }).click();
  await expect.poll(async () => (await state(page)).session?.name).toBe(ROOT);
  s = await idle(page);
  expect(s.cases.map((c) => [c.sourcePaths[0], c.status])).toEqual([
    ['sub-01/phantom.nii', 'todo'],
    ['sub-02/anat/RAS.nii.gz', 'todo'],
    ['sub-03/broken.dcm', 'failed'],
  ]);
  const phantomCase = s.selectedId!;

  // N4 on, then off again (the corrected image stays in the browser).
  await page.keyboard.press('g');
  await expect.poll(async () => page.evaluate(() => window.__slicesam!.n4().status), { timeout: 120_000 }).toBe('on');
  await page.keyboard.press('g');
  await expect.poll(async () => page.evaluate(() => window.__slicesam!.n4().shown)).toBe('original');

  // A box on the phantom's middle slice, then propagation to where the object ends.
  const k = 10;
  for (let guard = 0; guard < 40; guard++) {
    const cur = (await page.evaluate(() => window.__slicesam!.currentSlice('axial')))!.slice;
    if (cur === k) break;
    const [mx, my] = await clientPoint(48, 40, cur);
    await page.mouse.move(mx, my);
    await page.keyboard.press(cur < k ? 'ArrowRight' : 'ArrowLeft');
  }
  await page.keyboard.press('r');
  const b = boxOn(A, k);
  const before = await history();
  const [x0, y0] = await clientPoint(b.x0, b.y0, k);
  const [x1, y1] = await clientPoint(b.x1, b.y1, k);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x1, y1, { steps: 6 });
  await page.mouse.up();
  await expect.poll(history, { timeout: 60_000 }).toBe(before + 1);
  await page.keyboard.press('t');
  await expect.poll(async () => (await page.evaluate(() => window.__slicesam!.annotation()!.confidenceSlices)), { timeout: 120_000 }).toBeGreaterThan(5);
  await expect.poll(async () => (await state(page)).busy).toBe(false);

  // A brush stroke, then save.
  await page.keyboard.press('Escape');
  await page.keyboard.press('d');
  await scribble(page);
  await page.keyboard.press('s');
  await expect.poll(async () => (await state(page)).cases.find((c) => c.id === phantomCase)?.status, { timeout: 30_000 }).toBe('done');
  await page.keyboard.press('Escape');

  // Unsaved work on the next case reaches the autosave.
  await page.keyboard.press('n');
  s = await idle(page, phantomCase);
  const second = s.selectedId!;
  await page.keyboard.press('d');
  await page.evaluate(() => window.addEventListener('pointerup', () => ((window as unknown as { lastUp: number }).lastUp = Date.now()), true));
  await scribble(page);
  const changedAt = await page.evaluate(() => (window as unknown as { lastUp: number }).lastUp);
  await expect.poll(async () => (await state(page)).lastAutosave, { timeout: 5_000 }).toBeGreaterThanOrEqual(changedAt);

  // Reload and resume: the same case, its unsaved work restored.
  await page.reload();
  await page.getByRole('button', { name: `Resume ${ROOT}` }).click();
  s = await idle(page);
  expect(s.selectedId).toBe(second);
  expect(s.dirty).toBe(true);

  // Skip it with a reason; Retry the broken file (still broken: we never change it).
  await page.getByRole('textbox', { name: 'Skip reason' }).fill('poor contrast');
  await page.getByRole('button', { name: 'Skip', exact: true }).click();
  await expect.poll(async () => (await state(page)).cases.find((c) => c.id === second)?.status).toBe('skipped');
  await page.getByRole('button', { name: /^Retry .*broken\.dcm/ }).click();
  await expect.poll(async () => (await state(page)).messages.join('\n'), { timeout: 30_000 }).toMatch(/broken\.dcm still cannot be read/);
  s = await state(page);
  expect(s.cases.find((c) => c.sourcePaths[0] === 'sub-03/broken.dcm')?.status).toBe('failed');
  await page.screenshot({ path: join(SHOTS, 'sacred-end.png') });

  // The folder: every file that was there, byte for byte; new files only in labels/.
  const after = await tree(page);
  for (const [path, hash] of Object.entries(original)) expect(after[path], path).toBe(hash);
  const added = Object.keys(after).filter((p) => !(p in original)).sort();
  expect(added.length).toBeGreaterThan(0);
  expect(added.filter((p) => !p.startsWith('labels/'))).toEqual([]);
  expect(added).toEqual(expect.arrayContaining(['labels/volumetry.csv']));
});
