/**
 * Models: the catalog (models/index.json, models loaded from disk, the one chosen), the engine
 * worker, and loading the chosen model into it on first use: a download from another host is
 * asked for first (the model dialog: name, size, host; Download or Choose files…), offline or a
 * failed download says so in full and offers the files instead; a model already in the cache
 * loads without asking. Progress and Cancel go through the task bar, with the storage check
 * before a download. State: the catalog, the engine client, which model it holds, the device it
 * runs on, the dialog. Calls the tasks, the model dialog and model-source.ts.
 */
import { EngineClient } from '../engine/client/engine-client.ts';
import { isNetworkFailure } from '../engine/models/store.ts';
import type { PickedModelFile } from '../engine/protocol.ts';
import type { SliceSamEventDetail } from '../ui/events.ts';
import '../ui/model-dialog.ts';
import type { ModelDialogView, SliceSamModelDialog } from '../ui/model-dialog.ts';
import { storageVerdict, type Capabilities } from './capabilities.ts';
import { ModelCatalog, type ModelEntry } from './model-catalog.ts';
import { askView, canPickDirectories, downloadPlan, offlineView, pickModelFolder, pickView, refusedView, sizeText } from './model-source.ts';
import { errorText, isAbort, type TaskHost } from './tasks.ts';

type Answer = SliceSamEventDetail['model-dialog-answer'];

const cancelled = () => new DOMException('Cancelled', 'AbortError');

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
    const manifest = entry.fromDisk ?? (await this.#manifestOf(entry));
    const plan = await downloadPlan(manifest, document.baseURI);
    // Asked first: a download from another host, or any download while offline. The app's own files are not.
    if (plan && plan.bytes > 0 && (!navigator.onLine || !plan.sameOrigin)) {
      const answer = await this.#dialogLoop(navigator.onLine ? askView(entry.name, plan) : offlineView(entry.name, plan));
      if (answer !== 'download') return this.#loadModel(engine, answer.id);
    }
    const signal = this.tasks.begin({ label: `Loading model ${entry.name}…`, done: 0, total: 0 });
    try {
      await this.#checkStorage(manifest as { files?: Record<string, { bytes?: number }> });
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
      if (isNetworkFailure(e) && !signal.aborted) {
        // Offline, or the host cannot be reached: said in full, with the files as the way on.
        this.tasks.end(signal);
        const answer = await this.#dialogLoop(offlineView(entry.name, plan, errorText(e).replace(/^[a-z_]+: /, '')));
        return this.#loadModel(engine, answer === 'download' ? id : answer.id);
      }
      this.tasks.fail(signal, e, `Model ${entry.name}`);
      throw e;
    }
  }

  /** A listed model's manifest (precached by the service worker, so it reads offline too). */
  async #manifestOf(entry: ModelEntry): Promise<unknown> {
    try {
      const res = await fetch(new URL(entry.manifest, document.baseURI));
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${entry.manifest}`);
      return await res.json();
    } catch (e) {
      this.tasks.message('error', `Model ${entry.name}: ${errorText(e)}`);
      throw e;
    }
  }

  /** "From disk…": pick a model's folder or files, check them, keep them; the model becomes the choice. */
  async loadFromDisk(): Promise<void> {
    try {
      // The folder picker must open within the click: before anything is awaited.
      const picking = canPickDirectories() ? pickModelFolder() : null;
      const answer = await this.#dialogLoop(pickView(), picking);
      if (answer !== 'download') this.onChange();
    } catch (e) {
      if (!isAbort(e)) this.tasks.message('error', `Load model from disk: ${errorText(e)}`);
    }
  }

  /**
   * Show the model dialog until it is answered: Download, or files picked and imported (the
   * model then joins the list as the choice); a refusal shows why and asks again. Cancel
   * rejects with an AbortError. `picking`: a folder pick already under way (no dialog first).
   */
  async #dialogLoop(view: ModelDialogView, picking: Promise<PickedModelFile[] | null> | null = null): Promise<'download' | ModelEntry> {
    try {
      for (;;) {
        let files: Promise<PickedModelFile[] | null>;
        if (picking) {
          files = picking;
          picking = null;
        } else {
          const a = await this.#ask(view);
          if (a.answer === 'cancel') throw cancelled();
          if (a.answer === 'download') return 'download';
          files = a.files ? Promise.resolve(a.files) : pickModelFolder();
        }
        try {
          const picked = await files;
          if (!picked && view.kind === 'pick') throw cancelled();
          if (!picked) continue; // the picker was closed: back to the dialog
          return await this.#import(picked);
        } catch (e) {
          if (isAbort(e)) throw e;
          view = refusedView(errorText(e));
        }
      }
    } finally {
      if (this.#dialog) this.#dialog.view = null;
    }
  }

  #dialog: SliceSamModelDialog | null = null;

  #ask(view: ModelDialogView): Promise<Answer> {
    const d = (this.#dialog ??= document.body.appendChild(document.createElement('slicesam-model-dialog')));
    d.view = view;
    return new Promise((resolve) => d.addEventListener('model-dialog-answer', (e) => resolve(e.detail), { once: true }));
  }

  /** Check picked files in the engine worker and keep them in the model cache; the model becomes the choice. */
  async #import(files: PickedModelFile[]): Promise<ModelEntry> {
    if (this.#dialog) this.#dialog.view = null;
    this.#engine ??= this.createEngine();
    const signal = this.tasks.begin({ label: `Checking ${files.length} model files…`, done: 0, total: 0 });
    try {
      const got = await this.#engine.importModel(files, {
        signal,
        onProgress: (p) => this.tasks.progress(signal, p.done, p.total, `Checking model files: ${p.detail ?? ''} (${sizeText(p.done)} of ${sizeText(p.total)})`),
      });
      this.tasks.end(signal);
      const entry: ModelEntry = { id: got.id, name: got.name, manifest: '', bytes: got.bytes, fromDisk: got.manifest };
      this.#catalog.addFromDisk(entry);
      if (this.#engineModel === entry.id) this.#engineModel = null; // the same id from other files: load it again
      this.tasks.message('info', `Model ${entry.name} (${sizeText(entry.bytes ?? 0)}) loaded from disk and kept in this browser: it also works offline.`);
      this.onChange();
      return entry;
    } catch (e) {
      this.tasks.end(signal);
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
