/**
 * The viewer's fast display against NiiVue's own, pixel by pixel on screen. The same folder
 * opens in three pages: ?display=stock (NiiVue as it ships: its orient pass, slice shader and
 * whole-volume drawing uploads), ?display=cpu (colours computed on the CPU, the viewer's lean
 * slice shader and changed-slice drawing uploads: what a software GL gets by default) and
 * ?display=gpu (NiiVue's colours, the lean shader, changed-slice uploads: what a real GPU gets).
 * Each case is shown just opened, with a brushed object filled and as an outline, after a
 * window preset, as the 3D render, and with the stroke undone and redone; the canvas of each page must match the stock page's within 2 of 255 per
 * channel, and differ at all in at most 0.2 % of its pixels. Cases: the head of
 * ../shared/data/nifti_space stored as RAS and as PIR (uint8 files), a CT-like int16 volume,
 * a float32 volume with negative values and NaN, and an oblique uint16 volume, all written
 * into the folder by this test.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idle, scribble, state } from './app-helpers.ts';
import { freshFolder, usePickerStandIn } from './opfs.ts';
import { encodeNifti } from '../src/io/nifti/write.ts';
import type { Vec3, VoxelArray, VoxelType } from '../src/shared/volume.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(here, 'screenshots');
const DATA = resolve(here, '../../shared/data/nifti_space');
const ROOT = 'display-root';
const MODES = ['stock', 'cpu', 'gpu'] as const;
type Mode = (typeof MODES)[number];

test.describe.configure({ mode: 'serial' });

/** A smooth synthetic head-like volume: a bright ellipsoid with a darker core and a ramp. */
function synthetic(datatype: VoxelType, dims: Vec3, value: (x: number, y: number, z: number) => number): VoxelArray {
  const n = dims[0] * dims[1] * dims[2];
  const data = { int16: Int16Array, uint16: Uint16Array, float32: Float32Array }[datatype as 'int16'];
  const out = new data(n);
  let i = 0;
  for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) out[i++] = value(x, y, z);
  return out;
}

function folderFiles(): { path: string; base64: string }[] {
  const dims: Vec3 = [64, 56, 40];
  const inside = (x: number, y: number, z: number) => ((x - 32) / 26) ** 2 + ((y - 28) / 22) ** 2 + ((z - 20) / 16) ** 2;
  const ct = synthetic('int16', dims, (x, y, z) => (inside(x, y, z) < 1 ? (inside(x, y, z) < 0.3 ? 40 + x : 900 + 10 * z) : -1000));
  const float = synthetic('float32', dims, (x, y, z) => (x === 5 && y === 5 ? NaN : (inside(x, y, z) < 1 ? 3.5 * Math.sin(x / 5) * Math.cos(y / 7) + z / 10 : -2)));
  const mr = synthetic('uint16', dims, (x, y, z) => (inside(x, y, z) < 1 ? 1200 + 800 * Math.sin((x + y + z) / 6) : 20 + ((x * 7 + y * 3) % 40)));
  const c = Math.cos(0.35), s = Math.sin(0.35);
  const oblique = [0.9 * c, -1.1 * s, 0, -30, 0.9 * s, 1.1 * c, 0, -25, 0, 0, 1.6, -30, 0, 0, 0, 1];
  const plain = [-1, 0, 0, 32, 0, 1, 0, -28, 0, 0, 1.5, -30, 0, 0, 0, 1];
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return [
    ...['RAS', 'PIR'].map((n) => ({ path: `${n}.nii.gz`, base64: readFileSync(join(DATA, `${n}.nii.gz`)).toString('base64') })),
    { path: 'ct-int16.nii', base64: b64(encodeNifti({ data: ct, datatype: 'int16', dims, affine: plain })) },
    { path: 'float32.nii', base64: b64(encodeNifti({ data: float, datatype: 'float32', dims, affine: plain })) },
    { path: 'oblique-uint16.nii', base64: b64(encodeNifti({ data: mr, datatype: 'uint16', dims, affine: oblique })) },
  ];
}
const CASES = ['RAS.nii.gz', 'PIR.nii.gz', 'ct-int16.nii', 'float32.nii', 'oblique-uint16.nii'];
const STATES = ['opened', 'labels', 'outline', 'window', 'render', 'undone', 'redone'] as const;

