/**
 * `npm run bench:engine -- --compare MODEL_DIR --trace TRACE_DIR [--threads 2] [--port 4185]`:
 * one real-size model (e.g. a random-init SAM 2.1 tiny from tools/export) on every runtime
 * we have, on this machine in this run:
 *  1. per graph, ms per run on the feeds of feeds.ts: onnxruntime-web WASM in headless
 *     Chromium (served on --port with cross-origin isolation, so WASM threads work),
 *     onnxruntime-web WASM in Node, onnxruntime-node (native CPU);
 *  2. the engine's Tracker replaying the trace's prompts and passes (tools/cli/verify/replay.ts)
 *     in Chromium (page-replay.ts, bundled with Vite) and on the two Node runtimes: ms per
 *     graph call, per slice × object, and the agreement with PyTorch;
 *  3. PyTorch's SAM2VideoPredictor on the same prompts: the trace's own timings of the
 *     model's parts (forward_image, _forward_sam_heads, _encode_new_memory,
 *     _prepare_memory_conditioned_features), recorded when the trace was written.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import * as ortNode from 'onnxruntime-node';
import { OrtSam2Graphs, type OrtApi } from '../../../src/engine/worker/runtime/ort-graphs.ts';
import { readModelDir } from '../../cli/verify/model-dir.ts';
import { replay } from '../../cli/verify/replay.ts';
import { judge, type Row } from '../../cli/verify/compare.ts';
import { readTrace } from '../../cli/verify/read-trace.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../chromium.ts';
import { graphSpecs, inputValues, type GraphSpec } from './feeds.ts';
import { benchInPage } from './page.ts';

const GRAPHS = ['vision_encoder', 'memory_attention', 'mask_decoder', 'memory_encoder', 'pointer_tpos'] as const;
/** PyTorch's counterpart of each graph in the trace's timings. */
const TORCH_PART: Record<string, string> = { vision_encoder: 'vision_encoder', memory_attention: 'memory_attention', mask_decoder: 'mask_decoder', memory_encoder: 'memory_encoder' };
type Times = Record<string, number[]>;

const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number): string => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) : '–');
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
const log = (s = ''): void => void process.stdout.write(`${s}\n`);

function reps(imageSize: number): Record<string, number> {
  const big = imageSize === 1024;
  return { vision_encoder: big ? 2 : 5, memory_attention: big ? 2 : 5, mask_decoder: big ? 5 : 10, memory_encoder: big ? 5 : 10, pointer_tpos: 20 };
}

async function nodeGraphs(api: OrtApi, ep: string, threads: number, dir: string, specs: GraphSpec[], imageSize: number): Promise<Times> {
  const out: Times = {};
  for (const spec of specs) {
    const b = readFileSync(join(dir, `${spec.graph}.onnx`));
    const opts = ep === 'wasm' ? {} : { intraOpNumThreads: threads, interOpNumThreads: 1 };
    const session = await api.InferenceSession.create(new Uint8Array(b), { executionProviders: [ep], graphOptimizationLevel: 'all', ...opts });
    const feeds = Object.fromEntries(spec.inputs.map((i) => [i.name, new api.Tensor(i.type, inputValues(i), i.dims)]));
    await session.run(feeds);
    const t: number[] = [];
    for (let r = 0; r < reps(imageSize)[spec.graph]!; r++) {
      const t0 = performance.now();
      await session.run(feeds);
      t.push(performance.now() - t0);
    }
    out[spec.graph] = t;
    await session.release();
  }
  return out;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream' };

/** A static server with cross-origin isolation: /ort/* (onnxruntime-web's dist), /model/*, /trace/*, /bundle/*. */
export function serve(port: number, root: string, modelDir: string, traceDir?: string, bundleDir?: string): Promise<Server> {
  const ortDir = join(root, 'node_modules/onnxruntime-web/dist');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, top, ...rest] = url.pathname.split('/');
    const dirs: Record<string, string | undefined> = { ort: ortDir, model: modelDir, trace: traceDir, bundle: bundleDir };
    const base = top === undefined ? undefined : dirs[top];
    const file = base ? join(base, normalize(rest.join('/'))) : null;
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    if (url.pathname === '/') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end('<!doctype html><title>engine bench</title>');
    } else if (file && existsSync(file) && !file.includes('..')) {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } else {
      res.writeHead(404, headers).end();
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok(server));
  });
}

/** The page's Tracker (page-replay.ts) as one ES module, built with Vite into a temporary folder. */
async function buildReplayBundle(root: string): Promise<string> {
  const { build } = await import('vite');
  const out = mkdtempSync(join(tmpdir(), 'slicesam-replay-'));
  await build({
    configFile: false, root, logLevel: 'warn',
    build: { outDir: out, emptyOutDir: true, minify: false, copyPublicDir: false, lib: { entry: join(root, 'tools/bench/engine/page-replay.ts'), formats: ['es'], fileName: () => 'replay.mjs' } },
  });
  return out;
}

