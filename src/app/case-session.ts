/**
 * The case session: the one open case. Opening it (read by the I/O worker, shown with its
 * window, N4 applied when it is on for the case, its starting labels and objects), the
 * other image of it on the same grid (N4 on or off), unsaved changes (dirty, autosave),
 * saving its outputs, and leaving it. State: the case shown or loading, its volume as read,
 * whether it has unsaved changes, and the summary of the last save. Calls the parts it is
 * given (cohort, display, objects, tools, N4, annotation, viewer) and the tasks.
 */
import * as persistence from '../cohort/persistence.ts';
import * as queue from '../cohort/queue.ts';
import { encodeNiftiPair } from '../io/nifti/write.ts';
import { IoError, type IoClient } from '../io/worker/client.ts';
import type { Volume } from '../shared/volume.ts';
import type { SaveSummary } from '../ui/types.ts';
import type { ViewerController } from '../viewer/viewer-controller.ts';
import type { AnnotationController } from './annotation.ts';
import { Autosave, type UnsavedWork } from './autosave.ts';
import type { BiasCorrection, ShownImage } from './bias-correction.ts';
import { downloadSavedOutputs, saveCase, saveSummary, type CaseToSave } from './case-save.ts';
import type { CohortSession } from './cohort-session.ts';
import type { DisplaySettings } from './display-settings.ts';
import type { DrawTools } from './draw-tools.ts';
import type { ObjectList } from './objects.ts';
import { worldToVoxel } from './slice-geometry.ts';
import { startingLabels } from './starting-labels.ts';
import { isAbort, type TaskHost } from './tasks.ts';
import { voxelToWorld } from '../io/geometry.ts';

export interface CaseHost {
  readonly io: IoClient;
  readonly tasks: TaskHost;
  readonly cohort: CohortSession;
  readonly display: DisplaySettings;
  readonly objects: ObjectList;
  readonly tools: DrawTools;
  readonly bias: BiasCorrection;
  viewer(): ViewerController | null;
  annotation(): AnnotationController | null;
  /** Load and attach the viewer (once); resolves when it is there or could not start. */
  ensureViewer(): Promise<void>;
  render(): void;
}

export class CaseSession {
  #selectedId: string | null = null;
  #loadingId: string | null = null;
  #volume: Volume | null = null;
  #dirty = false;
  #summary: SaveSummary | null = null;
  readonly autosave: Autosave;

