/**
 * A scan report → the cases of a cohort: one per DICOM series or NIfTI
 * volume, plus a failed case for each file that should have been an image but
 * could not be read. Pure: the same report always gives the same cases, in the
 * same order, with the same ids.
 *
 * What is left out (and why, see `classifyScan().ignored`):
 * - everything under the output folder (first path segment equal to
 *   `outputFolder`, compared case-insensitively);
 * - NIfTI files that are label maps written for another case: a file name
 *   whose stem (without .nii / .nii.gz) ends in `_label`, `_labels`, `_seg`,
 *   `_segmentation` or `_mask` (separator `_`, `-` or `.`, any case), e.g.
 *   `BraTS_001_seg.nii.gz`, `case1-labels.nii`; or a NIfTI in a folder, at
 *   any depth, named like the output folder, or `labels` (the default output
 *   name, also when another is configured), or `labelsTr` / `labelsTs` (the
 *   nnU-Net / Medical Segmentation Decathlon layout);
 * - skipped files that are not images at all: DICOM objects without pixels
 *   (SR, RTSTRUCT, SEG, DICOMDIR …), hidden files (a path segment starting
 *   with '.', e.g. macOS `._x.nii.gz` and `.DS_Store`), and unreadable files
 *   that do not look like images by name (README.txt, .json sidecars, …).
 *
 * What becomes a failed case: a skipped file whose content was recognised as
 * DICOM or NIfTI but could not be read (truncated, bad header, unsupported …),
 * and an unrecognised or empty file whose name says it should be an image:
 * `.dcm`, `.dicom`, `.ima`, `.nii`, `.nii.gz`, or a name without an extension
 * (or with a numeric one, like a UID) in a folder that holds DICOM files.
 */
import type { CaseEntry } from '../shared/cohort.ts';
import type { ScanReport, SkippedFile, VolumeSource } from '../io/scan.ts';
import { comparePaths } from '../shared/paths.ts';
import { hash8, labelFileNames } from './label-names.ts';

export interface CaseOptions {
  /** Name of the output folder at the root (default 'labels'). */
  outputFolder: string;
}

export const DEFAULT_OUTPUT_FOLDER = 'labels';

/** A path the scan reported that is not (and does not fail as) a case. */
export interface IgnoredPath {
  path: string;
  why: 'output-folder' | 'label-map' | 'not-an-image' | 'hidden';
  /** In words, for a "n files ignored" list. */
  reason: string;
}

export interface CohortCases {
  cases: CaseEntry[];
  ignored: IgnoredPath[];
}

export { comparePaths };

const NIFTI_EXT = /\.nii(\.gz)?$/i;

function folderOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The deepest folder that holds every path ('' for the root). */
export function commonFolder(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  let parts = folderOf(paths[0]!).split('/').filter((s) => s !== '');
  for (const p of paths.slice(1)) {
    const other = folderOf(p).split('/');
    let k = 0;
    while (k < parts.length && k < other.length && parts[k] === other[k]) k++;
    parts = parts.slice(0, k);
  }
  return parts.join('/');
}

/** The DICOM split suffix ('#2') of a series id, or ''. */
function splitSuffix(seriesId: string): string {
  return /#\d+$/.exec(seriesId)?.[0] ?? '';
}

/**
 * A case's stable id. NIfTI: the relative path without `.nii` / `.nii.gz`
 * (`patients/p1/t1.nii.gz` → `patients/p1/t1`). DICOM: the series folder
 * (deepest folder holding all its files) + '/' + SeriesInstanceUID, plus
 * '#n' when the scan split one UID into several grids
 * (`p1/mr/1.2.840.1234#2`); at the root, the UID alone.
 */
export function caseIdFor(source: VolumeSource): string {
  if (source.kind === 'nifti') return source.paths[0]!.replace(NIFTI_EXT, '');
  const folder = commonFolder(source.paths);
  const uid = source.series
    ? (source.series.seriesInstanceUid || 'no-series-uid') + splitSuffix(source.series.id)
    : source.id;
  return folder ? `${folder}/${uid}` : uid;
}

/**
 * The path a volumetry row names: the file when the case has one (a NIfTI
 * file, a multi-frame DICOM), else the folder holding the series ('.' at the
 * root).
 */
export function caseSourcePath(entry: Pick<CaseEntry, 'sourcePaths'>): string {
  if (entry.sourcePaths.length === 1) return entry.sourcePaths[0]!;
  return commonFolder(entry.sourcePaths) || '.';
}