const pages = {} as Record<Mode, { context: BrowserContext; page: Page }>;
/** PNG of the viewer canvas per mode, case and state. */
const shots = new Map<string, Buffer>();
const labelMaps = new Map<string, string | null>();

async function openPage(browser: Browser, mode: Mode): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await usePickerStandIn(context, ROOT);
  const page = await context.newPage();
  await page.goto(`/?model=fixture-512&display=${mode}`);
  await freshFolder(page, ROOT, folderFiles());
  await page.reload();
  await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
  await page.getByRole('button', { name: /Open folder/ }).click();
  await idle(page);
  pages[mode] = { context, page };
}

async function openCase(page: Page, name: string): Promise<void> {
  const s = await state(page);
  if (s.cases.find((c) => c.id === s.selectedId)?.name === name) return;
  await page.locator('slicesam-source-panel').getByText(name, { exact: true }).click();
  await idle(page, s.selectedId ?? undefined);
}

/** The canvas once the display's colours are computed and every queued frame has been drawn. */
async function canvasShot(page: Page): Promise<Buffer> {
  await page.waitForFunction(() => window.__slicesam!.state().viewer?.colouring === false);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.locator('canvas[aria-label="Image viewer"]').screenshot();
}

interface Difference {
  width: number;
  height: number;
  /** Largest difference of one channel, 0–255. */
  max: number;
  /** Share of pixels with a channel differing by more than 2. */
  over2: number;
  /** Share of pixels that differ at all. */
  changed: number;
}

/** Compare two PNGs in the page (the browser decodes them). */
async function difference(page: Page, a: Buffer, b: Buffer): Promise<Difference> {
  return page.evaluate(async ([a64, b64]) => {
    const decode = async (s: string) => {
      const bmp = await createImageBitmap(new Blob([Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0))], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const g = c.getContext('2d')!;
      g.drawImage(bmp, 0, 0);
      return g.getImageData(0, 0, bmp.width, bmp.height);
    };
    const [x, y] = [await decode(a64), await decode(b64)];
    if (x.width !== y.width || x.height !== y.height) return { width: -1, height: -1, max: 255, over2: 1, changed: 1 };
    let max = 0, over2 = 0, changed = 0;
    for (let i = 0; i < x.data.length; i += 4) {
      let d = 0;
      for (let k = 0; k < 3; k++) d = Math.max(d, Math.abs(x.data[i + k]! - y.data[i + k]!));
      max = Math.max(max, d);
      if (d > 2) over2++;
      if (d > 0) changed++;
    }
    const n = x.width * x.height;
    return { width: x.width, height: x.height, max, over2: over2 / n, changed: changed / n };
  }, [a.toString('base64'), b.toString('base64')] as const);
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  for (const mode of MODES) await openPage(browser, mode);
});

test.afterAll(async () => {
  for (const mode of MODES) await pages[mode]?.context.close();
});

test('each page colours its slices the way it was asked to', async () => {
  const display = await Promise.all(MODES.map(async (m) => (await state(pages[m].page)).viewer!));
  expect(display.map((d) => d.display)).toEqual(['stock', 'cpu', 'gpu']);
  expect(display[0]!.colourVolumes.cpu).toBe(0);
  expect(display[1]!.colourVolumes.cpu).toBeGreaterThan(0);
  expect(display[1]!.colourVolumes.niivue).toBe(0);
  // opening colours the planes on screen first, then the rest on the main thread in steps; window changes go to the worker
  expect(display[1]!.colourVolumes.inWorker).toBe(0);
  expect(display[1]!.colourVolumes.shownFirst).toBeGreaterThan(0);
  expect(display[2]!.colourVolumes.cpu).toBe(0);
});

