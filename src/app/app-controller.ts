/**
 * What happens when the user opens files or picks a volume: scan and load in
 * the I/O worker, show in the viewer, and keep the shell's view models up to
 * date. One task runs at a time; starting another cancels the running one.
 */
import { encodeNifti } from '../io/nifti/write.ts';
import { IoError, type IoClient, type ScanInput, type ScanResult } from '../io/worker/client.ts';
import type { Volume } from '../shared/volume.ts';
import type { SliceSamApp } from '../ui/app-shell.ts';
import type { BusyState, MessageLevel, SkippedItem, StatusMessage, VolumeItem } from '../ui/types.ts';
import type { DisplayRange, ViewerController } from '../viewer/viewer-controller.ts';
import { canPickFolders, pickFolder, walkFolder } from './open-folder.ts';

const MAX_MESSAGES = 50;

export interface AppState {
  volumes: VolumeItem[];
  skipped: SkippedItem[];
  selectedId: string | null;
  busy: BusyState | null;
  messages: StatusMessage[];
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

export class AppController {
  readonly #shell: SliceSamApp;
  readonly #io: IoClient;
  readonly #viewer: ViewerController | null;
  #state: AppState = { volumes: [], skipped: [], selectedId: null, busy: null, messages: [] };
  #task: AbortController | null = null;
  #volume: Volume | null = null;
  #nextMessageId = 1;

  constructor(shell: SliceSamApp, io: IoClient, viewer: ViewerController | null) {
    this.#shell = shell;
    this.#io = io;
    this.#viewer = viewer;
    shell.folderSupported = canPickFolders();
    shell.addEventListener('open-files', (e) => void this.openFiles(e.detail.files.map((file) => ({ path: file.webkitRelativePath || file.name, file }))));
    shell.addEventListener('open-folder', () => void this.openFolder());
    shell.addEventListener('select-volume', (e) => void this.showVolume(e.detail.id));
    shell.addEventListener('cancel-task', () => this.cancel());
    shell.addEventListener('dismiss-messages', () => this.#update({ messages: this.#state.messages.filter((m) => m.level !== 'error') }));
    this.#render();
  }

  get state(): Readonly<AppState> {
    return this.#state;
  }

  /** The volume in the viewer, as io read it. */
  get volume(): Volume | null {
    return this.#volume;
  }

  /** Scan these files, list what was found, and show the first volume. */
  async openFiles(inputs: ScanInput[]): Promise<void> {
    if (inputs.length === 0) return;
    const signal = this.#begin({ label: `Scanning ${plural(inputs.length, 'file')}…`, done: 0, total: inputs.length });
    let result: ScanResult;
    try {
      result = await this.#io.scan(inputs, {
        signal,
        onProgress: (p) => this.#progress(signal, p.done, p.total),
      });
    } catch (e) {
      this.#fail(signal, e, 'Scan');
      return;
    }
    this.#end(signal);
    this.#volume = null;
    this.#viewer?.clear();
    this.#update({
      volumes: result.volumes.map((v) => ({ ...v, status: 'idle' })),
      skipped: result.skipped,
      selectedId: null,
    });
    this.#reportScan(inputs.length, result);
    const first = result.volumes[0];
    if (first) await this.showVolume(first.id);
  }

  /** Ask for a folder, then open every file under it. */
  async openFolder(): Promise<void> {
    let root: Awaited<ReturnType<typeof pickFolder>>;
    try {
      root = await pickFolder(); // first, while the click still counts as a user gesture
    } catch (e) {
      this.#message('error', e instanceof Error ? e.message : String(e));
      return;
    }
    if (!root) return;
    const signal = this.#begin({ label: `Reading folder ${root.name}…`, done: 0, total: 0 });
    let inputs: ScanInput[];
    try {
      inputs = await walkFolder(root, {
        signal,
        onFile: (n) => this.#progress(signal, 0, 0, `Reading folder ${root.name}… ${plural(n, 'file')}`),
      });
    } catch (e) {
      this.#fail(signal, e, root.name);
      return;
    }
    this.#end(signal);
    if (inputs.length === 0) {
      this.#message('warning', `${root.name} holds no files.`);
      return;
    }
    await this.openFiles(inputs);
  }

  /** Load a scanned volume and show it. */
  async showVolume(id: string): Promise<void> {
    const item = this.#state.volumes.find((v) => v.id === id);
    if (!item) return;
    const signal = this.#begin({ label: `Loading ${item.name}…`, done: 0, total: item.fileCount });
    this.#setStatus(id, 'loading');
    try {
      const volume = await this.#io.load(id, {
        signal,
        onProgress: (p) => this.#progress(signal, p.done, p.total),
      });
      signal.throwIfAborted();
      this.#progress(signal, item.fileCount, item.fileCount, `Displaying ${item.name}…`);
      if (this.#viewer) await this.#viewer.showNifti(encodeNifti(volume), item.name, displayRange(volume));
      signal.throwIfAborted();
      this.#volume = volume;
      this.#end(signal);
      this.#update({
        selectedId: id,
        volumes: this.#state.volumes.map((v) =>
          v.id === id ? { ...v, dims: volume.dims, status: 'shown' } : v.status === 'shown' ? { ...v, status: 'idle' } : v,
        ),
      });
      const [sx, sy, sz] = volume.spacing.map((s) => +s.toFixed(3));
      this.#message('info', `${item.name}: ${volume.dims.join(' × ')} voxels, ${sx} × ${sy} × ${sz} mm, ${volume.datatype}`);
      for (const w of volume.meta.warnings) this.#message('warning', `${item.name}: ${w}`);
    } catch (e) {
      this.#setStatus(id, isAbort(e) ? (this.#state.selectedId === id ? 'shown' : 'idle') : 'failed');
      this.#fail(signal, e, item.name);
    }
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

  #reportScan(fileCount: number, result: ScanResult): void {
    const { volumes, skipped } = result;
    this.#message('info', `Found ${plural(volumes.length, 'volume')} in ${plural(fileCount, 'file')}${skipped.length ? `; ${skipped.length} skipped` : ''}.`);
    const first = skipped[0];
    if (first) {
      const more = skipped.length > 1 ? ` (and ${skipped.length - 1} more skipped, listed on the left)` : '';
      this.#message('error', `${first.path}: ${first.reason}${more}`, first.path, `${first.reason}${more}`);
    }
    if (volumes.length === 0) this.#message('error', 'No DICOM series or NIfTI volume found in what was opened.');
  }

  // --- state ---

  #setStatus(id: string, status: VolumeItem['status']): void {
    this.#update({ volumes: this.#state.volumes.map((v) => (v.id === id ? { ...v, status } : v)) });
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

  #render(): void {
    const s = this.#state;
    const shell = this.#shell;
    shell.volumes = s.volumes;
    shell.skipped = s.skipped;
    shell.selectedId = s.selectedId;
    shell.busy = s.busy;
    shell.messages = s.messages;
    const shown = s.volumes.find((v) => v.id === s.selectedId);
    shell.caption = shown && this.#volume ? `${shown.name} · ${this.#volume.dims.join(' × ')}` : '';
  }
}
