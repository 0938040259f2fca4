/**
 * Writing a case's outputs into `<root>/<output folder>/`: the label map
 * (already compressed by the I/O worker), the volumetry rows (replacing only
 * this case's rows) and the cohort's ITK-SNAP / Slicer label tables. Every
 * file goes through an atomic write, so a crash leaves the old file or the
 * new one, never half of one. Also reads them back when a case is reopened.
 * The label map is named for people (../cohort/label-names.ts); a file an
 * earlier version saved under the case id's stem is still read, never touched.
 */
import { caseFileStem } from '../cohort/cases.ts';
import {
  ITK_SNAP_LABELS_FILE,
  SLICER_COLOR_TABLE_FILE,
  itkSnapLabels,
  mergeCohortObjects,
  parseItkSnapLabels,
  slicerColorTable,
} from '../cohort/label-tables.ts';
import { VOLUMETRY_FILE, upsertVolumetryCsv, volumetryRows, volumetryRowsForCase, type VolumetryRow } from '../cohort/volumetry.ts';
import { readFileIfExists, readTextIfExists, writeFileAtomic } from '../io/fs/index.ts';
import type { CaseEntry, ObjectSpec } from '../shared/cohort.ts';
import type { Vec3 } from '../shared/volume.ts';

export interface CaseOutputs {
  root: FileSystemDirectoryHandle;
  outputFolder: string;
}

/** The name a save gives the case's label map: its name for people (label-names.ts). */
export function labelFileName(entry: Pick<CaseEntry, 'id' | 'labelFile'>): string {
  return entry.labelFile ?? `${caseFileStem(entry.id)}.nii.gz`;
}

export function labelPath(out: CaseOutputs, entry: Pick<CaseEntry, 'id' | 'labelFile'>): string {
  return `${out.outputFolder}/${labelFileName(entry)}`;
}

/** Where versions before the names for people saved it (the case id's stem), still read. */
export function oldLabelPath(out: CaseOutputs, caseId: string): string {
  return `${out.outputFolder}/${caseFileStem(caseId)}.nii.gz`;
}

export interface SaveRequest {
  entry: Pick<CaseEntry, 'id' | 'sourcePaths' | 'labelFile'>;
  objects: readonly ObjectSpec[];
  labels: ArrayLike<number>;
  spacing: Vec3;
  /** The label map as .nii.gz bytes. */
  labelFile: Uint8Array;
  savedAt?: Date;
}

/** Write everything for one case; returns the paths written. */
export async function saveCaseOutputs(out: CaseOutputs, request: SaveRequest): Promise<string[]> {
  const dir = out.outputFolder;
  const csvPath = `${dir}/${VOLUMETRY_FILE}`;
  // Read and merge first: a malformed CSV or table throws before anything is written.
  const rows = volumetryRows(request.entry, request.objects, request.labels, request.spacing, request.savedAt ?? new Date());
  const csv = upsertVolumetryCsv(await readTextIfExists(out.root, csvPath), request.entry.id, rows);
  const existingTable = await readTextIfExists(out.root, `${dir}/${ITK_SNAP_LABELS_FILE}`);
  const table = mergeCohortObjects(existingTable ? parseItkSnapLabels(existingTable) : null, request.objects);

  // Under the new name only: a file an earlier version left under the old name is never removed or changed.
  const label = labelPath(out, request.entry);
  await writeFileAtomic(out.root, label, request.labelFile);
  await writeFileAtomic(out.root, csvPath, csv);
  await writeFileAtomic(out.root, `${dir}/${ITK_SNAP_LABELS_FILE}`, itkSnapLabels(table));
  await writeFileAtomic(out.root, `${dir}/${SLICER_COLOR_TABLE_FILE}`, slicerColorTable(table));
  return [label, csvPath, `${dir}/${ITK_SNAP_LABELS_FILE}`, `${dir}/${SLICER_COLOR_TABLE_FILE}`];
}

/**
 * What an earlier save left for this case: its label file, the cohort table and its CSV rows. The
 * label file under its name for people, else under the name earlier versions gave it; when both
 * exist the new one wins (it is what the last save of this version wrote).
 */
export async function readCaseOutputs(out: CaseOutputs, entry: Pick<CaseEntry, 'id' | 'labelFile'>): Promise<{
  labelFile: Uint8Array | null;
  path: string;
  table: ReturnType<typeof parseItkSnapLabels> | null;
  rows: VolumetryRow[];
}> {
  let path = labelPath(out, entry);
  let labelFile = await readFileIfExists(out.root, path);
  const old = oldLabelPath(out, entry.id);
  if (!labelFile && old !== path) {
    labelFile = await readFileIfExists(out.root, old);
    if (labelFile) path = old;
  }
  if (!labelFile) return { labelFile: null, path: labelPath(out, entry), table: null, rows: [] };
  const caseId = entry.id;
  const tableText = await readTextIfExists(out.root, `${out.outputFolder}/${ITK_SNAP_LABELS_FILE}`);
  const csv = await readTextIfExists(out.root, `${out.outputFolder}/${VOLUMETRY_FILE}`);
  return {
    labelFile,
    path,
    table: tableText ? parseItkSnapLabels(tableText) : null,
    rows: volumetryRowsForCase(csv, caseId),
  };
}
