/**
 * Saving a case: its label map into the folder's output folder (with the volumetry rows and
 * label tables, case-outputs.ts), or as a download where the browser cannot write into the
 * folder; the summary shown after a save; the demo's saved outputs to the Downloads folder.
 * No state. Calls the I/O worker (compression), the folder and the browser's downloads.
 */
import { ITK_SNAP_LABELS_FILE, SLICER_COLOR_TABLE_FILE } from '../cohort/label-tables.ts';
import { VOLUMETRY_FILE, volumetryRows } from '../cohort/volumetry.ts';
import { readTextIfExists } from '../io/fs/index.ts';
import type { VolumeSource } from '../io/scan.ts';
import type { IoClient } from '../io/worker/client.ts';
import type { CaseEntry, ObjectSpec } from '../shared/cohort.ts';
import type { Volume } from '../shared/volume.ts';
import type { SaveSummary } from '../ui/types.ts';
import { labelFileName, readCaseOutputs, saveCaseOutputs } from './case-outputs.ts';
import type { Session } from './cohort-session.ts';

function download(bytes: Uint8Array, name: string, type = 'application/gzip'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export interface CaseToSave {
  session: Session;
  entry: CaseEntry;
  source: VolumeSource;
  volume: Volume;
  labels: Uint8Array;
  objects: readonly ObjectSpec[];
}

/** Write the case's outputs; the paths written, or null when the label map was downloaded instead. */
export async function saveCase(io: IoClient, c: CaseToSave, signal: AbortSignal): Promise<string[] | null> {
  const labelFile = await io.encodeLabel(c.source.id, c.labels, { signal });
  if (!c.session.root) {
    download(labelFile, labelFileName(c.entry));
    return null;
  }
  return saveCaseOutputs({ root: c.session.root, outputFolder: c.session.outputFolder }, {
    entry: c.entry, objects: c.objects, labels: c.labels, spacing: c.volume.spacing, labelFile,
  });
}

/** Per-object volumes of what was just saved. */
export function saveSummary(c: CaseToSave, written: string[]): SaveSummary {
  const rows = volumetryRows(c.entry, c.objects, c.labels, c.volume.spacing, new Date());
  return {
    caseName: c.entry.name,
    written,
    rows: rows.map((r) => ({
      labelValue: Number(r.labelValue),
      name: r.objectName,
      color: c.objects.find((o) => o.labelValue === Number(r.labelValue))?.color ?? [255, 255, 255],
      voxels: Number(r.voxelCount),
      mm3: Number(r.volumeMm3),
      ml: Number(r.volumeMl),
    })),
  };
}

/** The case's saved outputs, from this browser's storage to the Downloads folder (the demo); false when nothing is saved yet. */
export async function downloadSavedOutputs(session: Session, entry: Pick<CaseEntry, 'id' | 'labelFile'>): Promise<boolean> {
  if (!session.root) return false;
  const saved = await readCaseOutputs({ root: session.root, outputFolder: session.outputFolder }, entry);
  if (!saved.labelFile) return false;
  download(saved.labelFile, saved.path.split('/').at(-1)!);
  for (const name of [VOLUMETRY_FILE, ITK_SNAP_LABELS_FILE, SLICER_COLOR_TABLE_FILE]) {
    const text = await readTextIfExists(session.root, `${session.outputFolder}/${name}`);
    if (text !== null) download(new TextEncoder().encode(text), name, 'text/plain');
  }
  return true;
}
