/**
 * The cohort session: where the cases come from (loose files, a folder picked read-write,
 * the demo, or the folder of the last session), the scan of it into cases, and the case
 * queue (statuses and the last case remembered per folder, moves to the next or previous
 * case, skip). State: the session, the queue, the files that are no case, the scanned
 * sources and the resumable folder. Calls the I/O worker, persistence, the tasks and the
 * host (to open and leave cases).
 */
import { classifyScan, caseIdFor, DEFAULT_OUTPUT_FOLDER } from '../cohort/cases.ts';
import * as persistence from '../cohort/persistence.ts';
import * as queue from '../cohort/queue.ts';
import { DEMO_FOLDER, openDemoCohort } from '../io/demo/index.ts';
import { canPickDirectories, ensurePermission, opfsRoot, pickDirectory } from '../io/fs/index.ts';
import type { ScanReport, VolumeSource } from '../io/scan.ts';
import type { IoClient, ScanInput, ScanResult } from '../io/worker/client.ts';
import type { CaseEntry } from '../shared/cohort.ts';
import type { SkippedItem } from '../ui/types.ts';
import { errorText, type TaskHost } from './tasks.ts';
import { plural } from './words.ts';

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

export interface CohortHost {
  readonly io: IoClient;
  readonly tasks: TaskHost;
  /** Start loading the viewer (it loads while files are read). */
  ensureViewer(): Promise<void>;
  /** Unsaved work of the open case to IndexedDB, before another opens. */
  leaveCase(): Promise<void>;
  /** A new cohort: nothing open. */
  closeCase(): void;
  openCase(id: string): Promise<void>;
  selectedId(): string | null;
  render(): void;
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

export class CohortSession {
  #session: Session | null = null;
  #queue = queue.createQueue([]);
  #skipped: SkippedItem[] = [];
  /** Scanned volumes by case id. */
  #sources = new Map<string, VolumeSource>();
  #resumable: persistence.RootRecord | null = null;
  /** What a loose-files session scanned (Retry scans it again). */
  #inputs: ScanInput[] = [];
  readonly folderSupported = canPickDirectories();

  constructor(private readonly host: CohortHost) {
    void persistence.loadRoot().then((resumable) => {
      this.#resumable = resumable;
      host.render();
    }, () => undefined);
  }

  get session(): Session | null {
    return this.#session;
  }

  get queue(): queue.QueueState {
    return this.#queue;
  }

  /** Files that are no case at all (not images, label maps, the output folder), with why. */
  get skipped(): SkippedItem[] {
    return this.#skipped;
  }

  /** The folder of the last session, when it is not the one open. */
  get resumeName(): string | null {
    const r = this.#resumable;
    return r && r.id !== this.#session?.rootId ? r.name : null;
  }

  entry(id: string | null): CaseEntry | undefined {
    return this.#queue.cases.find((c) => c.id === id);
  }

  source(id: string): VolumeSource | undefined {
    return this.#sources.get(id);
  }

  /**
   * Scan loose files, or a folder opened read-only through the file input
   * (browsers without the File System Access API): cases can be annotated,
   * outputs are downloaded.
   */
  async openFiles(picked: ScanInput[]): Promise<void> {
    if (picked.length === 0) return;
    const { inputs, folder } = stripTopFolder(picked);
    await this.#scanFiles({ kind: 'files', name: folder ?? 'opened files', root: null, rootId: null, outputFolder: DEFAULT_OUTPUT_FOLDER }, inputs);
    if (folder) this.host.tasks.message('warning', `${folder} is open read-only: this browser cannot write into folders, so Save downloads the label map instead.`);
  }

