/**
 * A test page (not part of the app) for e2e/fs.spec.ts: runs src/io/fs,
 * src/cohort/persistence and src/io/demo in real Chromium against the origin
 * private file system and IndexedDB, and answers plain numbers and strings.
 * Everything is on `window.fsHarness`.
 */
import {
  ensurePermission,
  fileExists,
  opfsFolder,
  readFileIfExists,
  readTextIfExists,
  removeOpfsFolder,
  walkDirectory,
  writeFileAtomic,
} from '../../src/io/fs/index.ts';
import {
  clearAutosave,
  clearPersistence,
  listAutosaves,
  loadAutosave,
  loadCaseStatuses,
  loadLastCase,
  loadRoot,
  loadRoots,
  saveAutosave,
  saveCaseStatuses,
  saveLastCase,
  saveRoot,
  setCaseStatus,
} from '../../src/cohort/persistence.ts';
import { DEMO_FOLDER, DEMO_MARKER, openDemoCohort } from '../../src/io/demo/index.ts';
import { scanFiles } from '../../src/io/scan.ts';
import type { ObjectSpec } from '../../src/shared/cohort.ts';

export interface WalkResult {
  paths: string[];
  sizes: number[];
  /** First 4 bytes of each file as text (range reads). */
  heads: string[];
  /** The last count onProgress was told. */
  progress: number;
}

export interface DemoResult {
  reused: boolean;
  caseCount: number;
  written: number;
  walked: number;
  volumes: { name: string; dims: number[] }[];
  skipped: { path: string; code: string }[];
  ms: number;
}

export type WorkerRequest = { op: 'walk'; root: FileSystemDirectoryHandle; skip: string[] } | { op: 'demo' };
export type WorkerReply = { ok: true; walk?: WalkResult; demo?: DemoResult } | { ok: false; error: string };

const WALK_FOLDER = 'e2e-walk';
const IO_FOLDER = 'e2e-io';
const PERSIST_FOLDER = 'e2e-persist';

/** The tree walked by the tests: nested folders, natural order, hidden entries, an output folder. */
const TREE: Record<string, string> = {
  'case-10/b.dcm': 'B10-',
  'case-2/a.dcm': 'A2--',
  'case-2/deeper/still/c.nii': 'C---deep',
  'case-2/.DS_Store': 'hidden',
  '.hidden-top': 'hidden',
  '.cache/x.bin': 'hidden folder',
  'labels/case-2.nii.gz': 'output',
  'notes.txt': 'NOTE',
};

function worker(): Worker {
  return new Worker(new URL('./fs-harness.worker.ts', import.meta.url), { type: 'module' });
}

function ask(request: WorkerRequest): Promise<WorkerReply> {
  const w = worker();
  return new Promise<WorkerReply>((resolve, reject) => {
    w.onmessage = (e: MessageEvent<WorkerReply>) => { resolve(e.data); w.terminate(); };
    w.onerror = (e) => { reject(new Error(e.message)); w.terminate(); };
    w.postMessage(request);
  });
}

/** Labels of a fixed pattern, the same on every call (to compare across a reload). */
function pattern16(n: number): Uint16Array {
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = i % 97 === 0 ? 300 : i % 31 === 0 ? 2 : 0;
  return out;
}

const DIMS: [number, number, number] = [64, 48, 20];
const OBJECTS: ObjectSpec[] = [
  { id: 1, labelValue: 2, name: 'tumour', color: [255, 0, 0], visible: true, locked: false },
  { id: 2, labelValue: 300, name: 'oedema', color: [0, 255, 0], visible: false, locked: true },
];

