/**
 * Start-up benchmark (not a test): `npm run bench:load` (= vite build, then
 * this file with tsx). Prints figures; asserts nothing.
 *
 * dist/ is served by e2e/static-server.ts's serveStatic (a plain static
 * server, no COOP/COEP: cross-origin isolation comes from the service worker,
 * as on an ordinary hospital web server), to headless system Chromium
 * (tools/chromium.ts). The definition of "interactive" is in ./load/page.ts
 * and is printed with the figures.
 *
 *  1. cold start: a fresh browser context (no HTTP cache, no service worker),
 *     navigate to the app; the first document paints the app and registers
 *     the service worker, which precaches the shell and takes control; the
 *     page then reloads itself once to become cross-origin isolated. Both
 *     documents are timed on one clock (the first navigation's start).
 *  2. warm start: the same context, service worker controlling: page.reload()
 *     N times (median and each); then a new tab (goto) a few times; then the
 *     same reloads with the network offline (context.setOffline(true)).
 *  3. initial JavaScript: every JS response the cold visit loaded (page
 *     scripts, module imports, workers created at start, and their imports;
 *     sw.js too) until the isolated document is interactive + 1 s, no case
 *     opened: wire size, and gzip -9 of the file in dist/; *.wasm and
 *     models/ are left out. Chunk contents from the source maps of a second
 *     build (`vite build --sourcemap` into a temporary folder).
 *
 * Options: --runs N (7 warm reloads), --tabs N (3 new tabs), --offline N (3),
 * --cold N (2 cold starts), --dist DIR (another build), --timeout S (60 per
 * wait), --no-maps (skip the source-map build; grep for package markers),
 * --viewer ("ready" also waits for state().viewer.ready; by default it does not,
 * since the app loads NiiVue only when the first case opens).
 */
import { chromium, type Browser, type BrowserContext, type Page, type Request } from '@playwright/test';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { serveStatic, type StaticServer } from '../../e2e/static-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { cli, loadAverage, log, noteAs, ROOT, runMain, sleep } from './shared/cli.ts';
import { pageInfo } from './shared/page.ts';
import { fmt, median, table } from './shared/stats.ts';
import {
  attributeWithMap, buildWithSourceMaps, chunkName, gzipSize, mapsByChunk, markersIn, topPackages, type Attribution,
} from './load/bundle.ts';
import { initScript, interactiveDefinition, STORE_KEY, storedRecords, type DocRecord } from './load/page.ts';

const { opt, num, flag } = cli();
const RUNS = num('--runs', 7);
const TABS = num('--tabs', 3);
const OFFLINE_RUNS = num('--offline', 3);
const COLD_RUNS = Math.max(1, num('--cold', 2));
const DIST = resolve(opt('--dist') ?? join(ROOT, 'dist'));
const TIMEOUT_MS = num('--timeout', 60) * 1000;
const MAPS = !flag('--no-maps');
const REQUIRE_VIEWER = flag('--viewer');
const WARM_TARGET_MS = 1000;
const JS_TARGET_BYTES = 250_000;
const VIEWPORT = { width: 1280, height: 800 };

const note = noteAs('bench:load');
const kB = (bytes: number | null | undefined, digits = 1): string => (bytes == null ? '—' : fmt(bytes / 1000, digits));

// ------------------------------------------------------------------ page side

async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, serviceWorkers: 'allow' });
  await context.addInitScript({ content: initScript(REQUIRE_VIEWER) });
  return context;
}

/** Wait until this page's current document is cross-origin isolated, controlled and interactive; its record. */
async function interactiveDoc(page: Page, what: string): Promise<DocRecord> {
  await page.waitForFunction(
    () => crossOriginIsolated && navigator.serviceWorker.controller !== null && window.__loadBench?.interactiveAt != null,
    undefined, { timeout: TIMEOUT_MS, polling: 50 },
  ).catch((e: unknown) => { throw new Error(`${what}: not isolated + interactive within ${TIMEOUT_MS / 1000} s (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`); });
  await page.waitForFunction(() => window.__loadBench?.nav != null, undefined, { timeout: TIMEOUT_MS, polling: 50 });
  return page.evaluate(() => window.__loadBench!);
}

