/**
 * Drives the engine worker through its client API exactly as the app does: the fixture
 * model from the app's own /models/ folder, a phantom volume, box prompts, propagation.
 */
import { EngineClient } from '../../src/engine/client/engine-client.ts';
import { mergeSliceResult } from '../../src/engine/client/merge.ts';
import type { EngineInfo, EngineProgress, PropagateRequest, PropagateSummary, SliceResult } from '../../src/engine/protocol.ts';
import { boxOn, dice, makePhantom, type PhantomObject } from '../../src/engine/testing/phantom.ts';
import type { Vec3 } from '../../src/shared/volume.ts';

export interface RunOptions {
  device: 'webgpu' | 'wasm';
  dims: Vec3;
  objects: PhantomObject[];
  /** Prompted slices per object: 'ends' = first and last slice, or a list. */
  prompts: 'ends' | number[];
  request: PropagateRequest;
  /** Abort after this many result batches. */
  abortAfter?: number;
  /** Make WebGPU fail (as a lost device) after this many result batches. */
  loseDeviceAfter?: number;
}

export interface RunResult {
  info: EngineInfo;
  infoAfter: EngineInfo;
  summary: PropagateSummary | null;
  error: string | null;
  dice: Record<number, number>;
  /** Per batch: slice index and the objects in it, in arrival order. */
  batches: { slice: number; objects: number[] }[];
  /** Label map, base64. */
  labels: string;
  progress: EngineProgress[];
  /** Milliseconds from abort() to the propagate call returning. */
  cancelLatencyMs: number | null;
  /** Slices received after abort() was called. */
  afterAbort: number;
  /** Lowest and highest slice with each object present. */
  extent: Record<number, [number, number] | null>;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function run(o: RunOptions): Promise<RunResult> {
  const engine = new EngineClient();
  try {
    const manifest = await (await fetch('/models/fixture/manifest.json')).json();
    const progress: EngineProgress[] = [];
    const info = await engine.loadModel(manifest, { device: o.device, baseURI: `${location.origin}/`, onProgress: (p) => progress.push(p) });
    const phantom = makePhantom(o.dims, o.objects);
    await engine.setVolume({ id: 'phantom', data: phantom.data, dims: o.dims });
    await engine.setWindow({ min: 0, max: 100 });
    const labels = new Uint8Array(phantom.truth.length);
    for (const obj of o.objects) {
      const slices = o.prompts === 'ends' ? [obj.first, obj.last] : o.prompts;
      for (const k of slices) mergeSliceResult(labels, o.dims, await engine.addPrompt(obj.label, 2, k, { box: boxOn(obj, k) }));
    }
    const batches: RunResult['batches'] = [];
    const abort = new AbortController();
    let abortedAt: number | null = null;
    let afterAbort = 0;
    let summary: PropagateSummary | null = null;
    let error: string | null = null;
    const onSlices = (rs: SliceResult[]) => {
      if (abortedAt !== null) afterAbort += rs.length;
      for (const r of rs) mergeSliceResult(labels, o.dims, r);
      batches.push({ slice: rs[0]!.slice, objects: rs.map((r) => r.object) });
      if (o.abortAfter !== undefined && batches.length === o.abortAfter && abortedAt === null) {
        abortedAt = performance.now();
        abort.abort();
      }
      if (o.loseDeviceAfter !== undefined && batches.length === o.loseDeviceAfter) void engine.simulateDeviceLoss();
    };
    try {
      summary = await engine.propagate(o.request, { signal: abort.signal, onSlices, onProgress: (p) => progress.push(p) });
    } catch (e) {
      error = (e as Error).message;
    }
    const cancelLatencyMs = abortedAt === null ? null : performance.now() - abortedAt;
    const d: Record<number, number> = {};
    const extent: RunResult['extent'] = {};
    const plane = o.dims[0] * o.dims[1];
    for (const obj of o.objects) {
      d[obj.label] = dice(labels, phantom.truth, obj.label);
      let lo = Infinity;
      let hi = -Infinity;
      for (let v = 0; v < labels.length; v++) {
        if (labels[v] === obj.label) {
          const k = Math.floor(v / plane);
          lo = Math.min(lo, k);
          hi = Math.max(hi, k);
        }
      }
      extent[obj.label] = Number.isFinite(lo) ? [lo, hi] : null;
    }
    return { info, infoAfter: await engine.info(), summary, error, dice: d, batches, labels: base64(labels), progress, cancelLatencyMs, afterAbort, extent };
  } finally {
    engine.terminate();
  }
}

async function webgpuAdapter(): Promise<string | null> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return null;
  const a = (await gpu.requestAdapter()) as { info?: { vendor?: string; architecture?: string; description?: string } } | null;
  return a ? JSON.stringify(a.info ?? {}) : null;
}

const api = { run, webgpuAdapter, crossOriginIsolated: () => crossOriginIsolated };
export type EngineHarness = typeof api;
(window as unknown as { engineHarness: EngineHarness }).engineHarness = api;
document.body.dataset['ready'] = '1';
