/**
 * Reading like a radiologist, with real mouse and keyboard on the shared 120-slice MR
 * (../shared/data/dicom/vs-seg-001-t1-mprage), at 1280×720 and 1920×1080: the default layout
 * fills the screen; MR window presets (no CT ones) change the window the model is given; a
 * right-drag shows W and L live; Ctrl+wheel and keys zoom about the pointer, Shift- and
 * middle-drag pan, 0 resets; a box drawn zoomed and panned labels voxels inside it; the
 * radiological convention by default (patient left on screen right) and the neurological one
 * with V, prompts and brush still on the voxel under the pointer; the crosshair is thin,
 * hides with X and stays put under brush clicks. Screenshots of each state go to e2e/screenshots/.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { idle, state } from './app-helpers.ts';
import { freshFolder, usePickerStandIn } from './opfs.ts';
import { invert, voxelToWorld } from '../src/io/geometry.ts';
import type { Vec3 } from '../src/shared/volume.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = resolve(here, 'screenshots');
const DICOM_DIR = resolve(here, '../../shared/data/dicom/vs-seg-001-t1-mprage');
const ROOT = 'reading-root';
const CANVAS = 'canvas[aria-label="Image viewer"]';
type Plane = 'axial' | 'coronal' | 'sagittal';

test.describe.configure({ mode: 'serial' });

const files = readdirSync(DICOM_DIR).sort().map((f) => ({ path: `mr/${f}`, base64: readFileSync(join(DICOM_DIR, f)).toString('base64') }));

/** Largest per-channel difference of two same-sized PNGs, and the fraction of pixels differing by more than 2. */
async function pngDifference(page: Page, a: Buffer, b: Buffer): Promise<{ max: number; changed: number }> {
  return page.evaluate(async ([a64, b64]) => {
    const pixels = async (s: string) => {
      const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(s), (c) => c.charCodeAt(0))], { type: 'image/png' }));
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      return ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    };
    const [p, q] = [await pixels(a64!), await pixels(b64!)];
    if (p.length !== q.length) return { max: 255, changed: 1 };
    let [max, changed] = [0, 0];
    for (let i = 0; i < p.length; i += 4) {
      const d = Math.max(Math.abs(p[i]! - q[i]!), Math.abs(p[i + 1]! - q[i + 1]!), Math.abs(p[i + 2]! - q[i + 2]!));
      max = Math.max(max, d);
      if (d > 2) changed++;
    }
    return { max, changed: changed / (p.length / 4) };
  }, [a.toString('base64'), b.toString('base64')]);
}

