/**
 * The engine behind the worker boundary: model loading, device choice with WASM fallback,
 * one Tracker per case, request ids for cancellation. Calls run one at a time (a queue),
 * so a prompt sent during a propagation waits for the current slice, not for the whole pass.
 */
import { bankConfigFor } from './bank/config.ts';
import { manifestBytes, restoreManifest, type ModelManifest, type ModelFileKey } from '../models/manifest.ts';
import { importModelFiles } from '../models/import.ts';
import { loadModel, openModelCache } from '../models/store.ts';
import type {
  EngineApi,
  EngineDevice,
  EngineInfo,
  EngineVolume,
  EngineWindow,
  ImportedModelInfo,
  LoadEngineModelOptions,
  PickedModelFile,
  ProgressCallback,
  PropagateRequest,
  PropagateSummary,
  SliceAxis,
  SliceCallback,
  SlicePrompt,
  SliceResult,
} from '../protocol.ts';
import { createGraphs, DeviceFailure, OrtSam2Graphs } from './runtime/ort-graphs.ts';
import { openSpillFile } from './spill-file.ts';
import type { SpillFile } from './track/memory-store.ts';
import { PropagationClock } from './track/estimate.ts';
import { Tracker } from './track/tracker.ts';

/** Raised for a request cancelled before it finished. */
export class CancelledError extends Error {
  override readonly name = 'AbortError';
  constructor(what: string) {
    super(`${what} was cancelled`);
  }
}

function defaultThreads(): number {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (!g.crossOriginIsolated) return 1; // WASM threads need SharedArrayBuffer
  return Math.max(1, Math.min(8, g.navigator?.hardwareConcurrency ?? 1));
}

export class EngineService implements EngineApi {
  private graphs: OrtSam2Graphs | null = null;
  private manifest: ModelManifest | null = null;
  private modelOptions: LoadEngineModelOptions | null = null;
  private webgpuUnavailable: string | undefined;
  private volume: EngineVolume | null = null;
  private window: EngineWindow | null = null;
  private tracker: Tracker | null = null;
  private spill: Promise<SpillFile | null> | null = null;
  private spillFile: SpillFile | null = null;
  private readonly cancelled = new Set<number>();
  private readonly downloads = new Map<number, AbortController>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly threads = defaultThreads();

  /** Run calls one after another. */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private checkCancelled(requestId: number, what: string): void {
    if (this.cancelled.has(requestId)) {
      this.cancelled.delete(requestId);
      throw new CancelledError(what);
    }
  }

  async info(): Promise<EngineInfo> {
    return {
      device: this.graphs?.device ?? null,
      webgpuUnavailable: this.webgpuUnavailable,
      threads: this.graphs?.device === 'wasm' ? this.graphs.threads : 0, // what onnxruntime runs on, not what was asked
      model: this.manifest?.id ?? null,
    };
  }

  async cancel(requestId: number): Promise<void> {
    this.cancelled.add(requestId);
    this.downloads.get(requestId)?.abort();
  }

  loadModel(manifestJson: unknown, options: LoadEngineModelOptions, requestId: number, onProgress?: ProgressCallback): Promise<EngineInfo> {
    const abort = new AbortController();
    this.downloads.set(requestId, abort);
    if (this.cancelled.has(requestId)) abort.abort();
    return this.serial(async () => {
      try {
        const manifest = restoreManifest(manifestJson, typeof (manifestJson as { id?: unknown })?.id === 'string' ? `${(manifestJson as { id: string }).id}.json` : 'manifest');
        const files = await this.fetchFiles(manifest, options.baseURI, abort.signal, onProgress);
        this.checkCancelled(requestId, 'loading the model');
        onProgress?.({ phase: 'session', done: 0, total: 1, detail: manifest.name });
        await this.graphs?.release();
        this.graphs = null;
        const { graphs, webgpuUnavailable } = await createGraphs(manifest, files, options.device ?? 'auto', this.threads);
        this.graphs = graphs;
        this.webgpuUnavailable = webgpuUnavailable;
        this.manifest = manifest;
        this.modelOptions = options;
        this.resetTracker();
        onProgress?.({ phase: 'session', done: 1, total: 1, detail: manifest.name });
        return this.info();
      } finally {
        this.downloads.delete(requestId);
        this.cancelled.delete(requestId);
      }
    });
  }

  importModel(files: PickedModelFile[], options: { baseURI: string }, requestId: number, onProgress?: ProgressCallback): Promise<ImportedModelInfo> {
    const abort = new AbortController();
    this.downloads.set(requestId, abort);
    if (this.cancelled.has(requestId)) abort.abort();
    // Not in the call queue: checking files does not touch the sessions, and a prompt need not wait for it.
    return (async () => {
      try {
        const { manifest, json } = await importModelFiles(files, {
          cache: await openModelCache(),
          baseURI: options.baseURI,
          signal: abort.signal,
          onProgress: onProgress ? (p) => onProgress({ phase: 'check', done: p.done, total: p.total, detail: p.file }) : undefined,
        });
        return { manifest: json, id: manifest.id, name: manifest.name, bytes: manifestBytes(manifest) };
      } finally {
        this.downloads.delete(requestId);
        this.cancelled.delete(requestId);
      }
    })();
  }

