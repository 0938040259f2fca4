/**
 * UI benchmark (not a test): `npm run bench:ui` (= vite build, then this
 * file with tsx). Prints figures; asserts nothing.
 *
 * In the built app served by `vite preview` (with --dev: the app from Vite's
 * development server, as `npm run dev` gives it, no build needed; modules are
 * compiled on demand, so the first page load, the first open's workers and
 * the first box's engine include that, reported as it is), in headless
 * system Chromium (tools/chromium.ts: SwiftShader WebGL2), on the real
 * 120-slice MPRAGE DICOM series
 * (../shared/data/dicom/vs-seg-001-t1-mprage, 512×512×120 uint16):
 *
 *  1. open: the series is written into OPFS `bench-ui-mprage/` (not timed),
 *     `window.showDirectoryPicker` answers that folder (init script); each
 *     run is a fresh page after deleting IndexedDB `slicesam-cohort` and
 *     `slicesam-autosave` (no resume, no autosave); a click on
 *     "Open folder…" (t0) until the controller's busy label clears after
 *     "Displaying …" with the viewer holding the volume
 *     (state().viewer.volumeCount === 1) ("shown"); then a frame and a
 *     readPixels on the viewer's GL context, which returns only when every
 *     GL command so far has run ("GL done": a software GL finishes texture
 *     uploads and NiiVue's passes long after the main thread moved on); then
 *     the next frame ("painted", the figure the target is judged on).
 *     Phases come from the busy labels (an own accessor over the shell's
 *     `busy`): pick, walk, scan, classify + restore, load (worker),
 *     display (main thread: NIfTI encode → NiiVue). Target: ≤ 1.5 s.
 *     The folder holds a small NIfTI case too (ui/case-open.ts); after the
 *     runs, the series is opened again --case-opens N times (3) from the
 *     list while that case is open: click on its row → painted, as every
 *     case after the first opens (Next, Prev, the list). Target: ≤ 1.5 s.
 *  2. boxes (`?model=fixture-512`, box tool `r`): a box dragged with the
 *     mouse over the head on the axial tile of several slices; from the
 *     pointerup (seen in the page) until annotation().historySize grows
 *     (the mask is written before the step is recorded), then a painted
 *     frame; label voxels counted afterwards with labelCounts() (they must
 *     grow: only that slice was prompted). The first box includes starting
 *     the engine, loading the model and sending the volume (reported
 *     apart); the median is over the later ones.
 *  3. scrolling: the mouse rests on the axial tile (the slice keys scroll
 *     the tile under the pointer) and ArrowRight / ArrowLeft are pressed
 *     back to back; in the page a rAF loop notes every frame and keydown
 *     listeners (capture, and bubble after the app's) note the handler time
 *     and the slice before/after; fps from the frame intervals while keys
 *     come in, one every --key-ms (20) ms, and the frames that show a new
 *     slice (the figure the target is judged on). Once without labels (before the boxes) and once with the
 *     boxes' labels shown. Target: ≥ 30 fps.
 *  4. brush: three strokes of 30 pointer moves with the brush (p) on axial slices,
 *     each move awaited until the page handled it (NiiVue paints and uploads the drawing in the
 *     move's handler); ms per move, pointerup → undo step, label voxels sent to the GPU.
 *     Target: ≤ 50 ms per move (median of the strokes).
 *  5. window drag: the right button pressed in the middle of the axial tile (the viewer's live
 *     window / level, src/viewer/window-drag.ts), then 30 pointer moves (3 px right, 1 px down
 *     each: wider, darker); each move is awaited in the page (ui/page.ts armWindowMove) from its
 *     pointermove (capture at the window) until the test hook's annotation().displayWindow (the
 *     window the viewer shows and the model gets) differs from before the move and
 *     state().viewer.colouring is false (on the CPU display path the colour worker answered and
 *     the new colours went to the GPU; on the others NiiVue's colour pass was issued), polled
 *     every 4 ms; then a frame, a readPixels (GL done) and the next frame ("painted", the figure
 *     the target is judged on). Median, p95, max per update, and Node's wall time per move.
 *     Target: ≤ 100 ms per update (median).
 *  6. save: `s` after the brush strokes and the drag, 3 times (after the first, the save summary
 *     is closed with Escape and a stroke of 10 moves drawn on another slice, so each save has
 *     something new); from the keydown (capture) until a "Saving …" busy label came and the app
 *     is no longer busy, then the case must be 'done' and not dirty and the files the app named
 *     in its "saved …" message must be in OPFS `bench-ui-mprage/labels/`, changed since the key;
 *     then GL done and painted (the summary and the 3D render the app shows after a save).
 *     Target: ≤ 2 s (median key → saved).
 *
 * The header names the server and build measured. With --dev the page's HMR
 * socket is answered by the benchmark and never reaches the server, so a
 * source file changed during the run does not reload the page (it is served
 * changed at the next page load); loads of the page the benchmark did not ask
 * for would be listed under WARNING.
 *
 * Options: --runs N (3 opens), --boxes N (6), --steps N (60 each way with
 * labels), --dev (Vite's development server, `npx vite --port N --strictPort`,
 * instead of `vite preview`; --dist is not used), --port N (4175; 5175 with
 * --dev), --display MODE (the viewer's display path, ?display=auto|cpu|gpu|stock:
 * stock is NiiVue's own colour pass and slice shader, for a comparison in the same build), --dist DIR (serve another build, e.g.
 * `npx vite build --minify false --outDir /tmp/slicesam-ui-plain` for
 * readable names in the profile), --timeout S (60 per wait), --profile (one
 * more open, not in the median, under the V8 sampling profiler (CDP): the
 * heaviest functions printed, the .cpuprofile written to the temp folder).
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestSnapshot } from '../../src/app/test-hook.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { cli, loadAverage, log, noteAs, ROOT, runMain, sleep } from './shared/cli.ts';
import { summariseProfile, type CpuProfile } from './cohort/analyse.ts';
import { calibrate } from './ui/calibrate.ts';
import { CASE_OPEN_PHASES, caseOpenDurations, caseOpenRun, SMALL_CASE, smallCase, type CaseOpenRun } from './ui/case-open.ts';
import { armBox, armSave, armWindowMove, boxDone, installWatch, saveDone, startScroll, stopScroll, summaryShown, takeOpen, windowMoveDone, type BoxRecord, type OpenRecord, type SaveRecord, type WindowMoveRecord } from './ui/page.ts';
import { longTaskText, modelLoadMs, OPEN_PHASES, openFigures, phaseAt, phaseDurations, scrollFigures, windowFigures, type OpenFigures, type ScrollFigures } from './ui/stats.ts';
import { deleteDatabases, listOpfsFiles, pageInfo, pickerInitScript, removeOpfsFolder, writeBatch } from './shared/page.ts';
import { previewArgs, serverText, startServer, stopPreview } from './shared/preview.ts';
import { fmt, median, table } from './shared/stats.ts';

const args = cli();
const { num, flag } = args;
/** --dev: Vite's development server (as `npm run dev`) instead of `vite preview` over the build. */
const DEV = flag('--dev');
const { port: PORT, dist: DIST, base: BASE } = previewArgs(args, DEV ? 5175 : 4175);
const SERVER = { root: ROOT, port: PORT, dist: DIST, dev: DEV };
const RUNS = num('--runs', 3);
const CASE_OPENS = num('--case-opens', 3);
const BOXES = num('--boxes', 6);
const STEPS = num('--steps', 60);
/** One slice key every KEY_MS: faster than keyboard auto-repeat (about 30/s at most), as a mouse wheel. */
const KEY_MS = num('--key-ms', 20);
const TIMEOUT_MS = num('--timeout', 60) * 1000;
const PROFILE = flag('--profile');
const SERIES_DIR = resolve(ROOT, '../shared/data/dicom/vs-seg-001-t1-mprage');
const FOLDER = 'bench-ui-mprage';
const SERIES_SUBFOLDER = 'vs-seg-001-t1-mprage';
/** --display MODE: the viewer's display path (?display=…: auto, cpu, gpu, stock), e.g. stock for NiiVue's own in the same build. */
const DISPLAY = args.opt('--display');
const APP = `/?model=fixture-512${DISPLAY ? `&display=${encodeURIComponent(DISPLAY)}` : ''}`;
const BLANK = '/favicon.svg';
const OPEN_TARGET_MS = 1500;
const FPS_TARGET = 30;
const BRUSH_TARGET_MS = 50;
const WINDOW_TARGET_MS = 100;
const SAVE_TARGET_MS = 2000;
/** Pointer moves of the window drag, and CSS px right and down per move (wider and darker). */
const WINDOW_MOVES = 30;
const WINDOW_STEP: [number, number] = [3, 1];
const SAVES = 3;

