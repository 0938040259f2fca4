/**
 * Cohort benchmark (not a test): `npm run bench:cohort` (= vite build, then
 * this file with tsx).
 *
 * Opens a root of 1,000 small synthetic cases with "Open folder…" in the
 * built app, in system Chromium, and prints how long it took and whether the
 * UI stayed responsive. Targets (issue): ≤ 5 s, no main-thread task over
 * 100 ms.
 *
 *  - starts `vite preview` on port 4174 itself (stopped at the end) and
 *    launches the system Chromium with the flags the tests use (tools/chromium.ts)
 *    (SwiftShader WebGL2; Playwright never downloads a browser);
 *  - writes the cohort into OPFS `bench-1000/` (not timed): 800 NIfTI
 *    `patient-NNNN/t1.nii.gz` (32×32×16 int16) and 200 DICOM series
 *    `patient-NNNN/MR/IM-000k.dcm` (4 slices of 64×64 int16), every 5th
 *    patient DICOM, plus README.txt and participants.tsv (1,602 files), made
 *    in Node with our writers (tools/bench/cohort/synth.ts) and sent over in
 *    base64 batches;
 *  - `window.showDirectoryPicker` answers that folder (init script);
 *  - each run: a fresh page after deleting the IndexedDB databases
 *    (slicesam-cohort, slicesam-autosave), so no statuses or last case are
 *    restored from an earlier run; then a click on "Open folder…" (t0) and a
 *    wait until the list holds every case and the first case is shown;
 *  - measures in the page (tools/bench/cohort/page.ts): PerformanceObserver
 *    'longtask' and 'long-animation-frame' (with script attribution), every
 *    render of the controller (an own accessor on the shell's `caption`,
 *    the last property renderShell (src/app/shell-view.ts) sets) and every Lit update of the
 *    shell and its parts. The controller's busy labels split the open into
 *    phases (walk, scan, classify + restore, list shown, load, display) and
 *    each long task is put in the phase its end falls in (the render that
 *    starts a phase runs inside the task that then does that phase's work);
 *  - prints each run, the median of the runs, targets met or missed, and
 *    machine info;
 *  - when a run had a task over 100 ms: one more run (not in the median)
 *    under the V8 sampling profiler (CDP), cut down to the long tasks, and
 *    the heaviest functions printed; the .cpuprofile is written to the temp
 *    folder (open it in DevTools → Performance). Names are minified unless
 *    the build was not: `--dist DIR` serves another build, e.g.
 *    `npx vite build --minify false --outDir /tmp/slicesam-dist-plain`.
 *
 * Options: --runs N (3), --cases N (1000; 4 of 5 NIfTI), --port N (4174),
 * --dist DIR (serve this build instead of dist/), --profile (always do the
 * profiled run), --no-profile (never), --trace (also record a Chromium trace
 * in the profiled run, written to the temp folder), --timeout S (120 per run),
 * --no-io-probe (skip the I/O probe: the walk's and the scan's reads timed
 * alone in a plain worker, serial as the app does them and 16 at once).
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir, platform, release } from 'node:os';
import { join } from 'node:path';
import type { TestSnapshot } from '../../src/app/test-hook.ts';
import { figuresOf, insideWindow, markerTime, phaseAt, phaseRows, summariseProfile, taskPhase, type CpuProfile, type RunFigures } from './cohort/analyse.ts';
import { gpuAdapter, installMonitor, ioProbe, takeRecord, type BenchRecord, type IoProbe } from './cohort/page.ts';
import { deleteDatabases, pageInfo, pickerInitScript, removeOpfsFolder, writeBatch } from './shared/page.ts';
import { previewArgs, previewDist, startPreview, stopPreview } from './shared/preview.ts';
import { fmt, median, table } from './shared/stats.ts';
import { makeCohort } from './cohort/synth.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { cli, log, noteAs, ROOT, runMain, sleep } from './shared/cli.ts';

const args = cli();
const { num, flag } = args;
const { port: PORT, dist: DIST, base: BASE } = previewArgs(args, 4174);
const RUNS = num('--runs', 3);
const CASES = num('--cases', 1000);
const TIMEOUT_MS = num('--timeout', 120) * 1000;
const PROFILE: 'auto' | 'always' | 'never' = flag('--no-profile') ? 'never' : flag('--profile') ? 'always' : 'auto';
const TRACE = flag('--trace');
const IO_PROBE = !flag('--no-io-probe');
const FOLDER = `bench-${CASES}`;
const TARGET_MS = 5000;
const TASK_LIMIT_MS = 100;
/** The name of the function the profiled run calls to line the CPU profile up with performance.now(). */
const MARKER = '__slicesamBenchMarker';