  async #scanFiles(session: Session, inputs: ScanInput[], again?: Again): Promise<void> {
    void this.host.ensureViewer(); // NiiVue loads while the files are scanned
    await this.host.leaveCase();
    const { tasks } = this.host;
    const signal = tasks.begin({ label: `Scanning ${plural(inputs.length, 'file')}…`, done: 0, total: inputs.length });
    let result: ScanResult;
    try {
      result = await this.host.io.scan(inputs, { signal, onProgress: (p) => tasks.progress(signal, p.done, p.total) });
    } catch (e) {
      tasks.fail(signal, e, 'Scan');
      return;
    }
    tasks.end(signal);
    this.#inputs = inputs;
    await this.#start(session, result, inputs.length, again);
  }

  /** Ask for a folder (read and write: outputs go back into it), remember it, and open it. */
  async openFolder(): Promise<void> {
    let root: FileSystemDirectoryHandle | null;
    try {
      const picking = pickDirectory({ mode: 'readwrite' }); // first, while the click still counts as a user gesture
      void this.host.ensureViewer(); // NiiVue starts while the folder is picked (seconds for a person)
      root = await picking;
    } catch (e) {
      this.host.tasks.message('error', errorText(e));
      return;
    }
    if (!root) return;
    await this.#openRoot(root, 'folder');
  }

  /** The synthetic demo cohort, written into this browser's private storage (OPFS). */
  async openDemo(): Promise<void> {
    const { tasks } = this.host;
    const signal = tasks.begin({ label: 'Preparing the demo cohort…', done: 0, total: 0 });
    try {
      const demo = await openDemoCohort({ signal });
      tasks.end(signal);
      await this.#openRoot(demo.root, 'demo');
    } catch (e) {
      tasks.fail(signal, e, 'Demo cohort');
    }
  }

  /** Reopen the folder of the last session, asking for permission again when the browser wants it. */
  async resume(): Promise<void> {
    const record = this.#resumable ?? await persistence.loadRoot();
    if (!record) return;
    const permission = await ensurePermission(record.handle, 'readwrite', { request: true });
    if (permission !== 'granted') {
      this.host.tasks.message('error', `${record.name}: permission to read and write the folder was not given`, record.name, 'permission not given');
      return;
    }
    await this.#openRoot(record.handle, (await isDemoFolder(record.handle)) ? 'demo' : 'folder');
  }

