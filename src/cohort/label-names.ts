/**
 * The label file name of each case, for people: a DICOM series'
 * `<PatientID or folder>_<SeriesNumber>_<SeriesDescription>.nii.gz`, a NIfTI
 * volume's own file name. Pure: the same cohort always gives the same names.
 *
 * - Safe on Windows, macOS and Linux: letters and digits of any script
 *   (Unicode NFC), '.', '+' and '-' are kept, any other run of characters
 *   becomes one '_'; no leading or trailing '.', '_' or '-' (Windows drops
 *   trailing dots and spaces, a leading '.' hides a file, a leading '-'
 *   reads as an option); Windows' device names (CON, NUL, COM1 …) get a '_'.
 * - At most 80 characters with `.nii.gz`: the description (a NIfTI file's
 *   folders) is shortened first.
 * - Unique in the cohort, compared case-insensitively (Windows and macOS
 *   folders are): every case in a clash moves on to a more specific name —
 *   DICOM: + StudyDate, then + a hash of the case id; NIfTI: + its folder,
 *   + every folder, then + the hash — until none clash. A name is never
 *   another case's old name (`caseFileStem`, what earlier versions wrote),
 *   so an old file is only ever found by its own case.
 */
import type { VolumeSource } from '../io/scan.ts';
import type { CaseEntry } from '../shared/cohort.ts';

export const LABEL_FILE_EXTENSION = '.nii.gz';
export const MAX_LABEL_FILE_NAME = 80;
const MAX_STEM = MAX_LABEL_FILE_NAME - LABEL_FILE_EXTENSION.length;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;
const NIFTI_EXT = /\.nii(\.gz)?$/i;

/** FNV-1a over the UTF-8 bytes, as 8 hex digits. */
export function hash8(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** One part of a name: safe characters only, runs of others as one '_', no '.', '_' or '-' at either end. */
export function safePart(text: string): string {
  return text.normalize('NFC').replace(/[^\p{L}\p{N}.+-]+/gu, '_').replace(/^[._-]+|[._-]+$/g, '');
}

const chars = (s: string): string[] => Array.from(s);

/**
 * Parts joined by '_' within MAX_STEM characters. `shrink` is the index of the
 * part cut first (from its end, or its start when `fromStart`); then the whole
 * is cut from the end.
 */
function compose(parts: readonly string[], shrink = -1, fromStart = false): string {
  const safe = parts.map(safePart);
  const joined = (): string => safe.filter((p) => p !== '').join('_');
  const over = chars(joined()).length - MAX_STEM;
  if (over > 0 && shrink >= 0 && safe[shrink]) {
    const c = chars(safe[shrink]!);
    const keep = Math.max(0, c.length - over);
    safe[shrink] = safePart((fromStart ? c.slice(c.length - keep) : c.slice(0, keep)).join(''));
  }
  let stem = safePart(chars(joined()).slice(0, MAX_STEM).join('')) || 'case';
  if (WINDOWS_DEVICE.test(stem)) stem = stem.replace(/^([^.]*)/, '$1_');
  return stem;
}

function folders(path: string): string[] {
  return path.split('/').slice(0, -1).filter((s) => s !== '');
}

/** Every path's folder in common, as segments. */
function commonFolders(paths: readonly string[]): string[] {
  let common = folders(paths[0] ?? '');
  for (const p of paths.slice(1)) {
    const other = folders(p);
    let k = 0;
    while (k < common.length && k < other.length && common[k] === other[k]) k++;
    common = common.slice(0, k);
  }
  return common;
}

/** A case's names, plainest first; the last is unique by its id. */
export function labelStemCandidates(entry: Pick<CaseEntry, 'id' | 'kind' | 'sourcePaths'>, source?: VolumeSource): string[] {
  const hash = hash8(entry.id);
  if (entry.kind === 'nifti') {
    const path = entry.sourcePaths[0] ?? entry.id;
    const name = path.slice(path.lastIndexOf('/') + 1).replace(NIFTI_EXT, '');
    const dirs = folders(path);
    const out = [compose([name])];
    if (dirs.length > 0) out.push(compose([dirs.at(-1)!, name], 0, true));
    if (dirs.length > 1) out.push(compose([dirs.join('_'), name], 0, true));
    out.push(compose([dirs.join('_'), name, hash], 0, true));
    return out;
  }
  const series = source?.series;
  const patient = series?.patientId ?? commonFolders(entry.sourcePaths).at(-1) ?? '';
  const description = series?.seriesDescription ?? series?.modality ?? source?.modality ?? 'series';
  const part = /#(\d+)$/.exec(series?.id ?? '')?.[1];
  const base = [patient, series?.seriesNumber !== undefined ? String(series.seriesNumber) : '', description, part ? `part${part}` : ''];
  const out = [compose(base, 2)];
  if (series?.studyDate) out.push(compose([...base, series.studyDate], 2));
  out.push(compose([...base, series?.studyDate ?? '', hash], 2));
  return out;
}

/**
 * File names (with `.nii.gz`) for cases in queue order: case id → name.
 * `oldStem(id)` is the name an earlier version gave the case, never given to another.
 */
export function labelFileNames(
  cases: ReadonlyArray<{ entry: Pick<CaseEntry, 'id' | 'kind' | 'sourcePaths'>; source?: VolumeSource }>,
  oldStem: (id: string) => string,
): Map<string, string> {
  const candidates = cases.map((c) => labelStemCandidates(c.entry, c.source));
  const at = cases.map(() => 0);
  const oldOwner = new Map<string, number>();
  cases.forEach((c, n) => oldOwner.set(oldStem(c.entry.id).toLowerCase(), n));
  const current = (n: number): string => candidates[n]![at[n]!]!;
  for (let moved = true; moved;) {
    moved = false;
    const holders = new Map<string, number>();
    cases.forEach((_, n) => { const key = current(n).toLowerCase(); holders.set(key, (holders.get(key) ?? 0) + 1); });
    cases.forEach((_, n) => {
      const key = current(n).toLowerCase();
      const owner = oldOwner.get(key);
      const clash = holders.get(key)! > 1 || (owner !== undefined && owner !== n);
      if (clash && at[n]! < candidates[n]!.length - 1) { at[n]!++; moved = true; }
    });
  }
  // Hash names that still clash (never seen, but never two cases on one file): _2, _3 … in queue order.
  const taken = new Set<string>();
  const names = new Map<string, string>();
  cases.forEach((c, n) => {
    let stem = current(n);
    for (let k = 2; taken.has(stem.toLowerCase()); k++) stem = compose([chars(current(n)).slice(0, MAX_STEM - 1 - String(k).length).join(''), String(k)]);
    taken.add(stem.toLowerCase());
    names.set(c.entry.id, `${stem}${LABEL_FILE_EXTENSION}`);
  });
  return names;
}
