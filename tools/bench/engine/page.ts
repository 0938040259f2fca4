/**
 * IN THE PAGE (headless Chromium): onnxruntime-web WASM sessions of the five graphs, each
 * run on the feeds of feeds.ts; answers the median ms per run. Self-contained (Playwright
 * sends the source text).
 */
import type { GraphSpec } from './feeds.ts';

export async function benchInPage(arg: { threads: number; reps: Record<string, number>; specs: GraphSpec[]; ortUrl: string; modelUrl: string }): Promise<Record<string, number[]>> {
  const ort = (await import(arg.ortUrl)) as typeof import('onnxruntime-web');
  ort.env.wasm.numThreads = arg.threads;
  ort.env.wasm.wasmPaths = arg.ortUrl.slice(0, arg.ortUrl.lastIndexOf('/') + 1);
  const out: Record<string, number[]> = {};
  for (const spec of arg.specs) {
    const bytes = new Uint8Array(await (await fetch(`${arg.modelUrl}/${spec.graph}.onnx`)).arrayBuffer());
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const feeds: Record<string, import('onnxruntime-web').Tensor> = {};
    for (const i of spec.inputs) {
      const n = i.dims.reduce((a, b) => a * b, 1);
      const data = i.type === 'int32' ? new Int32Array(n) : new Float32Array(n);
      if (i.values) data.set(i.values);
      else for (let k = 0; k < n; k++) data[k] = Math.sin(k * 0.37) * 0.9;
      feeds[i.name] = new ort.Tensor(i.type, data, i.dims);
    }
    await session.run(feeds); // warm-up
    const times: number[] = [];
    for (let r = 0; r < (arg.reps[spec.graph] ?? 5); r++) {
      const t0 = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t0);
    }
    out[spec.graph] = times;
    await session.release();
  }
  return out;
}
