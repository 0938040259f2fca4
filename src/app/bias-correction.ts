/**
 * N4 bias-field correction of the open case (issue 9): a per-case switch. On, the case's
 * voxels go to the N4 worker (progress and Cancel in the status bar, nothing runs on the
 * main thread), and the corrected volume replaces the original in the viewer and for the
 * model; off, the original comes back at once (both are kept while the case is open). The
 * result is cached in OPFS (n4-cache.ts) and whether N4 is on is remembered per case, so
 * reopening a case shows it corrected without recomputing. The label map is never touched:
 * both volumes share the case's grid, and saving uses the source's geometry.
 */
import { N4Client, createN4Worker, resolveN4Options, type N4Endpoint, type N4Preset, type N4Progress } from '../preprocess/index.ts';
import type { Volume } from '../shared/volume.ts';
import type { BusyState, MessageLevel } from '../ui/types.ts';
import { loadN4Preference, n4CacheKey, readN4Cache, saveN4Preference, writeN4Cache } from './n4-cache.ts';

export type N4Status = 'off' | 'running' | 'on' | 'failed';
export type ShownImage = 'original' | 'corrected';

/** What the correction needs from the app around it. */
export interface BiasHost {
  begin(busy: BusyState): AbortSignal;
  progress(signal: AbortSignal, done: number, total: number, label?: string): void;
  end(signal: AbortSignal): void;
  fail(signal: AbortSignal, e: unknown, what: string): void;
  message(level: MessageLevel, text: string): void;
  /** Cancel the running task (ours, when N4 runs). */
  cancel(): void;
  /** Show this volume in place of the one shown (same grid): window chosen for it, labels kept, the model re-sent it. */
  display(volume: Volume, image: ShownImage): Promise<void>;
  render(): void;
}

interface OpenCase {
  id: string;
  name: string;
  rootId: string | null;
  original: Volume;
  corrected: Volume | null;
  correctedPreset: N4Preset | null;
}

/** Counters for tests: what was computed and what came from the cache. */
export interface N4Counters {
  runs: number;
  cacheHits: number;
  cacheWrites: number;
}

const PRESET_NAMES: Record<N4Preset, string> = { default: 'default', fast: 'fast' };

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isAbort(e: unknown): boolean {
  return (e instanceof DOMException || e instanceof Error) && e.name === 'AbortError';
}

/** The algorithm's words, where a clinician needs others. */
function explain(e: unknown): unknown {
  if (e instanceof Error && /mask holds fewer than two positive voxels/.test(e.message)) {
    return new Error('the image has no tissue to fit a field on (an empty or flat image)');
  }
  return e;
}

function phaseLabel(name: string, p: N4Progress, levels: number): string {
  const head = `Correcting the bias field of ${name} (N4)`;
  if (p.phase === 'prepare') return `${head}: shrinking and masking…`;
  if (p.phase === 'apply') return `${head}: applying the field…`;
  return `${head}: fitting, level ${(p.level ?? 0) + 1} of ${levels}, iteration ${p.done} of ${p.total}`;
}

/** A worker and a promise that rejects if the worker dies (a crashed worker never answers Comlink). */
interface RunningWorker {
  client: N4Client;
  died: Promise<never>;
}

