/**
 * Autosave: unsaved work of the open case reaches IndexedDB shortly after the last change,
 * and at once before the case is left or the page goes. State: the timer and the time of
 * the last autosave that landed. Calls persistence and the host's snapshot of the work.
 */
import * as persistence from '../cohort/persistence.ts';
import type { ObjectSpec } from '../shared/cohort.ts';
import type { Vec3 } from '../shared/volume.ts';
import type { MessageLevel } from '../ui/types.ts';
import { errorText } from './tasks.ts';

/** Unsaved work reaches IndexedDB this long after the last change (the promise is ≤ 2 s). */
const AUTOSAVE_DELAY_MS = 800;

/** The unsaved work of the open case, or null when there is none to keep. */
export interface UnsavedWork {
  rootId: string;
  caseId: string;
  labels: Uint8Array;
  dims: Vec3;
  objects: ObjectSpec[];
}

export class Autosave {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #last = 0;

  constructor(private readonly work: () => UnsavedWork | null, private readonly message: (level: MessageLevel, text: string) => void) {}

  /** ms since epoch of the last autosave that reached IndexedDB (tests and the crash-restore notice read it). */
  get last(): number {
    return this.#last;
  }

  /** A change: save soon. */
  schedule(): void {
    this.cancel();
    this.#timer = setTimeout(() => void this.flush(), AUTOSAVE_DELAY_MS);
  }

  cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Save now (when there is unsaved work). */
  async flush(): Promise<void> {
    this.cancel();
    const w = this.work();
    if (!w) return;
    const savedAt = Date.now();
    try {
      await persistence.saveAutosave(w.rootId, w.caseId, { savedAt, labels: w.labels, dims: w.dims, objects: w.objects, prompts: [] });
      this.#last = savedAt;
    } catch (e) {
      this.message('error', `Autosave failed: ${errorText(e)}`);
    }
  }
}
