/**
 * Bundled for the page (runtimes.ts builds it with Vite): the engine's Tracker replaying a
 * golden trace on onnxruntime-web WASM in the browser, the same code verify-model runs in
 * Node. Exposes `slicesamReplay` on globalThis; answers ms per graph call and the compared rows.
 */
import * as ort from 'onnxruntime-web';
import { MODEL_FILE_KEYS, restoreManifest, type ModelFileKey } from '../../../src/engine/models/manifest.ts';
import { OrtSam2Graphs } from '../../../src/engine/worker/runtime/ort-graphs.ts';
import { replay } from '../../cli/verify/replay.ts';
import { traceFrom, type TraceMeta } from '../../cli/verify/trace.ts';

async function bytes(url: string): Promise<ArrayBuffer> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

async function slicesamReplay(arg: { model: string; trace: string; ort: string; threads: number }) {
  ort.env.wasm.wasmPaths = arg.ort;
  const manifest = restoreManifest(JSON.parse(new TextDecoder().decode(await bytes(`${arg.model}/manifest.json`))), 'manifest.json');
  const files = {} as Record<ModelFileKey, ArrayBuffer>;
  for (const k of MODEL_FILE_KEYS) files[k] = await bytes(`${arg.model}/${manifest.files[k].url.split('/').pop()!}`);
  const meta = JSON.parse(new TextDecoder().decode(await bytes(`${arg.trace}/trace.json`))) as TraceMeta;
  const trace = traceFrom(meta, new Float32Array(await bytes(`${arg.trace}/${meta.volume.file}`)), new Float32Array(await bytes(`${arg.trace}/logits.f32`)),
    new Uint8Array(await bytes(`${arg.trace}/masks.u8`)), arg.trace);
  const graphs = await OrtSam2Graphs.create(manifest, files, { device: 'wasm', threads: arg.threads });
  const times: Record<string, number[]> = {};
  graphs.onRun = (g, ms) => (times[g] ??= []).push(ms);
  const t0 = performance.now();
  try {
    const rows = await replay(trace, graphs, manifest);
    return { times, wall: performance.now() - t0, rows };
  } finally {
    await graphs.release();
  }
}

(globalThis as unknown as { slicesamReplay: typeof slicesamReplay }).slicesamReplay = slicesamReplay;