const STEM_SAFE = /^[A-Za-z0-9.\-/]+$/;
/** Names Windows refuses whatever the extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;
const MAX_STEM = 150;

/**
 * The label file stem earlier versions wrote (`labels/<stem>.nii.gz`): still
 * read when a case has no file under its new name (label-names.ts). Readable, safe on every file
 * system, one per id. '/' becomes '_'; any other character outside
 * [A-Za-z0-9.-] (including '_' itself, '#', spaces, non-ASCII) becomes '_'
 * too, and then — because that mapping could merge two ids — the stem ends in
 * '-' + 8 hex digits of a hash of the full id. Ids made of [A-Za-z0-9.-/]
 * only map one-to-one without a hash (`p1/t1` → `p1_t1`). Long stems are cut
 * to 150 characters (plus the hash); a leading '.' or '-' becomes '_'; names
 * Windows reserves (CON, NUL, COM1 …) get the hash too.
 */
export function caseFileStem(id: string): string {
  let stem = id.replace(/[^A-Za-z0-9.\-]/g, '_').replace(/^[.-]/, '_');
  const exact = STEM_SAFE.test(id) && !/^[.-]/.test(id) && !/\.$/.test(id) && id.length <= MAX_STEM && !WINDOWS_RESERVED.test(stem);
  if (exact) return stem;
  if (stem.length > MAX_STEM) stem = stem.slice(0, MAX_STEM);
  return `${stem || 'case'}-${hash8(id)}`;
}

const IMAGE_NAME = /\.(dcm|dicom|ima|nii|nii\.gz)$/i;
/** Names without a real extension: no dot, or only digits after the last dot (UID-like). */
const NO_EXTENSION = /^[^.]+$|\.\d+$/;
/** Extension-less names that are never images. */
const NOT_IMAGE_NAMES = new Set(['readme', 'license', 'licence', 'copying', 'notice', 'changes', 'changelog', 'authors', 'version', 'manifest', 'dicomdir', 'lockfile', 'makefile', 'thumbs.db', 'desktop.ini']);
/** Folder names whose NIfTI files are label maps (besides the output folder's name). */
const LABEL_FOLDERS = new Set([DEFAULT_OUTPUT_FOLDER, 'labelstr', 'labelsts']);
const LABEL_STEM = /[_.-](label|labels|seg|segmentation|mask)$/i;

function isHidden(path: string): boolean {
  return path.split('/').some((s) => s.startsWith('.'));
}

function isUnderOutput(path: string, outputFolder: string): boolean {
  const first = path.split('/')[0] ?? '';
  return path.includes('/') && first.toLowerCase() === outputFolder.toLowerCase();
}

/** Whether a NIfTI path is a label map written for another case (see the module comment). */
export function isLabelMapPath(path: string, outputFolder: string = DEFAULT_OUTPUT_FOLDER): boolean {
  if (!NIFTI_EXT.test(path)) return false;
  if (LABEL_STEM.test(baseName(path).replace(NIFTI_EXT, ''))) return true;
  const folders = folderOf(path).split('/').map((s) => s.toLowerCase());
  return folders.some((f) => f === outputFolder.toLowerCase() || LABEL_FOLDERS.has(f));
}

/** Codes that mean "recognised as an image format, but could not be read". */
function isReadFailure(s: SkippedFile): boolean {
  return s.code !== 'non-image' && s.code !== 'not-image' && s.code !== 'not-recognised' && s.code !== 'empty';
}

function looksLikeImage(path: string, dicomFolders: ReadonlySet<string>): boolean {
  const name = baseName(path);
  if (IMAGE_NAME.test(name)) return true;
  if (NOT_IMAGE_NAMES.has(name.toLowerCase())) return false;
  return NO_EXTENSION.test(name) && dicomFolders.has(folderOf(path));
}

function failedKind(path: string): CaseEntry['kind'] {
  return NIFTI_EXT.test(path) ? 'nifti' : 'dicom';
}

interface Sortable { entry: CaseEntry; key: string; source?: VolumeSource }