const note = noteAs('bench:ui');

// ------------------------------------------------------------------ page helpers

async function writeSeries(page: Page): Promise<{ files: number; bytes: number; ms: number }> {
  const t = performance.now();
  const names = readdirSync(SERIES_DIR).filter((n) => statSync(join(SERIES_DIR, n)).isFile()).sort();
  await go(page, BLANK);
  await page.evaluate(removeOpfsFolder, FOLDER);
  let batch: { path: string; b64: string }[] = [];
  let size = 0, bytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length) await page.evaluate(writeBatch, { root: FOLDER, files: batch });
    batch = [];
    size = 0;
  };
  for (const n of names) {
    const data = readFileSync(join(SERIES_DIR, n));
    batch.push({ path: `${SERIES_SUBFOLDER}/${n}`, b64: data.toString('base64') });
    size += data.byteLength;
    bytes += data.byteLength;
    if (size >= 4 * 1024 * 1024) await flush();
  }
  batch.push({ path: SMALL_CASE, b64: Buffer.from(smallCase()).toString('base64') });
  await flush();
  return { files: names.length, bytes, ms: performance.now() - t };
}

let gotos = 0;
/** page.goto, counted: loads beyond these are reloads the benchmark did not ask for (the development server's, after a file changed). */
async function go(page: Page, path: string): Promise<void> {
  gotos++;
  await page.goto(`${BASE}${path}`);
}

const snapshot = (page: Page): Promise<TestSnapshot> => page.evaluate(() => window.__slicesam!.state());

async function freshApp(page: Page): Promise<void> {
  await go(page, BLANK);
  const deleted = await page.evaluate(deleteDatabases, ['slicesam-cohort', 'slicesam-autosave']);
  if (deleted.some((d) => !d.includes('deleted'))) note(deleted.join('; '));
  await go(page, APP);
  await page.getByRole('button', { name: /Open folder/ }).waitFor({ state: 'visible', timeout: TIMEOUT_MS });
  await page.waitForFunction(() => window.__slicesam?.state() !== undefined, undefined, { timeout: TIMEOUT_MS });
}

interface OpenRun {
  label: string;
  rec: OpenRecord;
  fig: OpenFigures;
  problems: string[];
  /** click → end of the last long task that began up to 0.5 s after the frame that showed the case (the main thread is free again). */
  freeMs: number | null;
  profile?: CpuProfile;
}