for (const name of CASES) {
  test(`${name}: the fast displays match NiiVue's own on screen`, async () => {
    test.setTimeout(180_000);
    for (const mode of MODES) {
      const { page } = pages[mode];
      await openCase(page, name);
      shots.set(`${mode}/${name}/opened`, await canvasShot(page));
      await page.keyboard.press('a'); // a new object, active
      await page.keyboard.press('p'); // the brush, wide: filled areas and rims to compare
      for (let k = 0; k < 6; k++) await page.keyboard.press('=');
      await scribble(page);
      await page.keyboard.press('Escape');
      labelMaps.set(`${mode}/${name}`, await page.evaluate(() => window.__slicesam!.labelMap()));
      shots.set(`${mode}/${name}/labels`, await canvasShot(page));
      await page.keyboard.press('u');
      shots.set(`${mode}/${name}/outline`, await canvasShot(page));
      await page.keyboard.press('u');
      const before = (await state(page)).viewer!.colourVolumes;
      await page.getByLabel('Window', { exact: true }).selectOption('soft-tissue');
      await idle(page);
      await page.waitForFunction(() => window.__slicesam!.state().viewer?.colouring === false);
      const after = (await state(page)).viewer!.colourVolumes;
      // the new window's colours: one volume, computed in the colour worker in the CPU page
      if (mode === 'cpu') expect([after.cpu - before.cpu, after.inWorker - before.inWorker]).toEqual([1, 1]);
      else expect(after.cpu).toBe(0);
      shots.set(`${mode}/${name}/window`, await canvasShot(page));
      await page.keyboard.press('5'); // the 3D render: volume and labels, lit by the gradient volume
      shots.set(`${mode}/${name}/render`, await canvasShot(page));
      await page.keyboard.press('4');
      // undo and redo the stroke: the drawing changes through the app's own diffs
      await page.keyboard.press('Control+z');
      shots.set(`${mode}/${name}/undone`, await canvasShot(page));
      await page.keyboard.press('Control+y');
      shots.set(`${mode}/${name}/redone`, await canvasShot(page));
    }
    const safe = name.replace(/[^a-z0-9]+/gi, '-');
    const { page } = pages.stock;
    // the same strokes label the same voxels in every page
    expect(labelMaps.get(`cpu/${name}`)).toBe(labelMaps.get(`stock/${name}`));
    expect(labelMaps.get(`gpu/${name}`)).toBe(labelMaps.get(`stock/${name}`));
    // the comparison sees a change when there is one: the window preset changes the image
    const windowed = await difference(page, shots.get(`stock/${name}/opened`)!, shots.get(`stock/${name}/window`)!);
    expect(windowed.over2, 'a new window changes many pixels').toBeGreaterThan(0.02);
    const undone = await difference(page, shots.get(`stock/${name}/undone`)!, shots.get(`stock/${name}/redone`)!);
    expect(undone.changed, 'undoing the stroke takes its label off the screen').toBeGreaterThan(0.001);
    for (const st of STATES) {
      for (const mode of ['cpu', 'gpu'] as const) {
        const shot = shots.get(`${mode}/${name}/${st}`)!;
        const d = await difference(page, shots.get(`stock/${name}/${st}`)!, shot);
        test.info().annotations.push({ type: 'difference', description: `${name} ${st} ${mode} vs stock: max ${d.max}, >2: ${(d.over2 * 100).toFixed(3)} %, changed ${(d.changed * 100).toFixed(2)} %` });
        await test.info().attach(`${safe}-${st}-${mode}.png`, { body: shot, contentType: 'image/png' });
        expect(d.width, 'same canvas size').toBeGreaterThan(0);
        expect(d.over2, `${st}, ${mode} vs stock: pixels off by more than 2 of 255`).toBeLessThanOrEqual(0.0005);
        expect(d.max, `${st}, ${mode} vs stock: largest difference`).toBeLessThanOrEqual(2);
        // on SwiftShader both paths give the same bytes; a rounding slip would show here
        expect(d.changed, `${st}, ${mode} vs stock: pixels that differ at all`).toBeLessThanOrEqual(0.002);
      }
    }
    // one screenshot per case for people: the fast (cpu) display, labels filled, after the window preset
    await pages.cpu.page.screenshot({ path: join(SHOTS, `display-${safe}-cpu.png`) });
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(SHOTS, `display-${safe}-render-cpu.png`), shots.get(`cpu/${name}/render`)!);
  });
}