interface JsLoad {
  url: string;
  /** 'page' | 'worker' | 'service worker' */
  from: string;
  resourceType: string;
  status: number;
  /** response body bytes on the wire (Playwright's sizes(); no content encoding from this server) */
  wireBytes: number | null;
  fromServiceWorker: boolean;
  /** ms after the first navigation's start (Node clock) */
  at: number;
}

interface ColdRun {
  docs: DocRecord[];
  js: JsLoad[];
  workers: string[];
  problems: string[];
  /** wall ms from goto() to the isolated document's interactive, seen from Node (includes the polling) */
  wallMs: number;
}

async function coldRun(browser: Browser, server: StaticServer): Promise<{ run: ColdRun; context: BrowserContext; page: Page }> {
  const context = await newContext(browser);
  const page = await context.newPage();
  const problems: string[] = [];
  const js: JsLoad[] = [];
  const workers: string[] = [];
  const pending: Promise<void>[] = [];
  let t0 = 0;
  let recording = true;
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('worker', (w) => workers.push(w.url()));
  const isJs = (r: Request): boolean => /\.m?js(\?|$)/.test(r.url()) || r.resourceType() === 'script';
  context.on('requestfinished', (r) => {
    if (!recording || !isJs(r)) return;
    const at = performance.now() - t0;
    pending.push((async () => {
      const resp = await r.response();
      const sizes = await r.sizes().catch(() => null);
      let from = 'page';
      try {
        r.frame();
      } catch {
        from = r.serviceWorker() ? 'service worker' : 'worker';
      }
      js.push({
        url: r.url(), from, resourceType: r.resourceType(), status: resp?.status() ?? 0, wireBytes: sizes?.responseBodySize ?? null,
        fromServiceWorker: resp?.fromServiceWorker() ?? false, at,
      });
    })().catch(() => undefined));
  });
  context.on('requestfailed', (r) => { if (isJs(r)) problems.push(`failed: ${r.url()} (${r.failure()?.errorText ?? '?'})`); });

  t0 = performance.now();
  await page.goto(server.url, { waitUntil: 'commit', timeout: TIMEOUT_MS });
  await interactiveDoc(page, 'cold start');
  const wallMs = performance.now() - t0;
  await sleep(1000); // workers started at start-up and their imports
  recording = false;
  await Promise.all(pending);
  const docs = await page.evaluate(storedRecords, STORE_KEY);
  return { run: { docs, js, workers, problems, wallMs }, context, page };
}

interface WarmRun {
  doc: DocRecord;
  /** the document before it, for the clock of a reload (unload → new document) */
  wallMs: number;
}

async function warmReload(page: Page, what: string): Promise<WarmRun> {
  const t = performance.now();
  await page.reload({ waitUntil: 'commit', timeout: TIMEOUT_MS });
  const doc = await interactiveDoc(page, what);
  return { doc, wallMs: performance.now() - t };
}

async function warmTab(context: BrowserContext, url: string): Promise<WarmRun> {
  const page = await context.newPage();
  const t = performance.now();
  await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT_MS });
  const doc = await interactiveDoc(page, 'new tab');
  const wallMs = performance.now() - t;
  await page.close();
  return { doc, wallMs };
}

// ------------------------------------------------------------------ report helpers

const MILESTONES = ['responseEnd', 'DOMContentLoaded', 'load', 'FCP', 'shell defined', 'shell rendered', 'button', 'viewer ready', 'ready', 'interactive'] as const;

function milestones(d: DocRecord, shift = 0): (number | null)[] {
  const s = (x: number | null | undefined): number | null => (x == null ? null : x + shift);
  return [s(d.nav?.responseEnd), s(d.nav?.domContentLoaded), s(d.nav?.load), s(d.fcp), s(d.definedAt), s(d.shellAt), s(d.buttonAt), s(d.viewerAt), s(d.readyAt), s(d.interactiveAt)];
}