async function openRun(page: Page, label: string, profile = false): Promise<OpenRun> {
  await freshApp(page);
  const before = await snapshot(page);
  const problems = await page.evaluate(installWatch);
  if (before.cases.length !== 0) problems.push(`the app started with ${before.cases.length} cases`);
  await sleep(300); // let start-up work settle
  const cdp = profile ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  await page.getByRole('button', { name: /Open folder/ }).click();
  const outcome = await Promise.race([
    page.evaluate(() => window.__uiBench!.open!.done).then(() => 'done' as const),
    sleep(TIMEOUT_MS).then(() => 'timeout' as const),
  ]);
  if (outcome === 'timeout') problems.push(`not shown after ${TIMEOUT_MS / 1000} s`);
  await page.waitForFunction(() => { const s = window.__slicesam!.state(); return !s.busy && s.viewer?.volumeCount === 1; }, undefined, { timeout: TIMEOUT_MS })
    .catch(() => problems.push('viewer never held the volume while idle'));
  await sleep(500); // long tasks right after the first frame, and the observer's delivery
  const rec = await page.evaluate(takeOpen);
  const s = await snapshot(page);
  let cpuProfile: CpuProfile | undefined;
  if (cdp) {
    cpuProfile = (await cdp.send('Profiler.stop')).profile as unknown as CpuProfile;
    await cdp.detach();
  }
  const t0 = rec.t0 ?? 0;
  const free = rec.shownAt === null ? null
    : Math.max(rec.paintedAt ?? rec.shownAt, ...rec.longTasks.filter((l) => l.start <= (rec.paintedAt ?? rec.shownAt!) + 500).map((l) => l.start + l.duration)) - t0;
  if (rec.volumeCountAtShown !== 1) problems.push(`viewer held ${rec.volumeCountAtShown ?? 'no'} volume(s) when the busy label cleared`);
  if (s.cases.length !== 2) problems.push(`${s.cases.length} cases, expected 2 (the series and ${SMALL_CASE})`);
  if (s.volume?.dims.join('×') !== '512×512×120') problems.push(`volume ${s.volume?.dims.join('×') ?? 'none'}, expected 512×512×120`);
  problems.push(...rec.problems, ...s.errors.map((e) => `app error: ${e}`));
  return { label, rec, fig: openFigures(rec), problems: [...new Set(problems)], freeMs: free, ...(cpuProfile ? { profile: cpuProfile } : {}) };
}

// ------------------------------------------------------------------ slices, boxes, scrolling

interface Geometry {
  dims: [number, number, number];
  axis: number;
}

async function axialGeometry(page: Page): Promise<Geometry> {
  const s = await snapshot(page);
  const cur = await page.evaluate(() => window.__slicesam!.currentSlice('axial'));
  if (!s.volume || !cur) throw new Error('no case open');
  return { dims: s.volume.dims, axis: cur.axis };
}

const ijk = (g: Geometry, u: number, v: number, slice: number): [number, number, number] => {
  const other = [0, 1, 2].filter((a) => a !== g.axis);
  const p: [number, number, number] = [0, 0, 0];
  p[other[0]!] = u;
  p[other[1]!] = v;
  p[g.axis] = slice;
  return p;
};

async function clientPoint(page: Page, p: [number, number, number]): Promise<[number, number]> {
  const c = await page.evaluate((q) => window.__slicesam!.clientPoint(q, 'axial'), p);
  if (!c) throw new Error(`voxel ${p.join(',')} is not on screen`);
  return c;
}

const currentSlice = async (page: Page): Promise<number> => (await page.evaluate(() => window.__slicesam!.currentSlice('axial')))!.slice;

/** Rest the pointer in the middle of the axial tile; answers where that is. */
async function hoverAxial(page: Page, g: Geometry): Promise<[number, number]> {
  const other = [0, 1, 2].filter((a) => a !== g.axis);
  const [x, y] = await clientPoint(page, ijk(g, g.dims[other[0]!]! / 2, g.dims[other[1]!]! / 2, await currentSlice(page)));
  await page.mouse.move(x, y);
  return [x, y];
}

/** Move the axial crosshair to slice k with the slice keys (whichever way ArrowRight goes). */
async function goToSlice(page: Page, g: Geometry, k: number): Promise<void> {
  await hoverAxial(page, g);
  let up = 'ArrowRight', down = 'ArrowLeft';
  const seen: number[] = [];
  for (let guard = 0; guard < 400; guard++) {
    const cur = await currentSlice(page);
    seen.push(cur);
    if (cur === k) return;
    await page.keyboard.press(cur < k ? up : down);
    const next = await currentSlice(page);
    if (next !== cur && Math.sign(next - cur) !== Math.sign(k - cur)) [up, down] = [down, up];
  }
  throw new Error(`could not reach axial slice ${k}: slices seen ${[...new Set(seen)].join(', ')}`);
}

interface BoxRun {
  slice: number;
  rec: BoxRecord;
  ms: number | null;
  paintedMs: number | null;
  voxelsAdded: number;
  model: { start: number; ms: number } | null;
}

async function labelVoxels(page: Page): Promise<number> {
  const c = await page.evaluate(() => window.__slicesam!.labelCounts());
  return c ? Object.values(c).reduce((a, b) => a + b, 0) : 0;
}

async function dragBox(page: Page, g: Geometry, slice: number): Promise<BoxRun> {
  await goToSlice(page, g, slice);
  const other = [0, 1, 2].filter((a) => a !== g.axis);
  const nu = g.dims[other[0]!]!, nv = g.dims[other[1]!]!;
  const before = (await page.evaluate(() => window.__slicesam!.annotation()))?.historySize ?? 0;
  const voxelsBefore = await labelVoxels(page);
  const [x0, y0] = await clientPoint(page, ijk(g, Math.round(nu * 0.3), Math.round(nv * 0.3), slice));
  const [x1, y1] = await clientPoint(page, ijk(g, Math.round(nu * 0.7), Math.round(nv * 0.7), slice));
  await page.evaluate(armBox, { before, timeoutMs: TIMEOUT_MS });
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
  await page.mouse.move(x1, y1, { steps: 4 });
  await page.mouse.up();
  const rec = await page.evaluate(boxDone);
  const voxelsAfter = await labelVoxels(page);
  const ms = rec.upAt !== null && rec.doneAt !== null ? rec.doneAt - rec.upAt : null;
  const paintedMs = rec.upAt !== null && rec.paintedAt !== null ? rec.paintedAt - rec.upAt : null;
  const model = modelLoadMs(rec.busy);
  return { slice, rec, ms, paintedMs, voxelsAdded: voxelsAfter - voxelsBefore, model: model && rec.upAt !== null ? { start: model.start - rec.upAt, ms: model.ms } : null };
}

interface BrushRun {
  moves: number;
  /** Wall time of the pointer moves of the stroke, per move (each waits until the page handled it). */
  msPerMove: number;
  /** pointerup → the stroke is an undo step. */
  upToStepMs: number | null;
  voxelsAdded: number;
  /** Label voxels sent to the GPU during the stroke (only changed slices are sent). */
  voxelsUploaded: number | null;
}

