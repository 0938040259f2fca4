/**
 * The label map a case opens with: unsaved work (the autosave) first, else the label file
 * an earlier save wrote into the folder, else an empty map with one object. No state.
 * Calls persistence, the folder's outputs and the I/O worker (to decode a saved label).
 */
import { restoreObjects } from '../cohort/label-tables.ts';
import * as persistence from '../cohort/persistence.ts';
import type { VolumeSource } from '../io/scan.ts';
import { IoError, type IoClient, type LabelArray } from '../io/worker/client.ts';
import { nextObject, type CaseEntry, type ObjectSpec } from '../shared/cohort.ts';
import type { Volume } from '../shared/volume.ts';
import type { MessageLevel } from '../ui/types.ts';
import { readCaseOutputs } from './case-outputs.ts';
import type { Session } from './cohort-session.ts';
import { isAbort } from './tasks.ts';

export interface StartingLabels {
  labels: LabelArray | null;
  objects: ObjectSpec[];
  /** Unsaved work came back (not yet in the folder). */
  dirty: boolean;
  notice?: string;
}

function distinctValues(labels: ArrayLike<number>): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < labels.length; i++) if (labels[i]) seen.add(labels[i]!);
  return [...seen].sort((a, b) => a - b);
}

export async function startingLabels(
  io: IoClient, session: Session, entry: CaseEntry, source: VolumeSource, volume: Volume,
  message: (level: MessageLevel, text: string, file?: string, reason?: string) => void,
): Promise<StartingLabels> {
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
    const saved = await readCaseOutputs({ root: session.root, outputFolder: session.outputFolder }, entry);
    if (saved.labelFile) {
      try {
        const labels = await io.decodeLabel(source.id, saved.labelFile, saved.path);
        const objects = restoreObjects(distinctValues(labels), saved.table, saved.rows);
        return { labels, objects: objects.length ? objects : [nextObject([])], dirty: false, notice: `${entry.name}: continuing from ${saved.path}.` };
      } catch (e) {
        if (isAbort(e)) throw e;
        // A damaged or foreign label file must not make the case unusable; it stays on disk until an explicit save.
        const reason = e instanceof IoError ? e.reason : String(e);
        message('error', `${saved.path}: ${reason}. The case opens without it; saving will replace it.`, saved.path, reason);
      }
    }
  }
  return { labels: null, objects: [nextObject([])], dirty: false };
}
