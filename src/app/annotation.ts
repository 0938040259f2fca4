/**
 * The annotation loop of one open case: prompts on the viewer become engine calls, engine
 * results become label edits (respecting locks), every change is one undo step, and the
 * per-slice confidence is kept for the strip. The engine and its model are started on
 * first use; the model download shows in the progress bar and can be cancelled.
 */
import { EngineClient } from '../engine/client/engine-client.ts';
import { mergeSliceResult } from '../engine/client/merge.ts';
import type { PropagationMode, SliceAxis, SlicePrompt, SliceResult } from '../engine/protocol.ts';
import { sliceGeometry, voxelIndex } from '../engine/slices.ts';
import type { ObjectSpec } from '../shared/cohort.ts';
import type { Vec3, Volume } from '../shared/volume.ts';
import type { BusyState, MessageLevel } from '../ui/types.ts';
import type { LabelDiff, PromptGesture, PromptMark, PromptTool, ViewerController, ViewPlane } from '../viewer/viewer-controller.ts';
import { History, type HistoryStep } from './history.ts';
import { storageVerdict } from './capabilities.ts';
import type { ModelCatalog, ModelEntry } from './model-catalog.ts';
import { axisPlane, clampPoint, planeAxis, slicePointToWorld, toSlice, worldToVoxel } from './slice-geometry.ts';

/** What the annotation needs from the app around it. */
export interface AnnotationHost {
  readonly viewer: ViewerController;
  begin(busy: BusyState): AbortSignal;
  progress(signal: AbortSignal, done: number, total: number, label?: string): void;
  end(signal: AbortSignal): void;
  fail(signal: AbortSignal, e: unknown, what: string): void;
  message(level: MessageLevel, text: string): void;
  /** The label map changed (dirty, autosave). */
  changed(): void;
  objects(): readonly ObjectSpec[];
  activeLabel(): number;
  /** The brush tool in use ('pen', 'erase' or 'off'). */
  drawTool(): 'off' | 'pen' | 'erase';
  /** Something shown changed (tools, confidence, model). */
  render(): void;
}

export interface SliceConfidence {
  iou: number;
  objectScore: number;
}

/** What the confidence strip shows for the active object. */
export interface ConfidenceView {
  object: number;
  axis: SliceAxis;
  plane: ViewPlane;
  count: number;
  current: number;
  slices: (SliceConfidence | null)[];
}

/** A slice whose hand-corrected mask conditions the engine (instead of boxes and points). */
interface MaskPrompt {
  mask: Uint8Array;
}

type SlicePrompts = SlicePrompt | MaskPrompt;

const isMask = (p: SlicePrompts | null | undefined): p is MaskPrompt => p != null && 'mask' in p;