interface PageReplay { times: Times; wall: number; rows: Row[] }

async function browserGraphs(port: number, root: string, dir: string, threads: number, specs: GraphSpec[], imageSize: number, traceDir?: string): Promise<{ times: Times; version: string; isolated: boolean; replay?: PageReplay }> {
  const { chromium } = await import('@playwright/test');
  const bundle = traceDir ? await buildReplayBundle(root) : undefined;
  const server = await serve(port, root, dir, traceDir, bundle);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage();
    await page.addInitScript('globalThis.__name ??= (f) => f;');
    const base = `http://127.0.0.1:${port}`;
    await page.goto(`${base}/`);
    const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
    const times = await page.evaluate(benchInPage, { threads, reps: reps(imageSize), specs, ortUrl: `${base}/ort/ort.wasm.min.mjs`, modelUrl: `${base}/model` });
    let replay: PageReplay | undefined;
    if (bundle) {
      const replayPage = await browser.newPage();
      await replayPage.addInitScript('globalThis.__name ??= (f) => f;');
      await replayPage.goto(`${base}/`);
      await replayPage.addScriptTag({ url: `${base}/bundle/replay.mjs`, type: 'module' });
      await replayPage.waitForFunction(() => 'slicesamReplay' in globalThis);
      replay = await replayPage.evaluate(
        (arg) => (globalThis as unknown as { slicesamReplay(a: typeof arg): Promise<PageReplay> }).slicesamReplay(arg),
        { model: `${base}/model`, trace: `${base}/trace`, ort: `${base}/ort/`, threads },
      );
    }
    return { times, version: browser.version(), isolated, ...(replay ? { replay } : {}) };
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  }
}

async function trackerRun(api: OrtApi | null, threads: number, dir: string, traceDir: string) {
  const { manifest, files } = readModelDir(dir);
  const graphs = await OrtSam2Graphs.create(manifest, files, { device: 'wasm', threads, ...(api ? { runtime: { api, executionProvider: 'cpu' } } : {}) });
  const times: Times = {};
  graphs.onRun = (g, ms) => (times[g] ??= []).push(ms);
  const t0 = performance.now();
  try {
    const rows = await replay(readTrace(traceDir), graphs, manifest);
    return { times, rows, wall: performance.now() - t0, verdict: judge(rows) };
  } finally {
    await graphs.release();
  }
}

