/**
 * The clinician's loop at the app level: open a cohort (files, a folder, the
 * demo, or the folder of the last session), walk its case queue, show each
 * case with its starting label map (autosave, else the saved label file),
 * draw, autosave, and save outputs back into the folder. Scanning, loading
 * and compression run in the I/O worker; this class only orchestrates. One
 * task runs at a time; starting another cancels the running one.
 */
import { classifyScan, caseFileStem, caseIdFor, DEFAULT_OUTPUT_FOLDER } from '../cohort/cases.ts';
import { restoreObjects } from '../cohort/label-tables.ts';
import * as persistence from '../cohort/persistence.ts';
import * as queue from '../cohort/queue.ts';
import { DEMO_FOLDER, openDemoCohort } from '../io/demo/index.ts';
import { canPickDirectories, ensurePermission, opfsRoot, pickDirectory, readTextIfExists } from '../io/fs/index.ts';
import { ITK_SNAP_LABELS_FILE, SLICER_COLOR_TABLE_FILE } from '../cohort/label-tables.ts';
import { VOLUMETRY_FILE } from '../cohort/volumetry.ts';
import { encodeNifti } from '../io/nifti/write.ts';
import type { ScanReport, VolumeSource } from '../io/scan.ts';
import { IoError, type IoClient, type LabelArray, type ScanInput, type ScanResult } from '../io/worker/client.ts';
import { nextObject, type CaseEntry, type ObjectSpec } from '../shared/cohort.ts';
import type { Volume } from '../shared/volume.ts';
import type { SliceSamApp } from '../ui/app-shell.ts';
import type { BusyState, DrawTool, MessageLevel, SkippedItem, StatusMessage, ToolState, VolumeItem } from '../ui/types.ts';
import type { DisplayRange, ViewerController, ViewLayout } from '../viewer/viewer-controller.ts';
import { readCaseOutputs, saveCaseOutputs, type CaseOutputs } from './case-outputs.ts';
import { AnnotationController } from './annotation.ts';
import { BiasCorrection, type ShownImage } from './bias-correction.ts';
import { detectCapabilities, type Capabilities } from './capabilities.ts';
import { ModelCatalog } from './model-catalog.ts';
import { WINDOW_PRESETS, presetWindow } from './display.ts';
import { worldToVoxel } from './slice-geometry.ts';
import { voxelToWorld } from '../io/geometry.ts';
import { volumetryRows } from '../cohort/volumetry.ts';
import type { AboutInfo, SaveSummary } from '../ui/types.ts';

const MAX_MESSAGES = 50;
/** Unsaved work reaches IndexedDB this long after the last change (the promise is ≤ 2 s). */
const AUTOSAVE_DELAY_MS = 800;

/** Where the open cases come from. */
export interface Session {
  kind: 'files' | 'folder' | 'demo';
  name: string;
  /** The folder outputs are written into; null for loose files (outputs are downloaded). */
  root: FileSystemDirectoryHandle | null;
  /** Key of the folder in IndexedDB (statuses, last case, autosaves); null for loose files. */
  rootId: string | null;
  outputFolder: string;
}

export interface AppState {
  session: Session | null;
  queue: queue.QueueState;
  /** Files that are no case at all (not images, label maps, the output folder), with why. */
  skipped: SkippedItem[];
  /** The case in the viewer. */
  selectedId: string | null;
  loadingId: string | null;
  busy: BusyState | null;
  messages: StatusMessage[];
  objects: ObjectSpec[];
  activeLabel: number;
  tool: DrawTool;
  dirty: boolean;
  resumable: persistence.RootRecord | null;
}

function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

/**
 * The file's own window for CT, where it is a calibrated HU window; MR windows
 * in headers are often stale or vendor-specific, so MR and the rest get the
 * viewer's robust automatic range.
 */
function displayRange(volume: Volume): DisplayRange | undefined {
  if (volume.meta.modality !== 'CT') return undefined;
  const { windowCenter: c, windowWidth: w } = volume.meta;
  if (c === undefined || w === undefined || !Number.isFinite(c) || !Number.isFinite(w) || w <= 0) return undefined;
  return { min: c - w / 2, max: c + w / 2 };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function distinctValues(labels: ArrayLike<number>): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < labels.length; i++) if (labels[i]) seen.add(labels[i]!);
  return [...seen].sort((a, b) => a - b);
}

/** Whether a remembered folder is the demo's folder in this browser's private storage. */
async function isDemoFolder(handle: FileSystemDirectoryHandle): Promise<boolean> {
  try {
    const demo = await (await opfsRoot()).getDirectoryHandle(DEMO_FOLDER);
    return await handle.isSameEntry(demo);
  } catch {
    return false;
  }
}

/** Folder input paths all start with the folder's name: strip it, so paths are relative to the folder as with a picked root. */
function stripTopFolder(inputs: ScanInput[]): { inputs: ScanInput[]; folder: string | null } {
  const first = inputs[0]!.path.split('/')[0]!;
  const nested = inputs.every((i) => i.path.includes('/') && i.path.split('/')[0] === first);
  if (!nested) return { inputs, folder: null };
  return { inputs: inputs.map((i) => ({ ...i, path: i.path.slice(first.length + 1) })), folder: first };
}