interface ObjectPrompts {
  axis: SliceAxis;
  slices: Map<number, SlicePrompts>;
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

function eta(startedAt: number, done: number, total: number): string {
  if (done <= 0 || total <= done) return '';
  const s = ((performance.now() - startedAt) / done) * (total - done) / 1000;
  return s < 1 ? ', under 1 s left' : `, about ${s < 60 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`} left`;
}

export class AnnotationController {
  readonly history = new History();
  #engine: EngineClient | null = null;
  #engineModel: string | null = null;
  #modelLoading: Promise<void> | null = null;
  #case: { id: string; volume: Volume; sentToEngine: boolean } | null = null;
  #sentVolume: Volume | null = null;
  #prompts = new Map<number, ObjectPrompts>();
  #confidence = new Map<number, { axis: SliceAxis; bySlice: Map<number, SliceConfidence> }>();
  #tool: PromptTool | null = null;
  #plane: ViewPlane = 'axial';
  device: string | null = null;

  constructor(
    private readonly host: AnnotationHost,
    private readonly catalog: ModelCatalog,
    private readonly createEngine: () => EngineClient = () => new EngineClient(),
  ) {
    host.viewer.onPrompt = (g) => void this.onGesture(g);
    host.viewer.onStroke = (diff) => this.#stroke(diff);
  }

  get tool(): PromptTool | null {
    return this.#tool;
  }

  /** Locked objects: propagation and brushing never change them. */
  get locked(): ReadonlySet<number> {
    return new Set(this.host.objects().filter((o) => o.locked).map((o) => o.labelValue));
  }

  /** The plane the user last worked in (slice keys and the confidence strip follow it). */
  get plane(): ViewPlane {
    return this.#plane;
  }

  /** The models the app offers and the one chosen (shared with the app, which loads the list at start). */
  get models(): ModelEntry[] {
    return this.catalog.models;
  }

  get modelId(): string | null {
    return this.catalog.modelId;
  }

  get modelReason(): string {
    return this.catalog.reason;
  }

  selectModel(id: string): void {
    if (this.catalog.select(id)) this.host.render();
  }

  setTool(tool: PromptTool | null): void {
    this.#tool = tool;
    this.host.viewer.setPromptTool(tool);
    this.host.render();
  }

  openCase(id: string, volume: Volume): void {
    this.#case = { id, volume, sentToEngine: false };
    this.#prompts.clear();
    this.#confidence.clear();
    this.history.clear();
    this.#showMarks();
    this.host.render();
  }

  /**
   * The same case on the same grid with other voxels (N4 on or off): prompts, masks and
   * history stay; the engine gets the new voxels (and the prompts again) before its next call.
   */
  replaceVolume(volume: Volume): void {
    const c = this.#case;
    if (!c) return;
    const dims = c.volume.dims;
    if (!volume.dims.every((n, a) => n === dims[a])) throw new Error(`the new volume (${volume.dims.join(' × ')}) is not on the case's grid (${dims.join(' × ')})`);
    c.volume = volume;
    c.sentToEngine = false;
  }

  /** The voxels the engine was last given (tests compare them with what is shown). */
  get engineVolume(): Volume | null {
    return this.#sentVolume;
  }

  closeCase(): void {
    this.#case = null;
    this.#prompts.clear();
    this.#confidence.clear();
    this.history.clear();
    this.host.viewer.setPromptMarks([]);
  }

  // --- engine ---

  /** Start the engine with the chosen model (once), and hand it the case and the window. */
  async #ready(signal?: AbortSignal, except?: { object: number; slice: number }): Promise<EngineClient> {
    const c = this.#case;
    if (!c) throw new Error('no case is open');
    if (!this.modelId) throw new Error('no SAM2 model is available (models/index.json is empty)');
    if (!this.#engine) this.#engine = this.createEngine();
    const engine = this.#engine;
    if (this.#engineModel !== this.modelId) {
      this.#modelLoading ??= this.#loadModel(engine, this.modelId).finally(() => (this.#modelLoading = null));
      await this.#modelLoading;
      signal?.throwIfAborted();
    }
    const window = this.host.viewer.displayWindow();
    if (!c.sentToEngine) {
      // New voxels start the engine over: hand it the prompts it held for this case again
      // (their masks are already in the label map, so the results are not written).
      const volume = c.volume;
      await engine.setVolume({ id: c.id, data: volume.data, dims: volume.dims });
      c.sentToEngine = true;
      this.#sentVolume = volume;
      if (window) await engine.setWindow(window);
      await this.#replayPrompts(engine, except);
    }
    if (window) await engine.setWindow(window);
    return engine;
  }

  /** Every prompt and mask of the open case to the engine (but `except`, which the caller sends itself). */
  async #replayPrompts(engine: EngineClient, except?: { object: number; slice: number }): Promise<void> {
    for (const [object, p] of this.#prompts) {
      for (const [slice, prompt] of p.slices) {
        if (except && except.object === object && except.slice === slice) continue;
        if (isMask(prompt)) await engine.addMask(object, p.axis, slice, prompt.mask);
        else await engine.addPrompt(object, p.axis, slice, prompt);
      }
    }
  }

  async #loadModel(engine: EngineClient, id: string): Promise<void> {
    const entry = this.models.find((m) => m.id === id)!;
    const signal = this.host.begin({ label: `Loading model ${entry.name}…`, done: 0, total: 0 });
    try {
      const manifest = await (await fetch(new URL(entry.manifest, document.baseURI), { signal })).json();
      await this.#checkStorage(manifest);
      const info = await engine.loadModel(manifest, {
        signal,
        onProgress: (p) => {
          if (p.phase === 'download') {
            const pct = p.total ? Math.floor((100 * p.done) / p.total) : 0;
            this.host.progress(signal, p.done, p.total, `Downloading ${entry.name}: ${mb(p.done)} of ${mb(p.total)} (${pct} %)`);
          } else this.host.progress(signal, p.done, p.total, `Starting ${entry.name}…`);
        },
      });
      this.#engineModel = id;
      this.device = info.device === 'webgpu' ? 'WebGPU' : `WASM × ${info.threads}`;
      if (this.#case) this.#case.sentToEngine = false; // a new model starts with no state
      this.host.end(signal);
      this.host.message('info', `Model ${entry.name} ready on ${this.device}${info.webgpuUnavailable ? ` (${info.webgpuUnavailable})` : ''}.`);
      this.host.render();
    } catch (e) {
      this.host.fail(signal, e, `Model ${entry.name}`);
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
    if (verdict.warning) this.host.message('warning', verdict.warning);
  }

  // --- prompts ---

  /** The native axis and slice under the crosshair, in the plane given. */
  currentSlice(plane: ViewPlane = this.#plane): { axis: SliceAxis; slice: number } | null {
    const c = this.#case;
    const mm = this.host.viewer.crosshairMm();
    if (!c || !mm) return null;
    const axis = planeAxis(c.volume.affine, plane);
    const { slice } = toSlice(axis, worldToVoxel(c.volume.affine, mm));
    const count = sliceGeometry(c.volume.dims, axis).count;
    return { axis, slice: Math.min(count - 1, Math.max(0, slice)) };
  }

  async onGesture(g: PromptGesture): Promise<void> {
    const c = this.#case;
    if (!c) return;
    this.#plane = g.plane;
    if (g.tool === 'fill') {
      this.#fill(g.plane, g.start);
      return;
    }
    const object = this.host.activeLabel();
    if (this.locked.has(object)) {
      this.host.message('warning', `Object ${object} is locked: unlock it to prompt it.`);
      return;
    }
    const axis = planeAxis(c.volume.affine, g.plane);
    const { width, height } = sliceGeometry(c.volume.dims, axis);
    const a = toSlice(axis, worldToVoxel(c.volume.affine, g.start));
    const b = toSlice(axis, worldToVoxel(c.volume.affine, g.end));
    const slice = a.slice;
    const prompts = this.#promptsOf(object, axis);
    const prior = prompts.slices.get(slice);
    const before = isMask(prior) ? undefined : prior;
    const next: SlicePrompt = { box: before?.box ?? null, points: [...(before?.points ?? [])] };
    if (g.tool === 'box') {
      const p0 = clampPoint(a, width, height);
      const p1 = clampPoint(b, width, height);
      if (Math.abs(p1.x - p0.x) < 1 || Math.abs(p1.y - p0.y) < 1) {
        this.host.message('info', 'Drag to draw a box (it was too small).');
        return;
      }
      next.box = { x0: p0.x, y0: p0.y, x1: p1.x, y1: p1.y };
    } else {
      next.points!.push({ ...clampPoint(a, width, height), positive: g.tool === 'positive' });
    }
    await this.#applyPrompt(object, axis, slice, prior ?? null, next, `${g.tool === 'box' ? 'box' : 'point'} on slice ${slice + 1}`);
  }

  #promptsOf(object: number, axis: SliceAxis): ObjectPrompts {
    let p = this.#prompts.get(object);
    if (!p || p.axis !== axis) {
      // A new plane starts the object's prompts over (the engine does the same).
      p = { axis, slices: new Map() };
      this.#prompts.set(object, p);
      this.#confidence.set(object, { axis, bySlice: new Map() });
    }
    return p;
  }

  /**
   * Fill: the 4-connected region of equal label around the clicked voxel, on that slice,
   * becomes the active object — only when the region is enclosed (it does not reach the
   * slice's edge) and is neither the active object nor a locked one.
   */
  #fill(plane: ViewPlane, mm: Vec3): void {
    const c = this.#case!;
    const object = this.host.activeLabel();
    const axis = planeAxis(c.volume.affine, plane);
    const { width, height } = sliceGeometry(c.volume.dims, axis);
    const at = toSlice(axis, worldToVoxel(c.volume.affine, mm));
    const x0 = Math.round(at.x);
    const y0 = Math.round(at.y);
    if (x0 < 0 || y0 < 0 || x0 >= width || y0 >= height) return;
    const dims = c.volume.dims;
    const index = (x: number, y: number) => voxelIndex(dims, axis, at.slice, x, y);
    let enclosed = true;
    let filled = 0;
    const locked = this.locked;
    const diff = this.host.viewer.editLabels((labels) => {
      const target = labels.get(index(x0, y0));
      if (target === object || locked.has(target)) return;
      const seen = new Uint8Array(width * height);
      const stack = [y0 * width + x0];
      const region: number[] = [];
      seen[y0 * width + x0] = 1;
      while (stack.length > 0) {
        const p = stack.pop()!;
        const x = p % width;
        const y = (p - x) / width;
        region.push(p);
        if (x === 0 || y === 0 || x === width - 1 || y === height - 1) enclosed = false;
        for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]] as const) {
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const q = ny * width + nx;
          if (seen[q] || labels.get(index(nx, ny)) !== target) continue;
          seen[q] = 1;
          stack.push(q);
        }
      }
      if (!enclosed) return;
      for (const p of region) labels.set(index(p % width, Math.floor(p / width)), object);
      filled = region.length;
    });
    if (!enclosed) {
      this.host.message('info', 'Fill works inside a closed outline: that region reaches the edge of the slice.');
      return;
    }
    if (diff) {
      this.#pushLabels(`fill of ${filled} voxels on slice ${at.slice + 1}`, diff);
      this.host.changed();
    }
  }

  /** Run a slice's prompts in the engine, write the mask, and make it one undo step. */
  async #applyPrompt(object: number, axis: SliceAxis, slice: number, before: SlicePrompts | null, next: SlicePrompt, what: string): Promise<void> {
    const prompts = this.#promptsOf(object, axis);
    prompts.slices.set(slice, next);
    this.#showMarks();
    let result: SliceResult;
    try {
      const engine = await this.#ready(undefined, { object, slice });
      result = await engine.addPrompt(object, axis, slice, next);
    } catch (e) {
      if (before) prompts.slices.set(slice, before);
      else prompts.slices.delete(slice);
      this.#showMarks();
      if (!(e instanceof DOMException && e.name === 'AbortError')) this.host.message('error', `Prompt: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const diff = this.#write([result]);
    const step: HistoryStep = {
      label: what,
      undo: async () => {
        if (diff) this.host.viewer.applyDiff(diff, 'before');
        await this.#restorePrompt(object, axis, slice, before);
      },
      redo: async () => {
        if (diff) this.host.viewer.applyDiff(diff, 'after');
        await this.#restorePrompt(object, axis, slice, next);
      },
    };
    this.history.push(step);
    this.host.changed();
    this.host.render();
  }

  async #restorePrompt(object: number, axis: SliceAxis, slice: number, prompt: SlicePrompts | null): Promise<void> {
    const prompts = this.#promptsOf(object, axis);
    if (prompt) prompts.slices.set(slice, prompt);
    else prompts.slices.delete(slice);
    this.#showMarks();
    const engine = this.#engine;
    if (!engine) return;
    // The engine's conditioning follows the prompts; the labels come from the diff.
    if (isMask(prompt)) await engine.addMask(object, axis, slice, prompt.mask).catch(() => undefined);
    else if (prompt) await engine.addPrompt(object, axis, slice, prompt).catch(() => undefined);
    else await engine.clearSlice(object, slice).catch(() => undefined);
  }

  /**
   * The active object's mask on the current slice (after a brush correction, say) becomes a
   * conditioning slice: the next propagation follows it (SAM2's add_new_mask).
   */
  async maskToPrompt(): Promise<void> {
    const c = this.#case;
    if (!c) return;
    const object = this.host.activeLabel();
    const existing = this.#prompts.get(object);
    const plane = existing?.slices.size ? axisPlane(c.volume.affine, existing.axis) : (this.host.viewer.hoverPlane() ?? this.#plane);
    const cur = this.currentSlice(plane);
    if (!cur) return;
    const { width, height } = sliceGeometry(c.volume.dims, cur.axis);
    const mask = new Uint8Array(width * height);
    let any = 0;
    this.host.viewer.editLabels((labels) => {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (labels.get(voxelIndex(c.volume.dims, cur.axis, cur.slice, x, y)) === object) {
            mask[y * width + x] = 1;
            any++;
          }
        }
      }
    });
    if (any === 0) {
      this.host.message('info', `Object ${object} has no voxels on this slice: draw it first (P), then press M.`);
      return;
    }
    const prompts = this.#promptsOf(object, cur.axis);
    const before = prompts.slices.get(cur.slice) ?? null;
    const next: MaskPrompt = { mask };
    try {
      const engine = await this.#ready(undefined, { object, slice: cur.slice });
      await engine.addMask(object, cur.axis, cur.slice, mask);
    } catch (e) {
      this.host.message('error', `Mask as prompt: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    prompts.slices.set(cur.slice, next);
    this.history.push({
      label: `mask of slice ${cur.slice + 1} as a prompt`,
      undo: () => this.#restorePrompt(object, cur.axis, cur.slice, before),
      redo: () => this.#restorePrompt(object, cur.axis, cur.slice, next),
    });
    this.host.message('info', `Slice ${cur.slice + 1} of object ${object} now guides propagation (${any} voxels).`);
    this.#showMarks();
    this.host.render();
  }

  /** Remove an object's prompts on one slice (its mask stays; undo brings the prompts back). */
  async clearPrompts(object: number, slice: number): Promise<void> {
    const p = this.#prompts.get(object);
    const before = p?.slices.get(slice);
    if (!p || !before) return;
    await this.#restorePrompt(object, p.axis, slice, null);
    this.history.push({
      label: `prompts removed from slice ${slice + 1}`,
      undo: () => this.#restorePrompt(object, p.axis, slice, before),
      redo: () => this.#restorePrompt(object, p.axis, slice, null),
    });
    this.host.render();
  }

  /** Forget an object (its voxels are cleared by the caller). */
  async forgetObject(object: number): Promise<{ prompts: ObjectPrompts | undefined; confidence?: { axis: SliceAxis; bySlice: Map<number, SliceConfidence> } }> {
    const prompts = this.#prompts.get(object);
    const confidence = this.#confidence.get(object);
    this.#prompts.delete(object);
    this.#confidence.delete(object);
    this.#showMarks();
    await this.#engine?.removeObject(object).catch(() => undefined);
    return { prompts, ...(confidence ? { confidence } : {}) };
  }

  /** Bring a deleted object's prompts back (undo of a delete): the engine re-runs them. */
  async restoreObject(object: number, saved: { prompts: ObjectPrompts | undefined; confidence?: { axis: SliceAxis; bySlice: Map<number, SliceConfidence> } }): Promise<void> {
    if (saved.confidence) this.#confidence.set(object, saved.confidence);
    if (!saved.prompts) return;
    this.#prompts.set(object, saved.prompts);
    this.#showMarks();
    const engine = this.#engine;
    if (!engine) return;
    for (const [slice, prompt] of saved.prompts.slices) {
      if (isMask(prompt)) await engine.addMask(object, saved.prompts.axis, slice, prompt.mask).catch(() => undefined);
      else await engine.addPrompt(object, saved.prompts.axis, slice, prompt).catch(() => undefined);
    }
  }

  /** Prompted slices of an object, for the objects panel. */
  promptRows(object: number): { axis: SliceAxis; slice: number; plane: string; mask: boolean }[] {
    const c = this.#case;
    const p = this.#prompts.get(object);
    if (!c || !p) return [];
    const plane = axisPlane(c.volume.affine, p.axis);
    return [...p.slices.keys()].sort((a, b) => a - b).map((slice) => ({ axis: p.axis, slice, plane, mask: isMask(p.slices.get(slice)) }));
  }

  /** Redraw the prompt marks (objects renamed, recoloured, the active one changed). */
  refreshMarks(): void {
    this.#showMarks();
  }

  // --- propagation ---

  async propagate(mode: PropagationMode): Promise<void> {
    const c = this.#case;
    if (!c) return;
    const active = this.host.activeLabel();
    const withPrompts = [...this.#prompts.entries()].filter(([o, p]) => p.slices.size > 0 && !this.locked.has(o));
    const activePrompts = this.#prompts.get(active);
    const axis = activePrompts?.slices.size ? activePrompts.axis : withPrompts[0]?.[1].axis;
    if (axis === undefined) {
      this.host.message('info', 'Draw a box or a point on a slice first (R, H, J), then propagate.');
      return;
    }
    const objects = withPrompts.filter(([, p]) => p.axis === axis).map(([o]) => o);
    const plane = axisPlane(c.volume.affine, axis);
    const from = this.currentSlice(plane)?.slice;
    const label = { between: 'between the prompts', forward: 'forward', backward: 'backward', 'until-end': 'until the object ends', all: 'through the volume' }[mode];
    let engine: EngineClient;
    try {
      engine = await this.#ready();
    } catch {
      return;
    }
    const signal = this.host.begin({ label: `Propagating ${label}…`, done: 0, total: 0 });
    const started = performance.now();
    const diffs: LabelDiff[] = [];
    let slices = 0;
    try {
      const summary = await engine.propagate(
        { axis, mode, objects, ...(from !== undefined ? { from } : {}) },
        {
          signal,
          onSlices: (rs) => {
            const d = this.#write(rs);
            if (d) diffs.push(d);
            slices++;
          },
          onProgress: (p) => this.host.progress(signal, p.done, p.total, `Propagating ${label}: ${p.done} of ${p.total} slices${eta(started, p.done, p.total)}`),
        },
      );
      this.host.end(signal);
      if (summary.fellBackToWasm) this.device = 'WASM (WebGPU failed)';
      this.host.message('info', `${summary.cancelled ? 'Propagation cancelled after' : 'Propagated'} ${slices} slices${summary.cancelled ? '' : ` ${label}`}; undo with Ctrl+Z.`);
    } catch (e) {
      this.host.fail(signal, e, 'Propagation');
    }
    if (diffs.length > 0) {
      this.history.push({
        label: `propagation ${label}`,
        undo: () => {
          for (let k = diffs.length - 1; k >= 0; k--) this.host.viewer.applyDiff(diffs[k]!, 'before');
        },
        redo: () => {
          for (const d of diffs) this.host.viewer.applyDiff(d, 'after');
        },
      });
      this.host.changed();
    }
    this.host.render();
  }

  /** Write engine results into the label layer (locks and other objects kept); one diff. */
  #write(results: SliceResult[]): LabelDiff | null {
    const c = this.#case;
    if (!c) return null;
    for (const r of results) {
      const conf = this.#confidence.get(r.object);
      if (conf && conf.axis === r.axis) conf.bySlice.set(r.slice, { iou: r.iou, objectScore: r.objectScore });
    }
    const locked = this.locked;
    const diff = this.host.viewer.editLabels((labels) => {
      for (const r of results) mergeSliceResult(labels, c.volume.dims, r, { locked, overlap: 'keep-others' });
    });
    this.host.render();
    return diff;
  }

  /**
   * A brush or eraser stroke acts on the active object only: the brush never paints over a
   * locked object, the eraser only removes the active object. Voxels it should not have
   * changed are put back, and the rest becomes one undo step.
   */
  #stroke(diff: LabelDiff): void {
    const active = this.host.activeLabel();
    const erasing = this.host.drawTool() === 'erase';
    const locked = this.locked;
    const keep: number[] = [];
    const revert: number[] = [];
    for (let k = 0; k < diff.indices.length; k++) {
      const was = diff.before[k]!;
      const bad = erasing ? was !== active : was !== 0 && was !== active && locked.has(was);
      (bad ? revert : keep).push(k);
    }
    if (revert.length > 0) {
      this.host.viewer.applyDiff(
        { indices: Uint32Array.from(revert, (k) => diff.indices[k]!), before: Uint8Array.from(revert, (k) => diff.after[k]!), after: Uint8Array.from(revert, (k) => diff.before[k]!) },
        'after',
      );
    }
    if (keep.length === 0) return;
    const kept: LabelDiff = {
      indices: Uint32Array.from(keep, (k) => diff.indices[k]!),
      before: Uint8Array.from(keep, (k) => diff.before[k]!),
      after: Uint8Array.from(keep, (k) => diff.after[k]!),
    };
    this.#pushLabels(erasing ? 'eraser stroke' : 'brush stroke', kept);
  }

  #pushLabels(label: string, diff: LabelDiff): void {
    this.history.push({
      label,
      undo: () => this.host.viewer.applyDiff(diff, 'before'),
      redo: () => this.host.viewer.applyDiff(diff, 'after'),
    });
    this.host.render();
  }

  /** Record a change made elsewhere (object deletion, fill) as one undo step. */
  record(step: HistoryStep): void {
    this.history.push(step);
    this.host.render();
  }

  async undo(): Promise<void> {
    const step = await this.history.undo();
    this.host.message('info', step ? `Undone: ${step.label}` : 'Nothing to undo.');
    if (step) this.host.changed();
    this.host.render();
  }

  async redo(): Promise<void> {
    const step = await this.history.redo();
    this.host.message('info', step ? `Redone: ${step.label}` : 'Nothing to redo.');
    if (step) this.host.changed();
    this.host.render();
  }

  // --- what the UI shows ---

  /** Prompt marks on the slices under the crosshair. */
  #showMarks(): void {
    const c = this.#case;
    if (!c) return;
    const marks: PromptMark[] = [];
    const objects = this.host.objects();
    const active = this.host.activeLabel();
    for (const [object, p] of this.#prompts) {
      const plane = axisPlane(c.volume.affine, p.axis);
      const cur = this.currentSlice(plane);
      const prompt = cur ? p.slices.get(cur.slice) : undefined;
      if (!cur || !prompt || isMask(prompt)) continue;
      const color = objects.find((o) => o.labelValue === object)?.color ?? [255, 255, 0];
      const at = (pt: { x: number; y: number }): Vec3 => slicePointToWorld(c.volume.affine, p.axis, cur.slice, pt);
      if (prompt.box) {
        marks.push({ plane, kind: 'box', a: at({ x: prompt.box.x0, y: prompt.box.y0 }), b: at({ x: prompt.box.x1, y: prompt.box.y1 }), color, active: object === active });
      }
      for (const pt of prompt.points ?? []) marks.push({ plane, kind: pt.positive ? 'positive' : 'negative', a: at(pt), color, active: object === active });
    }
    this.host.viewer.setPromptMarks(marks);
  }

  /** Call when the crosshair moved. */
  crosshairMoved(): void {
    this.#showMarks();
  }

  /** Prompted slices per object on its axis (for the objects panel). */
  promptedSlices(object: number): number[] {
    return [...(this.#prompts.get(object)?.slices.keys() ?? [])].sort((a, b) => a - b);
  }

  confidence(): ConfidenceView | null {
    const c = this.#case;
    if (!c) return null;
    const object = this.host.activeLabel();
    const conf = this.#confidence.get(object);
    const axis = conf?.axis ?? planeAxis(c.volume.affine, this.#plane);
    const plane = axisPlane(c.volume.affine, axis);
    const count = sliceGeometry(c.volume.dims, axis).count;
    const slices: (SliceConfidence | null)[] = Array.from({ length: count }, (_, s) => conf?.bySlice.get(s) ?? null);
    return { object, axis, plane, count, current: this.currentSlice(plane)?.slice ?? 0, slices };
  }

  /** Move the crosshair to a slice along an axis (the confidence strip's click). */
  goToSlice(axis: SliceAxis, slice: number): void {
    const c = this.#case;
    const mm = this.host.viewer.crosshairMm();
    if (!c || !mm) return;
    const ijk = worldToVoxel(c.volume.affine, mm);
    ijk[axis] = slice;
    const world = slicePointToWorld(c.volume.affine, 2, ijk[2], { x: ijk[0], y: ijk[1] });
    this.#plane = axisPlane(c.volume.affine, axis);
    this.host.viewer.setCrosshairMm(world);
  }

  /** Slice keys: one slice through the plane under the pointer (else the plane last worked in). */
  step(delta: number): void {
    const plane = this.host.viewer.hoverPlane() ?? this.#plane;
    this.#plane = plane;
    this.host.viewer.moveSlice(plane, delta);
  }

  dispose(): void {
    this.#engine?.terminate();
    this.#engine = null;
  }
}
