/**
 * Orientation: prompts drawn on the coronal tile of the same head stored as RAS and as PIR
 * (../shared/data/nifti_space) with the mouse, propagated with the fixture model. The label
 * must land where it was drawn in world space: on the prompted slice every labelled voxel
 * lies inside the box drawn, and both files give the same labelled world positions.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idle, state } from './app-helpers.ts';
import { freshFolder, usePickerStandIn } from './opfs.ts';
import { invert, voxelToWorld } from '../src/io/geometry.ts';
import type { Vec3 } from '../src/shared/volume.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(here, 'screenshots');
const DATA = resolve(here, '../../shared/data/nifti_space');
const ROOT = 'orientation-root';
/** A box on the coronal plane y = Y (world mm): x and z ranges over the brain. */
const Y = 10;
const BOX = { x0: -40, x1: 40, z0: -10, z1: 40 };

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;

interface Result {
  affine: number[];
  dims: Vec3;
  labels: Uint8Array;
  slice: number;
  axis: number;
}
const results: Record<string, Result> = {};

async function openCase(name: string): Promise<void> {
  const s = await state(page);
  if (s.cases.find((c) => c.id === s.selectedId)?.name === `${name}.nii.gz`) return;
  await page.locator('slicesam-source-panel').getByText(`${name}.nii.gz`).click();
  await idle(page, s.selectedId ?? undefined);
}

async function voxelAt(mm: Vec3): Promise<Vec3> {
  const affine = (await state(page)).volume!.affine;
  return voxelToWorld(invert(affine), mm[0], mm[1], mm[2]);
}

/** Client position of a world point projected onto the coronal slice shown (its slice index forced). */
async function client(mm: Vec3): Promise<[number, number]> {
  const ijk = await voxelAt(mm);
  const cur = (await page.evaluate(() => window.__slicesam!.currentSlice('coronal')))!;
  ijk[cur.axis] = cur.slice;
  const p = await page.evaluate((ijk) => window.__slicesam!.clientPoint(ijk, 'coronal'), ijk);
  expect(p, `world ${mm} is on the coronal tile`).not.toBeNull();
  return p!;
}

/** Bring the coronal slice through world y = Y under the crosshair with the slice keys. */
async function goToCoronal(): Promise<{ axis: number; slice: number }> {
  const [cx, cy] = await client([0, Y, 15]);
  await page.mouse.move(cx, cy); // slice keys scroll the tile under the pointer
  const target = await voxelAt([0, Y, 15]);
  for (let guard = 0; guard < 100; guard++) {
    const cur = (await page.evaluate(() => window.__slicesam!.currentSlice('coronal')))!;
    const want = Math.round(target[cur.axis]!);
    if (cur.slice === want) return cur;
    // the slice index may run against world y (P… files): step by the sign that helps
    await page.keyboard.press('ArrowRight');
    const after = (await page.evaluate(() => window.__slicesam!.currentSlice('coronal')))!;
    if (Math.abs(after.slice - want) > Math.abs(cur.slice - want)) {
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
    }
  }
  throw new Error('could not reach the coronal slice');
}

async function promptAndPropagate(name: string): Promise<void> {
  await openCase(name);
  const at = await goToCoronal();
  await page.keyboard.press('r');
  const before = (await page.evaluate(() => window.__slicesam!.annotation()!)).historySize;
  const a = await client([BOX.x0, Y, BOX.z0]);
  const b = await client([BOX.x1, Y, BOX.z1]);
  await page.mouse.move(a[0], a[1]);
  await page.mouse.down();
  await page.mouse.move(b[0], b[1], { steps: 6 });
  await page.mouse.up();
  await expect.poll(async () => (await page.evaluate(() => window.__slicesam!.annotation()!)).historySize, { timeout: 60_000 }).toBe(before + 1);
  await page.keyboard.press('t');
  await expect.poll(async () => (await state(page)).messages.at(-1), { timeout: 60_000 }).toMatch(/Propagated/);
  await page.screenshot({ path: join(SHOTS, `annotate-orientation-${name}.png`) });
  const s = await state(page);
  const b64 = await page.evaluate(() => window.__slicesam!.labelMap());
  results[name] = { affine: s.volume!.affine, dims: s.volume!.dims, labels: Uint8Array.from(Buffer.from(b64!, 'base64')), ...at };
  await page.keyboard.press('Escape');
}

/** World positions (rounded to 0.1 mm) of labelled voxels. */
function worldSet(r: Result, filter?: (ijk: Vec3) => boolean): Set<string> {
  const out = new Set<string>();
  const [nx, ny] = r.dims;
  r.labels.forEach((v, n) => {
    if (!v) return;
    const ijk: Vec3 = [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))];
    if (filter && !filter(ijk)) return;
    out.add(voxelToWorld(r.affine, ...ijk).map((c) => c.toFixed(1)).join(','));
  });
  return out;
}

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await usePickerStandIn(context, ROOT);
  page = await context.newPage();
  await page.goto('/?model=fixture-512');
  const files = ['RAS', 'PIR'].map((n) => ({ name: `${n}.nii.gz`, base64: readFileSync(join(DATA, `${n}.nii.gz`)).toString('base64') }));
  await freshFolder(page, ROOT, files.map((f) => ({ path: f.name, base64: f.base64 })));
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
  await page.getByRole('button', { name: /Open folder/ }).click();
  await idle(page);
});

test.afterAll(async () => {
  await context.close();
});

test('RAS: a box on the coronal tile labels voxels inside the box on that slice', async () => {
  await promptAndPropagate('RAS');
  const r = results['RAS']!;
  expect(r.axis).toBe(1); // RAS: coronal slices are along j
  const onSlice = worldSet(r, (ijk) => ijk[r.axis] === r.slice);
  expect(onSlice.size).toBeGreaterThan(50);
  for (const key of onSlice) {
    const [x, , z] = key.split(',').map(Number) as [number, number, number];
    expect(x).toBeGreaterThanOrEqual(BOX.x0 - 2.5);
    expect(x).toBeLessThanOrEqual(BOX.x1 + 2.5);
    expect(z).toBeGreaterThanOrEqual(BOX.z0 - 2.5);
    expect(z).toBeLessThanOrEqual(BOX.z1 + 2.5);
  }
});

test('window / level: a right-drag over the brain makes a custom window the model sees; a preset brings a defined one back', async () => {
  const win = async () => (await page.evaluate(() => window.__slicesam!.annotation()!)).displayWindow;
  const auto = await win();
  const a = await client([-20, Y, 0]);
  const b = await client([20, Y, 30]);
  await page.mouse.move(a[0], a[1]);
  await page.mouse.down({ button: 'right' });
  await page.mouse.move(b[0], b[1], { steps: 6 });
  await page.mouse.up({ button: 'right' });
  await expect.poll(win).not.toEqual(auto);
  await expect(page.getByRole('combobox', { name: 'Window' })).toHaveValue('custom');
  await page.getByRole('combobox', { name: 'Window' }).selectOption('auto');
  await expect.poll(win).toEqual(auto);
});

test('PIR (coronal slices stored along i, flipped): the label lands at the same world positions', async () => {
  await promptAndPropagate('PIR');
  const p = results['PIR']!;
  const r = results['RAS']!;
  expect(p.axis).toBe(0); // PIR: world y comes from i
  const a = worldSet(r);
  const b = worldSet(p);
  let both = 0;
  for (const k of b) if (a.has(k)) both++;
  const diceWorld = (2 * both) / (a.size + b.size);
  expect(a.size).toBeGreaterThan(200);
  expect(diceWorld).toBeGreaterThanOrEqual(0.95);
});
