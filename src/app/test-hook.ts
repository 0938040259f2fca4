/**
 * `window.__slicesam`: read-only numbers for Playwright. Installed in dev
 * builds and when the browser is driven by automation (navigator.webdriver),
 * never for an ordinary user of the production build.
 */
import { counts } from '../cohort/queue.ts';
import type { CaseStatus } from '../shared/cohort.ts';
import type { Vec3, VoxelType } from '../shared/volume.ts';
import type { ViewerState } from '../viewer/viewer-controller.ts';
import type { AppController } from './app-controller.ts';
import { voxelToWorld } from '../io/geometry.ts';
import type { ViewerController } from '../viewer/viewer-controller.ts';

export interface TestSnapshot {
  session: { kind: string; name: string; writable: boolean } | null;
  cases: { id: string; name: string; kind: string; status: CaseStatus; reason?: string; sourcePaths: string[] }[];
  counts: ReturnType<typeof counts>;
  /** Files that are no case, with why. */
  skipped: { path: string; code: string; reason: string }[];
  selectedId: string | null;
  busy: boolean;
  dirty: boolean;
  objects: { labelValue: number; name: string; color: number[] }[];
  activeLabel: number;
  tool: string;
  /** ms since epoch of the last autosave that reached IndexedDB (0: none yet). */
  lastAutosave: number;
  /** Error texts in the status bar, oldest first. */
  errors: string[];
  /** All status bar texts, oldest first. */
  messages: string[];
  /** The volume as io read it, or null. */
  volume: { dims: Vec3; spacing: Vec3; datatype: VoxelType; voxels: number; sourceFiles: number; affine: number[] } | null;
  /** What NiiVue holds, or null when the viewer could not start (no WebGL2). */
  viewer: ViewerState | null;
}

export interface AnnotationSnapshot {
  promptTool: string | null;
  plane: string;
  historySize: number;
  canRedo: boolean;
  locked: number[];
  device: string | null;
  modelId: string | null;
  /** Prompted slices per object (label value → slice indices). */
  prompted: Record<number, number[]>;
  /** Slices with a confidence for the active object. */
  confidenceSlices: number;
  /** The intensity window shown (and given to the model). */
  displayWindow: { min: number; max: number } | null;
}

/** N4 bias-field correction of the open case. */
export interface N4Snapshot {
  status: 'off' | 'running' | 'on' | 'failed';
  preset: 'default' | 'fast';
  /** The image the viewer shows. */
  shown: 'original' | 'corrected';
  /** The image the model was last given ('none' before the engine had one). */
  modelSees: 'original' | 'corrected' | 'other' | 'none';
  /** Progress of the running correction, or null. */
  progress: { phase: string; done: number; total: number } | null;
  /** Runs started in the worker, results read from the cache, results written to it (since the page loaded). */
  runs: number;
  cacheHits: number;
  cacheWrites: number;
}

export interface TestHook {
  state(): TestSnapshot;
  /** Voxel count per label value in the open case's label map (value → count), or null. */
  labelCounts(): Record<number, number> | null;
  /** The open case's label map in native voxel order, base64, or null. */
  labelMap(): string | null;
  /** Native indices of the labelled voxels of the open case (the first million), or null: cheaper than labelMap for sparse labels. */
  labelledVoxels(): number[] | null;
  annotation(): AnnotationSnapshot | null;
  /** The native slice index under the crosshair in a plane. */
  currentSlice(plane: 'axial' | 'coronal' | 'sagittal'): { axis: number; slice: number } | null;
  n4(): N4Snapshot;
  /** The voxels shown (original or N4-corrected) as float32, base64, or null. */
  shownImage(): string | null;
  /** Client (CSS px) position of voxel (i, j, k) of the open case in a plane's tile. */
  clientPoint(ijk: [number, number, number], plane: 'axial' | 'coronal' | 'sagittal'): [number, number] | null;
}

declare global {
  interface Window {
    __slicesam?: TestHook;
  }
}

export function shouldInstallTestHook(): boolean {
  return import.meta.env.DEV || navigator.webdriver === true;
}