  constructor(private readonly host: CaseHost) {
    this.autosave = new Autosave(() => this.#unsaved(), (level, text) => host.tasks.message(level, text));
  }

  get selectedId(): string | null {
    return this.#selectedId;
  }

  get loadingId(): string | null {
    return this.#loadingId;
  }

  /** The volume in the viewer, as io read it. */
  get volume(): Volume | null {
    return this.#volume;
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  get summary(): SaveSummary | null {
    return this.#summary;
  }

  /** Open a case: load it, show it, and restore its label map and objects. */
  async open(id: string): Promise<void> {
    const { tasks, cohort, bias, display } = this.host;
    if (!this.host.viewer()) {
      // The first case: NiiVue loads now (busy, so nobody takes the app for idle meanwhile).
      const signal = tasks.begin({ label: 'Starting the viewer…', done: 0, total: 0 });
      await this.host.ensureViewer();
      if (signal.aborted) {
        // Cancelled (or replaced by other work) while the viewer started: the case stays closed.
        tasks.fail(signal, new DOMException('Cancelled', 'AbortError'), 'Opening the case');
        return;
      }
      tasks.end(signal);
    }
    const entry = cohort.entry(id);
    const session = cohort.session;
    if (!entry || !session) return;
    await this.leave();
    cohort.setQueue(queue.open(cohort.queue, id));
    const viewer = this.host.viewer();
    if (entry.status === 'failed') {
      this.#volume = null;
      viewer?.clear();
      this.#show(id, false);
      this.host.objects.reset([]);
      const file = entry.sourcePaths[0] ?? entry.name;
      tasks.message('warning', `${file}: ${entry.reason ?? 'cannot be read'}. Retry reads it again; Skip sets it aside.`);
      return;
    }
    const source = cohort.source(id);
    if (!source) return;
    const signal = tasks.begin({ label: `Loading ${entry.name}…`, done: 0, total: source.paths.length });
    this.#loadingId = id;
    this.host.render();
    try {
      const volume = await this.host.io.load(source.id, { signal, onProgress: (p) => tasks.progress(signal, p.done, p.total) });
      signal.throwIfAborted();
      // With N4 on for this case and its result cached, the corrected volume is shown at once.
      const shown = await bias.openCase(id, entry.name, session.rootId, volume);
      signal.throwIfAborted();
      tasks.progress(signal, source.paths.length, source.paths.length, `Displaying ${entry.name}…`);
      // The window is chosen before the volume goes to the GPU: changing it afterwards re-uploads it.
      const window = display.chooseWindow(shown, shown !== volume);
      if (viewer) await viewer.showNifti(encodeNiftiPair(shown), entry.name, window);
      signal.throwIfAborted();
      this.#volume = volume;
      const start = await startingLabels(this.host.io, session, entry, source, volume, (...m) => tasks.message(...m));
      signal.throwIfAborted();
      viewer?.setLabels(start.labels);
      tasks.end(signal);
      const annotation = this.host.annotation();
      annotation?.openCase(id, shown, start.labels);
      annotation?.setTool(null);
      if (viewer) display.applyToViewer(viewer);
      this.#loadingId = null;
      this.#show(id, start.dirty);
      this.host.objects.reset(start.objects);
      this.host.tools.reset();
      this.host.objects.apply();
      viewer?.setDrawMode({ kind: 'off' });
      const [sx, sy, sz] = volume.spacing.map((s) => +s.toFixed(3));
      tasks.message('info', `${entry.name}: ${volume.dims.join(' × ')} voxels, ${sx} × ${sy} × ${sz} mm, ${volume.datatype}`);
      if (start.notice) tasks.message('warning', start.notice);
      for (const w of volume.meta.warnings) tasks.message('warning', `${entry.name}: ${w}`);
      if (shown !== volume) tasks.message('info', `${entry.name}: bias field corrected (N4, from this browser's cache). G shows the original.`);
      if (bias.pending) void bias.enable();
    } catch (e) {
      this.#loadingId = null;
      this.host.render();
      if (!isAbort(e)) cohort.setQueue(queue.markFailed(cohort.queue, id, e instanceof IoError ? e.reason : String(e)));
      tasks.fail(signal, e, entry.name);
    }
  }

  /** A new cohort: no case open. */
  close(): void {
    this.#volume = null;
    this.host.viewer()?.clear();
    this.#show(null, false);
    this.host.objects.reset([]);
    this.host.tools.reset();
  }

  /** Before another case opens: unsaved work goes to IndexedDB. */
  async leave(): Promise<void> {
    this.closeSummary();
    await this.autosave.flush();
    this.host.annotation()?.closeCase();
    this.host.bias.closeCase();
  }

  /** The label map or the objects changed: unsaved, autosaved soon. */
  changed(): void {
    if (!this.#volume) return;
    // The first edit is what puts a case in progress (looking at it does not).
    const cohort = this.host.cohort;
    const started = queue.startWork(cohort.queue);
    if (started !== cohort.queue) cohort.setQueue(started);
    if (!this.#dirty) {
      this.#dirty = true;
      this.host.render();
    }
    this.autosave.schedule();
  }

  /** Save outputs of the open case (into the folder, or as a download). */
  async save(): Promise<void> {
    const c = this.#toSave();
    if (!c) return;
    const { tasks, cohort } = this.host;
    const signal = tasks.begin({ label: `Saving ${c.entry.name}…`, done: 0, total: 0 });
    try {
      const written = await saveCase(this.host.io, c, signal);
      if (!written) {
        tasks.end(signal);
        tasks.message('info', `${c.entry.name}: label map downloaded (this browser cannot write into the opened files' folder).`);
        return;
      }
      if (c.session.rootId) await persistence.clearAutosave(c.session.rootId, c.entry.id);
      this.autosave.cancel();
      cohort.setQueue(queue.markDone(cohort.queue));
      tasks.end(signal);
      this.#dirty = false;
      this.host.render();
      tasks.message('info', `${c.entry.name}: saved ${written.join(', ')}.`);
      this.#summary = saveSummary(c, written);
      this.host.viewer()?.setRenderTile(true);
      this.host.render();
    } catch (e) {
      tasks.fail(signal, e, `Saving ${c.entry.name}`);
    }
  }

  /** The open case's saved outputs, from this browser's storage to the Downloads folder (the demo). */
  async downloadOutputs(): Promise<void> {
    const session = this.host.cohort.session;
    const id = this.#selectedId;
    if (!session?.root || !id) return;
    if (!(await downloadSavedOutputs(session, this.host.cohort.entry(id) ?? { id }))) this.host.tasks.message('info', 'Nothing saved for this case yet: save it first (S).');
  }

  closeSummary(): void {
    if (!this.#summary) return;
    this.#summary = null;
    this.host.viewer()?.setRenderTile(false);
    this.host.render();
  }

  /**
   * Another image of the open case on the same grid (N4 on or off): the window is chosen
   * for it, the label map, crosshair, layout and tools stay, and the model is given it.
   */
  async showImage(volume: Volume, image: ShownImage): Promise<void> {
    const viewer = this.host.viewer();
    const entry = this.host.cohort.entry(this.#selectedId);
    if (!viewer || !this.#volume || !entry) return;
    const labels = viewer.labels();
    const at = viewer.crosshairMm();
    const window = this.host.display.chooseWindow(volume, image === 'corrected');
    await viewer.showNifti(encodeNiftiPair(volume), entry.name, window);
    viewer.setLabels(labels && labels.some((v) => v !== 0) ? labels : null);
    if (at) {
      // Back on the voxel it was on (a position between two slices could tip to the other one).
      const [i, j, k] = worldToVoxel(volume.affine, at).map((v, a) => Math.min(volume.dims[a]! - 1, Math.max(0, Math.round(v))));
      viewer.setCrosshairMm(voxelToWorld(volume.affine, i!, j!, k!));
    }
    this.host.display.applyToViewer(viewer);
    if (this.#summary) viewer.setRenderTile(true);
    this.host.objects.apply();
    this.host.tools.apply();
    const annotation = this.host.annotation();
    annotation?.replaceVolume(volume);
    annotation?.refreshMarks();
    this.host.render();
  }

  #show(id: string | null, dirty: boolean): void {
    this.#selectedId = id;
    this.#dirty = dirty;
    this.host.render();
  }

  #toSave(): CaseToSave | null {
    const session = this.host.cohort.session;
    const id = this.#selectedId;
    const entry = this.host.cohort.entry(id);
    const source = id ? this.host.cohort.source(id) : undefined;
    const volume = this.#volume;
    const labels = this.host.viewer()?.labels();
    if (!session || !entry || !source || !volume || !labels) return null;
    return { session, entry, source, volume, labels, objects: this.host.objects.list };
  }

  #unsaved(): UnsavedWork | null {
    const rootId = this.host.cohort.session?.rootId;
    const id = this.#selectedId;
    const volume = this.#volume;
    if (!rootId || !id || !volume || !this.#dirty) return null;
    const labels = this.host.viewer()?.labels();
    if (!labels) return null;
    return { rootId, caseId: id, labels, dims: volume.dims, objects: [...this.host.objects.list] };
  }
}