export async function compareRuntimes(root: string, args: { opt(n: string): string | undefined }): Promise<void> {
  const dir = args.opt('--compare')!;
  const traceDir = args.opt('--trace');
  const threads = Number(args.opt('--threads')?.split(',').pop() ?? 2);
  const port = Number(args.opt('--port') ?? 4185);
  const { manifest } = readModelDir(dir);
  const specs = graphSpecs(manifest.imageSize, manifest.bank.memoryFrames, manifest.bank.maxObjectPointers);
  log(`runtimes on ${manifest.id} (${manifest.imageSize} px, ${manifest.precision}); ${threads} thread(s) everywhere; load average at start ${load()}`);
  const rowsAttn = specs.find((s) => s.graph === 'memory_attention')!.inputs[2]!.dims[0];
  log(`graph feeds: the real sizes; memory_attention with ${rowsAttn} memory rows (7 memories + 16 pointers, the largest bank)`);

  const graphTimes: Record<string, Times> = {};
  let pageReplay: PageReplay | undefined;
  const skip = (what: string, e: unknown) => log(`  ${what}: skipped (${(e as Error).message.split('\n')[0]})`);
  try {
    const b = await browserGraphs(port, root, dir, threads, specs, manifest.imageSize, traceDir);
    graphTimes['WASM, Chromium'] = b.times;
    pageReplay = b.replay;
    log(`  Chromium ${b.version} headless, crossOriginIsolated ${b.isolated}`);
  } catch (e) {
    skip('WASM in Chromium', e);
  }
  const { InferenceSession, Tensor } = await import('onnxruntime-web');
  graphTimes['WASM, Node'] = await nodeGraphs({ InferenceSession, Tensor }, 'wasm', threads, dir, specs, manifest.imageSize);
  graphTimes['native, Node'] = await nodeGraphs(ortNode as unknown as OrtApi, 'cpu', threads, dir, specs, manifest.imageSize);

  const trace = traceDir ? readTrace(traceDir) : null;
  const torch = trace?.meta.pytorch;
  const runtimes = Object.keys(graphTimes);
  log('\n── ms per graph run (median), and ratios to native onnxruntime');
  const head = ['graph', ...runtimes, ...(torch ? ['PyTorch (trace)'] : []), ...runtimes.filter((r) => r !== 'native, Node').map((r) => `${r} / native`), ...(torch ? ['PyTorch / native'] : [])];
  const body = GRAPHS.map((g) => {
    const nat = median(graphTimes['native, Node']![g] ?? []);
    const pt = torch && TORCH_PART[g] ? median(torch.ms[TORCH_PART[g]!]?.filter((x) => x > 0.5) ?? []) : NaN;
    return [g, ...runtimes.map((r) => fmt(median(graphTimes[r]![g] ?? []))), ...(torch ? [fmt(pt)] : []),
      ...runtimes.filter((r) => r !== 'native, Node').map((r) => fmt(median(graphTimes[r]![g] ?? []) / nat)), ...(torch ? [fmt(pt / nat)] : [])];
  });
  printTable(head, body);
  if (torch) log(`PyTorch: torch ${torch.torch}, ${torch.threads} threads, CPU, eval, fp32; memory_attention = _prepare_memory_conditioned_features (bank assembly included); calls < 0.5 ms (no memory) left out`);

  if (!traceDir) return;
  log(`\n── the engine's Tracker replaying ${traceDir} (its steps): ms per graph call (median / calls), load ${load()}`);
  const runs: Record<string, { times: Times; wall: number; rows: Row[]; verdict: ReturnType<typeof judge> }> = {};
  if (pageReplay) {
    runs['WASM, Chromium'] = { times: pageReplay.times, wall: pageReplay.wall, rows: pageReplay.rows, verdict: judge(pageReplay.rows) };
  }
  runs['WASM, Node'] = await trackerRun(null, threads, dir, traceDir);
  runs['native, Node'] = await trackerRun(ortNode as unknown as OrtApi, threads, dir, traceDir);
  const names = Object.keys(runs);
  const med = (n: string, g: string) => median(runs[n]!.times[g] ?? []);
  const torchCalls = (g: string) => (torch && TORCH_PART[g] ? (torch.ms[TORCH_PART[g]!] ?? []).filter((x) => x > 0.5) : []);
  const torchMed = (g: string) => median(torchCalls(g));
  const wasm = names.filter((n) => n.startsWith('WASM'));
  printTable(['graph', ...names, ...(torch ? ['PyTorch (trace)'] : []), ...wasm.map((n) => `${n} / native`), ...(torch ? ['PyTorch / native'] : [])], GRAPHS.map((g) => [g,
    ...names.map((n) => `${fmt(med(n, g))} / ${runs[n]!.times[g]?.length ?? 0}`),
    ...(torch ? [TORCH_PART[g] ? `${fmt(torchMed(g))} / ${torchCalls(g).length}` : '–'] : []),
    ...wasm.map((n) => fmt(med(n, g) / med('native, Node', g))), ...(torch ? [fmt(torchMed(g) / med('native, Node', g))] : [])]));
  const perResult = (n: string) => GRAPHS.reduce((a, g) => a + (runs[n]!.times[g] ?? []).reduce((x, y) => x + y, 0), 0) / runs[n]!.rows.length;
  log(`graph time per slice × object result (all graphs, encoder shared by the objects): ${names.map((n) => `${n} ${fmt(perResult(n))} ms`).join(', ')}${
    torch ? `, PyTorch ${fmt(Object.values(torch.ms).flat().reduce((a, b) => a + b, 0) / trace!.meta.records.length)} ms` : ''}`);
  for (const n of names) {
    const r = runs[n]!;
    const results = r.rows.filter((x) => x.pass !== 'prompt').length;
    log(`${n}: ${(r.wall / 1000).toFixed(1)} s for the trace (${r.rows.length} slice × object results, ${(r.wall / r.rows.length).toFixed(0)} ms each); agreement with PyTorch: ${r.verdict.pass ? 'PASS' : 'FAIL'}, logits within ${r.verdict.maxRelative.toExponential(1)} of their range, sign agreement near 0 ${r.verdict.signAgreement.toFixed(5)}, mean IoU ${r.verdict.meanIoU.toFixed(4)}, min ${r.verdict.minIoU.toFixed(4)} (${results} propagated)`);
  }
  if (torch) log(`PyTorch: ${torch.seconds.toFixed(1)} s for the same prompts and passes (init_state and image loading included)`);
  log(`load average at the end ${load()}`);
}

function printTable(head: string[], rows: string[][]): void {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  log(line(head));
  log(w.map((x) => '─'.repeat(x)).join('  '));
  for (const r of rows) log(line(r));
}
