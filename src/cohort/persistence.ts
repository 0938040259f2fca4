/**
 * What SliceSAM remembers between visits, in IndexedDB (idb-keyval): the
 * root folders opened (directory handles are storable), per root the case
 * statuses and the case that was open, and per (root, case) an autosave of
 * the label map being edited.
 *
 * As excalidraw does it: one store per domain, every key in one table
 * (`KEYS`), and every value read back through a `restore…` function that
 * checks its shape and answers null / {} / drops entries rather than handing
 * damaged or older data to the app. Works on the main thread and in workers.
 *
 * Roots have no stable identity of their own (two folders may share a name),
 * so each gets an id when first saved; saving a handle that `isSameEntry` a
 * known one keeps that id, so statuses and autosaves find their folder again.
 */
import { clear, createStore, del, delMany, get, keys, set, update, type UseStore } from 'idb-keyval';
import { gunzip, gzip } from '../io/gzip.ts';
import { CASE_STATUSES, MAX_LABEL_VALUE, type CaseStatus, type ObjectSpec } from '../shared/cohort.ts';
import type { Vec3 } from '../shared/volume.ts';

/**
 * One database per domain. idb-keyval creates a store only when it creates
 * the database, so two stores can never share one database name (the second
 * would not exist): `createStore('slicesam', 'a')` and `('slicesam', 'b')`
 * fail. Every other store SliceSAM adds needs its own database name too.
 */
export const DATABASES = Object.freeze({
  cohort: { db: 'slicesam-cohort', store: 'cohort' },
  autosave: { db: 'slicesam-autosave', store: 'autosave' },
});

/** Every key, in one place. Array keys keep ids with any characters apart. */
export const KEYS = Object.freeze({
  /** cohort store: RootRecord[], most recently opened first. */
  roots: 'roots',
  /** cohort store: CaseStatuses of a root. */
  statuses: (rootId: string): IDBValidKey => ['statuses', rootId],
  /** cohort store: id of the case open when the root was last used. */
  lastCase: (rootId: string): IDBValidKey => ['last-case', rootId],
  /** autosave store: StoredAutosave of one case. */
  autosave: (rootId: string, caseId: string): IDBValidKey => ['autosave', rootId, caseId],
});

/** Roots remembered; older ones are forgotten (with their statuses and autosaves). */
export const MAX_ROOTS = 20;

let stores: { cohort: UseStore; autosave: UseStore } | undefined;
function store(domain: keyof typeof DATABASES): UseStore {
  stores ??= {
    cohort: createStore(DATABASES.cohort.db, DATABASES.cohort.store),
    autosave: createStore(DATABASES.autosave.db, DATABASES.autosave.store),
  };
  return stores[domain];
}

// ---------------------------------------------------------------- shape checks

type Loose = Record<string, unknown>;