  async #openRoot(root: FileSystemDirectoryHandle, kind: 'folder' | 'demo', again?: Again): Promise<void> {
    void this.host.ensureViewer(); // NiiVue loads while the folder is read
    await this.host.leaveCase();
    const record = await persistence.saveRoot(root);
    const outputFolder = DEFAULT_OUTPUT_FOLDER;
    const { tasks } = this.host;
    const signal = tasks.begin({ label: `Reading folder ${root.name}…`, done: 0, total: 0 });
    let result: ScanResult;
    try {
      result = await this.host.io.scanFolder(root, { skipFolders: [outputFolder] }, {
        signal,
        onProgress: (p) => tasks.progress(signal, p.done, p.total,
          p.phase === 'walk' ? `Reading folder ${root.name}… ${plural(p.done, 'file')}` : `Scanning ${root.name}…`),
      });
    } catch (e) {
      tasks.fail(signal, e, root.name);
      return;
    }
    tasks.end(signal);
    await this.#start({ kind, name: root.name, root, rootId: record.id, outputFolder }, result, null, again);
    this.#resumable = record;
    this.host.render();
  }

  /**
   * The scan's cases become the queue (statuses and the last case as this folder left them,
   * or as the session had them when it is scanned `again`); the case asked for, else the
   * first case to do, opens.
   */
  async #start(session: Session, result: ScanResult, fileCount: number | null, again?: Again): Promise<void> {
    const report: ScanReport = { volumes: result.sources, skipped: result.skipped as ScanReport['skipped'] };
    const { cases, ignored } = classifyScan(report, { outputFolder: session.outputFolder });
    this.#sources = new Map(result.sources.map((s) => [caseIdFor(s), s]));
    const kept = again && !session.rootId ? queue.snapshot(this.#queue) : null;
    const statuses = kept ? kept.statuses : session.rootId ? await persistence.loadCaseStatuses(session.rootId) : {};
    const last = again?.open ?? (session.rootId ? await persistence.loadLastCase(session.rootId) : null);
    const restored = queue.restore(cases, statuses, last);
    this.#session = session;
    this.#queue = restored;
    this.#skipped = ignored.map((i) => ({ path: i.path, code: i.why, reason: i.reason }));
    this.host.closeCase();
    const { tasks } = this.host;
    const c = queue.counts(restored);
    const where = fileCount === null ? session.name : plural(fileCount, 'file');
    tasks.message('info', `${plural(c.total, 'case')} in ${where}: ${c.done} done, ${c.skipped} skipped, ${c.remaining} remaining${c.failed ? `, ${c.failed} failed` : ''}.`);
    // Unreadable files are listed with their reasons (the case list, Files left out), not pinned as errors.
    if (c.failed) tasks.message('warning', `${plural(c.failed, 'case')} could not be read: each is listed with its reason; Retry reads it again.`);
    if (c.total === 0) tasks.message('error', 'No DICOM series or NIfTI volume found in what was opened.');
    const start = queue.currentCase(restored) ?? restored.cases.find((k) => k.status !== 'failed' && k.status !== 'done') ?? restored.cases.find((k) => k.status !== 'failed');
    if (start) await this.host.openCase(start.id);
  }

  /**
   * Read a failed case again: one that failed when opened is simply opened again; one the
   * scan could not read means scanning the folder (or the files) again, statuses kept.
   */
  async retry(id: string): Promise<void> {
    const entry = this.entry(id);
    const session = this.#session;
    if (!entry || entry.status !== 'failed' || !session) return;
    if (this.#sources.has(id)) {
      this.setQueue(queue.retry(this.#queue, id));
      await this.host.openCase(id);
    } else if (session.root) {
      await this.#openRoot(session.root, session.kind === 'demo' ? 'demo' : 'folder', { open: id });
    } else {
      await this.#scanFiles(session, this.#inputs, { open: id });
    }
    const after = this.entry(id);
    if (after?.status === 'failed') this.host.tasks.message('warning', `${after.sourcePaths[0] ?? after.name} still cannot be read: ${after.reason ?? 'unknown reason'}`);
  }

  /** A new queue state, remembered for this folder (statuses and the open case). */
  setQueue(next: queue.QueueState): void {
    this.#queue = next;
    this.host.render();
    const rootId = this.#session?.rootId;
    if (!rootId) return;
    const snap = queue.snapshot(next);
    void persistence.saveCaseStatuses(rootId, snap.statuses).catch((e: unknown) => this.host.tasks.message('error', `Could not remember case statuses: ${String(e)}`));
    void persistence.saveLastCase(rootId, queue.currentCase(next)?.id ?? null).catch(() => undefined);
  }

  /** Next, previous or skip: the queue moves to the nearest case still to do and opens it. */
  async move(step: (s: queue.QueueState) => queue.QueueState): Promise<void> {
    const before = this.#queue;
    if (before.cases.length === 0) return;
    await this.host.leaveCase();
    const after = step(before);
    this.setQueue(after);
    const target = queue.currentCase(after);
    const selected = this.host.selectedId();
    if (target && (target.id !== selected || after.current !== before.current)) await this.host.openCase(target.id);
    else this.host.tasks.message('info', this.#nothingElse(after));
  }

  /** Why Next / Prev stayed: all done, or this is the last case to do. */
  #nothingElse(q: queue.QueueState): string {
    const c = queue.counts(q);
    const failed = c.failed ? `; ${plural(c.failed, 'case')} could not be read (Retry in the list)` : '';
    if (queue.allFinished(q)) return `All cases done: ${c.done} done, ${c.skipped} skipped${failed}.`;
    return `No other case to do: this is the last one${failed}.`;
  }
}

/** A scan of the same session again (Retry): the case to open afterwards. */
interface Again {
  open: string;
}
