/**
 * IN THE PAGE (headless Chromium): each of the five graphs on onnxruntime-web's WebGPU and
 * WASM execution providers, on the same feeds (feeds.ts): ms per WebGPU run, and how far each
 * output is from WASM's (largest difference, and relative to the output's range). The
 * adapter is reported, so a figure is never taken for a GPU's when it is SwiftShader's.
 * Self-contained (Playwright sends the source text).
 */
import type { GraphSpec } from './feeds.ts';

export interface WebgpuGraphResult {
  graph: string;
  webgpuMs: number[];
  wasmMs: number[];
  /** Per output: largest |WebGPU − WASM|, and the WASM output's max − min. */
  outputs: { name: string; maxDiff: number; range: number }[];
}

export interface WebgpuPageResult {
  adapter: { vendor: string; architecture: string; device: string; description: string; fallback: boolean } | null;
  error?: string;
  graphs: WebgpuGraphResult[];
}

export async function webgpuInPage(arg: { reps: Record<string, number>; specs: GraphSpec[]; ortUrl: string; modelUrl: string; threads: number }): Promise<WebgpuPageResult> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string>; isFallbackAdapter?: boolean } | null> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  const info = adapter
    ? {
        vendor: adapter.info?.['vendor'] ?? '',
        architecture: adapter.info?.['architecture'] ?? '',
        device: adapter.info?.['device'] ?? '',
        description: adapter.info?.['description'] ?? '',
        fallback: adapter.isFallbackAdapter === true || (adapter.info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true,
      }
    : null;
  if (!adapter) return { adapter: null, error: gpu ? 'navigator.gpu gave no adapter' : 'no navigator.gpu (start Chromium with --enable-unsafe-webgpu)', graphs: [] };
  const ort = (await import(arg.ortUrl)) as typeof import('onnxruntime-web');
  ort.env.wasm.numThreads = arg.threads;
  ort.env.wasm.wasmPaths = arg.ortUrl.slice(0, arg.ortUrl.lastIndexOf('/') + 1);
  const graphs: WebgpuGraphResult[] = [];
  for (const spec of arg.specs) {
    const bytes = new Uint8Array(await (await fetch(`${arg.modelUrl}/${spec.graph}.onnx`)).arrayBuffer());
    const feeds: Record<string, import('onnxruntime-web').Tensor> = {};
    for (const i of spec.inputs) {
      const n = i.dims.reduce((a, b) => a * b, 1);
      const data = i.type === 'int32' ? new Int32Array(n) : new Float32Array(n);
      if (i.values) data.set(i.values);
      else for (let k = 0; k < n; k++) data[k] = Math.sin(k * 0.37) * 0.9;
      feeds[i.name] = new ort.Tensor(i.type, data, i.dims);
    }
    const timed = async (ep: 'webgpu' | 'wasm') => {
      const session = await ort.InferenceSession.create(bytes, { executionProviders: [ep], graphOptimizationLevel: 'all' });
      try {
        const first = await session.run(feeds); // also the warm-up (shader compilation on WebGPU)
        const out: Record<string, Float32Array> = {};
        for (const [name, t] of Object.entries(first)) if (t.type === 'float32') out[name] = (await t.getData()) as Float32Array;
        const ms: number[] = [];
        for (let r = 0; r < (arg.reps[spec.graph] ?? 5); r++) {
          const t0 = performance.now();
          const res = await session.run(feeds);
          for (const t of Object.values(res)) await t.getData(); // a result read back, as the engine reads it
          ms.push(performance.now() - t0);
        }
        return { out, ms };
      } finally {
        await session.release();
      }
    };
    const wasm = await timed('wasm');
    const webgpu = await timed('webgpu');
    const outputs = Object.keys(wasm.out).map((name) => {
      const a = wasm.out[name]!;
      const b = webgpu.out[name];
      let maxDiff = b && b.length === a.length ? 0 : NaN;
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = 0; k < a.length; k++) {
        if (a[k]! < lo) lo = a[k]!;
        if (a[k]! > hi) hi = a[k]!;
        if (b && b.length === a.length && !Number.isNaN(maxDiff)) {
          const d = Math.abs(a[k]! - b[k]!);
          if (Number.isNaN(d) || d > maxDiff) maxDiff = d; // a NaN stays: the largest difference
        }
      }
      return { name, maxDiff, range: hi - lo };
    });
    graphs.push({ graph: spec.graph, webgpuMs: webgpu.ms, wasmMs: wasm.ms, outputs });
  }
  return { adapter: info, graphs };
}