  private async fetchFiles(manifest: ModelManifest, baseURI: string, signal?: AbortSignal, onProgress?: ProgressCallback): Promise<Record<ModelFileKey, ArrayBuffer>> {
    const loaded = await loadModel(manifest, {
      baseURI,
      signal,
      onProgress: onProgress ? (p) => onProgress({ phase: 'download', done: p.overallLoaded, total: p.overallTotal, detail: p.file }) : undefined,
    });
    return loaded.files;
  }

  async setVolume(volume: EngineVolume): Promise<void> {
    return this.serial(async () => {
      if (this.volume?.id !== volume.id || this.volume.data !== volume.data) this.resetTracker();
      this.volume = volume;
      // Where spatial memories beyond the RAM budget go (opened once; null: they stay in RAM).
      this.spill ??= openSpillFile().then((file) => {
        this.spillFile = file;
        return file;
      });
      await this.spill;
    });
  }

  async setWindow(window: EngineWindow): Promise<void> {
    return this.serial(async () => {
      this.window = { min: window.min, max: window.max };
      this.tracker?.setWindow(this.window);
    });
  }

  private resetTracker(): void {
    this.tracker?.dispose();
    this.tracker = null;
  }

  private ready(): Tracker {
    if (!this.graphs || !this.manifest) throw new Error('no model is loaded');
    if (!this.volume) throw new Error('no case volume was given to the engine');
    if (!this.window) throw new Error('no intensity window was given to the engine');
    if (!this.tracker) {
      this.tracker = new Tracker(this.graphs, { data: this.volume.data, dims: this.volume.dims }, this.window, {
        config: bankConfigFor(this.manifest.version),
        mean: this.manifest.normalisation.mean,
        std: this.manifest.normalisation.std,
        memories: { spill: this.spillFile },
      });
    }
    return this.tracker;
  }

  /** Run a step; when WebGPU fails, move to WASM (tracking state is kept) and run it again. */
  private async withFallback<T>(step: () => Promise<T>, onFallback?: () => void): Promise<T> {
    try {
      return await step();
    } catch (e) {
      if (!(e instanceof DeviceFailure) || this.graphs?.device !== 'webgpu' || !this.manifest || !this.modelOptions) throw e;
      const reason = e.message;
      const files = await this.fetchFiles(this.manifest, this.modelOptions.baseURI);
      const wasm = await OrtSam2Graphs.create(this.manifest, files, { device: 'wasm', threads: this.threads });
      const lost = this.graphs;
      this.graphs = wasm;
      this.webgpuUnavailable = `WebGPU failed, continued on WASM: ${reason}`;
      this.tracker?.replaceGraphs(wasm);
      void lost.release().catch(() => undefined);
      onFallback?.();
      return step();
    }
  }

  addPrompt(object: number, axis: SliceAxis, slice: number, prompt: SlicePrompt, requestId: number): Promise<SliceResult> {
    return this.serial(async () => {
      this.checkCancelled(requestId, 'the prompt');
      const t = this.ready();
      return this.withFallback(() => t.addPrompt(object, axis, slice, prompt));
    });
  }

  addMask(object: number, axis: SliceAxis, slice: number, mask: Uint8Array, requestId: number): Promise<SliceResult> {
    return this.serial(async () => {
      this.checkCancelled(requestId, 'the mask');
      const t = this.ready();
      return this.withFallback(() => t.addMask(object, axis, slice, mask));
    });
  }

  clearSlice(object: number, slice: number): Promise<void> {
    return this.serial(async () => this.tracker?.clearSlice(object, slice));
  }

  removeObject(object: number): Promise<void> {
    return this.serial(async () => this.tracker?.removeObject(object));
  }

  propagate(request: PropagateRequest, requestId: number, onSlices: SliceCallback, onProgress?: ProgressCallback): Promise<PropagateSummary> {
    return this.serial(async () => {
      const t = this.ready();
      let fellBackToWasm = false;
      // The ETA comes from this run's graph times (a fallback to WASM swaps the graphs: it follows).
      const clock = new PropagationClock();
      const timed = this.graphs!;
      timed.onRun = (g, ms) => clock.graphRan(g, ms);
      try {
        const summary = await t.propagate(
          request,
          {
            onSlices,
            onProgress: onProgress ? (done, total, work) => onProgress({ phase: 'propagate', done, total, secondsLeft: clock.secondsLeft(work) }) : undefined,
            isCancelled: () => this.cancelled.has(requestId),
          },
          (step) => this.withFallback(step, () => {
            fellBackToWasm = true;
            if (this.graphs) this.graphs.onRun = (g, ms) => clock.graphRan(g, ms);
          }),
        );
        return { ...summary, device: this.graphs!.device, fellBackToWasm };
      } finally {
        timed.onRun = null;
        if (this.graphs) this.graphs.onRun = null;
        this.cancelled.delete(requestId);
      }
    });
  }

  async simulateDeviceLoss(): Promise<void> {
    if (this.graphs) this.graphs.failNextRun = true;
  }

  async memoryBytes(): Promise<number> {
    return this.tracker?.memoryBytes() ?? 0;
  }
}