export function installTestHook(app: AppController, viewerState: () => ViewerState | null, labels: () => Uint8Array | null, viewerOf: () => ViewerController | null): void {
  const hook: TestHook = {
    state() {
      const cohort = app.cohort;
      const c = app.case;
      const v = c.volume;
      const messages = app.tasks.messages;
      return structuredClone({
        session: cohort.session ? { kind: cohort.session.kind, name: cohort.session.name, writable: cohort.session.root !== null } : null,
        cases: cohort.queue.cases.map(({ id, name, kind, status, reason, sourcePaths }) => ({ id, name, kind, status, ...(reason ? { reason } : {}), sourcePaths })),
        counts: counts(cohort.queue),
        skipped: cohort.skipped.map(({ path, code, reason }) => ({ path, code, reason })),
        selectedId: c.selectedId,
        busy: app.tasks.busy !== null,
        dirty: c.dirty,
        objects: app.objects.list.map((o) => ({ labelValue: o.labelValue, name: o.name, color: [...o.color] })),
        activeLabel: app.objects.activeLabel,
        tool: app.tools.tool,
        lastAutosave: c.autosave.last,
        errors: messages.filter((m) => m.level === 'error').map((m) => m.text),
        messages: messages.map((m) => m.text),
        volume: v
          ? { dims: v.dims, spacing: v.spacing, datatype: v.datatype, voxels: v.data.length, sourceFiles: v.meta.sourcePaths.length, affine: [...v.affine] }
          : null,
        viewer: viewerState(),
      });
    },
    labelCounts() {
      const map = labels();
      if (!map) return null;
      const out: Record<number, number> = {};
      for (let i = 0; i < map.length; i++) if (map[i]) out[map[i]!] = (out[map[i]!] ?? 0) + 1;
      return out;
    },
    labelMap() {
      const map = labels();
      if (!map) return null;
      let bin = '';
      for (let i = 0; i < map.length; i += 0x8000) bin += String.fromCharCode(...map.subarray(i, i + 0x8000));
      return btoa(bin);
    },
    labelledVoxels() {
      const map = labels();
      if (!map) return null;
      const out: number[] = [];
      for (let i = 0; i < map.length && out.length < 1e6; i++) if (map[i]) out.push(i);
      return out;
    },
    annotation() {
      const a = app.annotation;
      if (!a) return null;
      const prompted: Record<number, number[]> = {};
      for (const o of app.objects.list) prompted[o.labelValue] = a.promptedSlices(o.labelValue);
      return {
        promptTool: a.tool,
        plane: a.plane,
        historySize: a.history.size,
        canRedo: a.history.canRedo,
        locked: [...a.locked],
        device: app.models.device,
        modelId: app.models.modelId,
        prompted,
        confidenceSlices: a.confidence()?.slices.filter((c) => c !== null).length ?? 0,
        displayWindow: viewerOf()?.displayWindow() ?? null,
      };
    },
    n4() {
      const b = app.bias;
      const sent = app.annotation?.engineVolume ?? null;
      const original = app.case.volume;
      const shown = app.shownVolume;
      const modelSees = sent === null ? 'none'
        : original && sent.data === original.data ? 'original'
          : shown && b.shown === 'corrected' && sent.data === shown.data ? 'corrected' : 'other';
      const p = b.progress;
      return {
        status: b.status, preset: b.preset, shown: b.shown, modelSees,
        progress: p ? { phase: p.phase, done: p.done, total: p.total } : null,
        ...b.counters,
      };
    },
    shownImage() {
      const v = app.shownVolume;
      if (!v) return null;
      const f = Float32Array.from(v.data as ArrayLike<number>);
      const bytes = new Uint8Array(f.buffer);
      let bin = '';
      for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(bin);
    },
    currentSlice(plane) {
      return app.annotation?.currentSlice(plane) ?? null;
    },
    clientPoint(ijk, plane) {
      const v = app.case.volume;
      const viewer = viewerOf();
      if (!v || !viewer) return null;
      return viewer.mmToClient(voxelToWorld(v.affine, ijk[0], ijk[1], ijk[2]), plane);
    },
  };
  Object.defineProperty(window, '__slicesam', { value: Object.freeze(hook), configurable: true });
}