const harness = {
  /** Empty the test folders in OPFS and everything persistence stores. */
  async reset(): Promise<void> {
    for (const name of [WALK_FOLDER, IO_FOLDER, PERSIST_FOLDER, DEMO_FOLDER]) await removeOpfsFolder(name);
    await clearPersistence();
  },

  async buildTree(): Promise<void> {
    const root = await opfsFolder(WALK_FOLDER, { clear: true });
    for (const [path, text] of Object.entries(TREE)) await writeFileAtomic(root, path, text);
  },

  /** Walk the tree here or in a worker (the handle is posted to it). */
  async walk(where: 'main' | 'worker', skip: string[]): Promise<WalkResult> {
    const root = await opfsFolder(WALK_FOLDER);
    if (where === 'worker') {
      const reply = await ask({ op: 'walk', root, skip });
      if (!reply.ok) throw new Error(reply.error);
      return reply.walk!;
    }
    const progress: number[] = [];
    const files = await walkDirectory(root, { skipFolders: skip, onProgress: (n) => progress.push(n) });
    const heads: string[] = [];
    for (const f of files) heads.push(new TextDecoder().decode(await f.read(0, 4)));
    return { paths: files.map((f) => f.path), sizes: files.map((f) => f.size), heads, progress: progress.at(-1) ?? 0 };
  },

  async abortedWalk(): Promise<string> {
    const root = await opfsFolder(WALK_FOLDER);
    const c = new AbortController();
    c.abort();
    try {
      await walkDirectory(root, { signal: c.signal });
      return 'not aborted';
    } catch (e) {
      return (e as Error).name;
    }
  },

  async writeAndRead(): Promise<Record<string, unknown>> {
    const root = await opfsFolder(IO_FOLDER, { clear: true });
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
    await writeFileAtomic(root, 'labels/deep/er/a.bin', bytes);
    await writeFileAtomic(root, 'labels/volumetry.csv', 'case_id,volume_ml\nA,1.5\n');
    const back = await readFileIfExists(root, 'labels/deep/er/a.bin');
    await writeFileAtomic(root, 'labels/volumetry.csv', 'case_id\n'); // replaces, never appends
    // A write that fails inside the browser: a File taken before its file was replaced cannot be read.
    await writeFileAtomic(root, 'src.bin', 'aaaa');
    const stale = await (await root.getFileHandle('src.bin')).getFile();
    await writeFileAtomic(root, 'src.bin', 'bbbbbb');
    const failures: string[] = [];
    for (const target of ['labels/volumetry.csv', 'labels/new.csv']) {
      try {
        await writeFileAtomic(root, target, stale);
        failures.push('written');
      } catch (e) {
        failures.push((e as Error).name);
      }
    }
    return {
      equal: back !== null && back.length === bytes.length && back.every((v, i) => v === bytes[i]),
      csv: await readTextIfExists(root, 'labels/volumetry.csv'),
      failures,
      newLeftBehind: await fileExists(root, 'labels/new.csv'),
      missing: await readFileIfExists(root, 'labels/nope.bin'),
      missingFolder: await readFileIfExists(root, 'nope/a.bin'),
      folderAsFile: await readFileIfExists(root, 'labels/deep'),
      exists: await fileExists(root, 'labels/deep/er/a.bin'),
      existsFolder: await fileExists(root, 'labels/deep'),
    };
  },

  /** Files read after the walk: same size rewritten → read again; size changed → a clear error. */
  async staleRead(): Promise<string[]> {
    const root = await opfsFolder(IO_FOLDER, { clear: true });
    await writeFileAtomic(root, 'same.txt', 'abcd');
    await writeFileAtomic(root, 'grown.txt', 'abcd');
    const [grown, same] = await walkDirectory(root);
    await writeFileAtomic(root, 'same.txt', 'wxyz');
    await writeFileAtomic(root, 'grown.txt', 'abcdef');
    const out = [new TextDecoder().decode(await same!.read())];
    try {
      out.push(new TextDecoder().decode(await grown!.read()));
    } catch (e) {
      out.push((e as Error).message);
    }
    return out;
  },

  async permission(): Promise<string[]> {
    const root = await opfsFolder(IO_FOLDER);
    const file = await root.getFileHandle('p.txt', { create: true });
    return [
      await ensurePermission(root, 'readwrite', { request: true }),
      await ensurePermission(root, 'read', { request: false }),
      await ensurePermission(file, 'readwrite', { request: false }),
    ];
  },

  /** Before the reload: remember a root (OPFS folder), statuses, last case and two autosaves. */
  async persistSave(): Promise<Record<string, unknown>> {
    const root = await opfsFolder(PERSIST_FOLDER, { clear: true });
    await writeFileAtomic(root, 'case-1/a.txt', 'persisted root');
    const other = await opfsFolder(`${PERSIST_FOLDER}-other`, { clear: true });
    const otherRecord = await saveRoot(other);
    const record = await saveRoot(root, 1000);
    const again = await saveRoot(root, 2000); // same folder: same id, moved to the front
    await saveCaseStatuses(record.id, {
      'case-1': { status: 'done', updatedAt: '2025-01-01T10:00:00.000Z' },
      'case-2': { status: 'skipped', reason: 'motion', updatedAt: '2025-01-01T10:01:00.000Z' },
      'case/3 #1': { status: 'in-progress' },
    });
    await setCaseStatus(record.id, 'case-4', { status: 'failed', reason: 'truncated' });
    await setCaseStatus(record.id, 'case/3 #1', null);
    await saveLastCase(record.id, 'case-2');
    const n = DIMS[0] * DIMS[1] * DIMS[2];
    await saveAutosave(record.id, 'case-2', { savedAt: 1234, labels: pattern16(n), dims: DIMS, objects: OBJECTS, prompts: [{ kind: 'box', box: [1, 2, 3, 4], slice: 5 }] });
    const small = new Uint8Array(n);
    small[5] = 1;
    await saveAutosave(record.id, 'case-1', { savedAt: 1, labels: small, dims: DIMS, objects: [], prompts: [] });
    await clearAutosave(record.id, 'case-1');
    return { id: record.id, sameId: again.id === record.id, otherId: otherRecord.id };
  },

  /** After the reload. */
  async persistLoad(): Promise<Record<string, unknown>> {
    const root = await loadRoot();
    const roots = await loadRoots();
    if (!root) return { root: null };
    const expected = await opfsFolder(PERSIST_FOLDER);
    const files = await walkDirectory(root.handle);
    const save = await loadAutosave(root.id, 'case-2');
    const n = DIMS[0] * DIMS[1] * DIMS[2];
    const want = pattern16(n);
    return {
      id: root.id,
      name: root.name,
      openedAt: root.openedAt,
      isHandle: root.handle instanceof FileSystemDirectoryHandle,
      sameEntry: await root.handle.isSameEntry(expected),
      permission: await ensurePermission(root.handle, 'readwrite', { request: false }),
      rootNames: roots.map((r) => r.name),
      files: files.map((f) => f.path),
      content: await readTextIfExists(root.handle, 'case-1/a.txt'),
      statuses: await loadCaseStatuses(root.id),
      lastCase: await loadLastCase(root.id),
      autosaves: (await listAutosaves(root.id)).sort(),
      cleared: await loadAutosave(root.id, 'case-1'),
      autosave: save && {
        savedAt: save.savedAt,
        dims: save.dims,
        type: save.labels.constructor.name,
        equal: save.labels.length === n && save.labels.every((v, i) => v === want[i]),
        objects: save.objects,
        prompts: save.prompts,
      },
      otherStatuses: await loadCaseStatuses(roots[1]?.id ?? 'none'),
    };
  },

  /** The demo cohort, written and scanned in a worker or on the main thread. */
  async demo(where: 'main' | 'worker'): Promise<DemoResult> {
    if (where === 'worker') {
      const reply = await ask({ op: 'demo' });
      if (!reply.ok) throw new Error(reply.error);
      return reply.demo!;
    }
    const t0 = performance.now();
    const demo = await openDemoCohort();
    const files = await walkDirectory(demo.root, { skipFolders: ['labels'] });
    const report = await scanFiles(files);
    return {
      reused: demo.reused, caseCount: demo.caseCount, written: demo.files.length, walked: files.length,
      volumes: report.volumes.map((v) => ({ name: v.name, dims: v.dims })),
      skipped: report.skipped.map((s) => ({ path: s.path, code: s.code })),
      ms: Math.round(performance.now() - t0),
    };
  },

  /** Leave an output in the demo's labels/ and make its marker look like another version. */
  async demoOutdate(): Promise<void> {
    const root = await opfsFolder(DEMO_FOLDER);
    await writeFileAtomic(root, 'labels/patient-01.nii.gz', 'earlier output');
    await writeFileAtomic(root, DEMO_MARKER, JSON.stringify({ version: -1 }));
  },

  async demoLabel(): Promise<string | null> {
    return readTextIfExists(await opfsFolder(DEMO_FOLDER), 'labels/patient-01.nii.gz');
  },
};

export type FsHarness = typeof harness;

declare global {
  interface Window {
    fsHarness?: FsHarness;
  }
}

window.fsHarness = harness;
document.title = 'fs harness ready';