function isRecord(v: unknown): v is Loose {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isDirectoryHandle(v: unknown): v is FileSystemDirectoryHandle {
  if (typeof FileSystemDirectoryHandle !== 'undefined' && v instanceof FileSystemDirectoryHandle) return true;
  return isRecord(v) && v.kind === 'directory' && typeof v.name === 'string';
}

// ---------------------------------------------------------------------- roots

export interface RootRecord {
  /** Ours, stable across visits (not the folder's name). */
  id: string;
  /** The folder's name when last opened (what "Reopen …" shows). */
  name: string;
  handle: FileSystemDirectoryHandle;
  /** ms since epoch, when last opened. */
  openedAt: number;
}

export function restoreRoot(value: unknown): RootRecord | null {
  if (!isRecord(value)) return null;
  const { id, name, handle, openedAt } = value;
  if (typeof id !== 'string' || id === '' || !isDirectoryHandle(handle)) return null;
  return {
    id,
    name: typeof name === 'string' ? name : handle.name,
    handle,
    openedAt: typeof openedAt === 'number' && Number.isFinite(openedAt) ? openedAt : 0,
  };
}

export function restoreRoots(value: unknown): RootRecord[] {
  if (!Array.isArray(value)) return [];
  const out: RootRecord[] = [];
  const seen = new Set<string>();
  for (const v of value) {
    const r = restoreRoot(v);
    if (r && !seen.has(r.id)) { seen.add(r.id); out.push(r); }
  }
  return out;
}

function newId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

async function sameEntry(a: FileSystemHandle, b: FileSystemHandle): Promise<boolean> {
  try {
    return await a.isSameEntry(b);
  } catch {
    return false;
  }
}

/**
 * Remember `handle` as the current root (first in the list) and answer its
 * record. A folder opened before keeps its id.
 */
export async function saveRoot(handle: FileSystemDirectoryHandle, openedAt = Date.now()): Promise<RootRecord> {
  const roots = await loadRoots();
  let found: RootRecord | undefined;
  for (const r of roots) if (await sameEntry(r.handle, handle)) { found = r; break; }
  const record: RootRecord = { id: found?.id ?? newId(), name: handle.name, handle, openedAt };
  const rest = roots.filter((r) => r.id !== record.id);
  const kept = [record, ...rest].slice(0, MAX_ROOTS);
  await set(KEYS.roots, kept, store('cohort'));
  const dropped = rest.slice(MAX_ROOTS - 1);
  for (const r of dropped) await forgetRootData(r.id);
  return record;
}

/** The root opened last, or null. */
export async function loadRoot(): Promise<RootRecord | null> {
  return (await loadRoots())[0] ?? null;
}

/** Every remembered root, most recently opened first. */
export async function loadRoots(): Promise<RootRecord[]> {
  return restoreRoots(await get(KEYS.roots, store('cohort')));
}

/** Forget a root: its record, statuses, last case and autosaves. */
export async function forgetRoot(rootId: string): Promise<void> {
  await update(KEYS.roots, (old: unknown) => restoreRoots(old).filter((r) => r.id !== rootId), store('cohort'));
  await forgetRootData(rootId);
}

async function forgetRootData(rootId: string): Promise<void> {
  await delMany([KEYS.statuses(rootId), KEYS.lastCase(rootId)], store('cohort'));
  const saves = await listAutosaves(rootId);
  await delMany(saves.map((caseId) => KEYS.autosave(rootId, caseId)), store('autosave'));
}

// ------------------------------------------------------------------- statuses

/**
 * A case's status as stored; the same shape as `SavedStatus` in
 * src/cohort/queue.ts, so `snapshot(state).statuses` can be saved as it is.
 */
export interface StoredCaseStatus {
  status: CaseStatus;
  reason?: string;
  /** ISO 8601 time of the last change. */
  updatedAt?: string;
}

export type CaseStatuses = Record<string, StoredCaseStatus>;

export function restoreCaseStatus(value: unknown): StoredCaseStatus | null {
  if (!isRecord(value)) return null;
  const { status, reason, updatedAt } = value;
  if (typeof status !== 'string' || !(CASE_STATUSES as readonly string[]).includes(status)) return null;
  const out: StoredCaseStatus = { status: status as CaseStatus };
  if (typeof reason === 'string') out.reason = reason;
  if (typeof updatedAt === 'string') out.updatedAt = updatedAt;
  return out;
}

/** Entries that cannot be read are dropped; anything but an object gives {}. */
export function restoreCaseStatuses(value: unknown): CaseStatuses {
  if (!isRecord(value)) return {};
  const entries: [string, StoredCaseStatus][] = [];
  for (const [caseId, v] of Object.entries(value)) {
    const s = restoreCaseStatus(v);
    if (s) entries.push([caseId, s]);
  }
  // fromEntries defines own properties: a case id such as "__proto__" stays data.
  return Object.fromEntries(entries);
}

export async function saveCaseStatuses(rootId: string, statuses: CaseStatuses): Promise<void> {
  await set(KEYS.statuses(rootId), restoreCaseStatuses(statuses), store('cohort'));
}

export async function loadCaseStatuses(rootId: string): Promise<CaseStatuses> {
  return restoreCaseStatuses(await get(KEYS.statuses(rootId), store('cohort')));
}

/** Change one case's status (null removes it), in one transaction. */
export async function setCaseStatus(rootId: string, caseId: string, status: StoredCaseStatus | null): Promise<void> {
  const entry = status === null ? null : restoreCaseStatus(status);
  if (status !== null && !entry) throw new TypeError(`not a case status: ${JSON.stringify(status)}`);
  await update(KEYS.statuses(rootId), (old: unknown) => {
    const next = Object.entries(restoreCaseStatuses(old)).filter(([id]) => id !== caseId);
    if (entry) next.push([caseId, entry]);
    return Object.fromEntries(next);
  }, store('cohort'));
}

// ------------------------------------------------------------------ last case

export async function saveLastCase(rootId: string, caseId: string | null): Promise<void> {
  if (caseId === null) await del(KEYS.lastCase(rootId), store('cohort'));
  else await set(KEYS.lastCase(rootId), caseId, store('cohort'));
}

export async function loadLastCase(rootId: string): Promise<string | null> {
  const v: unknown = await get(KEYS.lastCase(rootId), store('cohort'));
  return typeof v === 'string' && v !== '' ? v : null;
}

// ------------------------------------------------------------------- autosave

export type LabelArray = Uint8Array | Uint16Array;

/** The work in progress on one case. */
export interface Autosave {
  /** ms since epoch. */
  savedAt: number;
  /** The label map, i fastest (as Volume.data), dims[0]·dims[1]·dims[2] voxels. */
  labels: LabelArray;
  dims: Vec3;
  objects: ObjectSpec[];
  /** The prompts given so far, as the engine/UI define them (plain data). */
  prompts: unknown[];
}

/** As stored: the labels gzipped (a mostly-empty map shrinks 100–1000×). */
export interface StoredAutosave {
  format: 1;
  savedAt: number;
  dims: Vec3;
  labelType: 'uint8' | 'uint16';
  labelsGz: Uint8Array;
  objects: ObjectSpec[];
  prompts: unknown[];
}

function isDims(v: unknown): v is Vec3 {
  return Array.isArray(v) && v.length === 3 && v.every((d) => Number.isSafeInteger(d) && d > 0);
}

function isByte(v: unknown): boolean {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255;
}

export function restoreObject(value: unknown): ObjectSpec | null {
  if (!isRecord(value)) return null;
  const { id, labelValue, name, color, visible, locked } = value;
  if (!Number.isSafeInteger(id)) return null;
  if (!Number.isInteger(labelValue) || (labelValue as number) < 1 || (labelValue as number) > MAX_LABEL_VALUE) return null;
  if (typeof name !== 'string') return null;
  if (!Array.isArray(color) || color.length !== 3 || !color.every(isByte)) return null;
  return {
    id: id as number,
    labelValue: labelValue as number,
    name,
    color: [color[0], color[1], color[2]] as [number, number, number],
    visible: typeof visible === 'boolean' ? visible : true,
    locked: typeof locked === 'boolean' ? locked : false,
  };
}

/**
 * A stored autosave back as an Autosave, or null when it cannot be used
 * (unknown format, bad dims, labels that do not inflate to dims voxels).
 * Objects that cannot be read are dropped; prompts are kept as they are
 * (an array of whatever plain data was saved).
 */
export async function restoreAutosave(value: unknown): Promise<Autosave | null> {
  if (!isRecord(value) || value.format !== 1) return null;
  const { savedAt, dims, labelType, labelsGz, objects, prompts } = value;
  if (!isDims(dims) || (labelType !== 'uint8' && labelType !== 'uint16') || !(labelsGz instanceof Uint8Array)) return null;
  const voxels = dims[0] * dims[1] * dims[2];
  const width = labelType === 'uint16' ? 2 : 1;
  let bytes: Uint8Array;
  try {
    bytes = await gunzip(labelsGz);
  } catch {
    return null;
  }
  if (bytes.byteLength !== voxels * width) return null;
  let labels: LabelArray;
  if (width === 1) labels = bytes;
  else {
    const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
    labels = new Uint16Array(aligned.buffer, aligned.byteOffset, voxels);
  }
  return {
    savedAt: typeof savedAt === 'number' && Number.isFinite(savedAt) ? savedAt : 0,
    labels,
    dims: [dims[0], dims[1], dims[2]],
    objects: Array.isArray(objects) ? objects.map(restoreObject).filter((o): o is ObjectSpec => o !== null) : [],
    prompts: Array.isArray(prompts) ? prompts : [],
  };
}

/** The stored form of an autosave (labels gzipped). Throws if labels and dims disagree. */
export async function encodeAutosave(autosave: Autosave): Promise<StoredAutosave> {
  const { labels, dims } = autosave;
  if (!isDims(dims)) throw new RangeError(`autosave: dims must be three positive integers, got ${JSON.stringify(dims)}`);
  const voxels = dims[0] * dims[1] * dims[2];
  if (labels.length !== voxels) throw new RangeError(`autosave: ${labels.length} labels for dims ${dims.join('×')} = ${voxels} voxels`);
  const labelType = labels instanceof Uint16Array ? 'uint16' : labels instanceof Uint8Array ? 'uint8' : null;
  if (!labelType) throw new TypeError('autosave: labels must be a Uint8Array or a Uint16Array');
  return {
    format: 1,
    savedAt: autosave.savedAt,
    dims: [dims[0], dims[1], dims[2]],
    labelType,
    labelsGz: await gzip(labels.buffer instanceof ArrayBuffer
      ? new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength)
      : new Uint8Array(labels.slice().buffer)), // shared memory: streams refuse it
    objects: autosave.objects,
    prompts: autosave.prompts,
  };
}

export async function saveAutosave(rootId: string, caseId: string, autosave: Autosave): Promise<void> {
  await set(KEYS.autosave(rootId, caseId), await encodeAutosave(autosave), store('autosave'));
}

export async function loadAutosave(rootId: string, caseId: string): Promise<Autosave | null> {
  return restoreAutosave(await get(KEYS.autosave(rootId, caseId), store('autosave')));
}

export async function clearAutosave(rootId: string, caseId: string): Promise<void> {
  await del(KEYS.autosave(rootId, caseId), store('autosave'));
}

/** Ids of the cases of a root that have an autosave. */
export async function listAutosaves(rootId: string): Promise<string[]> {
  const all = await keys(store('autosave'));
  const out: string[] = [];
  for (const k of all) {
    if (Array.isArray(k) && k.length === 3 && k[0] === 'autosave' && k[1] === rootId && typeof k[2] === 'string') out.push(k[2]);
  }
  return out;
}

/** Forget everything this module stores (tests; a "reset app" button). */
export async function clearPersistence(): Promise<void> {
  await clear(store('cohort'));
  await clear(store('autosave'));
}
