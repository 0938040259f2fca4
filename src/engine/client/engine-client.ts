/**
 * Main-thread side of the engine: wraps the worker with Comlink, turns AbortSignals into
 * cancel(requestId) calls, and passes progress and slice results back as plain data.
 */
import * as Comlink from 'comlink';
import type {
  EngineApi,
  EngineInfo,
  EngineProgress,
  EngineVolume,
  EngineWindow,
  ImportedModelInfo,
  PickedModelFile,
  PropagateRequest,
  PropagateSummary,
  SliceAxis,
  SlicePrompt,
  SliceResult,
} from '../protocol.ts';

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (p: EngineProgress) => void;
}

export interface LoadOptions extends CallOptions {
  device?: 'auto' | 'webgpu' | 'wasm';
  /** Base URL for relative model paths; the page's base URI by default. */
  baseURI?: string;
}

export interface PropagateOptions extends CallOptions {
  /** Results as they arrive, slice by slice (all objects of a slice together). */
  onSlices: (results: SliceResult[]) => void;
}

export class EngineClient {
  private readonly api: Comlink.Remote<EngineApi>;
  private nextId = 1;

  constructor(private readonly worker: Worker = new Worker(new URL('../worker/engine-worker.ts', import.meta.url), { type: 'module', name: 'slicesam-engine' })) {
    this.api = Comlink.wrap<EngineApi>(worker);
  }

  terminate(): void {
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }

  /** Run a call with a request id that the signal can cancel. */
  private async withSignal<T>(signal: AbortSignal | undefined, call: (id: number) => Promise<T>): Promise<T> {
    const id = this.nextId++;
    if (signal?.aborted) throw signal.reason ?? new DOMException('Aborted', 'AbortError');
    const onAbort = () => void this.api.cancel(id);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await call(id);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  loadModel(manifestJson: unknown, options: LoadOptions = {}): Promise<EngineInfo> {
    const baseURI = options.baseURI ?? document.baseURI;
    return this.withSignal(options.signal, (id) =>
      this.api.loadModel(manifestJson, { device: options.device ?? 'auto', baseURI }, id, options.onProgress ? Comlink.proxy(options.onProgress) : undefined),
    );
  }

  /** Check picked model files and keep them in the model cache (EngineApi.importModel). */
  importModel(files: PickedModelFile[], options: CallOptions = {}): Promise<ImportedModelInfo> {
    return this.withSignal(options.signal, (id) =>
      this.api.importModel(files, { baseURI: document.baseURI }, id, options.onProgress ? Comlink.proxy(options.onProgress) : undefined),
    );
  }

  info(): Promise<EngineInfo> {
    return this.api.info();
  }

  /** The volume's data is transferred unless `copy` is true (the caller keeps using it). */
  setVolume(volume: EngineVolume, copy = true): Promise<void> {
    const v = copy ? { ...volume, data: volume.data.slice() } : volume;
    return this.api.setVolume(Comlink.transfer(v, [v.data.buffer as ArrayBuffer]));
  }

  setWindow(window: EngineWindow): Promise<void> {
    return this.api.setWindow(window);
  }

  addPrompt(object: number, axis: SliceAxis, slice: number, prompt: SlicePrompt, options: CallOptions = {}): Promise<SliceResult> {
    return this.withSignal(options.signal, (id) => this.api.addPrompt(object, axis, slice, prompt, id));
  }

  addMask(object: number, axis: SliceAxis, slice: number, mask: Uint8Array, options: CallOptions = {}): Promise<SliceResult> {
    const copy = mask.slice();
    return this.withSignal(options.signal, (id) => this.api.addMask(object, axis, slice, Comlink.transfer(copy, [copy.buffer]), id));
  }

  clearSlice(object: number, slice: number): Promise<void> {
    return this.api.clearSlice(object, slice);
  }

  removeObject(object: number): Promise<void> {
    return this.api.removeObject(object);
  }

  propagate(request: PropagateRequest, options: PropagateOptions): Promise<PropagateSummary> {
    return this.withSignal(options.signal, (id) =>
      this.api.propagate(request, id, Comlink.proxy(options.onSlices), options.onProgress ? Comlink.proxy(options.onProgress) : undefined),
    );
  }

  simulateDeviceLoss(): Promise<void> {
    return this.api.simulateDeviceLoss();
  }

  memoryBytes(): Promise<number> {
    return this.api.memoryBytes();
  }
}
