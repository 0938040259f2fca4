/**
 * Models: the catalog (models/index.json and the one chosen), the engine worker, and
 * loading the chosen model into it on first use (download progress and Cancel through
 * the task bar, the storage check before a download). State: the catalog, the engine
 * client, which model it holds and the device it runs on. Calls the tasks only.
 */
import { EngineClient } from '../engine/client/engine-client.ts';
import { storageVerdict, type Capabilities } from './capabilities.ts';
import { ModelCatalog, type ModelEntry } from './model-catalog.ts';
import type { TaskHost } from './tasks.ts';

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

export class Models {
  readonly #catalog = new ModelCatalog();
  #engine: EngineClient | null = null;
  #engineModel: string | null = null;
  #loading: Promise<void> | null = null;
  #loads = 0;
  #device: string | null = null;

  constructor(
    private readonly tasks: TaskHost,
    private readonly onChange: () => void,
    private readonly createEngine: () => EngineClient = () => new EngineClient(),
  ) {}

  /** Read the model list and pick the model for this device; a problem goes to the status bar. */
  async load(caps: Promise<Capabilities | null>): Promise<void> {
    const problem = await this.#catalog.load(caps);
    if (problem) this.tasks.message('warning', problem);
    this.onChange();
  }

  get list(): readonly ModelEntry[] {
    return this.#catalog.models;
  }

  get modelId(): string | null {
    return this.#catalog.modelId;
  }

  /** Why that model (About). */
  get reason(): string {
    return this.#catalog.reason;
  }

  /** The model in use, as the catalog lists it. */
  get chosen(): ModelEntry | undefined {
    return this.#catalog.models.find((m) => m.id === this.#catalog.modelId);
  }

  /** 'WebGPU', 'WASM × 2', … once a model is loaded. */
  get device(): string | null {
    return this.#device;
  }

  /** The engine gave up on WebGPU during a run and finished on WASM. */
  fellBackToWasm(): void {
    this.#device = 'WASM (WebGPU failed)';
    this.onChange();
  }

  /** How many models were loaded into the engine: a new one holds no case state. */
  get loads(): number {
    return this.#loads;
  }

  select(id: string): void {
    if (this.#catalog.select(id)) this.onChange();
  }

  /** The engine with the chosen model loaded (started and loaded once). */
  async engine(signal?: AbortSignal): Promise<EngineClient> {
    const id = this.modelId;
    if (!id) throw new Error('no SAM2 model is available (models/index.json is empty)');
    this.#engine ??= this.createEngine();
    const engine = this.#engine;
    if (this.#engineModel !== id) {
      this.#loading ??= this.#loadModel(engine, id).finally(() => (this.#loading = null));
      await this.#loading;
      signal?.throwIfAborted();
    }
    return engine;
  }

  /** The engine if it was started (undo and deletes tell it what changed, but never start it). */
  get started(): EngineClient | null {
    return this.#engine;
  }

  async #loadModel(engine: EngineClient, id: string): Promise<void> {
    const entry = this.list.find((m) => m.id === id)!;
    const signal = this.tasks.begin({ label: `Loading model ${entry.name}…`, done: 0, total: 0 });
    try {
      const manifest = await (await fetch(new URL(entry.manifest, document.baseURI), { signal })).json();
      await this.#checkStorage(manifest);
      const info = await engine.loadModel(manifest, {
        signal,
        onProgress: (p) => {
          if (p.phase === 'download') {
            const pct = p.total ? Math.floor((100 * p.done) / p.total) : 0;
            this.tasks.progress(signal, p.done, p.total, `Downloading ${entry.name}: ${mb(p.done)} of ${mb(p.total)} (${pct} %)`);
          } else this.tasks.progress(signal, p.done, p.total, `Starting ${entry.name}…`);
        },
      });
      this.#engineModel = id;
      this.#loads++;
      this.#device = info.device === 'webgpu' ? 'WebGPU' : `WASM × ${info.threads}`;
      this.tasks.end(signal);
      this.tasks.message('info', `Model ${entry.name} ready on ${this.#device}${info.webgpuUnavailable ? ` (${info.webgpuUnavailable})` : ''}.`);
      this.onChange();
    } catch (e) {
      this.tasks.fail(signal, e, `Model ${entry.name}`);
      throw e;
    }
  }

  /**
   * Before a download: ask the browser to keep our storage (models are large), and stop with
   * a clear message when the quota cannot hold the model.
   */
  async #checkStorage(manifest: { files?: Record<string, { bytes?: number }> }): Promise<void> {
    const storage = navigator.storage;
    if (!storage?.estimate) return;
    const bytes = Object.values(manifest.files ?? {}).reduce((n, f) => n + (f.bytes ?? 0), 0);
    try {
      if (storage.persist && !(await storage.persisted())) await storage.persist();
    } catch {
      // persistence is a request, not a requirement
    }
    const { usage = 0, quota = 0 } = await storage.estimate();
    const verdict = storageVerdict(bytes, usage, quota);
    if (verdict.error) throw new Error(verdict.error);
    if (verdict.warning) this.tasks.message('warning', verdict.warning);
  }

  dispose(): void {
    this.#engine?.terminate();
    this.#engine = null;
  }
}
