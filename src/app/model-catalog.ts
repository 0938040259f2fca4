/**
 * The SAM2 models the app offers (models/index.json) and the one in use: from the address
 * (?model=id), else the one this device runs best (capabilities.ts), else the user's choice.
 */
import { detectCapabilities, recommendModel, type Capabilities } from './capabilities.ts';

/** One entry of models/index.json. */
export interface ModelEntry {
  id: string;
  name: string;
  manifest: string;
  /** Download size of all its files. */
  bytes?: number;
}

const FIXTURE = 'fixture-512';

export class ModelCatalog {
  models: ModelEntry[] = [];
  modelId: string | null = null;
  /** Why that model (shown in "About this device"). */
  reason = '';

  /** Returns a message when the list could not be read. */
  async load(caps: Promise<Capabilities | null>): Promise<string | null> {
    const wanted = new URLSearchParams(location.search).get('model');
    let problem: string | null = null;
    try {
      const res = await fetch(new URL('models/index.json', document.baseURI));
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      // The test fixture is no model for patients: listed only when asked for by name, or in development.
      this.models = ((await res.json()) as ModelEntry[]).filter((m) => m.id !== FIXTURE || wanted === m.id || import.meta.env.DEV);
    } catch (e) {
      problem = `No model list (models/index.json): ${e instanceof Error ? e.message : String(e)}`;
      this.models = [];
    }
    const named = this.models.find((m) => m.id === wanted);
    const choice = named ? null : recommendModel((await caps) ?? (await detectCapabilities()), this.models.filter((m) => m.id !== FIXTURE));
    this.modelId = named?.id ?? choice?.id ?? this.models[0]?.id ?? null;
    this.reason = named ? 'named in the address (?model=)' : (choice?.reason ?? '');
    return problem;
  }

  /** The user picks a model; false when it is unknown or already chosen. */
  select(id: string): boolean {
    if (!this.models.some((m) => m.id === id) || id === this.modelId) return false;
    this.modelId = id;
    this.reason = 'chosen by you';
    return true;
  }
}