/** A brush stroke across the axial tile: MOVES pointer moves with the button down. */
async function brushStroke(page: Page, g: Geometry, slice: number, moves: number): Promise<BrushRun> {
  await goToSlice(page, g, slice);
  await page.keyboard.press('p');
  const other = [0, 1, 2].filter((a) => a !== g.axis);
  const nu = g.dims[other[0]!]!, nv = g.dims[other[1]!]!;
  const [x0, y0] = await clientPoint(page, ijk(g, Math.round(nu * 0.35), Math.round(nv * 0.45), slice));
  const [x1, y1] = await clientPoint(page, ijk(g, Math.round(nu * 0.65), Math.round(nv * 0.55), slice));
  const before = (await page.evaluate(() => window.__slicesam!.annotation()))?.historySize ?? 0;
  const voxelsBefore = await labelVoxels(page);
  const uploadedBefore = (await snapshot(page)).viewer?.drawingVoxelsUploaded;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  const t0 = performance.now();
  for (let i = 1; i <= moves; i++) await page.mouse.move(x0 + ((x1 - x0) * i) / moves, y0 + ((y1 - y0) * i) / moves);
  const movesMs = performance.now() - t0;
  const t1 = performance.now();
  await page.mouse.up();
  const stepped = await page.waitForFunction((n) => (window.__slicesam!.annotation()?.historySize ?? 0) > n, before, { timeout: TIMEOUT_MS })
    .then(() => performance.now() - t1, () => null);
  await page.keyboard.press('Escape');
  const uploadedAfter = (await snapshot(page)).viewer?.drawingVoxelsUploaded;
  return {
    moves, msPerMove: movesMs / moves, upToStepMs: stepped, voxelsAdded: (await labelVoxels(page)) - voxelsBefore,
    voxelsUploaded: uploadedBefore === undefined || uploadedAfter === undefined ? null : uploadedAfter - uploadedBefore,
  };
}

interface WindowRun {
  moves: WindowMoveRecord[];
  /** Node side, per move: mouse.move → the painted frame seen (with the CDP round trips). */
  wallMs: number[];
  /** Background colour volumes made during the drag: by the CPU (in the colour worker or not) and by NiiVue. */
  colours: { cpu: number; niivue: number; inWorker: number } | null;
  problems: string[];
}

/** A right-button drag on the axial tile: `moves` pointer moves, each awaited until the new window is on screen (armWindowMove). */
async function windowDrag(page: Page, g: Geometry, moves: number): Promise<WindowRun> {
  const [x0, y0] = await hoverAxial(page, g);
  const coloursBefore = (await snapshot(page)).viewer?.colourVolumes;
  const timeoutMs = Math.min(TIMEOUT_MS, 10_000);
  const out: WindowRun = { moves: [], wallMs: [], colours: null, problems: [] };
  await page.mouse.down({ button: 'right' });
  for (let i = 1; i <= moves; i++) {
    await page.evaluate(armWindowMove, { timeoutMs });
    const t = performance.now();
    await page.mouse.move(x0 + WINDOW_STEP[0] * i, y0 + WINDOW_STEP[1] * i);
    const rec = await page.evaluate(windowMoveDone);
    out.wallMs.push(performance.now() - t);
    out.moves.push(rec);
    if (rec.timedOut) {
      out.problems.push(`window move ${i}: ${rec.moveAt === null ? 'no pointermove seen' : rec.changedAt === null ? 'the window did not change' : 'colour work still in flight'} after ${fmt(timeoutMs)} ms`);
      break; // a build without a live window drag: do not wait 30 times
    }
  }
  await page.mouse.up({ button: 'right' });
  const coloursAfter = (await snapshot(page)).viewer?.colourVolumes;
  if (coloursBefore && coloursAfter) {
    out.colours = { cpu: coloursAfter.cpu - coloursBefore.cpu, niivue: coloursAfter.niivue - coloursBefore.niivue, inWorker: coloursAfter.inWorker - coloursBefore.inWorker };
  }
  return out;
}

interface SaveRun {
  rec: SaveRecord;
  /** key → saved, key → GL done, key → painted. */
  ms: number | null;
  gpuDoneMs: number | null;
  paintedMs: number | null;
  /** What the app said it wrote, and which of them OPFS holds changed since the save was armed. */
  written: string[];
  fresh: { path: string; size: number }[];
  problems: string[];
}

/** Press `s` and wait until the case is saved and a frame painted after (armSave); then look for the files in OPFS. */
async function saveCase(page: Page): Promise<SaveRun> {
  await page.evaluate(armSave, { timeoutMs: TIMEOUT_MS });
  await page.keyboard.press('s');
  const rec = await page.evaluate(saveDone);
  const written = rec.message?.match(/: saved (.*)\.$/)?.[1]?.split(', ') ?? [];
  const files = await page.evaluate(listOpfsFiles, { root: FOLDER, folder: 'labels' });
  // lastModified may be rounded to the second (the file system's clock)
  const fresh = files.filter((f) => written.includes(f.path) && f.lastModified >= rec.armedEpoch - 1000).map(({ path, size }) => ({ path, size }));
  const problems: string[] = [];
  if (rec.timedOut) problems.push(rec.keyAt === null ? 'no s keydown seen' : `not saved after ${fmt(TIMEOUT_MS / 1000)} s`);
  else if (rec.status !== 'done' || rec.dirty !== false) problems.push(`after the save: status ${rec.status ?? '?'}, dirty ${String(rec.dirty)}, last message ${JSON.stringify(rec.message)}`);
  if (!rec.timedOut && (written.length === 0 || fresh.length < written.length)) {
    problems.push(`files: the app wrote ${written.length ? written.join(', ') : 'nothing it named'}; OPFS ${FOLDER}/labels/ has ${fresh.length} of them changed by this save (${files.map((f) => f.path).join(', ') || 'empty'})`);
  }
  const since = (t: number | null): number | null => (rec.keyAt !== null && t !== null ? t - rec.keyAt : null);
  return { rec, ms: since(rec.savedAt), gpuDoneMs: since(rec.gpuDoneAt), paintedMs: since(rec.paintedAt), written, fresh, problems };
}