const note = noteAs('bench:cohort');

// ------------------------------------------------------------------ page helpers

/** A same-origin page without the app (so no IndexedDB connection is open while we delete). */
const BLANK = '/favicon.svg';

async function writeCohort(page: Page): Promise<{ files: number; bytes: number; ms: number; nifti: number; dicom: number }> {
  const t = performance.now();
  const cohort = await makeCohort(CASES);
  const made = performance.now() - t;
  await page.goto(`${BASE}${BLANK}`);
  await page.evaluate(removeOpfsFolder, FOLDER);
  const BATCH_BYTES = 2 * 1024 * 1024;
  let batch: { path: string; b64: string }[] = [];
  let size = 0;
  const flush = async (): Promise<void> => {
    if (batch.length) await page.evaluate(writeBatch, { root: FOLDER, files: batch });
    batch = [];
    size = 0;
  };
  for (const f of cohort.files) {
    batch.push({ path: f.path, b64: Buffer.from(f.bytes).toString('base64') });
    size += f.bytes.byteLength;
    if (size >= BATCH_BYTES) await flush();
  }
  await flush();
  note(`cohort made in ${fmt(made)} ms and written to OPFS ${FOLDER}/ in ${fmt(performance.now() - t - made)} ms`);
  return { files: cohort.files.length, bytes: cohort.bytes, ms: performance.now() - t, nifti: cohort.niftiCases, dicom: cohort.dicomCases };
}

async function snapshot(page: Page): Promise<TestSnapshot> {
  return page.evaluate(() => {
    if (!window.__slicesam) throw new Error('test hook missing (navigator.webdriver?)');
    return window.__slicesam.state();
  });
}

interface RunResult {
  label: string;
  ok: boolean;
  problems: string[];
  rec: BenchRecord;
  fig: RunFigures;
  final: TestSnapshot | null;
  profile?: CpuProfile;
  /** performance.now() of the marker's start, for the profile. */
  markerAt?: number;
  tracePath?: string;
}