function download(bytes: Uint8Array, name: string, type = 'application/gzip'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export class AppController {
  readonly #shell: SliceSamApp;
  readonly #io: IoClient;
  #viewer: ViewerController | null = null;
  /** The viewer brings NiiVue (most of the app's JavaScript): loaded when the first case opens. */
  readonly #loadViewer: () => Promise<ViewerController | null>;
  #viewerReady: Promise<void> | null = null;
  #state: AppState = {
    session: null, queue: queue.createQueue([]), skipped: [], selectedId: null, loadingId: null, busy: null, messages: [],
    objects: [], activeLabel: 1, tool: 'off', dirty: false, resumable: null,
  };
  /** Scanned volumes by case id. */
  #sources = new Map<string, VolumeSource>();
  #task: AbortController | null = null;
  #volume: Volume | null = null;
  #annotation: AnnotationController | null = null;
  /** N4 bias-field correction of the open case: which image is shown (original or corrected). */
  readonly #bias: BiasCorrection;
  /** Display: the window preset and the window it gave (a right-drag makes it 'custom'), label style. */
  #display = { preset: 'auto', window: null as DisplayRange | null, opacity: 0.6, outline: false, penSize: 1, layout: 'multiplanar' as ViewLayout };
  #summary: SaveSummary | null = null;
  readonly #caps: Promise<Capabilities | null> = detectCapabilities().catch(() => null);
  #about: AboutInfo | null = null;
  readonly #catalog = new ModelCatalog();
  #applyUpdate: (() => Promise<void>) | null = null;
  #nextMessageId = 1;
  #autosaveTimer: ReturnType<typeof setTimeout> | null = null;
  /** The last autosave that reached IndexedDB (tests and the crash-restore notice read it). */
  #lastAutosave = 0;

  constructor(shell: SliceSamApp, io: IoClient, loadViewer: () => Promise<ViewerController | null>) {
    this.#shell = shell;
    this.#io = io;
    this.#loadViewer = loadViewer;
    this.#bias = new BiasCorrection({
      begin: (busy) => this.#begin(busy),
      progress: (signal, done, total, label) => this.#progress(signal, done, total, label),
      end: (signal) => this.#end(signal),
      fail: (signal, e, what) => this.#fail(signal, e, what),
      message: (level, text) => this.#message(level, text),
      cancel: () => this.cancel(),
      display: (volume, image) => this.#showBackground(volume, image),
      render: () => this.#render(),
    });
    shell.folderSupported = canPickDirectories();
    shell.addEventListener('open-files', (e) => void this.openFiles(e.detail.files.map((file) => ({ path: file.webkitRelativePath || file.name, file }))));
    shell.addEventListener('open-folder', () => void this.openFolder());
    shell.addEventListener('open-demo', () => void this.openDemo());
    shell.addEventListener('resume-root', () => void this.resume());
    shell.addEventListener('select-volume', (e) => void this.openCase(e.detail.id));
    shell.addEventListener('next-case', () => void this.#move(queue.next));
    shell.addEventListener('previous-case', () => void this.#move(queue.previous));
    shell.addEventListener('skip-case', (e) => void this.#move((s) => queue.skip(s, e.detail.reason)));
    shell.addEventListener('save-case', () => void this.save());
    shell.addEventListener('download-outputs', () => void this.downloadOutputs());
    shell.addEventListener('set-tool', (e) => this.setTool(e.detail.tool));
    shell.addEventListener('new-object', () => this.newObject());
    shell.addEventListener('select-object', (e) => this.selectObject(e.detail.labelValue));
    shell.addEventListener('cancel-task', () => this.cancel());
    shell.addEventListener('dismiss-messages', () => this.#update({ messages: this.#state.messages.filter((m) => m.level !== 'error') }));
    shell.addEventListener('set-prompt-tool', (e) => this.setPromptTool(e.detail.tool));
    shell.addEventListener('propagate', (e) => void this.#annotation?.propagate(e.detail.mode));
    shell.addEventListener('undo', () => void this.#annotation?.undo());
    shell.addEventListener('redo', () => void this.#annotation?.redo());
    shell.addEventListener('select-model', (e) => {
      if (this.#catalog.select(e.detail.id)) this.#render();
    });
    shell.addEventListener('toggle-lock', (e) => this.toggleLock(e.detail.labelValue));
    shell.addEventListener('toggle-visible', (e) => this.toggleVisible(e.detail.labelValue));
    shell.addEventListener('rename-object', (e) => this.renameObject(e.detail.labelValue, e.detail.name));
    shell.addEventListener('recolor-object', (e) => this.recolorObject(e.detail.labelValue, e.detail.color));
    shell.addEventListener('delete-object', (e) => void this.deleteObject(e.detail.labelValue));
    shell.addEventListener('set-pen-size', (e) => this.setPenSize(e.detail.size));
    shell.addEventListener('set-layout', (e) => this.setLayout(e.detail.layout));
    shell.addEventListener('mask-to-prompt', () => void this.#annotation?.maskToPrompt());
    shell.addEventListener('set-window-preset', (e) => this.setWindowPreset(e.detail.id));
    shell.addEventListener('set-label-style', (e) => this.setLabelStyle(e.detail.opacity, e.detail.outline));
    shell.addEventListener('close-summary', () => this.#closeSummary());
    shell.addEventListener('clear-prompts', (e) => void this.#annotation?.clearPrompts(e.detail.labelValue, e.detail.slice));
    shell.addEventListener('go-to-slice', (e) => this.#annotation?.goToSlice(e.detail.axis, e.detail.slice));
    shell.addEventListener('step-slice', (e) => this.#annotation?.step(e.detail.delta));
    shell.addEventListener('cycle-object', (e) => this.cycleObject(e.detail.delta));
    shell.addEventListener('toggle-n4', () => void (this.#volume && this.#bias.toggle()));
    shell.addEventListener('set-n4-preset', (e) => void this.#bias.setPreset(e.detail.preset));
    void this.#catalog.load(this.#caps).then((problem) => {
      if (problem) this.#message('warning', problem);
      this.#render();
    });
    shell.addEventListener('show-about', () => void this.showAbout());
    shell.addEventListener('close-about', () => {
      this.#about = null;
      this.#render();
    });
    shell.addEventListener('apply-update', () => void this.#applyUpdate?.());
    // Work not yet in IndexedDB when the tab closes: one last try.
    window.addEventListener('pagehide', () => void this.#flushAutosave());
    this.#render();
    void persistence.loadRoot().then((resumable) => this.#update({ resumable }), () => undefined);
  }

  /** Load and attach the viewer once (the first case to open waits for it). */
  #ensureViewer(): Promise<void> {
    this.#viewerReady ??= this.#loadViewer().then(
      (v) => this.#attachViewer(v),
      (e: unknown) => this.#message('error', `The viewer could not start (WebGL2 needed): ${e instanceof Error ? e.message : String(e)}`),
    );
    return this.#viewerReady;
  }

  #attachViewer(viewer: ViewerController | null): void {
    if (!viewer) return;
    this.#viewer = viewer;
    this.#annotation = new AnnotationController({
      viewer,
      begin: (busy) => this.#begin(busy),
      progress: (signal, done, total, label) => this.#progress(signal, done, total, label),
      end: (signal) => this.#end(signal),
      fail: (signal, e, what) => this.#fail(signal, e, what),
      message: (level, text) => this.#message(level, text),
      changed: () => this.#changed(),
      objects: () => this.#state.objects,
      activeLabel: () => this.#state.activeLabel,
      drawTool: () => this.#state.tool,
      render: () => this.#render(),
    }, this.#catalog);
    viewer.onLabelsChange = () => this.#changed();
    viewer.onChange = () => {
      this.#annotation?.crosshairMoved();
      this.#render();
    };
    this.#render();
  }

  get viewer(): ViewerController | null {
    return this.#viewer;
  }

  get state(): Readonly<AppState> {
    return this.#state;
  }

  /** The volume in the viewer, as io read it. */
  get volume(): Volume | null {
    return this.#volume;
  }

  get annotation(): AnnotationController | null {
    return this.#annotation;
  }

  /** N4 bias-field correction of the open case (status, the image shown, counters). */
  get bias(): BiasCorrection {
    return this.#bias;
  }

  /** The voxels shown and given to the model: the N4-corrected volume when it is on, else the volume as read. */
  get shownVolume(): Volume | null {
    return this.#volume ? (this.#bias.shownVolume ?? this.#volume) : null;
  }

  get lastAutosave(): number {
    return this.#lastAutosave;
  }

  // --- opening a cohort ---

  /**
   * Scan loose files, or a folder opened read-only through the file input
   * (browsers without the File System Access API): cases can be annotated,
   * outputs are downloaded.
   */
  async openFiles(picked: ScanInput[]): Promise<void> {
    if (picked.length === 0) return;
    const { inputs, folder } = stripTopFolder(picked);
    void this.#ensureViewer(); // NiiVue loads while the files are scanned
    await this.#leaveCase();
    const signal = this.#begin({ label: `Scanning ${plural(inputs.length, 'file')}…`, done: 0, total: inputs.length });
    let result: ScanResult;
    try {
      result = await this.#io.scan(inputs, { signal, onProgress: (p) => this.#progress(signal, p.done, p.total) });
    } catch (e) {
      this.#fail(signal, e, 'Scan');
      return;
    }
    this.#end(signal);
    await this.#startSession({ kind: 'files', name: folder ?? 'opened files', root: null, rootId: null, outputFolder: DEFAULT_OUTPUT_FOLDER }, result, inputs.length);
    if (folder) this.#message('warning', `${folder} is open read-only: this browser cannot write into folders, so Save downloads the label map instead.`);
  }

  /** The open case's saved outputs, from this browser's storage to the Downloads folder (the demo). */
  async downloadOutputs(): Promise<void> {
    const session = this.#state.session;
    const id = this.#state.selectedId;
    if (!session?.root || !id) return;
    const saved = await readCaseOutputs({ root: session.root, outputFolder: session.outputFolder }, id);
    if (!saved.labelFile) {
      this.#message('info', 'Nothing saved for this case yet: save it first (S).');
      return;
    }
    download(saved.labelFile, saved.path.split('/').at(-1)!);
    for (const name of [VOLUMETRY_FILE, ITK_SNAP_LABELS_FILE, SLICER_COLOR_TABLE_FILE]) {
      const text = await readTextIfExists(session.root, `${session.outputFolder}/${name}`);
      if (text !== null) download(new TextEncoder().encode(text), name, 'text/plain');
    }
  }

  /** Ask for a folder (read and write: outputs go back into it), remember it, and open it. */
  async openFolder(): Promise<void> {
    let root: FileSystemDirectoryHandle | null;
    try {
      root = await pickDirectory({ mode: 'readwrite' }); // first, while the click still counts as a user gesture
    } catch (e) {
      this.#message('error', e instanceof Error ? e.message : String(e));
      return;
    }
    if (!root) return;
    await this.#openRoot(root, 'folder');
  }

  /** The synthetic demo cohort, written into this browser's private storage (OPFS). */
  async openDemo(): Promise<void> {
    const signal = this.#begin({ label: 'Preparing the demo cohort…', done: 0, total: 0 });
    try {
      const demo = await openDemoCohort({ signal });
      this.#end(signal);
      await this.#openRoot(demo.root, 'demo');
    } catch (e) {
      this.#fail(signal, e, 'Demo cohort');
    }
  }

  /** Reopen the folder of the last session, asking for permission again when the browser wants it. */
  async resume(): Promise<void> {
    const record = this.#state.resumable ?? await persistence.loadRoot();
    if (!record) return;
    const permission = await ensurePermission(record.handle, 'readwrite', { request: true });
    if (permission !== 'granted') {
      this.#message('error', `${record.name}: permission to read and write the folder was not given`, record.name, 'permission not given');
      return;
    }
    await this.#openRoot(record.handle, (await isDemoFolder(record.handle)) ? 'demo' : 'folder');
  }

  async #openRoot(root: FileSystemDirectoryHandle, kind: 'folder' | 'demo'): Promise<void> {
    void this.#ensureViewer(); // NiiVue loads while the folder is read
    await this.#leaveCase();
    const record = await persistence.saveRoot(root);
    const outputFolder = DEFAULT_OUTPUT_FOLDER;
    const signal = this.#begin({ label: `Reading folder ${root.name}…`, done: 0, total: 0 });
    let result: ScanResult;
    try {
      result = await this.#io.scanFolder(root, { skipFolders: [outputFolder] }, {
        signal,
        onProgress: (p) => this.#progress(signal, p.done, p.total,
          p.phase === 'walk' ? `Reading folder ${root.name}… ${plural(p.done, 'file')}` : `Scanning ${root.name}…`),
      });
    } catch (e) {
      this.#fail(signal, e, root.name);
      return;
    }
    this.#end(signal);
    await this.#startSession({ kind, name: root.name, root, rootId: record.id, outputFolder }, result, null);
    this.#update({ resumable: record });
  }

  async #startSession(session: Session, result: ScanResult, fileCount: number | null): Promise<void> {
    const report: ScanReport = { volumes: result.sources, skipped: result.skipped as ScanReport['skipped'] };
    const { cases, ignored } = classifyScan(report, { outputFolder: session.outputFolder });
    this.#sources = new Map(result.sources.map((s) => [caseIdFor(s), s]));
    const statuses = session.rootId ? await persistence.loadCaseStatuses(session.rootId) : {};
    const last = session.rootId ? await persistence.loadLastCase(session.rootId) : null;
    const restored = queue.restore(cases, statuses, last);
    this.#volume = null;
    this.#viewer?.clear();
    this.#update({
      session,
      queue: restored,
      skipped: ignored.map((i) => ({ path: i.path, code: i.why, reason: i.reason })),
      selectedId: null,
      objects: [],
      tool: 'off',
      dirty: false,
    });
    const c = queue.counts(restored);
    const where = fileCount === null ? session.name : plural(fileCount, 'file');
    this.#message('info', `${plural(c.total, 'case')} in ${where}: ${c.done} done, ${c.skipped} skipped, ${c.remaining} remaining${c.failed ? `, ${c.failed} failed` : ''}.`);
    const firstFailed = restored.cases.find((k) => k.status === 'failed');
    if (firstFailed) this.#message('error', `${firstFailed.sourcePaths[0] ?? firstFailed.name}: ${firstFailed.reason ?? 'cannot be read'}`, firstFailed.sourcePaths[0], firstFailed.reason);
    if (c.total === 0) this.#message('error', 'No DICOM series or NIfTI volume found in what was opened.');
    const start = queue.currentCase(restored) ?? restored.cases.find((k) => k.status !== 'failed' && k.status !== 'done') ?? restored.cases.find((k) => k.status !== 'failed');
    if (start) await this.openCase(start.id);
  }

  // --- cases ---

  /** Open a case: load it, show it, and restore its label map and objects. */
  async openCase(id: string): Promise<void> {
    if (!this.#viewer) {
      // The first case: NiiVue loads now (busy, so nobody takes the app for idle meanwhile).
      const signal = this.#begin({ label: 'Starting the viewer…', done: 0, total: 0 });
      await this.#ensureViewer();
      if (signal.aborted) {
        // Cancelled (or replaced by other work) while the viewer started: the case stays closed.
        this.#fail(signal, new DOMException('Cancelled', 'AbortError'), 'Opening the case');
        return;
      }
      this.#end(signal);
    }
    const entry = this.#state.queue.cases.find((c) => c.id === id);
    const session = this.#state.session;
    if (!entry || !session) return;
    await this.#leaveCase();
    this.#setQueue(queue.open(this.#state.queue, id));
    if (entry.status === 'failed') {
      this.#volume = null;
      this.#viewer?.clear();
      this.#update({ selectedId: id, objects: [], dirty: false });
      this.#message('error', `${entry.sourcePaths[0] ?? entry.name}: ${entry.reason ?? 'cannot be read'}`, entry.sourcePaths[0], entry.reason);
      return;
    }
    const source = this.#sources.get(id);
    if (!source) return;
    const signal = this.#begin({ label: `Loading ${entry.name}…`, done: 0, total: source.paths.length });
    this.#update({ loadingId: id });
    try {
      const volume = await this.#io.load(source.id, { signal, onProgress: (p) => this.#progress(signal, p.done, p.total) });
      signal.throwIfAborted();
      // With N4 on for this case and its result cached, the corrected volume is shown at once.
      const shown = await this.#bias.openCase(id, entry.name, session.rootId, volume);
      signal.throwIfAborted();
      this.#progress(signal, source.paths.length, source.paths.length, `Displaying ${entry.name}…`);
      // The window is chosen before the volume goes to the GPU: changing it afterwards re-uploads it.
      const window = this.#chooseWindow(shown, shown !== volume);
      if (this.#viewer) await this.#viewer.showNifti(encodeNifti(shown), entry.name, window);
      signal.throwIfAborted();
      this.#volume = volume;
      const start = await this.#startingLabels(session, entry, source, volume);
      signal.throwIfAborted();
      this.#viewer?.setLabels(start.labels);
      this.#end(signal);
      this.#annotation?.openCase(id, shown);
      this.#annotation?.setTool(null);
      this.#viewer?.setLabelStyle(this.#display.opacity, this.#display.outline);
      if (this.#display.layout !== 'multiplanar') this.#viewer?.setLayout(this.#display.layout);
      this.#update({ selectedId: id, loadingId: null, objects: start.objects, activeLabel: start.objects[0]?.labelValue ?? 1, dirty: start.dirty, tool: 'off' });
      this.#applyObjects();
      this.#viewer?.setDrawMode({ kind: 'off' });
      const [sx, sy, sz] = volume.spacing.map((s) => +s.toFixed(3));
      this.#message('info', `${entry.name}: ${volume.dims.join(' × ')} voxels, ${sx} × ${sy} × ${sz} mm, ${volume.datatype}`);
      if (start.notice) this.#message('warning', start.notice);
      for (const w of volume.meta.warnings) this.#message('warning', `${entry.name}: ${w}`);
      if (shown !== volume) this.#message('info', `${entry.name}: bias field corrected (N4, from this browser's cache). G shows the original.`);
      if (this.#bias.pending) void this.#bias.enable();
    } catch (e) {
      this.#update({ loadingId: null });
      if (!isAbort(e)) this.#setQueue(queue.markFailed(this.#state.queue, id, e instanceof IoError ? e.reason : String(e)));
      this.#fail(signal, e, entry.name);
    }
  }

  /** Unsaved work (autosave) first, else the label file an earlier save wrote, else an empty map. */
  async #startingLabels(session: Session, entry: CaseEntry, source: VolumeSource, volume: Volume): Promise<{
    labels: LabelArray | null; objects: ObjectSpec[]; dirty: boolean; notice?: string;
  }> {
    if (session.rootId) {
      const autosave = await persistence.loadAutosave(session.rootId, entry.id);
      if (autosave && autosave.dims.every((n, a) => n === volume.dims[a])) {
        const when = new Date(autosave.savedAt).toLocaleTimeString();
        return {
          labels: autosave.labels,
          objects: autosave.objects.length ? autosave.objects : [nextObject([])],
          dirty: true,
          notice: `${entry.name}: restored unsaved work from ${when}. Save (S) to keep it in the folder.`,
        };
      }
    }
    if (session.root) {
      const out: CaseOutputs = { root: session.root, outputFolder: session.outputFolder };
      const saved = await readCaseOutputs(out, entry.id);
      if (saved.labelFile) {
        try {
          const labels = await this.#io.decodeLabel(source.id, saved.labelFile, saved.path);
          const objects = restoreObjects(distinctValues(labels), saved.table, saved.rows);
          return { labels, objects: objects.length ? objects : [nextObject([])], dirty: false, notice: `${entry.name}: continuing from ${saved.path}.` };
        } catch (e) {
          if (isAbort(e)) throw e;
          // A damaged or foreign label file must not make the case unusable; it stays on disk until an explicit save.
          const reason = e instanceof IoError ? e.reason : String(e);
          this.#message('error', `${saved.path}: ${reason}. The case opens without it; saving will replace it.`, saved.path, reason);
        }
      }
    }
    return { labels: null, objects: [nextObject([])], dirty: false };
  }

  async #move(step: (s: queue.QueueState) => queue.QueueState): Promise<void> {
    const before = this.#state.queue;
    if (before.cases.length === 0) return;
    await this.#leaveCase();
    const after = step(before);
    this.#setQueue(after);
    const target = queue.currentCase(after);
    if (target && (target.id !== this.#state.selectedId || after.current !== before.current)) await this.openCase(target.id);
    else if (target?.id === this.#state.selectedId && after === before) this.#message('info', 'No further case in that direction.');
  }

  /** Save outputs of the open case (into the folder, or as a download). */
  async save(): Promise<void> {
    const session = this.#state.session;
    const id = this.#state.selectedId;
    const entry = this.#state.queue.cases.find((c) => c.id === id);
    const source = id ? this.#sources.get(id) : undefined;
    const volume = this.#volume;
    const labels = this.#viewer?.labels();
    if (!session || !entry || !source || !volume || !labels) return;
    const signal = this.#begin({ label: `Saving ${entry.name}…`, done: 0, total: 0 });
    try {
      const labelFile = await this.#io.encodeLabel(source.id, labels, { signal });
      if (!session.root) {
        download(labelFile, `${caseFileStem(entry.id)}.nii.gz`);
        this.#end(signal);
        this.#message('info', `${entry.name}: label map downloaded (this browser cannot write into the opened files' folder).`);
        return;
      }
      const written = await saveCaseOutputs({ root: session.root, outputFolder: session.outputFolder }, {
        entry, objects: this.#state.objects, labels, spacing: volume.spacing, labelFile,
      });
      if (session.rootId) await persistence.clearAutosave(session.rootId, entry.id);
      this.#cancelAutosave();
      this.#setQueue(queue.markDone(this.#state.queue));
      this.#end(signal);
      this.#update({ dirty: false });
      this.#message('info', `${entry.name}: saved ${written.join(', ')}.`);
      const rows = volumetryRows(entry, this.#state.objects, labels, volume.spacing, new Date());
      this.#summary = {
        caseName: entry.name,
        written,
        rows: rows.map((r) => ({
          labelValue: Number(r.labelValue),
          name: r.objectName,
          color: this.#state.objects.find((o) => o.labelValue === Number(r.labelValue))?.color ?? [255, 255, 255],
          voxels: Number(r.voxelCount),
          mm3: Number(r.volumeMm3),
          ml: Number(r.volumeMl),
        })),
      };
      this.#viewer?.setRenderTile(true);
      this.#render();
    } catch (e) {
      this.#fail(signal, e, `Saving ${entry.name}`);
    }
  }

  // --- objects and tools ---

  setTool(tool: DrawTool): void {
    if (!this.#volume) return;
    if (tool !== 'off') this.#annotation?.setTool(null);
    this.#update({ tool });
    this.#viewer?.setDrawMode(tool === 'off' ? { kind: 'off' } : tool === 'erase' ? { kind: 'erase' } : { kind: 'pen', value: this.#state.activeLabel });
  }

  /** CT with a window in its header keeps it; everything else (and any N4-corrected image) gets the automatic percentile window. */
  #chooseWindow(volume: Volume, corrected = false): DisplayRange {
    const header = corrected ? undefined : displayRange(volume);
    if (header) this.#display = { ...this.#display, preset: 'custom', window: header };
    else this.#display = { ...this.#display, preset: 'auto', window: presetWindow(WINDOW_PRESETS[0]!, volume.data) };
    return this.#display.window!;
  }

  setWindowPreset(id: string): void {
    const preset = WINDOW_PRESETS.find((p) => p.id === id);
    const shown = this.shownVolume;
    if (!preset || !shown || !this.#viewer) return;
    const window = presetWindow(preset, shown.data);
    this.#display = { ...this.#display, preset: id, window };
    this.#viewer.setDisplayRange(window);
    this.#render();
  }

  setLayout(layout: ViewLayout): void {
    if (!this.#volume) return;
    this.#display = { ...this.#display, layout };
    this.#viewer?.setLayout(layout);
    this.#render();
  }

  /**
   * Another image of the open case on the same grid (N4 on or off): the window is chosen
   * for it, the label map, crosshair, layout and tools stay, and the model is given it.
   */
  async #showBackground(volume: Volume, image: ShownImage): Promise<void> {
    const viewer = this.#viewer;
    const entry = this.#state.queue.cases.find((c) => c.id === this.#state.selectedId);
    if (!viewer || !this.#volume || !entry) return;
    const labels = viewer.labels();
    const at = viewer.crosshairMm();
    const window = this.#chooseWindow(volume, image === 'corrected');
    await viewer.showNifti(encodeNifti(volume), entry.name, window);
    viewer.setLabels(labels && labels.some((v) => v !== 0) ? labels : null);
    if (at) {
      // Back on the voxel it was on (a position between two slices could tip to the other one).
      const [i, j, k] = worldToVoxel(volume.affine, at).map((v, a) => Math.min(volume.dims[a]! - 1, Math.max(0, Math.round(v))));
      viewer.setCrosshairMm(voxelToWorld(volume.affine, i!, j!, k!));
    }
    viewer.setLabelStyle(this.#display.opacity, this.#display.outline);
    if (this.#display.layout !== 'multiplanar') viewer.setLayout(this.#display.layout);
    if (this.#summary) viewer.setRenderTile(true);
    this.#applyObjects();
    const tool = this.#state.tool;
    viewer.setDrawMode(tool === 'off' ? { kind: 'off' } : tool === 'erase' ? { kind: 'erase' } : { kind: 'pen', value: this.#state.activeLabel });
    this.#annotation?.replaceVolume(volume);
    this.#annotation?.crosshairMoved();
    this.#render();
  }

  setPenSize(size: number): void {
    this.#display = { ...this.#display, penSize: Math.min(15, Math.max(1, Math.round(size))) };
    this.#viewer?.setPenSize(this.#display.penSize);
    this.#render();
  }

  setLabelStyle(opacity: number, outline: boolean): void {
    this.#display = { ...this.#display, opacity: Math.min(1, Math.max(0, opacity)), outline };
    this.#viewer?.setLabelStyle(this.#display.opacity, outline);
    this.#render();
  }

  #closeSummary(): void {
    if (!this.#summary) return;
    this.#summary = null;
    this.#viewer?.setRenderTile(false);
    this.#render();
  }

  /** A new version waits; `apply` autosaves, activates it and reloads. */
  offerUpdate(apply: () => Promise<void>): void {
    this.#applyUpdate = apply;
    this.#render();
  }

  /** Unsaved work of the open case to IndexedDB now (before a reload). */
  async flushAutosave(): Promise<void> {
    await this.#flushAutosave();
  }

  get caseOpen(): boolean {
    return this.#volume !== null;
  }

  notice(text: string): void {
    this.#message('info', text);
  }

  async showAbout(): Promise<void> {
    const c = await this.#caps;
    const gb = (n: number) => `${(n / 1e9).toFixed(1)} GB`;
    const a = this.#annotation;
    const rows: AboutInfo['rows'] = c
      ? [
          { label: 'WebGPU', value: c.webgpu ? `${c.webgpu.adapter}${c.webgpu.shaderF16 ? ', shader-f16' : ', no shader-f16'}` : (c.webgpuMissing ?? 'not available'), ok: c.webgpu !== null },
          { label: 'WASM threads', value: c.crossOriginIsolated ? `${c.wasmThreads} (of ${c.cores} cores)` : '1 (the page is not cross-origin isolated)', ok: c.crossOriginIsolated },
          { label: 'Folders (File System Access)', value: c.fileSystemAccess ? 'yes: outputs are saved into the folder' : 'no: folders open read-only, outputs are downloaded', ok: c.fileSystemAccess },
          { label: 'Private storage (OPFS)', value: c.opfs ? 'yes' : 'no', ok: c.opfs },
          { label: 'Offline (service worker)', value: navigator.serviceWorker?.controller ? 'yes: the app works offline' : c.serviceWorker ? 'after the next load' : 'no', ok: c.serviceWorker },
          { label: 'Storage', value: c.storage ? `${gb(c.storage.usage)} used of ${gb(c.storage.quota)}${c.storage.persisted ? ', kept (persistent)' : ''}` : 'unknown', ok: null },
          { label: 'Device memory', value: c.deviceMemoryGb ? `about ${c.deviceMemoryGb} GB` : 'not reported', ok: null },
          { label: 'Engine now', value: a?.device ?? 'not started yet (starts with the first prompt)', ok: null },
        ]
      : [{ label: 'Capabilities', value: 'could not be read', ok: false }];
    const model = this.#catalog.models.find((m) => m.id === this.#catalog.modelId);
    const free = c?.storage && c.storage.quota > 0 ? `; ${gb(Math.max(0, c.storage.quota - c.storage.usage))} free for this site` : '';
    const size = model?.bytes ? ` (${model.bytes < 1e6 ? `${Math.ceil(model.bytes / 1e3)} kB` : `${(model.bytes / 1e6).toFixed(1)} MB`} download${free})` : '';
    this.#about = { rows, model: model ? `${model.name}${size}` : 'none available', reason: this.#catalog.reason || 'no reason recorded' };
    this.#render();
  }

  /** Box / point prompts (the brush and eraser go off). */
  setPromptTool(tool: 'box' | 'positive' | 'negative' | 'fill' | null): void {
    if (!this.#volume || !this.#annotation) return;
    if (tool) {
      this.#update({ tool: 'off' });
      this.#viewer?.setDrawMode({ kind: 'off' });
    }
    this.#annotation.setTool(tool);
  }

  /** Change one object's spec, as one undo step. */
  #editObject(labelValue: number, patch: Partial<ObjectSpec>, what: string): void {
    const before = this.#state.objects.find((o) => o.labelValue === labelValue);
    if (!before || !this.#volume) return;
    const after = { ...before, ...patch };
    const apply = (spec: ObjectSpec) => {
      this.#update({ objects: this.#state.objects.map((o) => (o.labelValue === labelValue ? spec : o)) });
      this.#applyObjects();
      this.#changed();
    };
    apply(after);
    this.#annotation?.record({ label: what, undo: () => apply(before), redo: () => apply(after) });
  }

  toggleLock(labelValue = this.#state.activeLabel): void {
    const o = this.#state.objects.find((x) => x.labelValue === labelValue);
    if (!o) return;
    this.#editObject(labelValue, { locked: !o.locked }, `${o.locked ? 'unlock' : 'lock'} ${o.name}`);
    this.#message('info', `${o.name} ${o.locked ? 'unlocked' : 'locked: propagation and brushing leave it alone'}.`);
  }

  toggleVisible(labelValue: number): void {
    const o = this.#state.objects.find((x) => x.labelValue === labelValue);
    if (o) this.#editObject(labelValue, { visible: !o.visible }, `${o.visible ? 'hide' : 'show'} ${o.name}`);
  }

  renameObject(labelValue: number, name: string): void {
    const o = this.#state.objects.find((x) => x.labelValue === labelValue);
    const clean = name.trim();
    if (!o || clean === '' || clean === o.name) {
      this.#render();
      return;
    }
    this.#editObject(labelValue, { name: clean }, `rename ${o.name} to ${clean}`);
  }

  recolorObject(labelValue: number, color: [number, number, number]): void {
    const o = this.#state.objects.find((x) => x.labelValue === labelValue);
    if (o) this.#editObject(labelValue, { color }, `recolour ${o.name}`);
  }

  /** Delete an object and its voxels; one undo step brings both back. */
  async deleteObject(labelValue: number): Promise<void> {
    const index = this.#state.objects.findIndex((o) => o.labelValue === labelValue);
    const spec = this.#state.objects[index];
    const a = this.#annotation;
    if (!spec || !this.#volume || !this.#viewer) return;
    const diff = this.#viewer.editLabels((labels) => {
      const n = this.#volume!.data.length;
      for (let v = 0; v < n; v++) if (labels.get(v) === labelValue) labels.set(v, 0);
    });
    const saved = a ? await a.forgetObject(labelValue) : { prompts: undefined };
    const remove = () => {
      const objects = this.#state.objects.filter((o) => o.labelValue !== labelValue);
      const active = this.#state.activeLabel === labelValue ? (objects[Math.max(0, index - 1)]?.labelValue ?? objects[0]?.labelValue ?? 1) : this.#state.activeLabel;
      this.#update({ objects, activeLabel: active });
      this.#applyObjects();
      this.#changed();
    };
    remove();
    a?.record({
      label: `delete ${spec.name}`,
      undo: async () => {
        const objects = [...this.#state.objects];
        objects.splice(index, 0, spec);
        this.#update({ objects, activeLabel: labelValue });
        if (diff) this.#viewer!.applyDiff(diff, 'before');
        this.#applyObjects();
        await a.restoreObject(labelValue, saved);
      },
      redo: async () => {
        if (diff) this.#viewer!.applyDiff(diff, 'after');
        await a.forgetObject(labelValue);
        remove();
      },
    });
    this.#message('info', `${spec.name} deleted; undo with Ctrl+Z.`);
  }

  cycleObject(delta: number): void {
    const objects = this.#state.objects;
    if (objects.length === 0) return;
    const at = objects.findIndex((o) => o.labelValue === this.#state.activeLabel);
    this.selectObject(objects[(at + delta + objects.length) % objects.length]!.labelValue);
  }

  newObject(): void {
    if (!this.#volume) return;
    const object = nextObject(this.#state.objects);
    this.#update({ objects: [...this.#state.objects, object], activeLabel: object.labelValue });
    this.#applyObjects();
    this.#changed();
  }

  selectObject(labelValue: number): void {
    if (!this.#state.objects.some((o) => o.labelValue === labelValue)) return;
    this.#update({ activeLabel: labelValue });
    if (this.#state.tool === 'pen') this.setTool('pen');
    this.#annotation?.crosshairMoved();
  }

  #applyObjects(): void {
    // Hidden objects stay in the label map; they are just not drawn.
    this.#viewer?.setLabelColors(this.#state.objects.filter((o) => o.visible).map((o) => ({ value: o.labelValue, color: o.color })));
    this.#annotation?.refreshMarks();
    if (this.#state.tool === 'pen') this.#viewer?.setDrawMode({ kind: 'pen', value: this.#state.activeLabel });
  }

  // --- autosave ---

  #changed(): void {
    if (!this.#volume) return;
    if (!this.#state.dirty) this.#update({ dirty: true });
    this.#cancelAutosave();
    this.#autosaveTimer = setTimeout(() => void this.#flushAutosave(), AUTOSAVE_DELAY_MS);
  }

  #cancelAutosave(): void {
    if (this.#autosaveTimer !== null) clearTimeout(this.#autosaveTimer);
    this.#autosaveTimer = null;
  }

  async #flushAutosave(): Promise<void> {
    this.#cancelAutosave();
    const session = this.#state.session;
    const id = this.#state.selectedId;
    const volume = this.#volume;
    if (!session?.rootId || !id || !volume || !this.#state.dirty) return;
    const labels = this.#viewer?.labels();
    if (!labels) return;
    const savedAt = Date.now();
    try {
      await persistence.saveAutosave(session.rootId, id, { savedAt, labels, dims: volume.dims, objects: this.#state.objects, prompts: [] });
      this.#lastAutosave = savedAt;
    } catch (e) {
      this.#message('error', `Autosave failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Before another case opens: unsaved work goes to IndexedDB. */
  async #leaveCase(): Promise<void> {
    this.#closeSummary();
    await this.#flushAutosave();
    this.#annotation?.closeCase();
    this.#bias.closeCase();
  }

  /** Cancel the running task, if any. */
  cancel(): void {
    this.#task?.abort(new DOMException('Cancelled', 'AbortError'));
  }

  // --- task bookkeeping ---

  #begin(busy: BusyState): AbortSignal {
    this.cancel();
    const task = new AbortController();
    this.#task = task;
    this.#update({ busy });
    return task.signal;
  }

  #progress(signal: AbortSignal, done: number, total: number, label?: string): void {
    if (signal.aborted || !this.#state.busy) return;
    this.#update({ busy: { label: label ?? this.#state.busy.label, done, total } });
  }

  #end(signal: AbortSignal): void {
    if (this.#task?.signal === signal) {
      this.#task = null;
      this.#update({ busy: null });
    }
  }

  #fail(signal: AbortSignal, e: unknown, what: string): void {
    const current = this.#task?.signal === signal;
    this.#end(signal);
    if (isAbort(e)) {
      // Only say so when the user cancelled; a task replaced by a newer one ends quietly.
      if (current) this.#message('info', `${what}: cancelled`);
      return;
    }
    if (e instanceof IoError) this.#message('error', e.message, e.file, e.reason);
    else this.#message('error', `${what}: ${e instanceof Error ? e.message : String(e)}`, what, e instanceof Error ? e.message : String(e));
  }

  // --- state ---

  /** A new queue state, remembered for this folder (statuses and the open case). */
  #setQueue(next: queue.QueueState): void {
    this.#update({ queue: next });
    const rootId = this.#state.session?.rootId;
    if (!rootId) return;
    const snap = queue.snapshot(next);
    void persistence.saveCaseStatuses(rootId, snap.statuses).catch((e: unknown) => this.#message('error', `Could not remember case statuses: ${String(e)}`));
    void persistence.saveLastCase(rootId, queue.currentCase(next)?.id ?? null).catch(() => undefined);
  }

  #message(level: MessageLevel, text: string, file?: string, reason?: string): void {
    const message: StatusMessage = { id: this.#nextMessageId++, level, text };
    if (file !== undefined) message.file = file;
    if (reason !== undefined) message.reason = reason;
    this.#update({ messages: [...this.#state.messages, message].slice(-MAX_MESSAGES) });
  }

  #update(patch: Partial<AppState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#render();
  }

  #items(): VolumeItem[] {
    const s = this.#state;
    return s.queue.cases.map((c) => {
      const source = this.#sources.get(c.id);
      const item: VolumeItem = {
        id: c.id,
        name: c.name,
        kind: c.kind,
        fileCount: c.sourcePaths.length,
        status: c.id === s.loadingId ? 'loading' : c.id === s.selectedId && this.#volume ? 'shown' : c.status === 'failed' ? 'failed' : 'idle',
        caseStatus: c.status,
      };
      if (source) item.dims = source.dims;
      if (c.reason) item.reason = c.reason;
      return item;
    });
  }

  /** The preset in use, or 'custom' once the window was dragged away from it. */
  #windowPresetShown(): string {
    const shown = this.#viewer?.displayWindow();
    const w = this.#display.window;
    if (!shown || !w) return this.#display.preset;
    const same = Math.abs(shown.min - w.min) < 1e-6 * (1 + Math.abs(w.min)) && Math.abs(shown.max - w.max) < 1e-6 * (1 + Math.abs(w.max));
    return same ? this.#display.preset : 'custom';
  }

  #render(): void {
    const s = this.#state;
    const shell = this.#shell;
    shell.volumes = this.#items();
    shell.skipped = s.skipped;
    shell.selectedId = s.selectedId;
    shell.busy = s.busy;
    shell.messages = s.messages;
    shell.counts = s.session ? queue.counts(s.queue) : null;
    shell.resumeName = s.resumable && s.resumable.id !== s.session?.rootId ? s.resumable.name : null;
    const tools: ToolState = {
      caseOpen: this.#volume !== null,
      writable: s.session?.root != null,
      tool: s.tool,
      objects: s.objects.map((o) => ({ labelValue: o.labelValue, name: o.name, color: o.color })),
      activeLabel: s.activeLabel,
      dirty: s.dirty,
      downloadable: s.session?.kind === 'demo',
    };
    shell.tools = tools;
    shell.saveSummary = this.#summary;
    shell.about = this.#about;
    shell.updateReady = this.#applyUpdate !== null;
    const a = this.#annotation;
    if (a) {
      shell.annotation = {
        promptTool: a.tool,
        canUndo: a.history.canUndo,
        canRedo: a.history.canRedo,
        models: this.#catalog.models.map((m) => ({ id: m.id, name: m.bytes ? `${m.name} — ${Math.round(m.bytes / 1e6)} MB` : m.name })),
        modelId: this.#catalog.modelId,
        device: a.device,
        activeLocked: a.locked.has(s.activeLabel),
        windowPresets: WINDOW_PRESETS.map((p) => ({ id: p.id, name: p.name })),
        windowPreset: this.#windowPresetShown(),
        penSize: this.#display.penSize,
        layout: this.#display.layout,
        opacity: this.#display.opacity,
        outline: this.#display.outline,
        n4: { status: this.#bias.status, preset: this.#bias.preset, shown: this.#bias.shown },
      };
      shell.objectRows = s.objects.map((o) => ({
        labelValue: o.labelValue, name: o.name, color: o.color, visible: o.visible, locked: o.locked, prompted: a.promptRows(o.labelValue),
      }));
      shell.confidence = this.#volume ? a.confidence() : null;
    }
    const shown = s.queue.cases.find((c) => c.id === s.selectedId);
    const n4 = this.#bias.shown === 'corrected' ? ' · N4 bias-corrected' : '';
    shell.caption = shown && this.#volume ? `${shown.name} · ${this.#volume.dims.join(' × ')}${n4}` : '';
  }
}