/** Close the save summary (Escape), which also takes the 3D render the app shows after a save off the screen. */
async function closeSummary(page: Page): Promise<void> {
  if (!(await page.evaluate(summaryShown))) return;
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !((document.querySelector('slicesam-app') as { saveSummary?: unknown } | null)?.saveSummary), undefined, { timeout: 5000 })
    .catch(() => note('the save summary did not close on Escape'));
  await sleep(300); // the layout without the 3D tile is drawn
}

interface ScrollRun {
  name: string;
  fig: ScrollFigures;
  from: number;
  to: number;
}

/** Press ArrowRight `steps` times, then ArrowLeft `steps` times, back to back, from slice `from`. */
async function scroll(page: Page, g: Geometry, name: string, from: number, steps: number): Promise<ScrollRun> {
  await goToSlice(page, g, from);
  await hoverAxial(page, g);
  await sleep(300);
  await page.evaluate(startScroll);
  const t = performance.now();
  const press = async (key: string, i: number): Promise<void> => {
    await page.keyboard.press(key);
    const due = t + (i + 1) * KEY_MS;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
  };
  for (let i = 0; i < steps; i++) await press('ArrowRight', i);
  const mid = await currentSlice(page);
  for (let i = 0; i < steps; i++) await press('ArrowLeft', steps + i);
  const wall = performance.now() - t;
  const rec = await page.evaluate(stopScroll);
  return { name, fig: scrollFigures(rec, wall), from, to: mid };
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  if (!existsSync(SERIES_DIR)) throw new Error(`${SERIES_DIR} is missing (see ../shared/data/README.md)`);
  let server: ChildProcess | null = null;
  let browser: Browser | null = null;
  process.once('SIGINT', () => { void stopPreview(server).then(() => process.exit(130)); });
  const started = performance.now();
  const loadStart = loadAverage();
  let loads = 0;
  try {
    if (DEV && DIST) note('--dist is not used with --dev (the development server serves the source tree)');
    server = await startServer(SERVER);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    await context.addInitScript({ content: pickerInitScript(FOLDER) });
    // The development server's HMR socket is answered here, never connected to the server: files others
    // change during the run do not reload the page (a changed file is still served at the next page load).
    if (DEV) await context.routeWebSocket((url) => url.port === String(PORT) && url.searchParams.has('token'), () => undefined);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(`console: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} ${r.url().replace(BASE, '')}`); });
    page.on('load', () => { loads++; });

    const written = await writeSeries(page);
    note(`series written to OPFS ${FOLDER}/ (${written.files} files, ${fmt(written.bytes / 2 ** 20, 1)} MiB) in ${fmt(written.ms)} ms`);
    await go(page, APP);
    const info = await page.evaluate(pageInfo);
    const yardstick = await page.evaluate(calibrate);

    // 1. open, RUNS times
    const opens: OpenRun[] = [];
    for (let i = 1; i <= RUNS; i++) {
      note(`open ${i}/${RUNS}…`);
      const r = await openRun(page, `run ${i}`);
      opens.push(r);
      note(`  shown after ${fmt(r.fig.shownMs)} ms${r.problems.length ? ` (problems: ${r.problems.join('; ')})` : ''}`);
    }

    // 1b. the series opened again from the list, the small case open before each time
    const caseOpens: CaseOpenRun[] = [];
    const seriesName = (await snapshot(page)).cases.find((c) => c.kind === 'dicom')?.name ?? '';
    for (let i = 1; i <= CASE_OPENS; i++) {
      note(`case open ${i}/${CASE_OPENS} (from the list)…`);
      const r = await caseOpenRun(page, `open ${i}`, seriesName, '512×512×120', TIMEOUT_MS);
      caseOpens.push(r);
      note(`  painted after ${fmt(r.paintedMs)} ms${r.problems.length ? ` (problems: ${r.problems.join('; ')})` : ''}`);
    }

    let profiled: OpenRun | null = null;
    if (PROFILE) {
      note('profiled open (not in the median)…');
      profiled = await openRun(page, 'profiled', true);
    }

    // The last run's page goes on: scroll without labels, boxes, scroll with labels.
    const g = await axialGeometry(page);
    const count = g.dims[g.axis]!;
    const mid = Math.floor(count / 2);
    const scrolls: ScrollRun[] = [];
    note('scroll without labels…');
    scrolls.push(await scroll(page, g, 'no labels', Math.max(0, mid - 15), Math.min(30, count - 1)));

    note(`${BOXES} boxes…`);
    await hoverAxial(page, g);
    await page.keyboard.press('r');
    await page.waitForFunction(() => window.__slicesam!.annotation()?.promptTool === 'box', undefined, { timeout: 5000 })
      .catch(() => note('box tool did not come on after "r"'));
    const boxes: BoxRun[] = [];
    const spread = Math.min(30, count - 1);
    for (let b = 0; b < BOXES; b++) {
      const slice = Math.round(mid - spread / 2 + (BOXES > 1 ? (spread * b) / (BOXES - 1) : 0));
      boxes.push(await dragBox(page, g, slice));
    }
    const ann = await page.evaluate(() => window.__slicesam!.annotation());

    note('scroll with labels…');
    const from = Math.max(0, Math.min(count - 1 - STEPS, mid - Math.floor(STEPS / 2)));
    scrolls.push(await scroll(page, g, 'labels shown', from, Math.min(STEPS, count - 1)));
    note('brush strokes…');
    const strokes: BrushRun[] = [];
    for (let k = 0; k < 3; k++) strokes.push(await brushStroke(page, g, mid + 4 * k - 4, 30));
    note(`window drag (${WINDOW_MOVES} moves)…`);
    await sleep(300);
    const drag = await windowDrag(page, g, WINDOW_MOVES);
    note(`${SAVES} saves…`);
    const saves: SaveRun[] = [];
    for (let k = 0; k < SAVES; k++) {
      if (k > 0) {
        await closeSummary(page);
        await brushStroke(page, g, mid + 8 + 2 * k, 10); // something new to save
      }
      await sleep(300);
      saves.push(await saveCase(page));
    }
    const final = await snapshot(page);
    const loadEnd = loadAverage();

    // ---------------------------------------------------------- report
    const cpu = cpus();
    log();
    log(`SliceSAM UI benchmark (${DEV ? 'development server' : 'production build'}): MPRAGE DICOM series (${written.files} files, ${fmt(written.bytes / 2 ** 20, 1)} MiB, ${g.dims.join('×')} uint16) from OPFS ${FOLDER}/, fixture model (?model=fixture-512)`);
    log(`machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? '?'}), ${fmt(totalmem() / 2 ** 30, 1)} GiB, ${platform()} ${release()}, Node ${process.version}; ` +
      `load average (1/5/15 min) at start ${loadStart}, at end ${loadEnd}`);
    log(`browser: Chromium ${browser.version()} (headless; WebGL2: ${info.webgl}); navigator.hardwareConcurrency ${info.cores}; ` +
      `crossOriginIsolated ${info.isolated}; viewport 1280×800 @1x; engine ${ann?.device ?? '?'}`);
    log(`yardstick (ui/calibrate.ts, compare machines by it): JS min/max pass over 31 M uint16 voxels ${fmt(yardstick.jsPassMs, 1)} ms; ` +
      `GL 1280×800 frame sampling a 3D texture ${yardstick.glFrameMs === null ? 'no WebGL2' : `${fmt(yardstick.glFrameMs, 1)} ms`}`);
    log(`server: ${serverText(SERVER)}; page ${APP}; viewer display ${final.viewer?.display ?? '? (a build before display modes)'}`);
    if (DEV) {
      log('  (the development server pre-bundles NiiVue without the build\'s patches, tools/vite/niivue-patches.ts: NiiVue runs as shipped there and never ' +
        'consults the viewer\'s hooks: CPU colours, changed-slice label uploads, no gradient pass while no 3D render is shown)');
    }
    log();

    // 1.
    log(`1. Open folder → first slice on screen (each run: fresh page, IndexedDB cleared; ms after the click on "Open folder…"; shown: the app is done; GL done: the GPU too; painted: the next frame)`);
    const durs = opens.map((r) => phaseDurations(r.fig));
    const head = ['run', ...OPEN_PHASES.slice(0, -1), 'shown', 'GL done', 'painted', 'main thread free', 'longest task', 'ok'];
    const row = (r: OpenRun, d: Map<string, number | null>): string[] => [
      r.label, ...OPEN_PHASES.slice(0, -1).map((p) => fmt(d.get(p))), fmt(r.fig.shownMs), fmt(r.fig.gpuDoneMs), fmt(r.fig.paintedMs), fmt(r.freeMs), fmt(r.fig.longestTaskMs), r.problems.length ? 'NO' : 'yes',
    ];
    const rows = opens.map((r, i) => row(r, durs[i]!));
    const medOf = (f: (i: number) => number | null | undefined): number => median(opens.map((_, i) => f(i)).filter((x): x is number => typeof x === 'number'));
    rows.push(['median', ...OPEN_PHASES.slice(0, -1).map((p) => fmt(medOf((i) => durs[i]!.get(p)))),
      fmt(medOf((i) => opens[i]!.fig.shownMs)), fmt(medOf((i) => opens[i]!.fig.gpuDoneMs)), fmt(medOf((i) => opens[i]!.fig.paintedMs)), fmt(medOf((i) => opens[i]!.freeMs)), fmt(medOf((i) => opens[i]!.fig.longestTaskMs)), '']);
    if (profiled) rows.push(row(profiled, phaseDurations(profiled.fig)));
    log(table(head, rows));
    for (const r of opens) {
      log(`  ${r.label}: long tasks (> 50 ms): ${longTaskText(r.rec.longTasks, r.rec.t0 ?? 0, (t) => phaseAt(r.fig, t))}`);
      if (r.problems.length) log(`  ${r.label} problems: ${r.problems.join('; ')}`);
    }
    if (profiled?.profile) {
      const sum = summariseProfile(profiled.profile, [[-Infinity, Infinity]], 14);
      log(`  profiled open (V8 sampling profiler, 500 µs; main thread, click → shown + 0.5 s): ${fmt(sum.sampledMs)} ms sampled`);
      log(table(['    self ms', 'function'], sum.self.map((e) => [`    ${fmt(e.ms)}`, e.key])));
      log(table(['    total ms', 'function (inclusive)'], sum.inclusive.map((e) => [`    ${fmt(e.ms)}`, e.key])));
      const path = join(tmpdir(), `slicesam-bench-ui-${Date.now()}.cpuprofile`);
      writeFileSync(path, JSON.stringify(profiled.profile));
      log(`  CPU profile: ${path}`);
    }
    log();
    log(`1b. Case open from the list → first slice (the series' row clicked while ${SMALL_CASE} is open, as Next / Prev / a click open every case after the first; ms after the click)`);
    const caseMed = (f: (r: CaseOpenRun) => number | null): number => median(caseOpens.map(f).filter((x): x is number => x !== null));
    const caseDurs = caseOpens.map(caseOpenDurations);
    log(table(['open', ...CASE_OPEN_PHASES, 'shown', 'GL done', 'painted', 'longest task', 'ok'], [
      ...caseOpens.map((r, i) => [r.label, ...caseDurs[i]!.map((d) => fmt(d)), fmt(r.shownMs), fmt(r.gpuDoneMs), fmt(r.paintedMs),
        fmt(r.rec.longTasks.reduce((m, l) => Math.max(m, l.duration), 0)), r.problems.length ? 'NO' : 'yes']),
      ['median', ...CASE_OPEN_PHASES.map((_, k) => fmt(median(caseDurs.map((d) => d[k]!).filter((x): x is number => x !== null)))),
        fmt(caseMed((r) => r.shownMs)), fmt(caseMed((r) => r.gpuDoneMs)), fmt(caseMed((r) => r.paintedMs)), '', ''],
    ]));
    for (const r of caseOpens) if (r.problems.length) log(`  ${r.label} problems: ${r.problems.join('; ')}`);
    log();

    // 3. (boxes come before the labelled scroll in the run; printed in the brief's order below)
    const sr = (s: ScrollRun): string[] => [
      s.name, `${s.from}→${s.to}→`, `${s.fig.moved}/${s.fig.steps}`, fmt(s.fig.spanMs), fmt(s.fig.fpsMean, 1), fmt(s.fig.fpsP5, 1),
      `${fmt(s.fig.intervalP50, 1)} / ${fmt(s.fig.intervalP95, 1)} / ${fmt(s.fig.intervalMax, 1)}`,
      fmt(s.fig.stepsPerSecond, 1), fmt(s.fig.sliceFps, 1), `${fmt(s.fig.handlerMedian, 1)} / ${fmt(s.fig.handlerP95, 1)}`,
      `${fmt(s.fig.keyToFrameMedian, 1)} / ${fmt(s.fig.keyToFrameP95, 1)}`, fmt(s.fig.wallPerStep, 1), `${s.fig.longTasks} (max ${fmt(s.fig.longestTaskMs)})`,
    ];
    log(`2. Scrolling the axial tile with ArrowRight then ArrowLeft, one key every ${KEY_MS} ms (Playwright), pointer on the axial tile`);
    log(table(['labels', 'slices', 'moved/keys', 'span ms', 'fps mean', 'fps p5', 'frame ms p50/p95/max', 'slices/s', 'new-slice frames/s', 'handler ms p50/p95', 'key→frame ms p50/p95', 'wall ms/key', 'long tasks'],
      scrolls.map(sr)));
    log('  fps: rAF callbacks in the page while keys came in; fps p5 = 1000 / 95th-percentile frame interval; handler: keydown → after the app\'s listener');
    log('  (the crosshair moves; the viewer draws in the next frame); key→frame: keydown → first rAF after the handler (the frame that shows the new slice);');
    log('  new-slice frames/s: frames whose slice differs from the frame before (several keys between two frames show as one step).');
    log();

    log(`3. Box on an axial slice → mask written (fixture-512): pointerup → annotation().historySize +1 (labels written before the step is recorded); then painted`);
    log(table(['box', 'slice', 'ms to mask', 'ms to painted', 'label voxels added', 'model load in it', 'longest task', 'ok'],
      boxes.map((b, i) => [
        i === 0 ? '1 (cold)' : String(i + 1), String(b.slice), fmt(b.ms), fmt(b.paintedMs), fmt(b.voxelsAdded),
        b.model ? `${fmt(b.model.ms)} ms from +${fmt(b.model.start)}` : '—',
        fmt(b.rec.longTasks.reduce((m, l) => Math.max(m, l.duration), 0)),
        b.rec.timedOut ? 'TIMEOUT' : b.voxelsAdded > 0 ? 'yes' : 'no voxels',
      ])));
    const warm = boxes.slice(1).filter((b) => b.ms !== null).map((b) => b.ms!);
    const cold = boxes[0];
    if (cold?.ms != null) {
      const modelMs = cold.model?.ms ?? 0;
      log(`  first box ${fmt(cold.ms)} ms = model load ${fmt(modelMs)} ms (busy "Loading model…" → cleared) + ${fmt(cold.ms - modelMs)} ms rest ` +
        `(engine worker start, volume sent to the engine, window, first slice encoded + decoded, mask written)`);
    }
    log(`  later boxes (model warm): median ${fmt(median(warm))} ms over ${warm.length} (each: ${warm.map((x) => fmt(x)).join(', ')})`);
    log(`  annotation: ${ann?.historySize ?? '?'} steps, model ${ann?.modelId ?? '?'} on ${ann?.device ?? '?'}, prompted ${JSON.stringify(ann?.prompted ?? {})}`);
    log();

    // 4.
    log(`4. Brush strokes on an axial slice (p): 30 pointer moves with the button down, each awaited until the page handled it; then pointerup → undo step`);
    log(table(['stroke', 'ms per move', 'pointerup → step ms', 'label voxels added', 'label voxels sent to the GPU'],
      strokes.map((b, i) => [String(i + 1), fmt(b.msPerMove, 1), fmt(b.upToStepMs), fmt(b.voxelsAdded), b.voxelsUploaded === null ? '? (older build)' : fmt(b.voxelsUploaded)])));
    const brushMed = median(strokes.map((b) => b.msPerMove));
    log(`  median ${fmt(brushMed, 1)} ms per move (target ≤ ${BRUSH_TARGET_MS} ms)`);
    log();

    // 5.
    const wf = windowFigures(drag.moves, drag.wallMs);
    log(`5. Window / level by right-drag on the axial tile: ${WINDOW_MOVES} pointer moves (${WINDOW_STEP[0]} px right, ${WINDOW_STEP[1]} px down each) with the right button down, ` +
      'each awaited until annotation().displayWindow changed, no colour work was in flight (state().viewer.colouring), the GL work was done (readPixels) and a frame painted');
    log(table(['ms per update', 'median', 'p95', 'max'], wf.rows.map((r) => [r.name, fmt(r.median, 1), fmt(r.p95, 1), fmt(r.max, 1)])));
    const c = drag.colours;
    log(`  ${wf.changed}/${wf.moves} moves changed the window (${wf.moves} of ${WINDOW_MOVES} done); colour work seen in flight in ${wf.colouring}; ` +
      `window ${wf.first ? `${fmt(wf.first.min)}…${fmt(wf.first.max)}` : '?'} → ${wf.last ? `${fmt(wf.last.min)}…${fmt(wf.last.max)}` : '?'}; ` +
      `colour volumes made: ${c ? `${c.cpu} by the CPU (${c.inWorker} of them in the colour worker), ${c.niivue} by NiiVue` : '?'}`);
    log();

    // 6.
    log(`6. Save (s): key → saved ("Saving …" busy label came and cleared; the case done, not dirty; the files in OPFS ${FOLDER}/labels/), then painted (the summary and the 3D render shown after a save); ` +
      `${SAVES} saves, the first after the brush strokes, each later one after the summary is closed and a stroke of 10 moves on another slice`);
    log(table(['save', 'ms to saved', 'ms to GL done', 'ms to painted', 'files written (changed in OPFS)', 'label file bytes', 'ok'],
      saves.map((v, i) => [
        String(i + 1), fmt(v.ms), fmt(v.gpuDoneMs), fmt(v.paintedMs), `${v.written.length} (${v.fresh.length})`,
        fmt(v.fresh.find((f) => f.path.endsWith('.nii.gz'))?.size), v.problems.length ? 'NO' : 'yes',
      ])));
    const savedMs = saves.filter((v) => v.ms !== null).map((v) => v.ms!);
    const savePaintedMs = saves.filter((v) => v.paintedMs !== null).map((v) => v.paintedMs!);
    log(`  median ${fmt(median(savedMs))} ms to saved, ${fmt(median(savePaintedMs))} ms to painted; files: ${saves[0]?.written.join(', ') || '—'}`);
    for (const [i, v] of saves.entries()) if (v.problems.length) log(`  save ${i + 1} problems: ${v.problems.join('; ')}`);
    log();

    // verdicts
    const shownMed = medOf((i) => opens[i]!.fig.shownMs);
    const paintedMed = medOf((i) => opens[i]!.fig.paintedMs);
    const labelled = scrolls.find((s) => s.name === 'labels shown')!.fig;
    const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
    log(`target: first slice ≤ ${fmt(OPEN_TARGET_MS)} ms after "Open folder…" (the first case, with the folder's walk and scan; median click → painted, GL work done): ${verdict(paintedMed <= OPEN_TARGET_MS)} (${fmt(paintedMed)} ms painted, ${fmt(shownMed)} ms shown; runs ${opens.map((r) => fmt(r.fig.paintedMs)).join(', ')})`);
    const casePainted = caseMed((r) => r.paintedMs);
    const caseOk = caseOpens.length > 0 && caseOpens.every((r) => r.problems.length === 0);
    log(`target: case open → first slice ≤ ${fmt(OPEN_TARGET_MS)} ms (a case opened from the list; median click → painted): ${caseOk ? verdict(casePainted <= OPEN_TARGET_MS) : 'not measured'} (${fmt(casePainted)} ms; runs ${caseOpens.map((r) => fmt(r.paintedMs)).join(', ')})`);
    const scrolled = labelled.steps > 0 && labelled.frames > 0;
    log(`target: ≥ ${FPS_TARGET} fps scrolling with labels (frames showing a new slice): ${scrolled ? verdict(labelled.sliceFps >= FPS_TARGET) : 'not measured'} (${fmt(labelled.sliceFps, 1)} new-slice frames/s, ` +
      `${fmt(labelled.fpsMean, 1)} fps mean, ${fmt(labelled.fpsP5, 1)} fps p5, ${fmt(labelled.keyToFrameMedian, 1)} ms key→frame median, ${fmt(labelled.stepsPerSecond, 1)} slices/s)`);
    log(`box → mask (no target set): first ${fmt(cold?.ms)} ms (model load ${fmt(cold?.model?.ms)} ms), warm median ${fmt(median(warm))} ms`);
    log(`target: brush ≤ ${BRUSH_TARGET_MS} ms per move (median over the ${strokes.length} strokes): ${verdict(brushMed <= BRUSH_TARGET_MS)} (${fmt(brushMed, 1)} ms; strokes ${strokes.map((b) => fmt(b.msPerMove, 1)).join(', ')})`);
    const dragged = wf.moves === WINDOW_MOVES && wf.changed === WINDOW_MOVES;
    log(`target: window change while dragging ≤ ${WINDOW_TARGET_MS} ms per update (median pointermove → painted): ${dragged ? verdict(wf.painted.median <= WINDOW_TARGET_MS) : 'not measured'} ` +
      `(${fmt(wf.painted.median, 1)} ms median, ${fmt(wf.painted.p95, 1)} ms p95, ${fmt(wf.painted.max, 1)} ms max over ${wf.moves} updates; wall per move ${fmt(wf.wall.median, 1)} ms median)`);
    const savedAll = savedMs.length === SAVES && saves.every((v) => v.problems.length === 0);
    log(`target: save ≤ ${fmt(SAVE_TARGET_MS)} ms (median key → saved): ${savedAll ? verdict(median(savedMs) <= SAVE_TARGET_MS) : 'not measured'} ` +
      `(${fmt(median(savedMs))} ms saved, ${fmt(median(savePaintedMs))} ms painted; saves ${saves.map((v) => fmt(v.ms)).join(', ')})`);
    const problems = [...opens.flatMap((r) => r.problems.map((p) => `${r.label}: ${p}`)), ...final.errors.map((e) => `app error: ${e}`), ...pageErrors];
    if (boxes.some((b) => b.rec.timedOut || b.voxelsAdded <= 0)) problems.push('a box timed out or added no label voxels');
    if (scrolls.some((s) => s.fig.moved < s.fig.steps)) problems.push('some slice keys did not move the crosshair (at the volume\'s edge?)');
    problems.push(...drag.problems, ...saves.flatMap((v, i) => v.problems.map((p) => `save ${i + 1}: ${p}`)));
    if (loads > gotos) problems.push(`the page loaded ${loads - gotos} time(s) more than the benchmark asked (the development server reloaded it?)`);
    if (problems.length) log(`WARNING: ${[...new Set(problems)].join('; ')}`);
    log(`(whole run ${fmt((performance.now() - started) / 1000, 1)} s after the build)`);
  } catch (e) {
    if (loads <= gotos) throw e;
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n(the page loaded ${loads - gotos} time(s) more than the benchmark asked: reloaded by the server?)`, { cause: e });
  } finally {
    await browser?.close().catch(() => undefined);
    await stopPreview(server);
  }
}

runMain(main);