for (const [width, height] of [[1280, 720], [1920, 1080]] as const) {
  test.describe(`${width}×${height}`, () => {
    let context: BrowserContext;
    let page: Page;
    const shot = (name: string) => page.screenshot({ path: join(SHOTS, `reading-${width}x${height}-${name}.png`) });

    const annotation = () => page.evaluate(() => window.__slicesam!.annotation()!);
    const view = async () => (await state(page)).viewer!.view;
    const readout = () => page.getByRole('status', { name: 'Window and level' });
    /** Native indices of the labelled voxels (the test hook's sparse list: the whole map is 31 MB). */
    const labelledNow = async () => (await page.evaluate(() => window.__slicesam!.labelledVoxels()))!;
    const client = async (ijk: Vec3, plane: Plane = 'axial'): Promise<[number, number]> => {
      const p = await page.evaluate(({ ijk, plane }) => window.__slicesam!.clientPoint(ijk, plane), { ijk, plane });
      expect(p, `voxel ${ijk} is on the ${plane} tile`).not.toBeNull();
      return p!;
    };
    /** The voxel under the crosshair (rounded), in the volume's own i, j, k. */
    const crosshairVoxel = async (): Promise<Vec3> => {
      const s = await state(page);
      const v = voxelToWorld(invert(s.volume!.affine), ...s.viewer!.view.crosshairMm!);
      return v.map((x) => Math.round(x)) as Vec3;
    };
    const ijkOf = (n: number, dims: Vec3): Vec3 => [n % dims[0], Math.floor(n / dims[0]) % dims[1], Math.floor(n / (dims[0] * dims[1]))];

    /** Analyse a canvas screenshot in the page: fraction of the windows of a quarter of the canvas that are all background, and crosshair (cyan) pixels. */
    async function canvasStats(): Promise<{ emptyQuarters: number; cyan: number; width: number }> {
      const png = await page.locator(CANVAS).screenshot();
      return page.evaluate(async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
        const c = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = c.getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0);
        const { data, width: w, height: h } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
        // integral image of lit pixels (brighter than near-black background)
        const sum = new Float64Array((w + 1) * (h + 1));
        let cyan = 0;
        for (let y = 0; y < h; y++) {
          let row = 0;
          for (let x = 0; x < w; x++) {
            const i = (y * w + x) * 4;
            const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
            row += Math.max(r, g, b) > 24 ? 1 : 0;
            if (b > 170 && g > 140 && r < 130 && b - r > 80) cyan++;
            sum[(y + 1) * (w + 1) + x + 1] = sum[y * (w + 1) + x + 1]! + row;
          }
        }
        // every window of half the width and half the height (a quadrant of a 2 × 2 grid), in steps of a sixteenth
        const [ww, wh] = [Math.floor(w / 2), Math.floor(h / 2)];
        let empty = 0;
        for (let y = 0; y + wh <= h; y += Math.floor(h / 16)) {
          for (let x = 0; x + ww <= w; x += Math.floor(w / 16)) {
            const lit = sum[(y + wh) * (w + 1) + x + ww]! - sum[y * (w + 1) + x + ww]! - sum[(y + wh) * (w + 1) + x]! + sum[y * (w + 1) + x]!;
            if (lit / (ww * wh) < 0.03) empty++;
          }
        }
        return { emptyQuarters: empty, cyan, width: w };
      }, png.toString('base64'));
    }

    test.beforeAll(async ({ browser }) => {
      context = await browser.newContext({ viewport: { width, height } });
      await usePickerStandIn(context, ROOT);
      page = await context.newPage();
      await page.goto('/?model=fixture-512');
      await freshFolder(page, ROOT, files);
      await page.evaluate(() => localStorage.clear()); // the default convention and crosshair
      await page.reload();
      await expect.poll(() => page.evaluate(() => window.__slicesam?.state() !== undefined)).toBe(true);
      await page.getByRole('button', { name: /Open folder/ }).click();
      await idle(page);
      await expect.poll(async () => (await state(page)).viewer?.volumeCount ?? 0, { timeout: 60_000 }).toBe(1);
    });

    test.afterAll(async () => {
      await context.close();
    });

    test('the default layout fills the screen: no quadrant-sized region of the canvas is background', async () => {
      await page.mouse.move(5, 5); // no hover
      await shot('default');
      const s = await canvasStats();
      expect(s.emptyQuarters).toBe(0);
      // the axial tile takes most of the canvas height
      const [nx, ny] = (await state(page)).volume!.dims;
      const top = await client([nx / 2, 0, 60]);
      const bottom = await client([nx / 2, ny - 1, 60]);
      const box = (await page.locator(CANVAS).boundingBox())!;
      expect(Math.abs(bottom[1] - top[1])).toBeGreaterThan(0.85 * box.height);
    });

    test('MR presets are offered, CT ones are not; a preset changes the window the model is given, and W / L show it', async () => {
      const select = page.getByRole('combobox', { name: 'Window' });
      const names = await select.locator('option').allTextContents();
      expect(names[0]).toMatch(/^Auto/);
      expect(names.filter((n) => n.startsWith('MR '))).toHaveLength(3);
      expect(names.some((n) => n.startsWith('CT '))).toBe(false);
      const win = async () => (await annotation()).displayWindow!;
      const auto = await win();
      const wl = (r: { min: number; max: number }) => `W ${Math.round(r.max - r.min)}  L ${Math.round((r.max + r.min) / 2)}`;
      await expect(readout()).toHaveText(wl(auto));
      await select.selectOption('mr-post');
      await expect.poll(win).not.toEqual(auto);
      const post = await win();
      await expect(readout()).toHaveText(wl(post));
      await select.selectOption('mr-t1');
      await expect.poll(win).not.toEqual(post);
      const t1 = await win();
      await expect(select).toHaveValue('mr-t1'); // the preset, not "Custom window"
      // T1 clips the bright fat; post-contrast keeps the enhancement: higher tops than the automatic window's and lower ones
      expect(post.max).toBeGreaterThan(auto.max);
      expect(t1.max).toBeLessThan(auto.max);
      await shot('preset-t1');
      await select.selectOption('auto');
      await expect.poll(win).toEqual(auto);
    });

    test('a right-drag shows W and L live, at each step of the drag, and ends on the window the model is given', async () => {
      const text = () => readout().textContent();
      const start = await text();
      const [cx, cy] = await client([256, 256, 60]);
      await page.mouse.move(cx, cy);
      const counts = async () => (await state(page)).viewer!.colourVolumes;
      await expect.poll(async () => (await state(page)).viewer!.colouring).toBe(false); // the last test's preset is on screen
      const before = await counts();
      const startShot = await page.locator(CANVAS).screenshot();
      await page.mouse.down({ button: 'right' });
      const seen: string[] = [];
      for (let step = 1; step <= 3; step++) {
        await page.mouse.move(cx + step * 30, cy - step * 15, { steps: 3 });
        seen.push((await text())!);
      }
      await shot('window-drag');
      // while it moves, only the slices shown are recoloured (at every step), never the whole volume
      const during = await counts();
      expect(during.shownOnly - before.shownOnly).toBeGreaterThanOrEqual(3);
      expect(during.cpu).toBe(before.cpu);
      const midShot = await page.locator(CANVAS).screenshot();
      await page.mouse.up({ button: 'right' });
      // the drag's end colours the whole volume once, for its last window: the screen does not change
      await expect.poll(async () => (await counts()).cpu).toBe(before.cpu + 1);
      await expect.poll(async () => (await state(page)).viewer!.colouring).toBe(false);
      const endShot = await page.locator(CANVAS).screenshot();
      const same = await pngDifference(page, midShot, endShot);
      expect(same.max, 'the slices recoloured during the drag are the colours of the whole volume').toBeLessThanOrEqual(1);
      expect((await pngDifference(page, startShot, midShot)).changed, 'the drag changed the image').toBeGreaterThan(0.05);
      // read three times during the one drag: each different from the start and from the one before
      expect(new Set([start, ...seen]).size).toBe(4);
      // wider (dragged right) and brighter (dragged up): larger W, lower L
      const parse = (t: string) => t.match(/W (-?[\d.]+)\s+L (-?[\d.]+)/)!.slice(1).map(Number) as [number, number];
      const [w0, l0] = parse(start!);
      const [w3, l3] = parse(seen[2]!);
      expect(w3).toBeGreaterThan(w0);
      expect(l3).toBeLessThan(l0);
      await expect(page.getByRole('combobox', { name: 'Window' })).toHaveValue('custom');
      await expect.poll(async () => {
        const r = (await annotation()).displayWindow!;
        return [Math.round(r.max - r.min), Math.round((r.max + r.min) / 2)];
      }).toEqual(parse((await text())!));
      await page.getByRole('combobox', { name: 'Window' }).selectOption('auto');
    });

    test('zoom about the pointer (Ctrl+wheel, Z / Shift+Z), pan (Shift+drag, middle-drag), and 0 resets', async () => {
      const target: Vec3 = [300, 220, 60];
      const at = await client(target);
      await page.mouse.move(at[0], at[1]);
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -100);
      await page.mouse.wheel(0, -100);
      await page.keyboard.up('Control');
      await expect.poll(async () => (await view()).zoom).toBeGreaterThan(1.5);
      // the voxel under the pointer stays under it
      let now = await client(target);
      expect(Math.hypot(now[0] - at[0], now[1] - at[1])).toBeLessThan(1.5);
      await expect(readout()).toContainText('×');
      await page.keyboard.press('z');
      await expect.poll(async () => (await view()).zoom).toBeGreaterThan(1.9);
      now = await client(target);
      expect(Math.hypot(now[0] - at[0], now[1] - at[1])).toBeLessThan(1.5);
      await shot('zoomed');
      const zoomed = (await view()).zoom;
      await page.keyboard.press('Shift+Z');
      await expect.poll(async () => (await view()).zoom).toBeLessThan(zoomed);
      await page.keyboard.press('z');
      // Shift+drag: the voxel grabbed follows the pointer
      const grab = await client(target);
      await page.keyboard.down('Shift');
      await page.mouse.move(grab[0], grab[1]);
      await page.mouse.down();
      await page.mouse.move(grab[0] - 80, grab[1] + 50, { steps: 5 });
      await page.mouse.up();
      await page.keyboard.up('Shift');
      now = await client(target);
      expect(Math.abs(now[0] - (grab[0] - 80))).toBeLessThan(1.5);
      expect(Math.abs(now[1] - (grab[1] + 50))).toBeLessThan(1.5);
      // a middle-drag pans too
      await page.mouse.move(now[0], now[1]);
      await page.mouse.down({ button: 'middle' });
      await page.mouse.move(now[0] + 40, now[1] - 30, { steps: 4 });
      await page.mouse.up({ button: 'middle' });
      const panned = await client(target);
      expect(Math.abs(panned[0] - (now[0] + 40))).toBeLessThan(1.5);
      expect(Math.abs(panned[1] - (now[1] - 30))).toBeLessThan(1.5);
      expect((await state(page)).tool).toBe('off'); // no stroke, no prompt
      await shot('panned');
      await page.keyboard.press('0');
      await expect.poll(async () => (await view()).zoom).toBe(1);
      expect((await view()).pan).toEqual([0, 0, 0]);
      const back = await client(target);
      expect(Math.hypot(back[0] - at[0], back[1] - at[1])).toBeLessThan(1);
      await expect(readout()).not.toContainText('×');
      // the bar's Fit button resets too
      await page.keyboard.press('z');
      await expect.poll(async () => (await view()).zoom).toBeGreaterThan(1);
      await page.getByRole('button', { name: /^Fit/ }).click();
      await expect.poll(async () => (await view()).zoom).toBe(1);
    });

    test('a box drawn while zoomed and panned labels voxels inside the box', async () => {
      const k = (await page.evaluate(() => window.__slicesam!.currentSlice("axial")))!.slice; // the axial slice shown
      const box = { i0: 200, i1: 290, j0: 180, j1: 260 };
      await page.mouse.move(...(await client([245, 220, k])));
      for (let n = 0; n < 3; n++) await page.keyboard.press('z');
      await page.keyboard.down('Shift');
      const c = await client([245, 220, k]);
      await page.mouse.move(c[0], c[1]);
      await page.mouse.down();
      await page.mouse.move(c[0] + 60, c[1] - 40, { steps: 4 });
      await page.mouse.up();
      await page.keyboard.up('Shift');
      expect((await view()).zoom).toBeGreaterThan(1.5);
      expect((await view()).pan).not.toEqual([0, 0, 0]);
      await page.keyboard.press('r');
      const before = (await annotation()).historySize;
      const a = await client([box.i0, box.j0, k]);
      const b = await client([box.i1, box.j1, k]);
      await page.mouse.move(a[0], a[1]);
      await page.mouse.down();
      await page.mouse.move(b[0], b[1], { steps: 6 });
      await page.mouse.up();
      await expect.poll(async () => (await annotation()).historySize, { timeout: 60_000 }).toBe(before + 1);
      await shot('box-zoomed');
      const dims = (await state(page)).volume!.dims;
      const onSlice = (await labelledNow()).map((n) => ijkOf(n, dims)).filter((v) => v[2] === k);
      expect(onSlice.length).toBeGreaterThan(50);
      for (const [i, j] of onSlice) {
        expect(i).toBeGreaterThanOrEqual(Math.min(box.i0, box.i1) - 1);
        expect(i).toBeLessThanOrEqual(Math.max(box.i0, box.i1) + 1);
        expect(j).toBeGreaterThanOrEqual(Math.min(box.j0, box.j1) - 1);
        expect(j).toBeLessThanOrEqual(Math.max(box.j0, box.j1) + 1);
      }
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+z');
      await expect.poll(async () => (await labelledNow()).length).toBe(0);
      await page.keyboard.press('0');
    });

    test('radiological by default: the patient\'s left is on the screen\'s right; V switches to neurological; the brush lands on the voxel under the pointer either way', async () => {
      const s = await state(page);
      const affine = s.volume!.affine;
      const dims = s.volume!.dims;
      expect(s.viewer!.view.radiological).toBe(true);
      await expect(page.getByRole('button', { name: /convention: Radiological/ })).toBeVisible();
      const k = (await page.evaluate(() => window.__slicesam!.currentSlice("axial")))!.slice; // the axial slice shown
      // world x (RAS: + is the patient's right) of voxels at either end of i
      const x0 = voxelToWorld(affine, 0, 256, k)[0];
      const x1 = voxelToWorld(affine, dims[0] - 1, 256, k)[0];
      const leftEnd: Vec3 = x0 < x1 ? [40, 256, k] : [dims[0] - 41, 256, k]; // nearer the patient's left
      const rightEnd: Vec3 = [dims[0] - 1 - leftEnd[0], 256, k];
      /** A brush click on a voxel, zoomed in about it (a voxel is then several pixels wide: one pixel of rounding cannot tip it), zoom reset after. */
      const brushAt = async (ijk: Vec3): Promise<Vec3[]> => {
        const before = new Set(await labelledNow());
        await page.mouse.move(...(await client(ijk)));
        for (let n = 0; n < 4; n++) await page.keyboard.press('z');
        await page.mouse.click(...(await client(ijk)));
        await expect.poll(async () => (await labelledNow()).length).toBeGreaterThan(before.size);
        await page.keyboard.press('0');
        return (await labelledNow()).filter((n) => !before.has(n)).map((n) => ijkOf(n, dims));
      };
      const sideOnScreen = async (ijk: Vec3) => (await client(ijk))[0];
      // radiological: the patient's left end is drawn right of the patient's right end
      expect(await sideOnScreen(leftEnd)).toBeGreaterThan(await sideOnScreen(rightEnd));
      await page.keyboard.press('p');
      await expect.poll(async () => (await state(page)).tool).toBe('pen');
      // a click on the screen's right half of the axial tile paints the patient's left
      const painted = await brushAt(leftEnd);
      expect(painted).toContainEqual(leftEnd);
      expect(voxelToWorld(affine, ...painted[0]!)[0]).toBeLessThan(0.5 * (x0 + x1));
      await shot('radiological');
      await page.keyboard.press('v');
      await expect.poll(async () => (await view()).radiological).toBe(false);
      await expect(page.getByRole('button', { name: /convention: Neurological/ })).toBeVisible();
      expect(await sideOnScreen(leftEnd)).toBeLessThan(await sideOnScreen(rightEnd));
      const painted2 = await brushAt(rightEnd);
      expect(painted2).toContainEqual(rightEnd);
      await shot('neurological');
      // remembered in this browser
      await page.keyboard.press('Escape');
      expect(await page.evaluate(() => Object.keys(localStorage).some((key) => key.includes('neurological')))).toBe(true);
      await page.keyboard.press('Control+z');
      await page.keyboard.press('Control+z');
      await expect.poll(async () => (await labelledNow()).length).toBe(0);
      // a box under the neurological convention lands inside the box too
      await page.keyboard.press('r');
      const before = (await annotation()).historySize;
      const a = await client([180, 200, k]);
      const b = await client([260, 280, k]);
      await page.mouse.move(a[0], a[1]);
      await page.mouse.down();
      await page.mouse.move(b[0], b[1], { steps: 6 });
      await page.mouse.up();
      await expect.poll(async () => (await annotation()).historySize, { timeout: 60_000 }).toBe(before + 1);
      const onSlice = (await labelledNow()).map((n) => ijkOf(n, dims)).filter((v) => v[2] === k);
      expect(onSlice.length).toBeGreaterThan(50);
      for (const [i, j] of onSlice) {
        expect(i).toBeGreaterThanOrEqual(179);
        expect(i).toBeLessThanOrEqual(261);
        expect(j).toBeGreaterThanOrEqual(199);
        expect(j).toBeLessThanOrEqual(281);
      }
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+z');
      await page.getByRole('button', { name: /convention: Neurological/ }).click();
      await expect.poll(async () => (await view()).radiological).toBe(true);
    });

    test('the crosshair: thin, stays put under brush clicks, moves with the slice keys, hides with X', async () => {
      const s0 = await canvasStats();
      expect(s0.cyan).toBeGreaterThan(100);
      // thin: a line of about two pixels across all three tiles (a 3 px line would be ~ 3 × the canvas width)
      expect(s0.cyan).toBeLessThan(2.5 * 2 * s0.width);
      const k = (await page.evaluate(() => window.__slicesam!.currentSlice("axial")))!.slice; // the axial slice shown
      const before = (await view()).crosshairMm!;
      const ch = await crosshairVoxel();
      await page.keyboard.press('p');
      await expect.poll(async () => (await state(page)).tool).toBe('pen');
      const away: Vec3 = [ch[0] + 40, ch[1] + 30, ch[2]];
      await page.mouse.click(...(await client(away)));
      await expect.poll(async () => (await labelledNow()).length).toBeGreaterThan(0);
      // a short stroke too
      const p = await client([ch[0] - 30, ch[1] - 20, ch[2]]);
      await page.mouse.move(p[0], p[1]);
      await page.mouse.down();
      await page.mouse.move(p[0] + 20, p[1] + 10, { steps: 5 });
      await page.mouse.up();
      await shot('brush-crosshair');
      expect((await view()).crosshairMm).toEqual(before);
      await page.keyboard.press('Escape');
      // a plain click moves it; slice keys move it
      await page.mouse.click(...(await client([ch[0] + 10, ch[1] + 10, k])));
      await expect.poll(async () => (await view()).crosshairMm).not.toEqual(before);
      const moved = (await view()).crosshairMm;
      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => (await view()).crosshairMm).not.toEqual(moved);
      // X hides it (no cyan left on the canvas), and shows it again
      await page.keyboard.press('x');
      await expect.poll(async () => (await view()).crosshair).toBe(false);
      await expect.poll(async () => (await canvasStats()).cyan).toBeLessThan(10);
      await expect(page.getByRole('button', { name: /^Crosshair/ })).toHaveAttribute('aria-pressed', 'false');
      await shot('no-crosshair');
      await page.getByRole('button', { name: /^Crosshair/ }).click();
      await expect.poll(async () => (await canvasStats()).cyan).toBeGreaterThan(100);
      await page.keyboard.press('Control+z');
      await page.keyboard.press('Control+z');
    });
  });
}