async function oneRun(browser: Browser, context: BrowserContext, label: string, diagnostic: boolean): Promise<RunResult> {
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`); });
  try {
    await page.goto(`${BASE}${BLANK}`);
    const deleted = await page.evaluate(deleteDatabases, ['slicesam-cohort', 'slicesam-autosave']);
    if (deleted.some((d) => !d.includes('deleted'))) note(`${label}: ${deleted.join('; ')}`);
    await page.goto(`${BASE}/`);
    await page.getByRole('button', { name: /Open folder/ }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction(() => window.__slicesam?.state() !== undefined, undefined, { timeout: 30_000 });
    const before = await snapshot(page);
    if (before.cases.length !== 0) throw new Error(`${label}: the app started with ${before.cases.length} cases`);
    await page.evaluate(installMonitor, CASES);
    await sleep(500); // let start-up work settle

    let cdp: Awaited<ReturnType<BrowserContext['newCDPSession']>> | null = null;
    let markerAt: number | undefined;
    let tracePath: string | undefined;
    if (diagnostic) {
      if (TRACE) {
        tracePath = join(tmpdir(), `slicesam-bench-cohort-${Date.now()}.trace.json`);
        await browser.startTracing(page, { path: tracePath, screenshots: false });
      }
      cdp = await context.newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      markerAt = await page.evaluate(`(function ${MARKER}() { const s = performance.now(); while (performance.now() - s < 10) {} return s; })()`) as number;
    }

    await page.getByRole('button', { name: /Open folder/ }).click();
    const done = page.evaluate(() => window.__bench!.done).then(() => 'done' as const);
    const outcome = await Promise.race([done, sleep(TIMEOUT_MS).then(() => 'timeout' as const)]);
    await sleep(750); // long tasks right after the first frame, and the observers' delivery
    const endAt = await page.evaluate(() => performance.now());

    let profile: CpuProfile | undefined;
    if (cdp) {
      profile = (await cdp.send('Profiler.stop')).profile as unknown as CpuProfile;
      await cdp.detach();
    }
    if (tracePath) await browser.stopTracing();

    const rec = await page.evaluate(takeRecord);
    const final = await snapshot(page).catch(() => null);
    const problems = [...rec.problems, ...pageErrors];
    if (outcome === 'timeout') problems.push(`not done after ${TIMEOUT_MS / 1000} s`);
    if (rec.t0 === null) problems.push('the click on "Open folder…" was not seen');
    if (final) {
      if (final.cases.length !== CASES) problems.push(`${final.cases.length} cases, expected ${CASES}`);
      if (final.busy) problems.push('still busy');
      if (!final.selectedId) problems.push('no case selected');
      if ((final.viewer?.volumeCount ?? 0) !== 1) problems.push(`viewer holds ${final.viewer?.volumeCount ?? 'no'} volume(s)`);
      const failed = final.cases.filter((c) => c.status === 'failed');
      if (failed.length) problems.push(`${failed.length} failed cases, e.g. ${failed[0]!.name}: ${failed[0]!.reason}`);
      problems.push(...final.errors.map((e) => `app error: ${e}`));
    } else {
      problems.push('no final state');
    }
    const fig = figuresOf(rec, CASES, endAt - (rec.t0 ?? 0));
    return {
      label, ok: problems.length === 0, problems, rec, fig, final,
      ...(profile ? { profile } : {}), ...(markerAt !== undefined ? { markerAt } : {}), ...(tracePath ? { tracePath } : {}),
    };
  } finally {
    await page.close();
  }
}

// ------------------------------------------------------------------ reporting

function verdict(ok: boolean | null): string {
  return ok === null ? 'n/a' : ok ? 'met' : 'MISSED';
}

function printRunDetail(r: RunResult): void {
  const { fig, rec } = r;
  log(`${r.label}: list complete ${fmt(fig.queueMs)} ms · first case shown ${fmt(fig.shownMs)} ms (painted ${fmt(fig.paintedMs)} ms) · ` +
    `${fig.renders} controller renders · longest task ${fmt(fig.longestMs)} ms · tasks > 50 ms: ${fig.over50} · > 100 ms: ${fig.over100}`);
  if (r.problems.length) log(`  problems: ${r.problems.join('; ')}`);
  const rows = phaseRows(rec, fig).map((p) => [
    p.name, fmt(p.from), fmt(p.to), fmt(p.to - p.from), String(p.renders),
    `${fmt(p.litMs, 1)}`, p.litMax ? `${fmt(p.litMax, 1)} ${p.litMaxEl}` : '—',
    String(p.longCount), fmt(p.longMs), fmt(p.longMax),
  ]);
  log(table(['  phase', 'from ms', 'to ms', 'ms', 'renders', 'Lit ms', 'longest Lit update', 'long tasks', 'sum ms', 'max ms'], rows.map((r0) => [`  ${r0[0]}`, ...r0.slice(1)])));
  for (const l of fig.longTasks) {
    const mark = l.duration > TASK_LIMIT_MS ? ' ◀ over 100 ms' : '';
    const phase = taskPhase(fig.phases, l), started = phaseAt(fig.phases, l.start);
    log(`  long task at +${fmt(l.start)} ms, ${fmt(l.duration)} ms, in "${phase}"${started !== phase ? ` (started in "${started}")` : ''}${mark}`);
    for (const line of insideWindow(rec, l.start, l.start + l.duration)) log(`      ${line}`);
    const frame = fig.loafs.find((f) => f.start <= l.start + 1 && f.start + f.duration >= l.start + l.duration - 1);
    if (frame) {
      log(`      animation frame ${fmt(frame.duration)} ms (blocking ${fmt(frame.blocking)}), style+layout ${fmt(frame.styleLayoutMs)} ms, render ${fmt(frame.renderMs)} ms`);
      for (const s of frame.scripts.slice(0, 4)) {
        log(`        script ${fmt(s.ms)} ms (forced layout ${fmt(s.layoutMs)}): ${s.invokerType} ${s.invoker} → ${s.fn || '(anonymous)'} ${s.source}@${s.charPos}`);
      }
    }
  }
  const slowFrames = fig.loafs.filter((f) => f.duration > TASK_LIMIT_MS && !fig.longTasks.some((l) => f.start <= l.start + 1 && f.start + f.duration >= l.start + l.duration - 1));
  for (const f of slowFrames) {
    log(`  animation frame of ${fmt(f.duration)} ms at +${fmt(f.start)} ms without a long task in it (blocking ${fmt(f.blocking)} ms; many short tasks), ` +
      `style+layout ${fmt(f.styleLayoutMs)} ms, in "${phaseAt(fig.phases, f.start)}"`);
    for (const line of insideWindow(rec, f.start, f.start + f.duration)) log(`      ${line}`);
  }
}

function printProfile(r: RunResult): void {
  if (!r.profile || r.markerAt === undefined) return;
  const at = markerTime(r.profile, MARKER);
  if (at === null) {
    log('  (the profile has no marker sample; cannot line it up)');
    return;
  }
  // profile µs = (performance.now() ms + offset) × 1000
  const offsetMs = at / 1000 - r.markerAt;
  const t0 = r.rec.t0 ?? 0;
  const long = r.fig.longTasks;
  if (long.length === 0) {
    log('  no long tasks in the profiled run');
    return;
  }
  const byPhase = new Map<string, Array<[number, number]>>();
  for (const l of long) {
    const p = taskPhase(r.fig.phases, l);
    const a = (l.start + t0 + offsetMs) * 1000, b = a + l.duration * 1000;
    byPhase.set(p, [...(byPhase.get(p) ?? []), [a, b]]);
  }
  const all = [...byPhase.values()].flat();
  const sections: Array<[string, Array<[number, number]>]> = [['all long tasks', all], ...[...byPhase].filter(() => byPhase.size > 1)];
  for (const [name, windows] of sections) {
    const s = summariseProfile(r.profile, windows, 12);
    const total = windows.reduce((n, [a, b]) => n + (b - a) / 1000, 0);
    log(`  ${name}: ${windows.length} task(s), ${fmt(total)} ms, ${fmt(s.sampledMs)} ms sampled`);
    log(table(['    self ms', 'function'], s.self.map((e) => [`    ${fmt(e.ms, 1)}`, e.key])));
    log(table(['    total ms', 'function (inclusive)'], s.inclusive.map((e) => [`    ${fmt(e.ms, 1)}`, e.key])));
  }
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  let server: ChildProcess | null = null;
  let browser: Browser | null = null;
  process.once('SIGINT', () => { void stopPreview(server).then(() => process.exit(130)); });
  try {
    server = await startPreview({ root: ROOT, port: PORT, dist: DIST });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    await context.addInitScript({ content: pickerInitScript(FOLDER) });

    const setupPage = await context.newPage();
    const written = await writeCohort(setupPage);
    await setupPage.goto(`${BASE}/`);
    const page0 = await setupPage.evaluate(pageInfo);
    const info = { ...page0, gpuAdapter: await setupPage.evaluate(gpuAdapter) };
    await setupPage.close();

    const results: RunResult[] = [];
    for (let i = 1; i <= RUNS; i++) {
      note(`run ${i}/${RUNS}…`);
      results.push(await oneRun(browser, context, `run ${i}`, false));
    }
    const wantProfile = PROFILE === 'always' || (PROFILE === 'auto' && results.some((r) => r.fig.over100 > 0));
    let diag: RunResult | null = null;
    if (wantProfile) {
      note('profiled run (not in the median)…');
      diag = await oneRun(browser, context, 'profiled run', true);
    }

    let probe: IoProbe | null = null;
    if (IO_PROBE) {
      note('I/O probe…');
      const page = await context.newPage();
      try {
        await page.goto(`${BASE}${BLANK}`);
        probe = await page.evaluate(ioProbe, FOLDER);
      } catch (e) {
        note(`I/O probe failed: ${String(e)}`);
      } finally {
        await page.close();
      }
    }

    // ---------------------------------------------------------- report
    const cpu = cpus();
    log();
    log(`SliceSAM cohort benchmark: open a folder of ${fmt(CASES)} synthetic cases (${written.nifti} NIfTI 32×32×16 int16 .nii.gz, ` +
      `${written.dicom} DICOM series of 4 × 64×64 int16; ${fmt(written.files)} files, ${fmt(written.bytes / 1048576, 1)} MiB) from OPFS ${FOLDER}/`);
    log(`machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? '?'}), ${fmt(totalmem() / 2 ** 30, 1)} GiB, ${platform()} ${release()}, Node ${process.version}`);
    log(`browser: Chromium ${browser.version()} (headless, WebGL2: ${info.webgl}); navigator.hardwareConcurrency ${info.cores}; ` +
      `navigator.gpu ${info.gpu ? `present (${info.gpuAdapter})` : 'absent'}; crossOriginIsolated ${info.isolated}`);
    log(`build: ${previewDist({ root: ROOT, dist: DIST })}; each run a fresh page with IndexedDB cleared; same OPFS folder; same browser`);
    log();

    const head = ['run', 'cases', 'files', 'scan→queue ms', 'first case ms', 'painted ms', 'longest task ms', 'tasks >50 ms', 'tasks >100 ms', 'ok'];
    const row = (r: RunResult): string[] => [
      r.label, fmt(r.fig.cases), fmt(r.fig.files), fmt(r.fig.queueMs), fmt(r.fig.shownMs), fmt(r.fig.paintedMs),
      fmt(r.fig.longestMs), String(r.fig.over50), String(r.fig.over100), r.ok ? 'yes' : 'NO',
    ];
    const nums = (f: (r: RunResult) => number | null): number[] => results.map(f).filter((x): x is number => x !== null);
    const med = {
      queue: median(nums((r) => r.fig.queueMs)),
      shown: median(nums((r) => r.fig.shownMs)),
      painted: median(nums((r) => r.fig.paintedMs)),
      longest: median(nums((r) => r.fig.longestMs)),
      over50: median(nums((r) => r.fig.over50)),
      over100: median(nums((r) => r.fig.over100)),
    };
    const rows = results.map(row);
    rows.push(['median', fmt(CASES), fmt(results[0]?.fig.files), fmt(med.queue), fmt(med.shown), fmt(med.painted), fmt(med.longest), fmt(med.over50), fmt(med.over100), '']);
    rows.push(['target', '', '', `≤ ${fmt(TARGET_MS)}`, `(≤ ${fmt(TARGET_MS)})`, '', `≤ ${TASK_LIMIT_MS}`, '', '0', '']);
    log(table(head, rows));
    log();
    const allOk = results.every((r) => r.ok);
    log(`scan of ${fmt(CASES)} cases ≤ 5 s (median click → full case list):          ${verdict(Number.isNaN(med.queue) ? null : med.queue <= TARGET_MS)} (${fmt(med.queue)} ms)`);
    log(`  stricter reading, click → first case shown ≤ 5 s (median):              ${verdict(Number.isNaN(med.shown) ? null : med.shown <= TARGET_MS)} (${fmt(med.shown)} ms)`);
    log(`no main-thread task over 100 ms (every run):                               ${verdict(results.every((r) => r.fig.over100 === 0))} ` +
      `(longest ${fmt(Math.max(...results.map((r) => r.fig.longestMs)))} ms)`);
    if (!allOk) log('WARNING: at least one run did not end as expected (see problems below); its figures are suspect');
    log();
    log('Per run: phases of the open (ms after the click; from the controller\'s busy labels), and every long task (> 50 ms) with its phase (the one it ends in: a task that starts a phase does that phase\'s work):');
    for (const r of results) { log(); printRunDetail(r); }
    if (probe) {
      log();
      log('I/O under the scan, measured alone in a plain worker (no app code), same folder:');
      log(`  list ${fmt(probe.files)} files in ${fmt(probe.folders)} folders + getFile(): folders one after another (as walkDirectory) ${fmt(probe.walkSerialFoldersMs)} ms; 16 folders at once ${fmt(probe.walkParallelFoldersMs)} ms`);
      log(`  one 4 KiB read per file: one file at a time ${fmt(probe.headSerialMs)} ms; 16 files at once ${fmt(probe.headParallelMs)} ms`);
      log(`  the scan's sniff reads (4 KiB head; .nii.gz also 64 KiB + gunzip of the header + 4-byte tail): one file at a time (as scanFiles) ${fmt(probe.sniffSerialMs)} ms; 16 files at once ${fmt(probe.sniffParallelMs)} ms`);
    }
    if (diag) {
      log();
      log('Profiled run (V8 sampling profiler at 200 µs; not in the median; the profiler slows the page a little):');
      printRunDetail(diag);
      printProfile(diag);
      if (diag.profile) {
        const path = join(tmpdir(), `slicesam-bench-cohort-${Date.now()}.cpuprofile`);
        writeFileSync(path, JSON.stringify(diag.profile));
        log(`  CPU profile: ${path} (DevTools → Performance → load)`);
      }
      if (diag.tracePath) log(`  Chromium trace: ${diag.tracePath} (DevTools → Performance → load, or ui.perfetto.dev)`);
    }
    if (!results.some((r) => r.rec.loafSupported)) log('(long-animation-frame entries are not supported by this Chromium: no script attribution)');
    process.exitCode = allOk ? 0 : 1;
  } finally {
    await browser?.close().catch(() => undefined);
    await stopPreview(server);
  }
}

runMain(main);
