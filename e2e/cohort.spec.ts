/**
 * The cohort queue end to end, the way a clinician uses it, in real Chromium:
 * an OPFS folder stands in for the folder picked with showDirectoryPicker.
 * Open → the queue lists exactly the expected cases → draw → save → the
 * written label file and CSV read back (nibabel for the label) → reload →
 * resume lands on the same case with the same statuses → draw on another case
 * and close the tab without saving → reopen → the unsaved work is restored.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestSnapshot } from '../src/app/test-hook.ts';
import { idle, scribble, state } from './app-helpers.ts';
import { freshFolder, readFolderFile, usePickerStandIn } from './opfs.ts';
import { generateDemoFiles } from '../src/io/demo/cohort.ts';
import { nibRead } from '../tools/oracle/run.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(here, 'screenshots');
const ROOT = 'cohort-root';
/** A row an earlier session wrote for another case: must stay byte-identical. */
const OLD_CSV =
  'case_id,source_path,object_id,label_value,object_name,voxel_count,volume_mm3,volume_ml,voxel_spacing_mm,saved_at\n'
  + 'elsewhere/old-case,elsewhere/old-case.nii.gz,1,1,"Tumour, left ""core""",42,42.000,0.042000,1x1x1,2026-01-02T03:04:05Z\n';

test.describe.configure({ mode: 'serial' });

/** Files of the cohort: the demo phantoms nested one level deeper, an old labels/ folder, a README. */
async function cohortFiles(): Promise<{ path: string; base64: string }[]> {
  const files = (await generateDemoFiles()).map((f) => ({ path: `site-A/${f.path}`, bytes: f.bytes }));
  files.push({ path: 'labels/volumetry.csv', bytes: new TextEncoder().encode(OLD_CSV) });
  files.push({ path: 'labels/old-case.nii.gz', bytes: new Uint8Array([0x1f, 0x8b, 8, 0]) });
  files.push({ path: 'README.txt', bytes: new TextEncoder().encode('study notes') });
  return files.map((f) => ({ path: f.path, base64: Buffer.from(f.bytes).toString('base64') }));
}

async function readOpfs(page: Page, path: string): Promise<Buffer | null> {
  return readFolderFile(page, ROOT, path);
}

let context: BrowserContext;
let page: Page;
let savedCase = '';
let savedCount = 0;
let savedCount2 = 0;
let savedObjects: TestSnapshot['objects'] = [];

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await usePickerStandIn(context, ROOT);
  page = await context.newPage();
  await page.goto('/');
  const files = await cohortFiles();
  // A clean slate: no remembered folders, a fresh OPFS folder holding the cohort.
  await freshFolder(page, ROOT, files);
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
});

test.afterAll(async () => {
  await context.close();
});

test('opening the folder lists exactly the expected cases, the broken one failed with its reason', async () => {
  await page.getByRole('button', { name: /Open folder/ }).click();
  const s = await idle(page);
  expect(s.session).toMatchObject({ kind: 'folder', name: ROOT, writable: true });
  expect(s.cases.map((c) => [c.kind, c.sourcePaths.length, c.status])).toEqual([
    ['dicom', 40, 'todo'], // site-A/patient-01: one series, open (looked at, not yet worked on)
    ['dicom', 32, 'todo'], // site-A/patient-02: two interleaved series …
    ['dicom', 32, 'todo'], // … give two cases
    ['nifti', 1, 'todo'], // site-A/patient-03/ct.nii.gz
    ['dicom', 1, 'failed'], // site-A/patient-04/broken.dcm
  ]);
  expect(s.cases.map((c) => c.name)).toEqual([
    'site-A/patient-01 — T1 head phantom',
    expect.stringMatching(/^site-A\/patient-02 — (T1|FLAIR) phantom$/),
    expect.stringMatching(/^site-A\/patient-02 — (T1|FLAIR) phantom$/),
    'site-A/patient-03/ct.nii.gz',
    expect.stringContaining('broken.dcm'),
  ]);
  expect(s.cases[4]!.reason).toMatch(/truncat|short|stops|end of the file/i);
  // Nothing from labels/ is a case; the README is left out with a reason.
  expect(s.cases.some((c) => c.sourcePaths.some((p) => p.startsWith('labels/')))).toBe(false);
  expect(s.skipped.map((k) => k.path)).toEqual(['README.txt']);
  expect(s.counts).toMatchObject({ total: 5, done: 0, skipped: 0, failed: 1, remaining: 4 });
  await expect(page.locator('slicesam-source-panel .counts')).toContainText('0 done · 0 skipped · 4 remaining · 1 failed');
  await page.screenshot({ path: join(SHOTS, 'cohort-opened.png') });
});

