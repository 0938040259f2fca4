/**
 * The composition root's one class: it builds the parts of the app, each named for its job,
 * hands each the calls it may make, and routes the shell's events to them. The data flows
 * folder → cohort session (scan, queue) → case session (volume, starting labels) → viewer and
 * annotation (prompts, engine, label edits) → case session again (autosave, save → outputs).
 *
 * - tasks.ts: the one running task (progress, Cancel) and the status-bar messages
 * - cohort-session.ts: files, folder, demo, resume; the scan; the case queue
 * - case-session.ts: open, show, autosave, save and leave the case
 * - objects.ts, draw-tools.ts: the objects and the hand tool
 * - display-settings.ts: window, layout, brush size, label style
 * - models.ts: the model catalog, the engine and model loading
 * - annotation.ts: prompts, propagation, strokes, undo, confidence
 * - bias-correction.ts: N4 of the open case
 * - shell-view.ts, about.ts: what the shell shows
 */
import { IDENTITY } from '../io/geometry.ts';
import { encodeNiftiPair } from '../io/nifti/write.ts';
import type { IoClient } from '../io/worker/client.ts';
import type { Volume } from '../shared/volume.ts';
import type { SliceSamApp } from '../ui/app-shell.ts';
import type { AboutInfo } from '../ui/types.ts';
import type { ViewerController } from '../viewer/viewer-controller.ts';
import { aboutInfo } from './about.ts';
import { AnnotationController } from './annotation.ts';
import { BiasCorrection } from './bias-correction.ts';
import { detectCapabilities, type Capabilities } from './capabilities.ts';
import { CaseSession } from './case-session.ts';
import { CohortSession } from './cohort-session.ts';
import { DisplaySettings } from './display-settings.ts';
import { DrawTools } from './draw-tools.ts';
import { Models } from './models.ts';
import { ObjectList } from './objects.ts';
import { wireShell } from './shell-events.ts';
import { renderShell } from './shell-view.ts';
import { Tasks, errorText } from './tasks.ts';

export type { Session } from './cohort-session.ts';

export class AppController {
  readonly #shell: SliceSamApp;
  readonly tasks: Tasks;
  readonly models: Models;
  readonly display: DisplaySettings;
  readonly bias: BiasCorrection;
  readonly cohort: CohortSession;
  readonly case: CaseSession;
  readonly objects: ObjectList;
  readonly tools: DrawTools;
  #viewer: ViewerController | null = null;
  #annotation: AnnotationController | null = null;
  /** The viewer brings NiiVue (most of the app's JavaScript): loaded when a folder is opened. */
  readonly #loadViewer: () => Promise<ViewerController | null>;
  #viewerReady: Promise<void> | null = null;
  readonly #caps: Promise<Capabilities | null> = detectCapabilities().catch(() => null);
  #about: AboutInfo | null = null;
  #applyUpdate: (() => Promise<void>) | null = null;
  #built = false;

