/**
 * The SAM2 models the app offers and the one in use. Offered: models/index.json (never the
 * test fixture, unless named with ?model=) and the models loaded from disk before (their
 * manifests kept in the model cache). In use: the one named in the address (?model=id), else
 * the user's last choice (remembered in localStorage), else the one this device runs best
 * (capabilities.ts). State: the list, the choice and why. Calls fetch, the model cache, localStorage.
 */
import { localModels } from '../engine/models/import.ts';
import { manifestBytes } from '../engine/models/manifest.ts';
import { openModelCache } from '../engine/models/store.ts';
import { detectCapabilities, recommendModel, type Capabilities } from './capabilities.ts';

/** One entry of models/index.json, or a model loaded from disk. */
export interface ModelEntry {
  id: string;
  name: string;
  /** Its manifest, relative to the app ('' for a model loaded from disk). */
  manifest: string;
  /** Download size of all its files. */
  bytes?: number;
  /** A model loaded from disk: its manifest JSON (its files are in the model cache). */
  fromDisk?: unknown;
}

const FIXTURE = 'fixture-512';
const CHOICE_KEY = 'slicesam-model';

/**
 * What the model list shows: the index without the test fixture (no model for patients,
 * development included) unless it is named in the address, then the models loaded from disk,
 * each replacing an index entry of the same id (its files in the cache are the ones picked).
 */
export function offeredModels(index: readonly ModelEntry[], fromDisk: readonly ModelEntry[], wanted: string | null): ModelEntry[] {
  const disk = new Set(fromDisk.map((m) => m.id));
  return [...index.filter((m) => (m.id !== FIXTURE || wanted === m.id) && !disk.has(m.id)), ...fromDisk];
}

function remembered(): string | null {
  try {
    return localStorage.getItem(CHOICE_KEY);
  } catch {
    return null;
  }
}

function remember(id: string): void {
  try {
    localStorage.setItem(CHOICE_KEY, id);
  } catch {
    // a choice that is not remembered is still the choice
  }
}

export class ModelCatalog {
  models: ModelEntry[] = [];
  modelId: string | null = null;
  /** Why that model (shown in "About this device"). */
  reason = '';

  /** Returns a message when the list could not be read. */
  async load(caps: Promise<Capabilities | null>): Promise<string | null> {
    const wanted = new URLSearchParams(location.search).get('model');
    let problem: string | null = null;
    let index: ModelEntry[] = [];
    try {
      const res = await fetch(new URL('models/index.json', document.baseURI));
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      index = (await res.json()) as ModelEntry[];
    } catch (e) {
      problem = `No model list (models/index.json): ${e instanceof Error ? e.message : String(e)}`;
    }
    const disk = await localModels(await openModelCache().catch(() => null), document.baseURI).catch(() => []);
    this.models = offeredModels(index, disk.map((m) => ({ id: m.manifest.id, name: m.manifest.name, manifest: '', bytes: manifestBytes(m.manifest), fromDisk: m.json })), wanted);
    const named = this.models.find((m) => m.id === wanted);
    const before = named ? undefined : this.models.find((m) => m.id === remembered());
    const choice = named || before ? null : recommendModel((await caps) ?? (await detectCapabilities()), this.models.filter((m) => m.id !== FIXTURE));
    this.modelId = named?.id ?? before?.id ?? choice?.id ?? this.models[0]?.id ?? null;
    this.reason = named ? 'named in the address (?model=)' : before ? (before.fromDisk ? 'loaded from disk by you' : 'chosen by you') : (choice?.reason ?? '');
    return problem;
  }

  /** The user picks a model; false when it is unknown or already chosen. */
  select(id: string): boolean {
    if (!this.models.some((m) => m.id === id) || id === this.modelId) return false;
    this.modelId = id;
    this.reason = 'chosen by you';
    remember(id);
    return true;
  }

  /** A model loaded from disk joins the list (replacing one of the same id) and becomes the choice. */
  addFromDisk(entry: ModelEntry): void {
    this.models = [...this.models.filter((m) => m.id !== entry.id), entry];
    this.modelId = entry.id;
    this.reason = 'loaded from disk by you';
    remember(entry.id);
  }
}