test('draw on the first case, save: label file, CSV and tables are written and read back', async () => {
  let s = await state(page);
  savedCase = s.selectedId!;
  await page.keyboard.press('d');
  await expect.poll(async () => (await state(page)).tool).toBe('pen');
  await scribble(page);
  let counts = await page.evaluate(() => window.__slicesam!.labelCounts());
  expect(Object.keys(counts ?? {})).toEqual(['1']);
  // A second object, in its own colour, drawn elsewhere.
  await page.getByRole('button', { name: '+ Object' }).click();
  await expect.poll(async () => (await state(page)).activeLabel).toBe(2);
  await scribble(page, 0.08);
  counts = await page.evaluate(() => window.__slicesam!.labelCounts());
  expect(Object.keys(counts ?? {})).toEqual(['1', '2']);
  savedCount = counts![1]!;
  savedCount2 = counts![2]!;
  expect(savedCount).toBeGreaterThan(5);
  expect(savedCount2).toBeGreaterThan(5);
  savedObjects = (await state(page)).objects;
  expect(savedObjects.map((o) => o.name)).toEqual(['Object 1', 'Object 2']);
  expect(savedObjects[0]!.color).not.toEqual(savedObjects[1]!.color);
  await page.screenshot({ path: join(SHOTS, 'cohort-drawn.png') });

  await page.keyboard.press('s');
  await expect.poll(async () => (await state(page)).cases.find((c) => c.id === savedCase)?.status).toBe('done');
  s = await state(page);
  expect(s.dirty).toBe(false);
  expect(s.messages.at(-1)).toMatch(/saved labels\/.*\.nii\.gz, labels\/volumetry\.csv, labels\/labels\.txt, labels\/labels\.ctbl/);

  // The label file, through nibabel: the case's grid, uint8, exactly the voxels drawn.
  const stem = s.messages.at(-1)!.match(/saved labels\/(.*?)\.nii\.gz/)![1]!;
  const label = (await readOpfs(page, `labels/${stem}.nii.gz`))!;
  const dir = mkdtempSync(join(tmpdir(), 'slicesam-cohort-e2e-'));
  writeFileSync(join(dir, 'label.nii.gz'), label);
  const [nib] = nibRead([join(dir, 'label.nii.gz')], { values: true });
  expect(nib!.shape).toEqual(s.volume!.dims);
  expect(nib!.dtype).toBe('uint8');
  expect(nib!.sform_code).toBe(1);
  expect(nib!.values!.filter((v) => v === 1)).toHaveLength(savedCount);
  expect(nib!.values!.filter((v) => v === 2)).toHaveLength(savedCount2);
  expect(nib!.values!.filter((v) => v !== 0 && v !== 1 && v !== 2)).toHaveLength(0);

  // The CSV: the old row byte-identical, one new row for this case with the drawn volume.
  const csv = (await readOpfs(page, 'labels/volumetry.csv'))!.toString('utf8');
  expect(csv.startsWith(OLD_CSV)).toBe(true);
  const added = csv.slice(OLD_CSV.length).trim().split('\n');
  expect(added).toHaveLength(2);
  expect(added[1]!.split(',').slice(3, 6)).toEqual(['2', 'Object 2', String(savedCount2)]);
  const fields = added[0]!.split(',');
  const [sx, sy, sz] = s.volume!.spacing;
  expect(fields[0]).toBe(savedCase);
  expect(fields[3]).toBe('1');
  expect(fields[4]).toBe('Object 1');
  expect(Number(fields[5])).toBe(savedCount);
  expect(Number(fields[6])).toBeCloseTo(savedCount * sx * sy * sz, 2);
  expect(Number(fields[7])).toBeCloseTo((savedCount * sx * sy * sz) / 1000, 5);

  // Names and colours for ITK-SNAP and Slicer.
  expect((await readOpfs(page, 'labels/labels.txt'))!.toString()).toMatch(/^\s*1\s+\d+\s+\d+\s+\d+\s+1\s+1\s+1\s+"Object 1"$/m);
  expect((await readOpfs(page, 'labels/labels.ctbl'))!.toString()).toMatch(/^1 Object_1 \d+ \d+ \d+ 255$/m);
  await page.screenshot({ path: join(SHOTS, 'cohort-saved.png') });
});