export class BiasCorrection {
  readonly counters: N4Counters = { runs: 0, cacheHits: 0, cacheWrites: 0 };
  #worker: RunningWorker | null = null;
  #case: OpenCase | null = null;
  #status: N4Status = 'off';
  #shown: ShownImage = 'original';
  #preset: N4Preset = 'default';
  /** Set when the open case wants N4 but its result is not at hand: run it once the case is shown. */
  #pending = false;
  #progress: N4Progress | null = null;
  /** Serialises display swaps (two quick presses of G must not interleave). */
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: BiasHost,
    /** The N4 worker (tests pass a worker thread); its 'error' event means it died. */
    private readonly createWorker: () => N4Endpoint = createN4Worker,
  ) {}

  get status(): N4Status {
    return this.#status;
  }

  get shown(): ShownImage {
    return this.#shown;
  }

  get preset(): N4Preset {
    return this.#preset;
  }

  get progress(): N4Progress | null {
    return this.#progress;
  }

  /** The volume the viewer shows and the model sees, or null without a case. */
  get shownVolume(): Volume | null {
    const c = this.#case;
    if (!c) return null;
    return this.#shown === 'corrected' && c.corrected ? c.corrected : c.original;
  }

  /** Whether the open case wants N4 and it must still be computed (the app calls `enable` once the case is shown). */
  get pending(): boolean {
    return this.#pending;
  }

  /**
   * A case is opening: answers the volume to show first — the corrected one, from the
   * cache, when N4 is on for this case and its entry is valid; otherwise the original
   * (and `pending` says whether N4 must still run). Never throws.
   */
  async openCase(id: string, name: string, rootId: string | null, volume: Volume): Promise<Volume> {
    const c: OpenCase = { id, name, rootId, original: volume, corrected: null, correctedPreset: null };
    this.#case = c;
    this.#status = 'off';
    this.#shown = 'original';
    this.#pending = false;
    this.#progress = null;
    const pref = rootId ? await loadN4Preference(rootId, id) : null;
    if (this.#case !== c || !pref?.on) return volume;
    this.#preset = pref.preset;
    const corrected = await this.#fromCache(c, pref.preset);
    if (this.#case !== c) return volume;
    if (!corrected) {
      this.#pending = true;
      return volume;
    }
    this.#status = 'on';
    this.#shown = 'corrected';
    return corrected;
  }

  /** The case is left: a run still going is dropped by the app's task switch; its result is ignored. */
  closeCase(): void {
    this.#case = null;
    this.#status = 'off';
    this.#shown = 'original';
    this.#pending = false;
    this.#progress = null;
  }

  /** G: on (compute, or show what is at hand), off (the original, at once), or cancel a run. */
  async toggle(): Promise<void> {
    if (!this.#case) return;
    if (this.#status === 'running') this.host.cancel();
    else if (this.#status === 'on') await this.disable();
    else await this.enable();
  }

  /** The preset for the next run; with N4 on, the open case is corrected again with it (or from the cache). */
  async setPreset(preset: N4Preset): Promise<void> {
    if (preset === this.#preset || this.#status === 'running') return;
    this.#preset = preset;
    this.host.render();
    if (this.#status === 'on') await this.enable();
  }

  /** Show the corrected image: from memory, from the cache, or computed now in the worker. */
  async enable(): Promise<void> {
    const c = this.#case;
    if (!c || this.#status === 'running') return;
    this.#pending = false;
    const preset = this.#preset;
    void this.#remember(c, { on: true, preset });
    if (c.corrected && c.correctedPreset === preset) {
      this.#status = 'on';
      await this.#show(c, 'corrected');
      return;
    }
    this.#status = 'running';
    this.#progress = null;
    const signal = this.host.begin({ label: `Correcting the bias field of ${c.name} (N4): looking for a cached result…`, done: 0, total: 0 });
    const what = `N4 bias-field correction of ${c.name}`;
    try {
      const cached = await this.#fromCache(c, preset);
      signal.throwIfAborted();
      const corrected = cached ?? await this.#compute(c, preset, signal);
      if (this.#case !== c) throw new DOMException('The case was left', 'AbortError');
      this.host.progress(signal, 1, 1, `Showing ${c.name}, bias field corrected…`);
      this.#status = 'on';
      this.#progress = null;
      await this.#show(c, 'corrected');
      this.host.end(signal);
      if (!cached) this.host.message('info', `${c.name}: bias field corrected (N4, ${PRESET_NAMES[preset]} preset). G shows the original.`);
    } catch (e) {
      if (this.#case === c) {
        this.#status = isAbort(e) ? 'off' : 'failed';
        this.#progress = null;
        if (this.#shown === 'corrected') await this.#show(c, 'original');
        void this.#remember(c, { on: false, preset });
      }
      this.host.fail(signal, explain(e), what);
      this.host.render();
    }
  }

  /** Back to the original image, at once (the corrected one stays at hand). */
  async disable(): Promise<void> {
    const c = this.#case;
    if (!c) return;
    if (this.#status === 'running') {
      this.host.cancel();
      return;
    }
    this.#status = 'off';
    this.#pending = false;
    void this.#remember(c, { on: false, preset: this.#preset });
    await this.#show(c, 'original');
    if (c.corrected) this.host.message('info', `${c.name}: the original image; G shows the bias-corrected one again (kept, not recomputed).`);
  }

  #show(c: OpenCase, image: ShownImage): Promise<void> {
    const run = async () => {
      if (this.#case !== c || this.#shown === image) return;
      const volume = image === 'corrected' ? c.corrected : c.original;
      if (!volume) return;
      this.#shown = image;
      await this.host.display(volume, image);
    };
    const next = this.#chain.then(run, run);
    this.#chain = next.catch(() => undefined);
    return next.finally(() => this.host.render());
  }

  async #fromCache(c: OpenCase, preset: N4Preset): Promise<Volume | null> {
    const options = resolveN4Options({}, preset);
    const key = n4CacheKey(c.id, c.original, options);
    const hit = await readN4Cache(c.id, key, c.original.dims, options);
    if (!hit || this.#case !== c) return null;
    this.counters.cacheHits++;
    c.corrected = { ...c.original, data: hit.corrected, datatype: 'float32' };
    c.correctedPreset = preset;
    return c.corrected;
  }

  async #compute(c: OpenCase, preset: N4Preset, signal: AbortSignal): Promise<Volume> {
    const worker = this.#ensureWorker();
    this.counters.runs++;
    const levels = resolveN4Options({}, preset).levels;
    if (c.original.meta.modality && c.original.meta.modality !== 'MR') {
      this.host.message('warning', `${c.name} is ${c.original.meta.modality}, not MR: N4 is meant for MR images.`);
    }
    const run = worker.client.correct(c.original, {
      preset,
      includeField: false,
      signal,
      onProgress: (p) => {
        this.#progress = p;
        this.host.progress(signal, p.done, p.total, phaseLabel(c.name, p, levels));
      },
    });
    const result = await Promise.race([run, worker.died]);
    const corrected: Volume = { ...c.original, data: result.corrected, datatype: 'float32' };
    if (this.#case === c) {
      c.corrected = corrected;
      c.correctedPreset = preset;
    }
    const key = n4CacheKey(c.id, c.original, result.options);
    void writeN4Cache(c.id, key, c.original.dims, result.options, result.corrected, result).then(
      (entry) => {
        if (entry) this.counters.cacheWrites++;
      },
      (e: unknown) => this.host.message('warning', `${c.name}: the N4 result could not be kept in this browser (${errorText(e)}); it will be computed again next time.`),
    );
    return corrected;
  }

  #ensureWorker(): RunningWorker {
    if (this.#worker) return this.#worker;
    const worker = this.createWorker();
    const died = new Promise<never>((_, reject) => {
      const dead = (why: string) => {
        // A dead worker answers nothing: the next run starts a new one.
        if (this.#worker?.died === died) this.#dropWorker();
        reject(new Error(`the N4 worker stopped (${why})`));
      };
      worker.addEventListener('error', (e) => dead((e as ErrorEvent).message || 'it could not start'), { once: true });
      worker.addEventListener('messageerror', () => dead('a message could not be read'), { once: true });
    });
    died.catch(() => undefined);
    this.#worker = { client: new N4Client(worker), died };
    return this.#worker;
  }

  #dropWorker(): void {
    this.#worker?.client.terminate();
    this.#worker = null;
  }

  async #remember(c: OpenCase, pref: { on: boolean; preset: N4Preset }): Promise<void> {
    if (!c.rootId) return;
    try {
      await saveN4Preference(c.rootId, c.id, pref);
    } catch (e) {
      this.host.message('warning', `${c.name}: could not remember the N4 setting (${errorText(e)}).`);
    }
  }

  dispose(): void {
    this.#dropWorker();
  }
}
