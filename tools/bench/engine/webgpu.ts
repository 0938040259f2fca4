/**
 * `npm run bench:engine -- --webgpu MODEL_DIR[,MODEL_DIR…] [--threads 2] [--port 4186]`: each
 * exported model (e.g. the random-init SAM 2.1 tiny at 512 and at 1024 px from tools/export)
 * on onnxruntime-web's WebGPU in headless Chromium, graph by graph on the real-size feeds of
 * feeds.ts: ms per run beside WASM's in the same page, and each output's largest difference
 * from WASM's (for the mask decoder's low-res mask: the Δlogit). The adapter is printed: on a
 * software adapter (SwiftShader, llvmpipe, a fallback adapter) the figures check correctness
 * only. Extra Chromium flags for a GPU machine: SLICESAM_WEBGPU_ARGS (space-separated).
 */
import { loadavg } from 'node:os';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../chromium.ts';
import { readModelDir } from '../../cli/verify/model-dir.ts';
import { graphSpecs } from './feeds.ts';
import { webgpuInPage } from './page-webgpu.ts';
import { serve } from './runtimes.ts';
import { log } from '../shared/cli.ts';
import { median } from '../shared/stats.ts';

const fmt = (x: number): string => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) : '–');
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|microsoft basic/i;

export async function benchWebgpu(root: string, args: { opt(n: string): string | undefined }): Promise<void> {
  const dirs = args.opt('--webgpu')!.split(',').filter(Boolean);
  const threads = Number(args.opt('--threads')?.split(',').pop() ?? 2);
  const port = Number(args.opt('--port') ?? 4186);
  const extra = (process.env['SLICESAM_WEBGPU_ARGS'] ?? '').split(/\s+/).filter(Boolean);
  const { chromium } = await import('@playwright/test');
  log(`WebGPU against WASM (${threads} WASM thread(s)), headless Chromium; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const dir of dirs) {
    const { manifest } = readModelDir(dir);
    const specs = graphSpecs(manifest.imageSize, manifest.bank.memoryFrames, manifest.bank.maxObjectPointers);
    const server = await serve(port, root, dir);
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu', ...extra] });
    try {
      const page = await browser.newPage();
      await page.addInitScript('globalThis.__name ??= (f) => f;');
      const base = `http://127.0.0.1:${port}`;
      await page.goto(`${base}/`);
      const big = manifest.imageSize === 1024;
      const reps = { vision_encoder: big ? 3 : 5, memory_attention: big ? 3 : 5, mask_decoder: 10, memory_encoder: 10, pointer_tpos: 20 };
      const r = await page.evaluate(webgpuInPage, { reps, specs, ortUrl: `${base}/ort/ort.min.mjs`, modelUrl: `${base}/model`, threads });
      log(`\n════════ ${manifest.id} (${manifest.imageSize} px, ${manifest.precision}), Chromium ${browser.version()}`);
      if (!r.adapter) {
        log(`  skipped: ${r.error}`);
        continue;
      }
      const a = r.adapter;
      const name = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ') || 'an adapter that does not say what it is';
      const software = a.fallback || SOFTWARE.test(name);
      log(`adapter: ${name}${a.fallback ? ' (fallback adapter)' : ''}${software ? ': software, so these times are not a GPU\'s (correctness check only)' : ''}`);
      const head = ['graph', 'WebGPU ms', 'WASM ms', 'WASM / WebGPU', 'largest |WebGPU − WASM| per output (of its range)'];
      const rows = r.graphs.map((g) => [g.graph, fmt(median(g.webgpuMs)), fmt(median(g.wasmMs)), fmt(median(g.wasmMs) / median(g.webgpuMs)),
        g.outputs.map((o) => `${o.name} ${o.maxDiff.toExponential(1)} (${(o.maxDiff / Math.max(o.range, 1e-30)).toExponential(1)})`).join(', ')]);
      const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
      const line = (x: string[]) => x.map((c, i) => (i === 4 ? c : i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
      log(line(head));
      log(w.map((x) => '─'.repeat(x)).join('  '));
      for (const x of rows) log(line(x));
      const dec = r.graphs.find((g) => g.graph === 'mask_decoder')?.outputs.find((o) => o.name === 'low_res_mask');
      if (dec) log(`Δlogit (mask_decoder low_res_mask, WebGPU vs WASM): ${dec.maxDiff.toExponential(2)} on a range of ${dec.range.toFixed(2)}`);
    } finally {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    }
  }
  log(`\nload average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