test('reload, resume: the same case, the same statuses, and the saved label map is back', async () => {
  const before = await state(page);
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
  const resume = page.getByRole('button', { name: `Resume ${ROOT}` });
  await expect(resume).toBeVisible();
  await page.screenshot({ path: join(SHOTS, 'cohort-resume.png') });
  await resume.click();
  const s = await idle(page);
  expect(s.selectedId).toBe(savedCase);
  expect(s.cases.map((c) => [c.id, c.status])).toEqual(before.cases.map((c) => [c.id, c.status]));
  // Reopening a saved case starts from its label file.
  expect(await page.evaluate(() => window.__slicesam!.labelCounts())).toEqual({ 1: savedCount, 2: savedCount2 });
  // … with its objects' names and colours, from labels.txt and the CSV.
  expect(s.objects).toEqual(savedObjects);
  expect(s.messages.join('\n')).toMatch(/continuing from labels\//);
});

test('unsaved work survives closing the tab: reopening restores it with a notice', async () => {
  await page.keyboard.press('n');
  let s = await idle(page, savedCase);
  const second = s.selectedId!;
  expect(second).not.toBe(savedCase);
  expect(s.cases.find((c) => c.id === second)?.status).toBe('todo');
  await page.keyboard.press('d');
  // The last change is the pointerup of the last stroke that changed the labels, timed in the
  // page (a time taken here afterwards could already be later than the autosave on a loaded
  // machine). A stroke that paints nothing new (it missed the tiles) is no change: when strokes
  // are slow, the autosave of the one before may land while it is drawn.
  await page.evaluate(() => {
    const w = window as unknown as { lastUp: number };
    const painted = (): number => Object.values(window.__slicesam!.labelCounts() ?? {}).reduce((a, b) => a + b, 0);
    let before = painted();
    window.addEventListener('pointerup', () => {
      const t = Date.now();
      setTimeout(() => {
        const now = painted();
        if (now !== before) w.lastUp = t;
        before = now;
      }, 0);
    }, true);
  });
  await scribble(page);
  const drawn = await page.evaluate(() => window.__slicesam!.labelCounts());
  expect(drawn?.[1] ?? 0).toBeGreaterThan(5);
  // An autosave taken after the last change reaches IndexedDB (0.8 s after the change, then
  // the write: seconds on a loaded 2-core machine, so the wait is generous; how soon is a
  // figure for a benchmark, not a timed test).
  const lastChange = await page.evaluate(() => (window as unknown as { lastUp?: number }).lastUp ?? 0);
  expect(lastChange).toBeGreaterThan(0);
  await expect.poll(async () => (await state(page)).lastAutosave, { timeout: 15_000 }).toBeGreaterThanOrEqual(lastChange);
  // The first edit put it in progress.
  expect((await state(page)).cases.find((c) => c.id === second)?.status).toBe('in-progress');
  await page.close(); // a closed tab, no save

  page = await context.newPage();
  await page.goto('/');
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
  await page.getByRole('button', { name: `Resume ${ROOT}` }).click();
  s = await idle(page);
  expect(s.selectedId).toBe(second);
  expect(await page.evaluate(() => window.__slicesam!.labelCounts())).toEqual(drawn);
  expect(s.dirty).toBe(true);
  expect(s.messages.join('\n')).toMatch(/restored unsaved work/);
  expect(s.cases.find((c) => c.id === savedCase)?.status).toBe('done');
  await page.screenshot({ path: join(SHOTS, 'cohort-restored.png') });
});

test('Skip with a reason: the case is marked, the reason shown, the queue moves on and remembers it', async () => {
  const before = await state(page);
  const skipped = before.selectedId!;
  await page.getByRole('textbox', { name: 'Skip reason' }).fill('motion artefact, repeat scan');
  await page.getByRole('button', { name: 'Skip', exact: true }).click();
  const s = await idle(page, skipped);
  expect(s.selectedId).not.toBe(skipped);
  expect(s.cases.find((c) => c.id === skipped)).toMatchObject({ status: 'skipped', reason: 'motion artefact, repeat scan' });
  expect(s.counts.skipped).toBe(before.counts.skipped + 1);
  await expect(page.locator('slicesam-source-panel .case-reason.skipped')).toHaveText('motion artefact, repeat scan');
  await page.screenshot({ path: join(SHOTS, 'cohort-skipped.png') });
  await page.reload();
  await page.getByRole('button', { name: `Resume ${ROOT}` }).click();
  const after = await idle(page);
  expect(after.cases.find((c) => c.id === skipped)).toMatchObject({ status: 'skipped', reason: 'motion artefact, repeat scan' });
});