const longTasksText = (d: DocRecord, shift = 0): string => {
  if (d.longTasks.length === 0) return 'none';
  const total = d.longTasks.reduce((a, l) => a + l.duration, 0);
  const top = [...d.longTasks].sort((a, b) => b.duration - a.duration).slice(0, 5).map((l) => `${fmt(l.duration)} ms at ${fmt(l.start + shift)}`);
  return `${d.longTasks.length} (${fmt(total)} ms in all; longest: ${top.join(', ')})`;
};

function warmTable(runs: WarmRun[], label: string): string {
  const rows = runs.map((r, i) => [`${label} ${i + 1}`, ...milestones(r.doc).map((x) => fmt(x)), fmt(r.wallMs), r.doc.longTasks.length ? `${r.doc.longTasks.length} (max ${fmt(Math.max(...r.doc.longTasks.map((l) => l.duration)))})` : '0',
    `${r.doc.isolated ? 'iso' : 'NOT iso'}, ${r.doc.controlled ? 'SW' : 'no SW'}`]);
  const col = (k: number): number => median(runs.map((r) => milestones(r.doc)[k]).filter((x): x is number => x !== null));
  rows.push(['median', ...MILESTONES.map((_, k) => fmt(col(k))), fmt(median(runs.map((r) => r.wallMs))), '', '']);
  return table(['run', ...MILESTONES, 'wall (Node)', 'long tasks', 'state'], rows);
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html is missing: run \`npx vite build\` first`);
  const started = performance.now();
  const loadStart = loadAverage();
  let server: StaticServer | null = null;
  let browser: Browser | null = null;
  const mapsDir = join(tmpdir(), `slicesam-bench-load-maps-${process.pid}`);
  try {
    server = await serveStatic(DIST, '/');
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });

    // 1. cold
    const colds: ColdRun[] = [];
    let context: BrowserContext | null = null;
    let page: Page | null = null;
    for (let i = 1; i <= COLD_RUNS; i++) {
      note(`cold start ${i}/${COLD_RUNS}…`);
      const r = await coldRun(browser, server);
      colds.push(r.run);
      if (i < COLD_RUNS) await r.context.close();
      else ({ context, page } = r);
    }
    const info = await page!.evaluate(pageInfo);

    // 2. warm: reloads, new tabs, offline reloads (the last cold context)
    note(`${RUNS} warm reloads…`);
    const reloads: WarmRun[] = [];
    for (let i = 1; i <= RUNS; i++) reloads.push(await warmReload(page!, `warm reload ${i}`));
    note(`${TABS} new tabs…`);
    const tabs: WarmRun[] = [];
    for (let i = 1; i <= TABS; i++) tabs.push(await warmTab(context!, server.url));
    note(`${OFFLINE_RUNS} offline reloads…`);
    await context!.setOffline(true);
    const offline: WarmRun[] = [];
    for (let i = 1; i <= OFFLINE_RUNS; i++) offline.push(await warmReload(page!, `offline reload ${i}`));
    await context!.setOffline(false);
    const precache = await page!.evaluate(async () => {
      const names = (await caches.keys()).filter((k) => k.startsWith('slicesam-shell-'));
      return names.length ? (await (await caches.open(names[0]!)).keys()).map((r) => r.url) : [];
    });
    const loadEnd = loadAverage();

    // 3. initial JavaScript (the last cold run)
    note('initial JavaScript…');
    const cold = colds.at(-1)!;
    const fileOf = (url: string): string | null => {
      if (!url.startsWith(server!.url)) return null;
      const rel = decodeURIComponent(new URL(url).pathname.slice(1));
      return rel && !rel.includes('..') ? join(DIST, rel) : null;
    };
    const byUrl = new Map<string, JsLoad[]>();
    for (const j of cold.js) {
      // the service worker's own fetches (the precache, in the background) are not the start path
      if (j.from === 'service worker') continue;
      const key = j.url.split('?')[0]!;
      if (/\.wasm$/.test(key) || /\/models\//.test(key)) continue;
      byUrl.set(key, [...(byUrl.get(key) ?? []), j]);
    }
    if (![...byUrl.keys()].some((u) => u.endsWith('/sw.js'))) byUrl.set(`${server.url}sw.js`, []); // registered at start; its fetch is not always reported
    interface JsRow { url: string; file: string; bytes: number; gzip: number; wire: number | null; from: string; how: string; at: number | null; chunk: string }
    const rows: JsRow[] = [...byUrl.entries()].map(([url, loads]) => {
      const file = fileOf(url);
      const data = file && existsSync(file) ? readFileSync(file) : null;
      const first = loads.sort((a, b) => a.at - b.at)[0];
      const net = loads.filter((l) => !l.fromServiceWorker && l.wireBytes).sort((a, b) => (b.wireBytes ?? 0) - (a.wireBytes ?? 0))[0];
      const froms = [...new Set(loads.map((l) => l.from))];
      return {
        url, file: file ?? '?', bytes: data?.byteLength ?? 0, gzip: data ? gzipSize(data) : 0, wire: net?.wireBytes ?? null,
        from: url.endsWith('/sw.js') ? 'service worker script' : cold.workers.some((w) => w.split('?')[0] === url) ? 'worker (new Worker at start)' : froms.join('+') || '?',
        how: loads.length ? [...new Set(loads.map((l) => (l.fromServiceWorker ? 'SW cache' : 'network')))].join(' + ') : 'registration',
        at: first?.at ?? null, chunk: chunkName(url),
      };
    }).sort((a, b) => (a.at ?? 1e12) - (b.at ?? 1e12));
    const total = { bytes: rows.reduce((a, r) => a + r.bytes, 0), gzip: rows.reduce((a, r) => a + r.gzip, 0), wire: rows.reduce((a, r) => a + (r.wire ?? 0), 0) };
    const pageRows = rows.filter((r) => r.from.startsWith('page'));
    const pageGzip = pageRows.reduce((a, r) => a + r.gzip, 0);

    // chunk contents
    let maps = new Map<string, { code: string; map: string }>();
    let mapNote = 'source maps not used (--no-maps): package markers grepped instead';
    if (MAPS) {
      const b = buildWithSourceMaps(ROOT, mapsDir);
      if (b.ok) {
        maps = mapsByChunk(mapsDir);
        mapNote = `chunk contents from the source maps of \`vite build --sourcemap\` into ${mapsDir} (${fmt(b.ms)} ms; matched by chunk name; minified characters attributed per segment; ≈gzip = gzip -9 of each package's characters alone)`;
      } else {
        mapNote = `the source-map build failed, markers grepped instead: ${b.output.slice(-400)}`;
      }
    }
    const attributions = new Map<string, Attribution>();
    for (const r of rows) {
      const m = maps.get(r.chunk);
      if (m) attributions.set(r.url, attributeWithMap(m.code, m.map));
    }
    // every other JS file in dist/assets (not loaded at start), for the lazy-split picture
    const assets = join(DIST, 'assets');
    const notLoaded = readdirSync(assets).filter((f) => /\.m?js$/.test(f) && !rows.some((r) => r.url.endsWith(`/assets/${f}`)))
      .map((f) => { const data = readFileSync(join(assets, f)); return { f, bytes: data.byteLength, gzip: gzipSize(data) }; });

    // ---------------------------------------------------------- report
    const cpu = cpus();
    log();
    log(`SliceSAM start-up benchmark: dist/ (${DIST}) served by e2e/static-server.ts serveStatic at ${server.url} (plain static server, no COOP/COEP, Cache-Control: no-cache, no compression)`);
    log(`machine: ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? '?'}), ${fmt(totalmem() / 2 ** 30, 1)} GiB, ${platform()} ${release()}, Node ${process.version}; load average (1/5/15 min) at start ${loadStart}, at end ${loadEnd}`);
    log(`browser: Chromium ${browser.version()} (headless, ${CHROMIUM_PATH}; WebGL2: ${info.webgl}); navigator.hardwareConcurrency ${info.cores}; viewport ${VIEWPORT.width}×${VIEWPORT.height} @1x`);
    log(`definition: ${interactiveDefinition(REQUIRE_VIEWER)}`);
    log(`columns: responseEnd / DOMContentLoaded / load = navigation timing (responseEnd, domContentLoadedEventEnd, loadEventEnd); FCP = first-contentful-paint; ` +
      `shell defined = customElements.whenDefined('slicesam-app'); shell rendered / button / viewer ready = first animation frame with each; all ms after the document's navigation start.`);
    log();

    log(`1. Cold start (fresh context: no HTTP cache, no service worker; goto ${server.url}); ms after the FIRST navigation's start`);
    const coldRows: string[][] = [];
    colds.forEach((c, i) => {
      const base = c.docs[0]?.timeOrigin ?? 0;
      c.docs.forEach((d, k) => {
        const label = `cold ${i + 1} doc ${k + 1} (${d.isolated ? 'isolated' : 'not isolated'}, ${d.controlled ? 'SW' : 'no SW'}, ${d.nav?.type ?? '?'})`;
        coldRows.push([label, ...milestones(d, d.timeOrigin - base).map((x) => fmt(x)), fmt(d.nav ? d.timeOrigin - base : null), `${d.longTasks.length}`]);
      });
    });
    log(table(['document', ...MILESTONES, 'nav start', 'long tasks'], coldRows));
    colds.forEach((c, i) => {
      const first = c.docs[0];
      const iso = c.docs.find((d) => d.isolated && d.interactiveAt !== null);
      const base = first?.timeOrigin ?? 0;
      const firstPaint = first ? first.shellAt ?? first.fcp : null;
      log(`  cold ${i + 1}: first paint of the app (doc 1, shell rendered) ${fmt(firstPaint)} ms (FCP ${fmt(first?.fcp)} ms); ` +
        `doc 1 ${first?.interactiveAt != null ? `interactive at ${fmt(first.interactiveAt)} ms` : first?.readyAt != null ? `ready at ${fmt(first.readyAt)} ms, reloaded before interactive` : 'reloaded before ready'}; ` +
        `isolation reload: new document starts at ${fmt(iso ? iso.timeOrigin - base : null)} ms; ` +
        `interactive after the isolation reload ${fmt(iso ? iso.interactiveAt! + iso.timeOrigin - base : null)} ms (${fmt(iso?.interactiveAt)} ms of its own); ` +
        `documents ${c.docs.length}; Node wall ${fmt(c.wallMs)} ms`);
      c.docs.forEach((d, k) => log(`    doc ${k + 1} long tasks: ${longTasksText(d, d.timeOrigin - base)}`));
      if (c.problems.length) log(`    problems: ${[...new Set(c.problems)].join('; ')}`);
    });
    log(`  workers created at start (last cold run): ${[...new Set(cold.workers)].map((w) => w.replace(server!.url, '')).join(', ') || 'none'}`);
    log();

    log(`2. Warm start (same context, service worker installed and controlling); ms after each document's navigation start`);
    log(`  a) page.reload() × ${RUNS}`);
    log(warmTable(reloads, 'reload'));
    log(`  b) new tab, goto ${server.url} × ${TABS}`);
    log(warmTable(tabs, 'tab'));
    log(`  c) offline (context.setOffline(true)), page.reload() × ${OFFLINE_RUNS}`);
    log(warmTable(offline, 'offline'));
    log(`  (wall (Node) = reload()/goto() call → the page's record seen interactive by Node's 50 ms polling)`);
    log();

    log(`3. Initial JavaScript: every JS response of cold run ${colds.length} from the first navigation until interactive after the isolation reload + 1 s, no case opened (excluding *.wasm and models/)`);
    log(table(['file', 'loaded by', 'via', 'at ms', 'bytes', 'wire bytes', 'gzip -9', 'contents'], rows.map((r) => [
      r.url.replace(server!.url, ''), r.from, r.how, fmt(r.at), fmt(r.bytes), fmt(r.wire), fmt(r.gzip),
      (() => { if (r.url.endsWith('/sw.js')) return 'the service worker (precache list, fetch handler)'; const a = attributions.get(r.url); if (a) return topPackages(a, 3); return r.bytes ? markersIn(readFileSync(r.file, 'utf8')).slice(0, 4).join(', ') || '-' : '-'; })(),
    ])));
    log(`  total: ${rows.length} files, ${kB(total.bytes)} kB, ${kB(total.wire)} kB on the wire (uncompressed by this server), ${kB(total.gzip)} kB gzip -9 ` +
      `(the page's own scripts: ${pageRows.length} files, ${kB(pageGzip)} kB gzip; workers and sw.js: ${kB(total.gzip - pageGzip)} kB gzip); ` +
      `wire bytes — where Playwright reports no size (worker scripts) or the file came only from the SW cache`);
    const biggest = [...rows].sort((a, b) => b.gzip - a.gzip)[0];
    if (biggest) {
      const a = attributions.get(biggest.url);
      log(`  biggest: ${biggest.url.replace(server.url, '')} (${biggest.from}), ${kB(biggest.bytes)} kB, ${kB(biggest.gzip)} kB gzip = ${fmt((100 * biggest.gzip) / Math.max(1, total.gzip))}% of the initial gzip; in it: ` +
        (a ? topPackages(a, 8) : markersIn(readFileSync(biggest.file, 'utf8')).join(', ')));
    }
    for (const r of [...rows].sort((a, b) => b.gzip - a.gzip).slice(0, 3)) {
      log(`  if ${r.url.replace(server.url, '')} were loaded only when the first case opens: initial JS ${kB(total.gzip - r.gzip)} kB gzip (saves ${kB(r.gzip)} kB, ${fmt((100 * r.gzip) / Math.max(1, total.gzip))}%)`);
    }
    log(`  ${mapNote}`);
    log(`  JS in dist/assets not loaded before a case opens (lazy): ${notLoaded.map((n) => `${n.f} ${kB(n.bytes)} kB (${kB(n.gzip)} kB gzip)`).join(', ') || 'none'}`);
    const precacheJs = precache.filter((u) => /\.m?js$/.test(u));
    const precacheFiles = precacheJs.map((u) => fileOf(u)).filter((f): f is string => f !== null && existsSync(f));
    log(`  for comparison, the service worker's precache (fetched in the background at the first visit, not on the start path): ${precache.length} entries, ` +
      `JS ${precacheJs.length} files ${kB(precacheFiles.reduce((a, f) => a + gzipSize(readFileSync(f)), 0))} kB gzip`);
    log();

    // verdicts
    const warmMed = median(reloads.map((r) => r.doc.interactiveAt).filter((x): x is number => x !== null));
    const tabMed = median(tabs.map((r) => r.doc.interactiveAt).filter((x): x is number => x !== null));
    const offMed = median(offline.map((r) => r.doc.interactiveAt).filter((x): x is number => x !== null));
    const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
    const c1 = colds.map((c) => {
      const iso = c.docs.find((d) => d.isolated && d.interactiveAt !== null);
      return iso ? iso.interactiveAt! + iso.timeOrigin - (c.docs[0]?.timeOrigin ?? 0) : null;
    });
    log(`target: warm start ≤ ${fmt(WARM_TARGET_MS)} ms to interactive (median of the reloads): ${verdict(warmMed <= WARM_TARGET_MS)} ` +
      `(${fmt(warmMed)} ms; each ${reloads.map((r) => fmt(r.doc.interactiveAt)).join(', ')}; new tab median ${fmt(tabMed)} ms; offline median ${fmt(offMed)} ms)`);
    log(`target: initial JavaScript ≤ ${kB(JS_TARGET_BYTES, 0)} kB gzip (1 kB = 1,000 bytes; all ${rows.length} files incl. workers and sw.js): ${verdict(total.gzip <= JS_TARGET_BYTES)} ` +
      `(${kB(total.gzip)} kB gzip; the page's own scripts alone ${kB(pageGzip)} kB)`);
    log(`cold start (no target): interactive after the isolation reload ${c1.map((x) => `${fmt(x)} ms`).join(', ')} after the first navigation`);
    const problems = [
      ...colds.flatMap((c, i) => c.problems.map((p) => `cold ${i + 1}: ${p}`)),
      ...[...reloads, ...tabs, ...offline].filter((r) => !r.doc.isolated || !r.doc.controlled).map(() => 'a warm start was not isolated/controlled'),
    ];
    if (problems.length) log(`WARNING: ${[...new Set(problems)].join('; ')}`);
    log(`(whole run ${fmt((performance.now() - started) / 1000, 1)} s after the build)`);
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    rmSync(mapsDir, { recursive: true, force: true });
  }
}

runMain(main);
