/**
 * The demo cohort (outputs kept in the browser, downloadable) and browsers
 * without the File System Access API (a folder opened read-only through the
 * file input; Save downloads the label map).
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idle, scribble } from './app-helpers.ts';
import { caseFileStem } from '../src/cohort/cases.ts';
import { generateDemoFiles } from '../src/io/demo/cohort.ts';

const SHOTS = resolve(dirname(fileURLToPath(import.meta.url)), 'screenshots');

test('the demo cohort opens without data of one\'s own; saved outputs can be downloaded', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(async () => {
    await (await navigator.storage.getDirectory()).removeEntry('slicesam-demo', { recursive: true }).catch(() => undefined);
  });
  await page.getByRole('button', { name: 'Demo cohort' }).click();
  let s = await idle(page);
  expect(s.session).toMatchObject({ kind: 'demo', name: 'slicesam-demo', writable: true });
  expect(s.counts).toMatchObject({ total: 5, failed: 1, remaining: 4 });
  await page.keyboard.press('d');
  await scribble(page);
  await page.keyboard.press('s');
  await expect.poll(async () => (await page.evaluate(() => window.__slicesam!.state())).counts.done).toBe(1);
  s = await page.evaluate(() => window.__slicesam!.state());
  const names: string[] = [];
  page.on('download', (d) => names.push(d.suggestedFilename()));
  await page.getByRole('button', { name: 'Download outputs' }).click();
  await expect.poll(() => names.length).toBe(4);
  expect(names.filter((n) => n.endsWith('.nii.gz'))).toEqual(['PHANTOM-01_3_T1_head_phantom.nii.gz']);
  expect(names.filter((n) => !n.endsWith('.nii.gz')).sort()).toEqual(['labels.ctbl', 'labels.txt', 'volumetry.csv']);
  await page.screenshot({ path: join(SHOTS, 'demo-saved.png') });
});

test('without the File System Access API a folder opens read-only and Save downloads the label map', async ({ page }) => {
  await page.addInitScript(() => {
    delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker;
  });
  const root = join(mkdtempSync(join(tmpdir(), 'slicesam-nofsa-')), 'my-cohort');
  for (const f of await generateDemoFiles()) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.bytes);
  }
  await page.goto('/');
  expect(await page.evaluate(() => 'showDirectoryPicker' in window)).toBe(false);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: /Open folder/ }).click();
  await (await chooser).setFiles(root);
  let s = await idle(page);
  expect(s.session).toMatchObject({ kind: 'files', name: 'my-cohort', writable: false });
  expect(s.counts).toMatchObject({ total: 5, failed: 1 });
  expect(s.cases[0]!.sourcePaths[0]).toMatch(/^patient-01\//);
  await expect(page.getByText('outputs are downloaded')).toBeVisible();
  expect(s.messages.join('\n')).toMatch(/my-cohort is open read-only/);
  await page.keyboard.press('d');
  await scribble(page);
  const download = page.waitForEvent('download');
  await page.keyboard.press('s');
  expect((await download).suggestedFilename()).toBe('PHANTOM-01_3_T1_head_phantom.nii.gz'); // <PatientID>_<SeriesNumber>_<SeriesDescription>
  s = await page.evaluate(() => window.__slicesam!.state());
  expect(s.errors.filter((e) => !/broken\.dcm/.test(e))).toEqual([]);
  await page.screenshot({ path: join(SHOTS, 'no-fsa.png') });
});

test('a damaged label file in labels/ is named in an error; the case still opens, without it', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(async () => {
    for (const db of ['slicesam-cohort', 'slicesam-autosave']) {
      await new Promise((done) => { const r = indexedDB.deleteDatabase(db); r.onsuccess = r.onerror = r.onblocked = () => done(null); });
    }
    await (await navigator.storage.getDirectory()).removeEntry('slicesam-demo', { recursive: true }).catch(() => undefined);
  });
  await page.getByRole('button', { name: 'Demo cohort' }).click();
  let s = await idle(page);
  const first = s.selectedId!;
  const stem = caseFileStem(first);
  // Another grid's label map would be as wrong as garbage: write garbage where this case's label file goes.
  await page.evaluate(async (name) => {
    const demo = await (await navigator.storage.getDirectory()).getDirectoryHandle('slicesam-demo');
    const labels = await demo.getDirectoryHandle('labels', { create: true });
    const w = await (await labels.getFileHandle(name, { create: true })).createWritable();
    await w.write(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5]));
    await w.close();
  }, `${stem}.nii.gz`);
  await page.getByRole('button', { name: 'Next' }).click();
  const second = (await idle(page, first)).selectedId!;
  await page.getByRole('button', { name: 'Prev' }).click();
  s = await idle(page, second);
  expect(s.selectedId).toBe(first);
  expect(s.cases.find((c) => c.id === first)?.status).toBe('todo');
  expect(s.errors.join('\n')).toContain(`labels/${stem}.nii.gz`);
  expect(await page.evaluate(() => window.__slicesam!.labelCounts())).toEqual({});
  await expect(page.getByRole('alert')).toContainText(`${stem}.nii.gz`);
});