  constructor(shell: SliceSamApp, io: IoClient, loadViewer: () => Promise<ViewerController | null>) {
    this.#shell = shell;
    this.#loadViewer = loadViewer;
    const render = () => this.#render();
    const viewer = () => this.#viewer;
    const annotation = () => this.#annotation;
    this.tasks = new Tasks(render);
    const tasks = this.tasks;
    this.models = new Models(tasks, render);
    this.display = new DisplaySettings(viewer, render);
    this.bias = new BiasCorrection({
      begin: (busy) => tasks.begin(busy),
      progress: (signal, done, total, label) => tasks.progress(signal, done, total, label),
      end: (signal) => tasks.end(signal),
      fail: (signal, e, what) => tasks.fail(signal, e, what),
      message: (level, text) => tasks.message(level, text),
      cancel: () => tasks.cancel(),
      display: (volume, image) => this.case.showImage(volume, image),
      render,
    });
    this.tools = new DrawTools({ viewer, annotation, caseOpen: () => this.case.volume !== null, activeLabel: () => this.objects.activeLabel, render });
    this.objects = new ObjectList({
      viewer, annotation, render,
      voxelCount: () => this.case.volume?.data.length ?? null,
      message: (level, text) => tasks.message(level, text),
      changed: () => this.case.changed(),
      activeChanged: () => this.tools.activeChanged(),
    });
    this.cohort = new CohortSession({
      io, tasks, render,
      ensureViewer: () => this.#ensureViewer(),
      leaveCase: () => this.case.leave(),
      closeCase: () => this.case.close(),
      openCase: (id) => this.case.open(id),
      selectedId: () => this.case.selectedId,
    });
    this.case = new CaseSession({
      io, tasks, render, viewer, annotation,
      cohort: this.cohort, display: this.display, objects: this.objects, tools: this.tools, bias: this.bias,
      ensureViewer: () => this.#ensureViewer(),
    });
    this.#built = true;
    shell.folderSupported = this.cohort.folderSupported;
    wireShell(shell, this);
    void this.models.load(this.#caps);
    // Work not yet in IndexedDB when the tab closes: one last try.
    window.addEventListener('pagehide', () => void this.case.autosave.flush());
    this.#render();
  }

  /** Load and attach the viewer once (the first case to open waits for it). */
  #ensureViewer(): Promise<void> {
    this.#viewerReady ??= this.#loadViewer().then(
      (v) => this.#attachViewer(v),
      (e: unknown) => this.tasks.message('error', `The viewer could not start (WebGL2 needed): ${errorText(e)}`),
    );
    return this.#viewerReady;
  }

  #attachViewer(viewer: ViewerController | null): void {
    if (!viewer) return;
    this.#viewer = viewer;
    this.#annotation = new AnnotationController({
      viewer,
      tasks: this.tasks,
      models: this.models,
      changed: () => this.case.changed(),
      objects: () => this.objects.list,
      activeLabel: () => this.objects.activeLabel,
      drawTool: () => this.tools.tool,
      render: () => this.#render(),
    });
    // While the folder is still scanned: a blank volume drawn once, so that a software GL has its pipelines built before the first case.
    if (!this.case.volume) void viewer.warmUp(encodeNiftiPair({ data: new Uint8Array(16 ** 3), datatype: 'uint8', dims: [16, 16, 16], affine: IDENTITY }));
    viewer.onLabelsChange = () => this.case.changed();
    viewer.onChange = () => {
      this.#annotation?.refreshMarks();
      this.#render();
    };
    this.#render();
  }

  get viewer(): ViewerController | null {
    return this.#viewer;
  }

  get annotation(): AnnotationController | null {
    return this.#annotation;
  }

  /** The voxels shown and given to the model: the N4-corrected volume when it is on, else the volume as read. */
  get shownVolume(): Volume | null {
    const volume = this.case.volume;
    return volume ? (this.bias.shownVolume ?? volume) : null;
  }

  get caseOpen(): boolean {
    return this.case.volume !== null;
  }

  /** A new version waits; `apply` autosaves, activates it and reloads. */
  offerUpdate(apply: () => Promise<void>): void {
    this.#applyUpdate = apply;
    this.#render();
  }

  applyUpdate(): void {
    void this.#applyUpdate?.();
  }

  /** Unsaved work of the open case to IndexedDB now (before a reload). */
  flushAutosave(): Promise<void> {
    return this.case.autosave.flush();
  }

  notice(text: string): void {
    this.tasks.message('info', text);
  }

  async showAbout(): Promise<void> {
    this.#about = aboutInfo(await this.#caps, this.models.device, this.models.chosen, this.models.reason);
    this.#render();
  }

  closeAbout(): void {
    this.#about = null;
    this.#render();
  }

  #render(): void {
    if (!this.#built) return;
    renderShell(this.#shell, {
      tasks: this.tasks, cohort: this.cohort, case: this.case, objects: this.objects, tools: this.tools,
      display: this.display, bias: this.bias, models: this.models, annotation: this.#annotation, viewer: this.#viewer,
      about: this.#about, updateReady: this.#applyUpdate !== null,
    });
  }
}