/** Cases and ignored paths of a scan (see the module comment for the rules). */
export function classifyScan(report: ScanReport, options: CaseOptions = { outputFolder: DEFAULT_OUTPUT_FOLDER }): CohortCases {
  const output = options.outputFolder || DEFAULT_OUTPUT_FOLDER;
  const ignored: IgnoredPath[] = [];
  const items: Sortable[] = [];

  const dicomFolders = new Set<string>();
  for (const v of report.volumes) if (v.kind === 'dicom') for (const p of v.paths) dicomFolders.add(folderOf(p));
  for (const s of report.skipped) {
    if (s.code === 'non-image' || (isReadFailure(s) && !NIFTI_EXT.test(s.path))) dicomFolders.add(folderOf(s.path));
  }

  for (const v of report.volumes) {
    const first = v.paths[0] ?? v.id;
    if (v.paths.every((p) => isUnderOutput(p, output))) {
      ignored.push({ path: first, why: 'output-folder', reason: `in the output folder '${output}'` });
      continue;
    }
    if (v.kind === 'nifti' && isLabelMapPath(first, output)) {
      ignored.push({ path: first, why: 'label-map', reason: 'a label map (by its name or folder), not an image to annotate' });
      continue;
    }
    if (v.kind === 'nifti') {
      items.push({ key: first, source: v, entry: { id: caseIdFor(v), name: first, kind: 'nifti', sourcePaths: [...v.paths], status: 'todo' } });
    } else {
      const folder = commonFolder(v.paths);
      const description = v.series?.description ?? v.description ?? 'DICOM series';
      items.push({
        key: folder ? `${folder}/` : '',
        source: v,
        entry: { id: caseIdFor(v), name: folder ? `${folder} — ${description}` : description, kind: 'dicom', sourcePaths: [...v.paths], status: 'todo' },
      });
    }
  }

  for (const s of report.skipped) {
    const path = s.path;
    if (isUnderOutput(path, output)) { ignored.push({ path, why: 'output-folder', reason: `in the output folder '${output}'` }); continue; }
    if (isHidden(path)) { ignored.push({ path, why: 'hidden', reason: 'a hidden file' }); continue; }
    if (isLabelMapPath(path, output)) { ignored.push({ path, why: 'label-map', reason: 'a label map (by its name or folder), not an image to annotate' }); continue; }
    if (s.code === 'non-image' || s.code === 'not-image' || (!isReadFailure(s) && !looksLikeImage(path, dicomFolders))) {
      ignored.push({ path, why: 'not-an-image', reason: s.reason });
      continue;
    }
    items.push({
      key: path,
      entry: { id: NIFTI_EXT.test(path) ? path.replace(NIFTI_EXT, '') : path, name: path, kind: failedKind(path), sourcePaths: [path], status: 'failed', reason: s.reason },
    });
  }

  items.sort((a, b) => comparePaths(a.key, b.key) || comparePaths(a.entry.name, b.entry.name) || (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0));
  const cases = items.map((i) => i.entry);
  disambiguateIds(cases);
  disambiguateNames(cases);
  const labelFiles = labelFileNames(items.filter((i) => i.entry.status !== 'failed'), caseFileStem);
  for (const c of cases) {
    const file = labelFiles.get(c.id);
    if (file) c.labelFile = file;
  }
  ignored.sort((a, b) => comparePaths(a.path, b.path));
  return { cases, ignored };
}

/** `classifyScan(report, options).cases`. */
export function casesFromScan(report: ScanReport, options: CaseOptions = { outputFolder: DEFAULT_OUTPUT_FOLDER }): CaseEntry[] {
  return classifyScan(report, options).cases;
}

/**
 * Two NIfTI files that differ only by `.nii` / `.nii.gz` (or a failed file
 * whose path equals another case's id) would share an id: every member of
 * such a group keeps its full path as its id instead (still stable, since it
 * depends only on the files present).
 */
function disambiguateIds(cases: CaseEntry[]): void {
  const count = new Map<string, number>();
  for (const c of cases) count.set(c.id, (count.get(c.id) ?? 0) + 1);
  for (const c of cases) {
    if ((count.get(c.id) ?? 0) > 1 && c.sourcePaths.length === 1) c.id = c.sourcePaths[0]!;
  }
  const seen = new Map<string, number>();
  for (const c of cases) {
    const n = (seen.get(c.id) ?? 0) + 1;
    seen.set(c.id, n);
    if (n > 1) c.id = `${c.id}~${n}`;
  }
}

/** Two series with the same folder and description get ' (2)', ' (3)' … in queue order. */
function disambiguateNames(cases: CaseEntry[]): void {
  const seen = new Map<string, number>();
  for (const c of cases) {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    if (n > 1) c.name = `${c.name} (${n})`;
  }
}
